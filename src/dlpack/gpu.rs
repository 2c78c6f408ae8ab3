//! The CUDA glue of DLPack exchange and of [`Stream`](crate::Stream)/[`Event`](crate::Event):
//! the only code of `src/dlpack` and `src/stream.rs` that reaches into `src/cuda`, apart from
//! timing events, which `src/stream.rs` creates and reads through `CudaDevice` (the recording
//! test double behind [`StreamOps`] has no clock).
//!
//! Streams and events go through [`StreamOps`], implemented here over the device's `GpuApi`;
//! a DLPack consumer's stream (another library's `CUstream`, or 1/2 for the default streams) is
//! waited on with `GpuApi::stream_wait_event_foreign`. Imported device memory becomes a
//! `CudaBuffer::foreign`, which drops its owner (running the producer's deleter) once the device
//! has finished the work queued on it. The backend's ops queue on
//! [`current_cuda_stream`](crate::stream::current_cuda_stream) when a
//! [`Stream::make_current`](crate::Stream::make_current) guard is alive.

use super::sync::{GpuSync, StreamOps};
use crate::cuda::api::{EventId, StreamId};
use crate::cuda::{CudaBuffer, CudaDevice};
use crate::error::Result;
use std::sync::{Arc, Mutex};

/// [`StreamOps`] over an opened CUDA device.
struct DeviceOps(Arc<CudaDevice>);

impl StreamOps for DeviceOps {
    fn stream_create(&self) -> Result<u64> {
        Ok(self.0.api().stream_create()?.0)
    }
    unsafe fn stream_destroy(&self, stream: u64) -> Result<()> {
        // SAFETY: forwarded contract: a stream we created, not used afterwards.
        Ok(unsafe { self.0.api().stream_destroy(StreamId(stream)) }?)
    }
    unsafe fn stream_synchronize(&self, stream: u64) -> Result<()> {
        // SAFETY: forwarded contract: a live stream of this device.
        Ok(unsafe { self.0.api().stream_synchronize(StreamId(stream)) }?)
    }
    fn event_create(&self) -> Result<u64> {
        Ok(self.0.api().event_create()?.0)
    }
    unsafe fn event_record(&self, event: u64, stream: u64) -> Result<()> {
        // SAFETY: forwarded contract: live handles of this device.
        Ok(unsafe { self.0.api().event_record(EventId(event), StreamId(stream)) }?)
    }
    unsafe fn stream_wait_event(&self, stream: u64, event: u64) -> Result<()> {
        // SAFETY: forwarded contract: live handles of this device.
        Ok(unsafe { self.0.api().stream_wait_event(StreamId(stream), EventId(event)) }?)
    }
    unsafe fn foreign_stream_wait_event(&self, stream: u64, event: u64) -> Result<()> {
        // SAFETY: forwarded contract: a live event of this device, a live stream of its context.
        Ok(unsafe { self.0.api().stream_wait_event_foreign(stream, EventId(event)) }?)
    }
    unsafe fn event_synchronize(&self, event: u64) -> Result<()> {
        // SAFETY: forwarded contract: a live event of this device.
        Ok(unsafe { self.0.api().event_synchronize(EventId(event)) }?)
    }
    unsafe fn event_destroy(&self, event: u64) -> Result<()> {
        // SAFETY: forwarded contract: an event we created, not used afterwards.
        Ok(unsafe { self.0.api().event_destroy(EventId(event)) }?)
    }
}

/// Stream operations over `device` (any device object, e.g. a test double), outside the
/// per-ordinal registry.
#[cfg(test)]
pub(crate) fn sync_for(device: Arc<CudaDevice>) -> Arc<GpuSync> {
    Arc::new(GpuSync::new(Arc::new(DeviceOps(device))))
}

/// Stream operations and the event pool of CUDA device `ordinal`, made once per device.
///
/// **Errors**: [`Error::CudaUnavailable`](crate::Error::CudaUnavailable) when the device cannot be opened.
pub(crate) fn gpu_sync(ordinal: usize) -> Result<Arc<GpuSync>> {
    static DEVICES: Mutex<Vec<(usize, Arc<GpuSync>)>> = Mutex::new(Vec::new());
    let mut devices = DEVICES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, sync)) = devices.iter().find(|(o, _)| *o == ordinal) {
        return Ok(sync.clone());
    }
    let device = CudaDevice::get(ordinal)?;
    let sync = Arc::new(GpuSync::new(Arc::new(DeviceOps(device))));
    devices.push((ordinal, sync.clone()));
    Ok(sync)
}

/// The raw handle of the stream the CUDA backend queues device `ordinal`'s work on.
pub(crate) fn default_stream(ordinal: usize) -> Result<u64> {
    Ok(CudaDevice::get(ordinal)?.stream().0)
}

/// Device address `byte_offset` bytes into `buf`.
pub(crate) fn device_address(buf: &CudaBuffer, byte_offset: usize) -> u64 {
    buf.device_ptr() + byte_offset as u64
}

/// Notes that `buf` is handed to a DLPack consumer: whenever it is freed (the consumer's
/// deleter dropping the last reference, or devarray's last array), the free first waits for the
/// whole device, since the consumer's work runs on streams devarray never sees.
pub(crate) fn mark_exported(buf: &CudaBuffer) {
    buf.mark_exported();
}

/// Wraps foreign device memory of CUDA device `ordinal`, after asking the driver that it is
/// memory of that device (`cuPointerGetAttributes`); dropping the buffer waits for the device's
/// queued work, then drops `owner`. On error `owner` has been dropped.
///
/// **Errors**: [`Error::CudaUnavailable`](crate::Error::CudaUnavailable) when the device cannot
/// be opened; [`Error::DLPackMemory`](crate::Error::DLPackMemory) when the memory is not what
/// the producer claimed (host memory, another device's or context's, unknown).
///
/// # Safety
/// `ptr..ptr + bytes` is device memory of that device, valid until `owner` is dropped.
pub(crate) unsafe fn foreign_buffer(
    ordinal: usize,
    ptr: u64,
    bytes: usize,
    owner: Box<dyn Send + Sync>,
) -> Result<CudaBuffer> {
    let device = CudaDevice::get(ordinal)?;
    // The producer's word is all the caller's contract rests on; a wrong device would make
    // kernels fault, or read another GPU's memory through peer mappings.
    device.check_foreign_memory(ptr, bytes)?;
    // SAFETY: forwarded contract, and the driver confirmed the range is this device's memory.
    Ok(unsafe { CudaBuffer::foreign(device, ptr, bytes, owner) })
}
