//! Memory introspection for every device: [`MemoryInfo`] ([`Device::memory_info`]), and giving
//! cached memory back ([`Device::empty_cache`], [`empty_cache`]).
//!
//! Both backends keep freed memory for reuse instead of returning it at once: the CPU backend
//! in its buffer cache ([`cpu_cache_bytes`](crate::cpu_cache_bytes)), the CUDA backend in the
//! device's stream-ordered memory pool (the driver's default pool, whose release threshold
//! devarray raises so freed memory stays reserved). These figures say how much that is, and
//! the trims hand it back.

use crate::device::Device;
use crate::error::{Error, Result};
use std::fmt;

/// Memory figures of one device, in bytes: what live arrays use, what the backend keeps cached
/// for reuse, and (on CUDA) the memory pool's and the device's totals.
///
/// Figures a backend does not keep are `None`: the CPU backend counts only its cache (no
/// `used_bytes`, no pool), and a CUDA device without stream-ordered memory pools has no pool
/// figures. On CUDA, frees are stream-ordered: an array dropped while its stream still has work
/// queued counts as used until the stream reaches the free ([`Device::synchronize`] first for
/// settled figures).
///
/// For PyTorch users: `used_bytes` is `torch.cuda.memory_allocated()`, `reserved_bytes` is
/// `memory_reserved()`, and the peaks are `max_memory_allocated()`/`max_memory_reserved()`
/// (reset by [`Device::reset_peak_memory`]). For CuPy users: `used_bytes` and `reserved_bytes`
/// are the memory pool's `used_bytes()` and `total_bytes()`.
///
/// ```
/// use devarray::{Array, DType, Device};
/// let info = Device::Cpu.memory_info()?;
/// assert!(info.cached_bytes <= info.cache_limit_bytes);
/// assert_eq!(info.used_bytes, None); // the CPU backend does not count live arrays
///
/// // On a CUDA device (real or emulated) every figure is there:
/// if let Ok(gpu) = Device::cuda_if_available(0) {
///     let a = Array::zeros(&[1 << 20], DType::F32, &gpu)?; // 4 MiB
///     let info = gpu.memory_info()?;
///     assert!(info.used_bytes.unwrap() >= a.nbytes());
///     assert!(info.reserved_bytes.unwrap() >= info.used_bytes.unwrap());
///     println!("{info}");
/// }
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryInfo {
    /// The device described.
    pub device: Device,
    /// Bytes held by live allocations (arrays, and on CUDA anything else that allocates from
    /// the device's default pool in this process). `None` on the CPU, which does not count them.
    pub used_bytes: Option<usize>,
    /// Bytes of freed memory kept for reuse: the CPU buffer cache (shared by the process), or
    /// on CUDA the pool's reserved but unused memory (`reserved_bytes - used_bytes`).
    pub cached_bytes: usize,
    /// The most bytes the cache keeps. CPU: `DEVARRAY_CPU_CACHE_BYTES` (default 1 GiB). CUDA:
    /// the pool's release threshold, capped at the device's memory (devarray sets no limit, so
    /// this is the device's memory); 0 without a pool, where nothing is cached.
    pub cache_limit_bytes: usize,
    /// CUDA: bytes the pool holds from the device, used or cached; never below `used_bytes`.
    pub reserved_bytes: Option<usize>,
    /// CUDA: the highest `used_bytes` since the device was opened or
    /// [`Device::reset_peak_memory`].
    pub peak_used_bytes: Option<usize>,
    /// CUDA: the highest `reserved_bytes` likewise.
    pub peak_reserved_bytes: Option<usize>,
    /// CUDA: device memory nobody has reserved, counting every process and library (what
    /// `nvidia-smi` shows as free).
    pub free_bytes: Option<usize>,
    /// CUDA: the device's memory.
    pub total_bytes: Option<usize>,
}

impl MemoryInfo {
    /// The CPU figures: the buffer cache and its limit.
    fn cpu() -> MemoryInfo {
        MemoryInfo {
            device: Device::Cpu,
            used_bytes: None,
            cached_bytes: crate::cpu_cache_bytes(),
            cache_limit_bytes: crate::cpu_cache_limit(),
            reserved_bytes: None,
            peak_used_bytes: None,
            peak_reserved_bytes: None,
            free_bytes: None,
            total_bytes: None,
        }
    }
}

/// `1.5 MiB`-style sizes for the `Display` form.
fn human(bytes: usize) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

impl fmt::Display for MemoryInfo {
    /// One line: `cuda:0: 4.0 MiB used, 6.0 MiB reserved (2.0 MiB cached), peak 8.0 MiB used,
    /// 79.1 GiB of 79.6 GiB free`, or for the CPU `cpu: 2.0 MiB cached (limit 1.0 GiB)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.device)?;
        match (self.used_bytes, self.reserved_bytes) {
            (Some(used), Some(reserved)) => {
                write!(f, "{} used, {} reserved ({} cached)", human(used), human(reserved), human(self.cached_bytes))?
            }
            _ => write!(f, "{} cached (limit {})", human(self.cached_bytes), human(self.cache_limit_bytes))?,
        }
        if let Some(peak) = self.peak_used_bytes {
            write!(f, ", peak {} used", human(peak))?;
        }
        if let (Some(free), Some(total)) = (self.free_bytes, self.total_bytes) {
            write!(f, ", {} of {} free", human(free), human(total))?;
        }
        Ok(())
    }
}

impl Device {
    /// This device's memory figures (see [`MemoryInfo`]). On a CUDA device this opens the device
    /// (creating its context) if nothing has yet, asks the driver about its default memory pool
    /// and free memory, and waits for nothing.
    ///
    /// **Errors**: [`Error::CudaUnavailable`](crate::Error::CudaUnavailable) for a CUDA device
    /// that cannot be used; [`Error::Driver`](crate::Error::Driver) when the driver refuses a
    /// query, or is too old to report pool usage (CUDA 11.3 is needed).
    ///
    /// ```
    /// let info = devarray::Device::Cpu.memory_info()?;
    /// println!("{info}");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn memory_info(self) -> Result<MemoryInfo> {
        match self {
            Device::Cpu => Ok(MemoryInfo::cpu()),
            Device::Cuda(i) => crate::cuda::CudaDevice::get(i)?.memory_info(),
        }
    }

    /// Gives this device's cached memory back: the CPU buffer cache's freed buffers to the
    /// system allocator, or a CUDA device's pool memory that no live array uses to the driver
    /// (`cuMemPoolTrimTo`), after waiting for the device's queued work so that every completed
    /// free is included. Live arrays are not touched; later allocations become slower until the
    /// cache fills again. For other processes or libraries that need the memory.
    ///
    /// For PyTorch users: `torch.cuda.empty_cache()` for one device (and, on the CPU, for the
    /// buffer cache).
    ///
    /// **Errors**: [`Error::CudaUnavailable`](crate::Error::CudaUnavailable) for a CUDA device
    /// that cannot be used; driver errors, including those of queued work.
    ///
    /// ```
    /// use devarray::Device;
    /// Device::Cpu.empty_cache()?;
    /// assert_eq!(Device::Cpu.memory_info()?.cached_bytes, 0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn empty_cache(self) -> Result<()> {
        match self {
            Device::Cpu => {
                crate::cpu_cache_trim();
                Ok(())
            }
            Device::Cuda(i) => crate::cuda::CudaDevice::get(i)?.empty_cache(),
        }
    }

    /// Restarts the peak figures ([`MemoryInfo::peak_used_bytes`],
    /// [`MemoryInfo::peak_reserved_bytes`]) at the current ones, to measure the peak of one
    /// stretch of a program. Nothing to reset on the CPU, which keeps no peaks; on a CUDA
    /// device without memory pools, likewise.
    ///
    /// For PyTorch users: `torch.cuda.reset_peak_memory_stats()`.
    ///
    /// **Errors**: as [`Device::memory_info`].
    ///
    /// ```
    /// devarray::Device::Cpu.reset_peak_memory()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn reset_peak_memory(self) -> Result<()> {
        match self {
            Device::Cpu => Ok(()),
            Device::Cuda(i) => crate::cuda::CudaDevice::get(i)?.reset_peak_memory(),
        }
    }
}

/// Gives the cached memory of every device in use back: the CPU buffer cache, and the memory
/// pool of each CUDA device this process has opened ([`Device::empty_cache`] on each; devices
/// not opened yet hold nothing and are not opened). Each CUDA device is trimmed even when
/// another fails; the first error is returned.
///
/// For PyTorch users: `torch.cuda.empty_cache()`, plus the CPU buffer cache.
///
/// ```
/// devarray::empty_cache()?;
/// assert_eq!(devarray::cpu_cache_bytes(), 0);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn empty_cache() -> Result<()> {
    crate::cpu_cache_trim();
    let mut first_error = None;
    for device in crate::cuda::opened_devices() {
        if let Err(e) = device.empty_cache() {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// `len` copies of `value` in a new host `Vec`, or [`Error::OutOfMemory`] on the CPU when the
/// allocation fails. Host buffers whose size comes from the user (an explicit copy of a whole
/// array, `arange`'s values) go through this: `vec![value; len]` aborts the process when the
/// allocator refuses, where NumPy raises `MemoryError`.
pub(crate) fn try_host_vec<T: Clone>(value: T, len: usize) -> Result<Vec<T>> {
    let mut v = try_host_capacity(len)?;
    v.resize(len, value);
    Ok(v)
}

/// An empty host `Vec` with room for `len` elements, or [`Error::OutOfMemory`] on the CPU (see
/// [`try_host_vec`]).
pub(crate) fn try_host_capacity<T>(len: usize) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| Error::OutOfMemory { device: Device::Cpu, bytes: len.saturating_mul(std::mem::size_of::<T>()) })?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_sizes() {
        assert_eq!(human(0), "0 B");
        assert_eq!(human(1023), "1023 B");
        assert_eq!(human(1536), "1.5 KiB");
        assert_eq!(human(4 << 20), "4.0 MiB");
        assert_eq!(human(usize::MAX), format!("{:.1} TiB", usize::MAX as f64 / (1u64 << 40) as f64));
    }

    #[test]
    fn the_cpu_reports_its_cache_only() {
        let info = Device::Cpu.memory_info().unwrap();
        assert_eq!(info.device, Device::Cpu);
        assert_eq!(info.cache_limit_bytes, crate::cpu_cache_limit());
        assert_eq!((info.used_bytes, info.reserved_bytes, info.free_bytes), (None, None, None));
        assert!(info.to_string().starts_with("cpu: ") && info.to_string().contains("cached (limit"), "{info}");
        Device::Cpu.reset_peak_memory().unwrap();
    }
}
