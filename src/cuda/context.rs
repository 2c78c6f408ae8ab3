//! Devices: the process-wide platform probe, one [`CudaDevice`] per ordinal (its opened
//! [`GpuApi`], default stream and module cache), and [`StreamRef`], a stream work is queued on.
//! [`CudaBuffer`] (device memory freed in stream order on drop) lives in `buffer.rs`.

use super::api::{
    DevPtr, DeviceProps, EventId, FunctionId, GpuApi, GpuErrorKind, GpuPlatform, LaunchDims, MemoryKind, StreamId,
};
pub(crate) use super::buffer::CudaBuffer;
use super::driver::DriverPlatform;
use super::launch::GridLimits;
use super::module::ModuleCache;
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
/// All of a thread's work on the device goes to one in-order stream (the device's own, unless
/// [`Stream::make_current`](crate::Stream::make_current) names another). That gives the
/// ordering NumPy code expects (every op sees the results of the ops before it) without events
/// between ops, and makes stream-ordered frees safe: a buffer dropped on the host is released
/// only after the work already queued. Work queued on other streams (another thread's
/// [`Stream::make_current`](crate::Stream::make_current)) is recorded on each buffer it uses, and
/// the buffer's free is ordered after it (`buffer.rs`).
pub(crate) struct CudaDevice {
    api: Arc<dyn GpuApi>,
    stream: StreamId,
    limits: GridLimits,
    modules: ModuleCache,
}

impl std::fmt::Debug for CudaDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CudaDevice(cuda:{}, {})", self.ordinal(), self.props().name)
    }
}

impl CudaDevice {
    /// The device for `ordinal`, opened on first use and shared afterwards.
    ///
    /// **Errors**: [`Error::CudaUnavailable`] without a driver or such a device; driver errors
    /// while opening it.
    pub(crate) fn get(ordinal: usize) -> Result<Arc<CudaDevice>> {
        static DEVICES: RwLock<Vec<Option<Arc<CudaDevice>>>> = RwLock::new(Vec::new());
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
        Ok(CudaDevice { api, stream, limits, modules: ModuleCache::default() })
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

    /// The device's own stream: where devarray queues work unless a [`Stream::make_current`]
    /// guard names another.
    ///
    /// [`Stream::make_current`]: crate::Stream::make_current
    pub(crate) fn stream(&self) -> StreamId {
        self.stream
    }

    /// The stream work queued now on this thread goes to: the thread's current stream for this
    /// device ([`Stream::make_current`]), else the device stream.
    ///
    /// [`Stream::make_current`]: crate::Stream::make_current
    pub(crate) fn current_stream(&self) -> StreamId {
        crate::stream::current_cuda_stream(self.ordinal()).map_or(self.stream, StreamId)
    }

    /// [`CudaDevice::current_stream`], with what keeps it alive: a buffer holds it until its
    /// free is ordered after the work queued there.
    pub(crate) fn current_stream_ref(&self) -> StreamRef {
        match crate::stream::current_cuda_stream_owned(self.ordinal()) {
            Some((raw, owner)) => StreamRef { id: StreamId(raw), _keep_alive: Some(owner) },
            None => self.default_stream_ref(),
        }
    }

    /// The device's own stream, which lives as long as the device.
    pub(crate) fn default_stream_ref(&self) -> StreamRef {
        StreamRef { id: self.stream, _keep_alive: None }
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
        let home = self.current_stream_ref();
        if bytes == 0 {
            return Ok(CudaBuffer::owned(self.clone(), 0, 0, home));
        }
        let stream = home.id();
        // SAFETY: the current stream is live (the device's, or one a guard keeps alive).
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

    /// Creates an event whose records take a timestamp, for the public
    /// [`Event`](crate::Event)'s [`elapsed_since`](crate::Event::elapsed_since). Returns the raw
    /// handle; destroy it with `api().event_destroy`.
    pub(crate) fn create_timing_event(&self) -> Result<u64> {
        Ok(self.api.event_create_with(true)?.0)
    }

    /// Time between the last records of timing events `start` and `end`, both completed.
    ///
    /// **Errors**: [`Error::InvalidArgument`] when `end` completed before `start`; driver
    /// errors (an event without timing, never recorded or not complete) as [`Error::Driver`].
    ///
    /// # Safety
    /// `start` and `end` are live events of this device.
    pub(crate) unsafe fn event_elapsed(&self, start: u64, end: u64) -> Result<std::time::Duration> {
        // SAFETY: forwarded contract.
        let ms = unsafe { self.api.event_elapsed_ms(EventId(start), EventId(end)) }?;
        if !ms.is_finite() || ms < 0.0 {
            let msg = format!("the end event completed {:.3} ms before the start event", -ms);
            return Err(Error::invalid("Event::elapsed_since", msg));
        }
        Ok(std::time::Duration::from_secs_f64(f64::from(ms) / 1e3))
    }

    /// Records an event at the current end of the current stream.
    pub(crate) fn record_event(&self) -> Result<Event<'_>> {
        let id = self.api.event_create()?;
        let event = Event { device: self, id };
        // SAFETY: `id` and the current stream are live.
        unsafe { self.api.event_record(id, self.current_stream()) }?;
        Ok(event)
    }
}

impl Drop for CudaDevice {
    fn drop(&mut self) {
        // Registry devices live until exit; this runs for emulated and test devices. Buffers
        // hold an `Arc` to their device, so none is alive here.
        // SAFETY: the stream is live; after synchronising no launch is pending, and none can be
        // queued (nothing else references `self`); each handle is destroyed once.
        unsafe {
            let _ = self.api.stream_synchronize(self.stream);
            self.modules.unload_all(&*self.api);
            let _ = self.api.stream_destroy(self.stream);
        }
    }
}

/// A stream of a device, kept alive while this is held.
#[derive(Clone)]
pub(crate) struct StreamRef {
    id: StreamId,
    /// What keeps a stream other than the device's own alive (the shared state of a
    /// [`Stream`](crate::Stream), which destroys the stream with its last reference); `None`
    /// for the device stream, which lives as long as the device.
    _keep_alive: Option<Arc<dyn Send + Sync>>,
}

impl StreamRef {
    /// The stream's handle.
    pub(crate) fn id(&self) -> StreamId {
        self.id
    }
}

impl std::fmt::Debug for StreamRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StreamRef({:#x})", self.id.0)
    }
}

/// A recorded event on a device stream, destroyed on drop.
pub(crate) struct Event<'a> {
    device: &'a CudaDevice,
    id: EventId,
}

impl Event<'_> {
    /// Blocks until the work queued before the event has finished.
    pub(crate) fn synchronize(&self) -> Result<()> {
        // SAFETY: `self.id` is live until drop.
        Ok(unsafe { self.device.api.event_synchronize(self.id) }?)
    }
}

impl Drop for Event<'_> {
    fn drop(&mut self) {
        // SAFETY: the event is live and destroyed once; a pending record still completes.
        let _ = unsafe { self.device.api.event_destroy(self.id) };
    }
}
