//! Devices: the process-wide platform probe, and one [`CudaDevice`] per ordinal (its opened
//! [`GpuApi`], default stream, event pool and module cache). [`CudaBuffer`] (device memory freed
//! in stream order on drop) lives in `buffer.rs`; streams, events and the thread's current stream
//! in [`stream`](super::stream).

use super::api::{
    DevPtr, DeviceProps, FunctionId, GpuApi, GpuErrorKind, GpuPlatform, LaunchDims, MemoryKind, StreamId,
};
pub(crate) use super::buffer::CudaBuffer;
use super::driver::DriverPlatform;
use super::launch::GridLimits;
use super::module::ModuleCache;
use super::stream::EventPool;
use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use std::sync::{Arc, OnceLock, RwLock};

/// The GPU platform, or why there is none. Probed once: loading the driver is not free, and
/// the answer does not change while the process runs. With the `emulator` feature and
/// `DEVARRAY_DEVICE=cuda-emu`, the CUDA emulator instead of the driver.
pub(crate) fn platform() -> std::result::Result<&'static dyn GpuPlatform, &'static str> {
    static PLATFORM: OnceLock<std::result::Result<Box<dyn GpuPlatform>, String>> = OnceLock::new();
    match PLATFORM.get_or_init(probe) {
        Ok(p) => Ok(p.as_ref()),
        Err(reason) => Err(reason.as_str()),
    }
}

fn probe() -> std::result::Result<Box<dyn GpuPlatform>, String> {
    #[cfg(feature = "emulator")]
    if super::emulator_requested() {
        return Ok(Box::new(super::emu::EmuPlatform));
    }
    DriverPlatform::probe().map(|p| Box::new(p) as Box<dyn GpuPlatform>)
}

/// Why CUDA device `ordinal` cannot be used, if it cannot.
pub(crate) fn unusable(ordinal: usize) -> Option<String> {
    match platform() {
        Err(reason) => Some(reason.to_string()),
        Ok(p) if p.device_count() == 0 => Some(format!("the {} reports no CUDA devices", p.describe())),
        Ok(p) if ordinal >= p.device_count() => {
            Some(format!("device cuda:{ordinal} requested, but there are {} CUDA devices", p.device_count()))
        }
        Ok(_) => None,
    }
}

/// One CUDA device as the backend uses it: the opened device, its own stream, and its loaded
/// kernels.
///
/// All of a thread's work on the device goes to one in-order stream (the device's own, unless a
/// [`CurrentGuard`](super::stream::CurrentGuard) names another). That gives the ordering NumPy
/// code expects (every op sees the results of the ops before it) without events between ops,
/// and makes stream-ordered frees safe: a buffer dropped on the host is released only after the
/// work already queued. Work queued on other streams (another thread's current stream) is
/// recorded on each buffer it uses, and the buffer's free is ordered after it
/// ([`StreamUses`](super::stream::StreamUses)).
pub(crate) struct CudaDevice {
    api: Arc<dyn GpuApi>,
    stream: StreamId,
    events: EventPool,
    limits: GridLimits,
    modules: ModuleCache,
}

impl std::fmt::Debug for CudaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CudaDevice(cuda:{}, {})", self.ordinal(), self.props().name)
    }
}

/// The devices opened so far, by ordinal; they stay open until the process exits.
static DEVICES: RwLock<Vec<Option<Arc<CudaDevice>>>> = RwLock::new(Vec::new());

/// Every device opened so far (none are opened by asking: for work that concerns only devices
/// already in use, such as trimming their memory pools).
pub(crate) fn opened() -> Vec<Arc<CudaDevice>> {
    DEVICES.read().unwrap_or_else(|e| e.into_inner()).iter().flatten().cloned().collect()
}

impl CudaDevice {
    /// The device for `ordinal`, opened on first use and shared afterwards.
    ///
    /// **Errors**: [`Error::CudaUnavailable`] without a driver or such a device; driver errors
    /// while opening it.
    pub(crate) fn get(ordinal: usize) -> Result<Arc<CudaDevice>> {
        if let Some(reason) = unusable(ordinal) {
            return Err(Error::CudaUnavailable { reason });
        }
        if let Some(Some(d)) = DEVICES.read().unwrap_or_else(|e| e.into_inner()).get(ordinal) {
            return Ok(d.clone());
        }
        let mut devices = DEVICES.write().unwrap_or_else(|e| e.into_inner());
        if devices.len() <= ordinal {
            devices.resize(ordinal + 1, None);
        }
        if let Some(d) = &devices[ordinal] {
            return Ok(d.clone());
        }
        let p = platform().map_err(|reason| Error::CudaUnavailable { reason: reason.to_string() })?;
        let api = p.open(ordinal).map_err(|e| match e.kind {
            GpuErrorKind::NoDevice => Error::CudaUnavailable { reason: e.to_string() },
            _ => e.into(),
        })?;
        let d = Arc::new(CudaDevice::with_api(api)?);
        devices[ordinal] = Some(d.clone());
        Ok(d)
    }

    /// Wraps an opened device: creates its stream. Used by the registry, the emulator and tests.
    pub(crate) fn with_api(api: Arc<dyn GpuApi>) -> Result<CudaDevice> {
        let stream = api.stream_create()?;
        let p = api.props();
        let limits = GridLimits {
            multiprocessors: p.multiprocessors,
            threads_per_multiprocessor: p.max_threads_per_multiprocessor,
            max_grid_x: p.max_grid_x,
        };
        Ok(CudaDevice { api, stream, events: EventPool::default(), limits, modules: ModuleCache::default() })
    }

    /// The device's ordinal.
    pub(crate) fn ordinal(&self) -> usize {
        self.api.ordinal()
    }

    /// The public name of this device.
    pub(crate) fn device(&self) -> Device {
        Device::Cuda(self.ordinal())
    }

    /// Name, compute capability, SM count...
    pub(crate) fn props(&self) -> &DeviceProps {
        self.api.props()
    }

    /// The interface every operation on this device goes through.
    pub(crate) fn api(&self) -> &dyn GpuApi {
        &*self.api
    }

    /// The device's own stream's handle, live as long as the device: where devarray queues work
    /// unless this thread's current stream is another.
    pub(crate) fn stream(&self) -> StreamId {
        self.stream
    }

    /// The pool of ordering events the stream layer records on this device.
    pub(crate) fn events(&self) -> &EventPool {
        &self.events
    }

    /// What bounds grids on this device.
    pub(crate) fn grid_limits(&self) -> &GridLimits {
        &self.limits
    }

    /// Blocks until all work queued on this device (on every stream) has finished; reports
    /// errors of asynchronous work (a faulting kernel) here.
    pub(crate) fn synchronize(&self) -> Result<()> {
        Ok(self.api.device_synchronize()?)
    }

    /// Allocates `bytes` bytes (contents unspecified), ordered on the current stream.
    ///
    /// **Errors**: [`Error::OutOfMemory`] when the device is full, even after waiting for
    /// pending frees.
    pub(crate) fn alloc(self: &Arc<Self>, bytes: usize) -> Result<CudaBuffer> {
        let home = self.current();
        if bytes == 0 {
            return Ok(CudaBuffer::owned(self.clone(), 0, 0, home));
        }
        let stream = home.id();
        // SAFETY: the current stream is live (`home` holds it).
        let mut r = unsafe { self.api.alloc(bytes, stream) };
        if matches!(&r, Err(e) if e.kind == GpuErrorKind::OutOfMemory) {
            // Queued frees return memory only once their stream reaches them.
            self.synchronize()?;
            // SAFETY: as above.
            r = unsafe { self.api.alloc(bytes, stream) };
        }
        match r {
            Ok(ptr) => Ok(CudaBuffer::owned(self.clone(), ptr, bytes, home)),
            Err(e) if e.kind == GpuErrorKind::OutOfMemory => Err(Error::OutOfMemory { device: self.device(), bytes }),
            Err(e) => Err(e.into()),
        }
    }

    /// Checks that `bytes` bytes from `ptr`, another library's memory (a DLPack import that
    /// claims to be on this device), are memory this device's kernels can address: device
    /// memory of this device in its context, or managed memory. Both ends of the range are
    /// asked about, so a range that runs into other memory is caught too.
    ///
    /// **Errors**: [`Error::DLPackMemory`] saying what the memory is instead; driver errors.
    pub(crate) fn check_foreign_memory(&self, ptr: DevPtr, bytes: usize) -> Result<()> {
        if bytes == 0 {
            return Ok(());
        }
        let last = ptr.checked_add(bytes as u64 - 1).ok_or_else(|| Error::DLPackMemory {
            device: self.device(),
            address: ptr,
            found: format!("the start of {bytes} bytes that wrap around the address space"),
        })?;
        for address in [ptr, last] {
            let info = self.api.pointer_info(address)?;
            let found = match (info.kind, info.device) {
                (MemoryKind::Managed, _) => continue,
                (MemoryKind::Device, _) if info.other_context => {
                    "device memory of another CUDA context, which devarray's (the primary) context cannot address"
                        .into()
                }
                (MemoryKind::Device, Some(d)) if d != self.ordinal() => format!("device memory of cuda:{d}"),
                (MemoryKind::Device, _) => continue,
                (MemoryKind::Host, _) => "page-locked host memory (DLPack device kDLCUDAHost)".into(),
                (MemoryKind::Unknown, _) => {
                    "not memory the CUDA driver knows (pageable host memory, or freed memory)".into()
                }
            };
            return Err(Error::DLPackMemory { device: self.device(), address, found });
        }
        Ok(())
    }

    /// Kernel `name` of module `(family, tag)`, compiled and loaded on first use.
    pub(crate) fn function(&self, family: &str, tag: DType, name: &str) -> Result<FunctionId> {
        self.modules.function(&*self.api, family, tag, name)
    }

    /// Queues `function` on the current stream.
    ///
    /// # Safety
    /// `function` came from [`CudaDevice::function`] on this device, and `args` satisfy the
    /// contract of [`GpuApi::launch`]: they match the kernel's parameters, and every pointer in
    /// them addresses live memory on this device, in bounds for every index the kernel derives.
    pub(crate) unsafe fn launch(&self, function: FunctionId, dims: LaunchDims, args: &[&[u8]]) -> Result<()> {
        // SAFETY: forwarded from the caller; the current stream is live.
        Ok(unsafe { self.api.launch(function, dims, self.current_stream(), args) }?)
    }

    /// Blocks until the work queued so far on this thread's current stream has finished (a
    /// pooled event behind it, so work other threads queue later is not waited for).
    ///
    /// **Errors**: driver errors, including those of the work waited for.
    pub(crate) fn wait_current_stream(&self) -> Result<()> {
        let event = self.pooled_event()?;
        // SAFETY: the pooled event is live while held; the current stream is live (this thread's
        // current-stream entry, or the device's own).
        unsafe { self.api.event_record(event.id(), self.current_stream()) }?;
        // SAFETY: as above.
        Ok(unsafe { self.api.event_synchronize(event.id()) }?)
    }
}

impl Drop for CudaDevice {
    fn drop(&mut self) {
        // Registry devices live until exit; this runs for emulated and test devices. Buffers
        // hold an `Arc` to their device, so none is alive here.
        // SAFETY: the stream is live; after synchronising no launch is pending, and none can be
        // queued (nothing else references `self`); each handle is destroyed once; the pooled
        // events are this device's and nothing holds them any more.
        unsafe {
            let _ = self.api.stream_synchronize(self.stream);
            self.modules.unload_all(&*self.api);
            self.events.destroy_all(&*self.api);
            let _ = self.api.stream_destroy(self.stream);
        }
    }
}
