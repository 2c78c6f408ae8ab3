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
use crate::cuda::CudaDevice;
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
