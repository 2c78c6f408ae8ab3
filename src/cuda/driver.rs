//! The CUDA driver implementation of [`GpuPlatform`] and [`GpuApi`], through cudarc's `result`
//! and `sys` layers (run-time loaded `libcuda`).
//!
//! This is the only file in the crate that calls cudarc's driver API. Rules it follows:
//! - Nothing here runs before [`DriverPlatform::probe`] has seen `libcuda` load
//!   (`sys::is_culib_present`), and a driver older than [`MIN_DRIVER_VERSION`] is refused, so
//!   cudarc's loader never panics on a missing library or symbol.
//! - Each device uses its **primary context** (shared with the CUDA runtime and other libraries,
//!   as CuPy and PyTorch do), made current on the calling thread before every call.
//! - Memory comes from the device's default memory pool with stream-ordered
//!   `cuMemAllocFromPoolAsync`/`cuMemFreeAsync`; the pool's release threshold is raised to
//!   `u64::MAX` so freed memory stays cached instead of being unmapped at every synchronisation
//!   (the driver default of 0 costs hundreds of µs per free/alloc cycle). Devices without pools
//!   fall back to `cuMemAlloc`/`cuMemFree`.
//! - cuBLAS (float matmul) is loaded only when first used, after [`cublas::probe`] has seen
//!   libcublas load; each device creates its handle then and keeps it until it closes. cuSOLVER
//!   (the decompositions) likewise, after [`cusolver::probe`].

use super::api::{
    Dense, DenseScratch, DevPtr, DeviceMemory, DeviceProps, EventId, FftDesc, FftPlanId, ForeignStreamId, FunctionId,
    Gemm, GpuApi, GpuError, GpuErrorKind, GpuPlatform, GpuResult, LaunchDims, MemoryKind, ModuleId, PointerInfo,
    PoolStats, StreamId,
};
use super::cublas;
use super::cufft;
use super::cusolver;
use cudarc::driver::result::{self, DriverError};
use cudarc::driver::sys;
use std::ffi::{c_void, CStr, CString};
use std::sync::{Arc, Mutex};

/// Oldest driver accepted: every entry point used here (`cuMemAllocFromPoolAsync` is the
/// newest) exists from CUDA 11.2 on. cudarc panics when a symbol is missing, so an older driver
/// must be refused before any call.
pub(crate) const MIN_DRIVER_VERSION: i32 = 11020;

/// Oldest driver whose pools report their usage (`CU_MEMPOOL_ATTR_USED_MEM_CURRENT` and the
/// other statistics attributes came with CUDA 11.3; an 11.2 driver rejects them).
const POOL_STATS_DRIVER_VERSION: i32 = 11030;

/// Most kernel parameters a launch may pass (devarray kernels take 2).
const MAX_KERNEL_ARGS: usize = 16;

/// `"CUDA_ERROR_X (description)"` for a driver error.
fn describe(e: DriverError) -> String {
    let name =
        e.error_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|_| format!("CUresult {}", e.0 as u32));
    match e.error_string() {
        Ok(s) => format!("{name} ({})", s.to_string_lossy()),
        Err(_) => name,
    }
}

/// Classifies a driver error for the backend.
fn kind_of(e: DriverError) -> GpuErrorKind {
    use sys::CUresult as R;
    match e.0 {
        R::CUDA_ERROR_OUT_OF_MEMORY => GpuErrorKind::OutOfMemory,
        R::CUDA_ERROR_INVALID_VALUE
        | R::CUDA_ERROR_INVALID_HANDLE
        | R::CUDA_ERROR_INVALID_CONTEXT
        | R::CUDA_ERROR_CONTEXT_IS_DESTROYED => GpuErrorKind::InvalidUsage,
        R::CUDA_ERROR_DEINITIALIZED => GpuErrorKind::ShutDown,
        R::CUDA_ERROR_NO_DEVICE | R::CUDA_ERROR_INVALID_DEVICE => GpuErrorKind::NoDevice,
        R::CUDA_ERROR_NOT_SUPPORTED => GpuErrorKind::Unsupported,
        R::CUDA_ERROR_NO_BINARY_FOR_GPU
        | R::CUDA_ERROR_INVALID_IMAGE
        | R::CUDA_ERROR_INVALID_PTX
        | R::CUDA_ERROR_UNSUPPORTED_PTX_VERSION
        | R::CUDA_ERROR_JIT_COMPILER_NOT_FOUND
        | R::CUDA_ERROR_NOT_FOUND => GpuErrorKind::KernelImage,
        _ => GpuErrorKind::Other,
    }
}

/// Adapter from cudarc's error to [`GpuError`], naming the call.
fn wrap<T>(call: &'static str, r: Result<T, DriverError>) -> GpuResult<T> {
    r.map_err(|e| GpuError::new(call, kind_of(e), describe(e)))
}

fn stream_of(s: StreamId) -> sys::CUstream {
    s.0 as usize as sys::CUstream
}
fn event_of(e: EventId) -> sys::CUevent {
    e.0 as usize as sys::CUevent
}
fn module_of(m: ModuleId) -> sys::CUmodule {
    m.0 as usize as sys::CUmodule
}
fn function_of(f: FunctionId) -> sys::CUfunction {
    f.0 as usize as sys::CUfunction
}

/// The CUDA driver, initialised.
pub(crate) struct DriverPlatform {
    version: i32,
    count: usize,
}

impl DriverPlatform {
    /// Loads and initialises the driver. `Err` carries a human-readable reason CUDA cannot be
    /// used (no library, `cuInit` failure, driver too old). Never panics.
    pub(crate) fn probe() -> Result<DriverPlatform, String> {
        // SAFETY: `is_culib_present` only dlopens the candidate library names and closes them
        // again; it calls no driver function.
        if !unsafe { sys::is_culib_present() } {
            return Err(
                "libcuda.so not found (no NVIDIA driver installed, or it is not on the library search path)".into()
            );
        }
        wrap("cuInit", result::init()).map_err(|e| format!("cuInit failed: {}", e.message))?;
        let mut version = 0i32;
        // SAFETY: `version` is a valid out-pointer; the library is loaded and initialised.
        let r = unsafe { sys::cuDriverGetVersion(&mut version) }.result();
        wrap("cuDriverGetVersion", r).map_err(|e| format!("cuDriverGetVersion failed: {}", e.message))?;
        if version < MIN_DRIVER_VERSION {
            return Err(format!(
                "the NVIDIA driver supports CUDA {}.{}, but devarray needs CUDA 11.2 or newer (a 12.x driver is recommended); update the driver",
                version / 1000,
                (version % 1000) / 10
            ));
        }
        let count = wrap("cuDeviceGetCount", result::device::get_count())
            .map_err(|e| format!("cuDeviceGetCount failed: {}", e.message))?;
        Ok(DriverPlatform { version, count: count.max(0) as usize })
    }

    fn device(&self, ordinal: usize) -> GpuResult<sys::CUdevice> {
        if ordinal >= self.count {
            let msg = format!("device {ordinal} requested, but there are {} CUDA devices", self.count);
            return Err(GpuError::new("cuDeviceGet", GpuErrorKind::NoDevice, msg));
        }
        wrap("cuDeviceGet", result::device::get(ordinal as i32))
    }
}

/// Queries what the backend needs about `dev`; needs no context.
fn query_props(dev: sys::CUdevice) -> GpuResult<DeviceProps> {
    use sys::CUdevice_attribute as A;
    let mut name_buf = [0u8; 256];
    // SAFETY: the buffer is writable for its stated length; `dev` came from cuDeviceGet.
    let r = unsafe { sys::cuDeviceGetName(name_buf.as_mut_ptr().cast(), name_buf.len() as i32, dev) }.result();
    wrap("cuDeviceGetName", r)?;
    let name = match CStr::from_bytes_until_nul(&name_buf) {
        Ok(s) => s.to_string_lossy().into_owned(),
        Err(_) => String::from_utf8_lossy(&name_buf).into_owned(),
    };
    // SAFETY: `dev` came from cuDeviceGet (the precondition of both calls).
    let total_memory = wrap("cuDeviceTotalMem", unsafe { result::device::total_mem(dev) })?;
    let attr = |a: A| -> GpuResult<u32> {
        // SAFETY: as above.
        let v = wrap("cuDeviceGetAttribute", unsafe { result::device::get_attribute(dev, a) })?;
        Ok(v.max(0) as u32)
    };
    Ok(DeviceProps {
        name,
        compute_capability: (
            attr(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?,
            attr(A::CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?,
        ),
        total_memory,
        multiprocessors: attr(A::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?.max(1),
        max_threads_per_multiprocessor: attr(A::CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR)?.max(1),
        max_grid_x: attr(A::CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X)?.max(1),
        memory_pools: attr(A::CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED)? != 0,
    })
}

impl GpuPlatform for DriverPlatform {
    fn describe(&self) -> &'static str {
        "CUDA driver"
    }
    fn driver_version(&self) -> Option<i32> {
        Some(self.version)
    }
    fn device_count(&self) -> usize {
        self.count
    }
    fn device_props(&self, ordinal: usize) -> GpuResult<DeviceProps> {
        query_props(self.device(ordinal)?)
    }
    fn open(&self, ordinal: usize) -> GpuResult<Arc<dyn GpuApi>> {
        let dev = self.device(ordinal)?;
        let props = query_props(dev)?;
        Ok(Arc::new(DriverDevice::open(ordinal, dev, props, self.version)?))
    }
}

/// One device opened through the driver: its retained primary context and memory pool.
pub(crate) struct DriverDevice {
    ordinal: usize,
    dev: sys::CUdevice,
    ctx: sys::CUcontext,
    /// The default pool allocations come from; `None` when the device has no pools.
    pool: Option<sys::CUmemoryPool>,
    props: DeviceProps,
    /// The driver's CUDA version (`12080` = 12.8): what the pool can report depends on it.
    driver_version: i32,
    /// The device's cuBLAS handle, created at the first GEMM; the lock also keeps calls through
    /// it (stream binding, then the GEMM) from interleaving across threads.
    blas: Mutex<Option<cublas::Handle>>,
    /// The device's dense cuSOLVER handle, created at the first solver call; locked like `blas`.
    solver: Mutex<Option<cusolver::Handle>>,
}

// SAFETY: the context and pool handles are process-wide driver objects, valid on any thread
// once the context is made current there (every method does so first); the driver API is
// thread-safe.
unsafe impl Send for DriverDevice {}
// SAFETY: as for `Send`: `&DriverDevice` only hands the handles to thread-safe driver calls.
unsafe impl Sync for DriverDevice {}

impl DriverDevice {
    fn open(ordinal: usize, dev: sys::CUdevice, props: DeviceProps, driver_version: i32) -> GpuResult<DriverDevice> {
        // SAFETY: `dev` came from cuDeviceGet; the reference is released in `Drop`.
        let ctx = wrap("cuDevicePrimaryCtxRetain", unsafe { result::primary_ctx::retain(dev) })?;
        let mut this = DriverDevice {
            ordinal,
            dev,
            ctx,
            pool: None,
            props,
            driver_version,
            blas: Mutex::new(None),
            solver: Mutex::new(None),
        };
        let _ctx = this.bind()?;
        if this.props.memory_pools {
            this.pool = Some(this.default_pool_caching()?);
        }
        Ok(this)
    }

    /// The device's default pool, set to keep freed memory cached.
    fn default_pool_caching(&self) -> GpuResult<sys::CUmemoryPool> {
        // SAFETY: `self.dev` came from cuDeviceGet.
        let pool = wrap("cuDeviceGetDefaultMemPool", unsafe { result::device::get_default_mem_pool(self.dev) })?;
        let mut threshold: u64 = u64::MAX;
        let attr = sys::CUmemPool_attribute::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD;
        // SAFETY: `pool` is the live default pool; RELEASE_THRESHOLD takes a `cuuint64_t*`.
        let r = unsafe { result::mem_pool::set_attribute(pool, attr, (&mut threshold as *mut u64).cast()) };
        wrap("cuMemPoolSetAttribute", r)?;
        Ok(pool)
    }

    /// Makes the primary context current on the calling thread for the guard's lifetime (a few
    /// ns when it already is). A different context that was current (another device's, or
    /// another library's) is restored when the guard drops, so devarray never changes which
    /// device the CUDA runtime of the caller's other libraries sees.
    fn bind(&self) -> GpuResult<CtxGuard> {
        let current = wrap("cuCtxGetCurrent", result::ctx::get_current())?;
        if current == Some(self.ctx) {
            return Ok(CtxGuard { restore: None });
        }
        // SAFETY: `self.ctx` is retained until `Drop`, so it is a live context.
        wrap("cuCtxSetCurrent", unsafe { result::ctx::set_current(self.ctx) })?;
        Ok(CtxGuard { restore: current })
    }
}

/// Restores the context that was current before [`DriverDevice::bind`].
#[must_use]
struct CtxGuard {
    restore: Option<sys::CUcontext>,
}

impl Drop for CtxGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.restore {
            // SAFETY: `previous` was current on this thread a moment ago; a context another
            // library destroyed meanwhile makes the driver return an error, which is ignored
            // (our context then simply stays current).
            let _ = unsafe { result::ctx::set_current(previous) };
        }
    }
}

impl Drop for DriverDevice {
    fn drop(&mut self) {
        // The cuBLAS handle belongs to the context: destroy it while the context is alive and
        // current.
        if let Some(handle) = self.blas.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            let _ctx = self.bind();
            drop(handle);
        }
        if let Some(handle) = self.solver.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            let _ctx = self.bind();
            drop(handle);
        }
        // SAFETY: releases the one reference `open` retained; errors (e.g. at process exit,
        // when the driver is already deinitialised) are ignored because nothing can be done.
        let _ = unsafe { result::primary_ctx::release(self.dev) };
    }
}

impl GpuApi for DriverDevice {
    fn ordinal(&self) -> usize {
        self.ordinal
    }
    fn props(&self) -> &DeviceProps {
        &self.props
    }

    fn stream_create(&self) -> GpuResult<StreamId> {
        let _ctx = self.bind()?;
        let s = wrap("cuStreamCreate", result::stream::create(result::stream::StreamKind::NonBlocking))?;
        Ok(StreamId(s as usize as u64))
    }
    unsafe fn stream_destroy(&self, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees a live stream of this device that is not used again.
        wrap("cuStreamDestroy", unsafe { result::stream::destroy(stream_of(stream)) })
    }
    unsafe fn stream_synchronize(&self, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees a live stream.
        wrap("cuStreamSynchronize", unsafe { result::stream::synchronize(stream_of(stream)) })
    }

    fn device_synchronize(&self) -> GpuResult<()> {
        let _ctx = self.bind()?;
        wrap("cuCtxSynchronize", result::ctx::synchronize())
    }

    fn event_create_with(&self, timing: bool) -> GpuResult<EventId> {
        let _ctx = self.bind()?;
        let flags =
            if timing { sys::CUevent_flags::CU_EVENT_DEFAULT } else { sys::CUevent_flags::CU_EVENT_DISABLE_TIMING };
        let e = wrap("cuEventCreate", result::event::create(flags))?;
        Ok(EventId(e as usize as u64))
    }
    unsafe fn event_elapsed_ms(&self, start: EventId, end: EventId) -> GpuResult<f32> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees live events of this context; the driver itself refuses
        // events without timing, never recorded, or not complete yet.
        wrap("cuEventElapsedTime", unsafe { result::event::elapsed(event_of(start), event_of(end)) })
    }
    unsafe fn event_record(&self, event: EventId, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees live handles.
        wrap("cuEventRecord", unsafe { result::event::record(event_of(event), stream_of(stream)) })
    }
    unsafe fn stream_wait_event(&self, stream: StreamId, event: EventId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        let flags = sys::CUevent_wait_flags::CU_EVENT_WAIT_DEFAULT;
        // SAFETY: the caller guarantees live handles.
        wrap("cuStreamWaitEvent", unsafe { result::stream::wait_event(stream_of(stream), event_of(event), flags) })
    }
    unsafe fn stream_wait_event_foreign(&self, stream: ForeignStreamId, event: EventId) -> GpuResult<()> {
        // Same call: the driver takes any CUstream of the current context, including the special
        // handles 0/1 (legacy) and 2 (per-thread), which are plain pointer values.
        // SAFETY: forwarded contract (a live stream of this context, a live event).
        unsafe { self.stream_wait_event(StreamId(stream.0), event) }
    }
    unsafe fn event_synchronize(&self, event: EventId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees a live event.
        wrap("cuEventSynchronize", unsafe { result::event::synchronize(event_of(event)) })
    }
    unsafe fn event_destroy(&self, event: EventId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees a live event that is not used again.
        wrap("cuEventDestroy", unsafe { result::event::destroy(event_of(event)) })
    }

    fn pointer_info(&self, ptr: DevPtr) -> GpuResult<PointerInfo> {
        use sys::CUpointer_attribute as P;
        let _ctx = self.bind()?;
        let mut attributes = [
            P::CU_POINTER_ATTRIBUTE_MEMORY_TYPE,
            P::CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL,
            P::CU_POINTER_ATTRIBUTE_IS_MANAGED,
            P::CU_POINTER_ATTRIBUTE_CONTEXT,
        ];
        // One zeroed 8-byte slot per attribute: the driver writes a 4-byte enum or int, a
        // boolean or a pointer into it, and narrower values land in the low bytes (CUDA runs
        // only on little-endian hosts).
        let mut values = [0u64; 4];
        let mut data = values.each_mut().map(|v| (v as *mut u64).cast::<c_void>());
        // SAFETY: `attributes` and `data` hold 4 entries each, every slot is writable for the
        // attribute's value; unlike cuPointerGetAttribute, an address the driver does not know
        // gives zeroed values and CUDA_SUCCESS, not an error.
        let r = unsafe {
            sys::cuPointerGetAttributes(attributes.len() as u32, attributes.as_mut_ptr(), data.as_mut_ptr(), ptr)
        };
        wrap("cuPointerGetAttributes", r.result())?;
        let [memory_type, ordinal, managed, context] = values;
        let memory_type = memory_type as u32;
        let kind = if managed as u32 != 0 || memory_type == sys::CUmemorytype::CU_MEMORYTYPE_UNIFIED as u32 {
            MemoryKind::Managed
        } else if memory_type == sys::CUmemorytype::CU_MEMORYTYPE_DEVICE as u32 {
            MemoryKind::Device
        } else if memory_type == sys::CUmemorytype::CU_MEMORYTYPE_HOST as u32 {
            MemoryKind::Host
        } else {
            MemoryKind::Unknown
        };
        let device = usize::try_from(ordinal as u32 as i32).ok().filter(|_| kind != MemoryKind::Unknown);
        // Pool and virtual-memory allocations may report no context (0): only a different,
        // non-NULL context is refused.
        let other_context = context != 0 && context as usize != self.ctx as usize;
        Ok(PointerInfo { kind, device, other_context })
    }

    unsafe fn alloc(&self, bytes: usize, stream: StreamId) -> GpuResult<DevPtr> {
        let _ctx = self.bind()?;
        match self.pool {
            // SAFETY: the pool is this device's live default pool; the caller guarantees a live
            // stream. The memory is uninitialised, which is fine for raw bytes.
            Some(pool) => wrap("cuMemAllocFromPoolAsync", unsafe {
                result::mem_pool::alloc_async(pool, bytes, stream_of(stream))
            }),
            // SAFETY: a plain allocation in the current (our) context.
            None => wrap("cuMemAlloc", unsafe { result::malloc_sync(bytes) }),
        }
    }
    unsafe fn free(&self, ptr: DevPtr, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        match self.pool {
            // SAFETY: the caller guarantees `ptr` came from `alloc`, is freed once, and no later
            // work uses it; the free is ordered after the work already queued on `stream`.
            Some(_) => wrap("cuMemFreeAsync", unsafe { result::free_async(ptr, stream_of(stream)) }),
            None => {
                // Without stream-ordered free, wait for queued work that may still use `ptr`.
                // SAFETY: the caller guarantees a live stream.
                wrap("cuStreamSynchronize", unsafe { result::stream::synchronize(stream_of(stream)) })?;
                // SAFETY: `ptr` came from cuMemAlloc, is freed once, and the stream is idle.
                wrap("cuMemFree", unsafe { result::free_sync(ptr) })
            }
        }
    }
    fn pool_stats(&self) -> GpuResult<PoolStats> {
        use sys::CUmemPool_attribute as A;
        let pool = self.stats_pool("cuMemPoolGetAttribute")?;
        let get = |attr: A| -> GpuResult<u64> {
            let mut value: u64 = 0;
            // SAFETY: `pool` is the device's live default pool (pools are not tied to the
            // current context); each attribute asked for here takes a `cuuint64_t*`.
            let r = unsafe { result::mem_pool::get_attribute(pool, attr, (&mut value as *mut u64).cast()) };
            wrap("cuMemPoolGetAttribute", r).map(|()| value)
        };
        Ok(PoolStats {
            used: get(A::CU_MEMPOOL_ATTR_USED_MEM_CURRENT)?,
            reserved: get(A::CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT)?,
            used_high: get(A::CU_MEMPOOL_ATTR_USED_MEM_HIGH)?,
            reserved_high: get(A::CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH)?,
            release_threshold: get(A::CU_MEMPOOL_ATTR_RELEASE_THRESHOLD)?,
        })
    }
    fn pool_trim(&self, keep_bytes: u64) -> GpuResult<()> {
        let pool = self.pool.ok_or_else(|| self.no_pool("cuMemPoolTrimTo"))?;
        let keep = usize::try_from(keep_bytes).unwrap_or(usize::MAX);
        // SAFETY: `pool` is the device's live default pool; trimming releases only memory no
        // allocation uses (the driver keeps what live or not-yet-completed frees hold).
        wrap("cuMemPoolTrimTo", unsafe { result::mem_pool::trim_to(pool, keep) })
    }
    fn pool_reset_peaks(&self) -> GpuResult<()> {
        use sys::CUmemPool_attribute as A;
        let pool = self.stats_pool("cuMemPoolSetAttribute")?;
        for attr in [A::CU_MEMPOOL_ATTR_USED_MEM_HIGH, A::CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH] {
            // 0 is the only value these attributes accept: it resets the mark to the current figure.
            let mut zero: u64 = 0;
            // SAFETY: `pool` is the device's live default pool; the attribute takes a `cuuint64_t*`.
            let r = unsafe { result::mem_pool::set_attribute(pool, attr, (&mut zero as *mut u64).cast()) };
            wrap("cuMemPoolSetAttribute", r)?;
        }
        Ok(())
    }
    fn memory_info(&self) -> GpuResult<DeviceMemory> {
        // cuMemGetInfo reports on the current context's device.
        let _ctx = self.bind()?;
        let (free, total) = wrap("cuMemGetInfo", result::mem_get_info())?;
        Ok(DeviceMemory { free: free as u64, total: total as u64 })
    }
    unsafe fn copy_htod(&self, dst: DevPtr, src: *const u8, bytes: usize, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees both ranges and that `src` outlives the queued copy.
        let r = unsafe { sys::cuMemcpyHtoDAsync_v2(dst, src.cast(), bytes, stream_of(stream)) }.result();
        wrap("cuMemcpyHtoDAsync", r)
    }
    unsafe fn copy_dtoh(&self, dst: *mut u8, src: DevPtr, bytes: usize, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees both ranges and that `dst` is left alone until the copy
        // completes.
        let r = unsafe { sys::cuMemcpyDtoHAsync_v2(dst.cast(), src, bytes, stream_of(stream)) }.result();
        wrap("cuMemcpyDtoHAsync", r)
    }
    unsafe fn copy_dtod(&self, dst: DevPtr, src: DevPtr, bytes: usize, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees two disjoint in-bounds ranges and a live stream.
        wrap("cuMemcpyDtoDAsync", unsafe { result::memcpy_dtod_async(dst, src, bytes, stream_of(stream)) })
    }
    unsafe fn memset_u8(&self, dst: DevPtr, value: u8, bytes: usize, stream: StreamId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees an in-bounds range and a live stream.
        wrap("cuMemsetD8Async", unsafe { result::memset_d8_async(dst, value, bytes, stream_of(stream)) })
    }

    fn module_load(&self, image: &[u8]) -> GpuResult<ModuleId> {
        let _ctx = self.bind()?;
        let aligned = aligned_image(image);
        // SAFETY: `aligned` holds a complete cubin, or PTX text with a terminating NUL, 8-byte
        // aligned, alive for the call (the driver copies what it keeps).
        let m = wrap("cuModuleLoadData", unsafe { result::module::load_data(aligned.as_ptr().cast::<c_void>()) })?;
        Ok(ModuleId(m as usize as u64))
    }
    unsafe fn module_unload(&self, module: ModuleId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the caller guarantees a live module whose functions are no longer used.
        wrap("cuModuleUnload", unsafe { result::module::unload(module_of(module)) })
    }
    unsafe fn function(&self, module: ModuleId, name: &str) -> GpuResult<FunctionId> {
        let _ctx = self.bind()?;
        let cname = CString::new(name).map_err(|_| {
            GpuError::new("cuModuleGetFunction", GpuErrorKind::InvalidUsage, "kernel name contains NUL")
        })?;
        // SAFETY: the caller guarantees a live module.
        let f = wrap("cuModuleGetFunction", unsafe { result::module::get_function(module_of(module), cname) })?;
        Ok(FunctionId(f as usize as u64))
    }
    unsafe fn launch(&self, function: FunctionId, dims: LaunchDims, stream: StreamId, args: &[&[u8]]) -> GpuResult<()> {
        if args.len() > MAX_KERNEL_ARGS {
            let msg = format!("{} kernel arguments (at most {MAX_KERNEL_ARGS})", args.len());
            return Err(GpuError::new("cuLaunchKernel", GpuErrorKind::InvalidUsage, msg));
        }
        let _ctx = self.bind()?;
        let mut params = [std::ptr::null_mut::<c_void>(); MAX_KERNEL_ARGS];
        for (p, a) in params.iter_mut().zip(args) {
            // The driver only reads through these pointers (kernel parameters are copied at
            // launch), so handing out `*mut` to shared bytes is sound.
            *p = a.as_ptr() as *mut c_void;
        }
        let [gx, gy, gz] = dims.grid;
        let [bx, by, bz] = dims.block;
        // SAFETY: the caller guarantees live handles and arguments that match the kernel's
        // parameters and address valid memory; `params[..args.len()]` point at those bytes,
        // which outlive this call.
        let r = unsafe {
            result::launch_kernel(
                function_of(function),
                (gx, gy, gz),
                (bx, by, bz),
                dims.shared_bytes,
                stream_of(stream),
                &mut params[..args.len()],
            )
        };
        wrap("cuLaunchKernel", r)
    }
    unsafe fn gemm_strided_batched(&self, gemm: &Gemm, stream: StreamId) -> GpuResult<()> {
        cublas::probe()?;
        let _ctx = self.bind()?;
        let mut blas = self.blas.lock().unwrap_or_else(|e| e.into_inner());
        let handle = match &mut *blas {
            Some(handle) => handle,
            empty => empty.insert(cublas::Handle::create()?),
        };
        // SAFETY: the context is current (bound above); the caller guarantees a live stream of
        // it and matrices that satisfy the call's contract.
        unsafe { handle.gemm(gemm, stream) }
    }
    fn dense_workspace(&self, call: &Dense) -> GpuResult<i32> {
        self.with_solver(|h| h.workspace(call))
    }
    fn fft_plan(&self, desc: &FftDesc) -> GpuResult<FftPlanId> {
        cufft::probe()?;
        let _ctx = self.bind()?;
        cufft::plan(desc)
    }
    unsafe fn fft_exec(
        &self,
        plan: FftPlanId,
        desc: &FftDesc,
        io: (DevPtr, DevPtr),
        inverse: bool,
        stream: StreamId,
    ) -> GpuResult<()> {
        cufft::probe()?;
        let _ctx = self.bind()?;
        // SAFETY: the context is current (bound above); the caller guarantees a live plan made
        // for `desc`, a live stream of this context and memory that satisfies the contract.
        unsafe { cufft::exec(plan, desc, io, inverse, stream) }
    }
    unsafe fn fft_plan_destroy(&self, plan: FftPlanId) -> GpuResult<()> {
        let _ctx = self.bind()?;
        // SAFETY: the context is current; the caller guarantees a live, unused plan.
        unsafe { cufft::destroy(plan) }
    }
    unsafe fn dense_solve(&self, dense: &Dense, scratch: DenseScratch, stream: StreamId) -> GpuResult<()> {
        // SAFETY: the context is current (bound by `with_solver`); the caller guarantees a live
        // stream of it and memory that satisfies the call's contract.
        self.with_solver(|h| unsafe { h.run(dense, scratch, stream) })
    }
}

impl DriverDevice {
    /// The error for a pool call on a device that allocates without one.
    fn no_pool(&self, call: &'static str) -> GpuError {
        let msg = format!(
            "cuda:{} does not support stream-ordered memory pools (CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED \
             is 0), so devarray allocates with cuMemAlloc and caches nothing",
            self.ordinal
        );
        GpuError::new(call, GpuErrorKind::Unsupported, msg)
    }

    /// The default pool, when the driver can report its usage (CUDA 11.3 on).
    fn stats_pool(&self, call: &'static str) -> GpuResult<sys::CUmemoryPool> {
        let pool = self.pool.ok_or_else(|| self.no_pool(call))?;
        if self.driver_version < POOL_STATS_DRIVER_VERSION {
            let v = self.driver_version;
            let msg = format!(
                "the NVIDIA driver supports CUDA {}.{}, but memory pool statistics need CUDA 11.3 or newer; update the driver",
                v / 1000,
                (v % 1000) / 10
            );
            return Err(GpuError::new(call, GpuErrorKind::Unsupported, msg));
        }
        Ok(pool)
    }

    /// Runs `f` with the device's cuSOLVER handle (created at the first call, after probing
    /// for the library) and the context current, holding the handle's lock.
    fn with_solver<T>(&self, f: impl FnOnce(&mut cusolver::Handle) -> GpuResult<T>) -> GpuResult<T> {
        cusolver::probe()?;
        let _ctx = self.bind()?;
        let mut solver = self.solver.lock().unwrap_or_else(|e| e.into_inner());
        let handle = match &mut *solver {
            Some(handle) => handle,
            empty => empty.insert(cusolver::Handle::create()?),
        };
        f(handle)
    }
}

/// Copies a module image into 8-byte-aligned storage (ELF loaders expect aligned headers; a
/// `Vec<u8>` only guarantees 1), appending a NUL after PTX text that lacks one.
fn aligned_image(image: &[u8]) -> Vec<u64> {
    let is_elf = image.starts_with(b"\x7fELF");
    let needs_nul = !is_elf && image.last() != Some(&0);
    let len = image.len() + usize::from(needs_nul);
    let mut words = vec![0u64; len.div_ceil(8).max(1)];
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
    bytes[..image.len()].copy_from_slice(image);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_aligned_and_ptx_is_terminated() {
        let ptx = b".version 8.0";
        let w = aligned_image(ptx);
        let b: &[u8] = bytemuck::cast_slice(&w);
        assert_eq!(&b[..ptx.len()], ptx);
        assert_eq!(b[ptx.len()], 0);
        assert_eq!(w.as_ptr() as usize % 8, 0);
        let elf = b"\x7fELF\x02\x01\x01\x00";
        let w = aligned_image(elf);
        assert_eq!(w.len(), 1);
        assert_eq!(bytemuck::cast_slice::<u64, u8>(&w), elf);
        assert!(!aligned_image(b"").is_empty());
    }

    #[test]
    fn probe_never_panics() {
        // Without a driver this reports why; with one it initialises.
        match DriverPlatform::probe() {
            Ok(p) => assert!(p.driver_version().unwrap_or(0) >= MIN_DRIVER_VERSION),
            Err(reason) => assert!(!reason.is_empty()),
        }
    }
}
