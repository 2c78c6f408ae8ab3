//! A CUDA device's memory figures and pool trim ([`MemoryInfo`], [`Device::empty_cache`](crate::Device::empty_cache)):
//! the default memory pool's statistics and free/total device memory, through [`GpuApi`](super::api::GpuApi).

use super::api::{GpuErrorKind, GpuResult, PoolStats};
use super::context::CudaDevice;
use crate::error::Result;
use crate::memory::MemoryInfo;

/// A driver figure as `usize` (the host's address space bounds every figure that matters; a
/// larger one, such as an unlimited release threshold, saturates).
fn size(bytes: u64) -> usize {
    usize::try_from(bytes).unwrap_or(usize::MAX)
}

/// `Ok(None)` for a call the device does not support (no pool, or the recording fake's
/// `cuMemGetInfo`), the error otherwise.
fn unless_unsupported<T>(r: GpuResult<T>) -> GpuResult<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind == GpuErrorKind::Unsupported => Ok(None),
        Err(e) => Err(e),
    }
}

impl CudaDevice {
    /// The pool's figures, or `None` when the device allocates without a pool (then nothing is
    /// cached: `cuMemFree` returns memory at once).
    ///
    /// **Errors**: driver errors, including a driver too old to report pool usage.
    fn pool_stats(&self) -> Result<Option<PoolStats>> {
        if !self.props().memory_pools {
            return Ok(None);
        }
        Ok(Some(self.api().pool_stats()?))
    }

    /// See [`Device::memory_info`](crate::Device::memory_info).
    pub(crate) fn memory_info(&self) -> Result<MemoryInfo> {
        let pool = self.pool_stats()?;
        let memory = unless_unsupported(self.api().memory_info())?;
        let total = memory.map_or(self.props().total_memory as u64, |m| m.total);
        Ok(MemoryInfo {
            device: self.device(),
            used_bytes: pool.map(|p| size(p.used)),
            cached_bytes: pool.map_or(0, |p| size(p.reserved.saturating_sub(p.used))),
            cache_limit_bytes: pool.map_or(0, |p| size(p.release_threshold.min(total))),
            reserved_bytes: pool.map(|p| size(p.reserved)),
            peak_used_bytes: pool.map(|p| size(p.used_high)),
            peak_reserved_bytes: pool.map(|p| size(p.reserved_high)),
            free_bytes: memory.map(|m| size(m.free)),
            total_bytes: memory.map(|m| size(m.total)),
        })
    }

    /// See [`Device::empty_cache`](crate::Device::empty_cache): waits for the device, then trims
    /// the pool to what live allocations use.
    pub(crate) fn empty_cache(&self) -> Result<()> {
        if !self.props().memory_pools {
            return Ok(());
        }
        // A free the host has not seen complete may still count as in use, and would survive
        // the trim (cuMemPoolTrimTo's documentation).
        self.synchronize()?;
        Ok(self.api().pool_trim(0)?)
    }

    /// See [`Device::reset_peak_memory`](crate::Device::reset_peak_memory).
    pub(crate) fn reset_peak_memory(&self) -> Result<()> {
        if !self.props().memory_pools {
            return Ok(());
        }
        Ok(self.api().pool_reset_peaks()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::cuda::api::{GpuErrorKind, PoolStats};
    use crate::cuda::context::CudaDevice;
    use crate::cuda::fake::{fake_device, log_since, FakeGpu};
    use crate::Error;

    /// The recording fake has a pool by its properties but no statistics: the backend reports
    /// the driver's refusal as an error naming the call, and never panics.
    #[test]
    fn a_pool_without_statistics_is_an_error_not_a_panic() {
        let (_fake, dev) = fake_device();
        let e = dev.memory_info().unwrap_err();
        assert!(matches!(&e, Error::Driver { call: "cuMemPoolGetAttribute", .. }), "{e}");
        let e = dev.empty_cache().unwrap_err();
        assert!(matches!(&e, Error::Driver { call: "cuMemPoolTrimTo", .. }), "{e}");
        let e = dev.reset_peak_memory().unwrap_err();
        assert!(matches!(&e, Error::Driver { call: "cuMemPoolSetAttribute", .. }), "{e}");
    }

    /// The figures follow the pool's: cached is reserved minus used, the cache limit the
    /// release threshold capped at the device's memory; empty_cache waits for the device, then
    /// trims to 0.
    #[test]
    fn figures_and_trim_follow_the_pool() {
        let (fake, dev) = fake_device();
        let stats =
            PoolStats { used: 1000, reserved: 5000, used_high: 7000, reserved_high: 9000, release_threshold: u64::MAX };
        fake.state().pool = Some(stats);
        let info = dev.memory_info().unwrap();
        assert_eq!(info.device, crate::Device::Cuda(0));
        assert_eq!((info.used_bytes, info.reserved_bytes, info.cached_bytes), (Some(1000), Some(5000), 4000));
        assert_eq!((info.peak_used_bytes, info.peak_reserved_bytes), (Some(7000), Some(9000)));
        assert_eq!(info.cache_limit_bytes, dev.props().total_memory, "an unlimited threshold is the device's memory");
        assert_eq!((info.free_bytes, info.total_bytes), (None, None), "the fake does not know free memory");
        let from = fake.state().log.len();
        dev.empty_cache().unwrap();
        assert_eq!(log_since(&fake, from), ["device_synchronize", "pool_trim 0"]);
        let info = dev.memory_info().unwrap();
        assert_eq!((info.reserved_bytes, info.cached_bytes), (Some(1000), 0));
        fake.state().pool = Some(PoolStats { release_threshold: 2048, ..stats });
        assert_eq!(dev.memory_info().unwrap().cache_limit_bytes, 2048);
        // A failing query is the driver's error, a failing synchronisation stops the trim.
        fake.state().failing.push("pool_stats");
        assert!(matches!(dev.memory_info(), Err(Error::Driver { call: "cuMemPoolGetAttribute", .. })));
        fake.state().failing.push("device_synchronize");
        let from = fake.state().log.len();
        assert!(matches!(dev.empty_cache(), Err(Error::Driver { call: "cuCtxSynchronize", .. })));
        assert_eq!(log_since(&fake, from), ["device_synchronize"]);
    }

    /// Without pools nothing is cached: no pool figures, nothing to trim or reset, no pool call.
    #[test]
    fn a_device_without_pools_caches_nothing() {
        let fake = FakeGpu::without_pools();
        let dev = CudaDevice::with_api(fake.clone()).unwrap();
        let from = fake.state().log.len();
        let info = dev.memory_info().unwrap();
        assert_eq!((info.used_bytes, info.reserved_bytes, info.peak_used_bytes), (None, None, None));
        assert_eq!((info.cached_bytes, info.cache_limit_bytes), (0, 0));
        dev.empty_cache().unwrap();
        dev.reset_peak_memory().unwrap();
        assert!(log_since(&fake, from).is_empty(), "{:?}", log_since(&fake, from));
    }

    #[test]
    fn only_unsupported_calls_are_skipped() {
        use super::unless_unsupported;
        use crate::cuda::api::GpuError;
        let unsupported = GpuError::new("cuMemGetInfo", GpuErrorKind::Unsupported, "no");
        assert_eq!(unless_unsupported::<u8>(Err(unsupported)), Ok(None));
        let failed = GpuError::new("cuMemGetInfo", GpuErrorKind::Other, "CUDA_ERROR_UNKNOWN");
        assert_eq!(unless_unsupported::<u8>(Err(failed.clone())), Err(failed));
        assert_eq!(unless_unsupported(Ok(3u8)), Ok(Some(3)));
    }
}
