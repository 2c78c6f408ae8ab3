//! Device probing: which devices this machine has, the default device (`DEVARRAY_DEVICE`), and
//! the devices report. Everything here that asks the CUDA backend lives apart from the
//! [`Device`] value type (`crate::device`), which is a leaf module.

use crate::device::{Device, DeviceInfo, DEVICE_ENV};
use crate::error::{Error, Result};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

impl std::str::FromStr for Device {
    type Err = Error;

    /// Parses `cpu`, `cuda` (= `cuda:0`), `cuda:N` or, where the emulator is selected,
    /// `cuda-emu` (= `cuda:0`), case-insensitively. Only the syntax is
    /// checked; [`Device::checked`] also checks that the device exists.
    fn from_str(s: &str) -> Result<Device> {
        Device::from_name(s, crate::cuda::emulator_requested()).map_err(|reason| Error::BadDeviceName {
            value: s.to_string(),
            reason: reason.to_string(),
            available: available_devices_text(),
        })
    }
}

impl Default for Device {
    /// [`Device::from_env`]'s device when it succeeds: `DEVARRAY_DEVICE` if set, else CUDA
    /// device 0 when usable, else the CPU.
    ///
    /// When `DEVARRAY_DEVICE` names a device that cannot be used (`cuda` on a machine without a
    /// GPU, `cuda:7` with two GPUs, a misspelling), this returns the CPU **and prints a warning
    /// to stderr, once per process**, with the reason and the devices that exist: a user who
    /// asked for a GPU learns that they did not get one. Programs that must not run elsewhere
    /// call [`Device::from_env`], which returns that error instead.
    fn default() -> Self {
        static WARNED: AtomicBool = AtomicBool::new(false);
        or_cpu_warning_once(Device::from_env(), &WARNED, &mut std::io::stderr())
    }
}

/// `resolved`'s device, or the CPU after writing why to `out` unless `warned` says that was
/// already done. Split from `Default` so the once-only warning can be tested with its own flag.
fn or_cpu_warning_once(resolved: Result<Device>, warned: &AtomicBool, out: &mut dyn std::io::Write) -> Device {
    resolved.unwrap_or_else(|e| {
        if !warned.swap(true, Ordering::Relaxed) {
            // A failed write to stderr leaves nothing better to do than to carry on.
            let _ = writeln!(
                out,
                "devarray warning: {DEVICE_ENV} cannot be used ({e}); Device::default() falls back to the CPU. \
                 Fix or unset {DEVICE_ENV}, or call Device::from_env() to get this as an error."
            );
        }
        Device::Cpu
    })
}

impl Device {
    /// The device to use: `DEVARRAY_DEVICE` when set and usable, else CUDA device 0 when usable,
    /// else the CPU. The fallible entry point programs should start from.
    ///
    /// **Errors** with [`Error::BadDeviceName`] (listing the devices that exist) when
    /// `DEVARRAY_DEVICE` cannot be parsed or names a device this machine cannot use; it never
    /// falls back silently. [`Device::default`] is the infallible form.
    ///
    /// ```
    /// // On a machine without CUDA (and without DEVARRAY_DEVICE) this is the CPU.
    /// let d = devarray::Device::from_env()?;
    /// println!("default device: {d}");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn from_env() -> Result<Device> {
        match std::env::var(DEVICE_ENV) {
            Ok(v) if !v.trim().is_empty() => v.parse::<Device>()?.checked(),
            _ => Ok(if crate::cuda::device_count() > 0 { Device::Cuda(0) } else { Device::Cpu }),
        }
    }

    /// `self` if it exists on this machine, else an error naming what does.
    ///
    /// ```
    /// use devarray::Device;
    /// assert_eq!(Device::Cpu.checked().unwrap(), Device::Cpu);
    /// assert!(Device::Cuda(4096).checked().is_err());
    /// ```
    pub fn checked(self) -> Result<Device> {
        match self {
            Device::Cpu => Ok(self),
            Device::Cuda(i) => {
                let count = crate::cuda::device_count();
                if i < count {
                    Ok(self)
                } else {
                    let reason = match crate::cuda::unavailable_reason() {
                        Some(r) => r,
                        None => format!("there are {count} CUDA devices"),
                    };
                    Err(Error::BadDeviceName { value: self.to_string(), reason, available: available_devices_text() })
                }
            }
        }
    }

    /// CUDA device `ordinal` if it can be used, else [`Error::CudaUnavailable`].
    ///
    /// ```
    /// match devarray::Device::cuda_if_available(0) {
    ///     Ok(d) => println!("using {d}"),
    ///     Err(e) => println!("no GPU: {e}"),
    /// }
    /// ```
    pub fn cuda_if_available(ordinal: usize) -> Result<Device> {
        let count = crate::cuda::device_count();
        if ordinal < count {
            Ok(Device::Cuda(ordinal))
        } else {
            let reason = crate::cuda::unavailable_reason()
                .unwrap_or_else(|| format!("device {ordinal} requested but {count} CUDA devices exist"));
            Err(Error::CudaUnavailable { reason })
        }
    }

    /// Every device on this machine: the CPU, then each CUDA device.
    ///
    /// ```
    /// assert_eq!(devarray::Device::all()[0], devarray::Device::Cpu);
    /// ```
    pub fn all() -> Vec<Device> {
        std::iter::once(Device::Cpu).chain((0..crate::cuda::device_count()).map(Device::Cuda)).collect()
    }

    /// Waits until every operation queued on this device has finished.
    ///
    /// ```
    /// devarray::Device::Cpu.synchronize().unwrap();
    /// ```
    pub fn synchronize(self) -> Result<()> {
        match self {
            Device::Cpu => Ok(()),
            Device::Cuda(i) => crate::cuda::CudaDevice::get(i)?.synchronize(),
        }
    }
}

fn available_devices_text() -> String {
    let names: Vec<String> = Device::all().iter().map(|d| d.to_string()).collect();
    let mut text = names.join(", ");
    if let Some(reason) = crate::cuda::unavailable_reason() {
        text.push_str(&format!(" (CUDA: {reason})"));
    }
    text
}

/// A listing of this machine's devices and CUDA software versions.
#[derive(Clone, Debug)]
pub struct DevicesReport {
    /// The devices, CPU first.
    pub devices: Vec<DeviceInfo>,
    /// The CUDA driver's version (`12080` = 12.8), or `None` without a driver.
    pub driver_version: Option<i32>,
    /// NVRTC's version `(major, minor)`, or `None` when libnvrtc cannot be loaded.
    pub nvrtc_version: Option<(i32, i32)>,
    /// Why CUDA is unusable, if it is.
    pub cuda_unavailable: Option<String>,
    /// Whether the CUDA devices are emulated on the CPU (`DEVARRAY_DEVICE=cuda-emu`).
    pub cuda_emulated: bool,
    /// The device `Device::default()` picks.
    pub default_device: Device,
}

/// Lists this machine's devices with driver and NVRTC versions. Never panics: without a driver
/// the report says why CUDA is unavailable.
///
/// ```
/// let r = devarray::devices_report();
/// assert!(!r.devices.is_empty());
/// ```
pub fn devices_report() -> DevicesReport {
    let threads = rayon::current_num_threads();
    let mut devices = vec![DeviceInfo {
        device: Device::Cpu,
        name: format!("host CPU ({threads} worker threads)"),
        compute_capability: None,
        total_memory: None,
        multiprocessors: threads,
    }];
    devices.extend((0..crate::cuda::device_count()).filter_map(|i| crate::cuda::device_info(i).ok()));
    DevicesReport {
        devices,
        driver_version: crate::cuda::driver_version(),
        nvrtc_version: crate::cuda::nvrtc_version(),
        cuda_unavailable: crate::cuda::unavailable_reason(),
        cuda_emulated: crate::cuda::emulated(),
        default_device: Device::default(),
    }
}

impl fmt::Display for DevicesReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.driver_version {
            Some(v) => writeln!(f, "CUDA driver: {}.{}", v / 1000, (v % 1000) / 10)?,
            None if self.cuda_emulated => writeln!(f, "CUDA driver: none; CUDA is emulated on the CPU (cuda-emu)")?,
            None => writeln!(f, "CUDA driver: not found")?,
        }
        match self.nvrtc_version {
            Some((a, b)) => writeln!(f, "NVRTC: {a}.{b}")?,
            None => writeln!(f, "NVRTC: not found")?,
        }
        if let Some(r) = &self.cuda_unavailable {
            writeln!(f, "CUDA unavailable: {r}")?;
        }
        for d in &self.devices {
            write!(f, "  {:<8} {}", d.device.to_string(), d.name)?;
            if let Some((a, b)) = d.compute_capability {
                write!(f, ", compute capability {a}.{b}, {} SMs", d.multiprocessors)?;
            }
            if let Some(m) = d.total_memory {
                write!(f, ", {:.1} GiB", m as f64 / (1u64 << 30) as f64)?;
            }
            writeln!(f)?;
        }
        write!(f, "default device: {}", self.default_device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unusable_device_falls_back_to_the_cpu_with_one_warning() {
        let warned = AtomicBool::new(false);
        let mut out = Vec::new();
        let bad = || "cuda:4096".parse::<Device>().and_then(Device::checked);
        assert!(matches!(bad(), Err(Error::BadDeviceName { .. })));
        assert_eq!(or_cpu_warning_once(bad(), &warned, &mut out), Device::Cpu);
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("DEVARRAY_DEVICE cannot be used") && text.contains("cuda:4096"), "{text}");
        assert!(text.contains("falls back to the CPU") && text.contains("Device::from_env()"), "{text}");
        assert_eq!(or_cpu_warning_once(bad(), &warned, &mut out), Device::Cpu);
        assert_eq!(out.len(), text.len(), "the warning is printed once");
        // A usable device is returned as is, without a word.
        let mut quiet = Vec::new();
        assert_eq!(or_cpu_warning_once(Ok(Device::Cpu), &AtomicBool::new(false), &mut quiet), Device::Cpu);
        assert!(quiet.is_empty());
    }
}
