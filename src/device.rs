//! The `Device` value type: which device, its name, and what a device is ([`DeviceInfo`]).
//!
//! A leaf module: finding which devices exist, choosing the default and listing them is
//! `crate::probe`'s job, so that the CUDA backend and the error type can name a `Device`
//! without depending on device probing.

use std::fmt;

/// A place arrays live and ops run.
///
/// [`Device::from_env`] picks the device programs should use: `DEVARRAY_DEVICE` (`cpu`, `cuda`,
/// `cuda:N`) when set, an error when that device cannot be used, else CUDA device 0 when a
/// driver and a device are present, else the CPU. `Device::default()` is the infallible form
/// (see its documentation for what it does with an unusable `DEVARRAY_DEVICE`).
///
/// In a build with the `emulator` feature, `DEVARRAY_DEVICE=cuda-emu` at process start makes
/// `Cuda(0)` a CUDA device emulated on the CPU (the CUDA backend and its kernels, for tests):
/// [`devices_report`](crate::devices_report) then names it `devarray CUDA emulator (CPU)`.
///
/// ```
/// use devarray::Device;
/// assert_eq!(Device::Cpu.to_string(), "cpu");
/// assert_eq!("cuda:1".parse::<Device>().unwrap(), Device::Cuda(1));
/// assert!("tpu".parse::<Device>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Device {
    /// The host CPU backend (multi-threaded, buffer-caching).
    Cpu,
    /// A CUDA device, by ordinal.
    Cuda(usize),
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            Device::Cuda(i) => write!(f, "cuda:{i}"),
        }
    }
}

impl Device {
    /// True for CUDA devices.
    pub fn is_cuda(self) -> bool {
        matches!(self, Device::Cuda(_))
    }

    /// The device a name spells, or why it spells none: `cpu`, `cuda` (= `cuda:0`), `cuda:N`
    /// or, when `emulator` (the CUDA emulator was selected at process start), `cuda-emu`
    /// (= `cuda:0`), case-insensitively. Only the syntax; `FromStr` (in `crate::probe`) adds
    /// the devices that exist to the error.
    pub(crate) fn from_name(s: &str, emulator: bool) -> std::result::Result<Device, &'static str> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "cpu" => Ok(Device::Cpu),
            "cuda" | "gpu" => Ok(Device::Cuda(0)),
            "cuda-emu" if emulator => Ok(Device::Cuda(0)),
            "cuda-emu" => Err("the CUDA emulator needs a build with the `emulator` feature and DEVARRAY_DEVICE=cuda-emu at process start"),
            _ => match t.strip_prefix("cuda:") {
                Some(n) => n.parse::<usize>().map(Device::Cuda).map_err(|_| "the part after 'cuda:' must be a device number"),
                None => Err("expected 'cpu', 'cuda' or 'cuda:N'"),
            },
        }
    }
}

/// The environment variable that overrides the default device.
pub const DEVICE_ENV: &str = "DEVARRAY_DEVICE";

/// What a device is: returned by [`devices_report`](crate::devices_report).
///
/// ```
/// let report = devarray::devices_report();
/// assert_eq!(report.devices[0].device, devarray::Device::Cpu);
/// println!("{report}");
/// ```
#[derive(Clone, Debug)]
pub struct DeviceInfo {
    /// Which device.
    pub device: Device,
    /// Product name (for the CPU, the number of worker threads).
    pub name: String,
    /// CUDA compute capability `(major, minor)`; `None` for the CPU.
    pub compute_capability: Option<(u32, u32)>,
    /// Total memory in bytes, when known.
    pub total_memory: Option<usize>,
    /// Number of streaming multiprocessors (CUDA) or worker threads (CPU).
    pub multiprocessors: usize,
}
