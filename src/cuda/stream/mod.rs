//! The safe stream layer of the CUDA backend: streams, events, a per-device event pool, the
//! thread's current stream, and the per-buffer record of the streams memory was used on.
//!
//! Shaped like cudarc's safe layer, over [`GpuApi`](super::api::GpuApi) instead of the driver:
//! - [`CudaStream`]: a stream of one [`CudaDevice`], which it keeps alive; the device's own
//!   stream ([`CudaDevice::default_stream`]) or one made by [`CudaStream::new`], destroyed with
//!   its last clone. Streams order each other with [`CudaStream::join`].
//! - [`CudaEvent`] (`event.rs`): a marker in a stream, timed or ordering-only.
//! - [`EventPool`] (`pool.rs`): reusable ordering events per device, for the events devarray
//!   records itself (stream joins, frees after other streams, DLPack consumers).
//! - `current.rs`: this thread's current stream per device ([`CurrentGuard`]), which every
//!   launch, copy and allocation queues on.
//! - [`StreamUses`] (`uses.rs`): the streams a buffer was used on, and the ordering of its free
//!   after all of them.
//!
//! Everything above this module (the public `Stream`/`Event` of `src/stream.rs`,
//! DLPack) holds these typed values; raw handles stay inside `src/cuda`, and every handle a safe
//! method passes to the device is live, because the value that owns it is.

mod current;
mod event;
mod pool;
mod uses;

#[cfg(test)]
pub(crate) use current::replace_current;
pub(crate) use current::{current, CurrentGuard};
pub(crate) use event::CudaEvent;
pub(crate) use pool::EventPool;
pub(crate) use uses::StreamUses;

use super::api::{ForeignStreamId, StreamId};
use super::context::CudaDevice;
use crate::error::{Error, Result};
use std::fmt;
use std::sync::Arc;

/// A stream of one device: cloning shares it; a stream made by [`CudaStream::new`] is destroyed
/// when its last clone (including those buffers hold until their free) is dropped.
#[derive(Clone)]
pub(crate) struct CudaStream {
    device: Arc<CudaDevice>,
    id: StreamId,
    /// For a stream [`CudaStream::new`] made: what destroys it with the last clone. `None` for
    /// the device's own stream, which lives as long as the device (so taking it allocates
    /// nothing: every allocation records its stream).
    owned: Option<Arc<OwnedStream>>,
}

/// Destroys a stream this layer created when dropped.
struct OwnedStream {
    device: Arc<CudaDevice>,
    id: StreamId,
}

impl Drop for OwnedStream {
    fn drop(&mut self) {
        // SAFETY: the stream was made by this device's `stream_create` and this is the last
        // reference; work already queued on it still completes.
        let _ = unsafe { self.device.api().stream_destroy(self.id) };
    }
}

impl CudaStream {
    /// A new stream on `device` that does not synchronise with the legacy default stream.
    ///
    /// **Errors**: driver errors.
    pub(crate) fn new(device: &Arc<CudaDevice>) -> Result<CudaStream> {
        let id = device.api().stream_create()?;
        let owned = Some(Arc::new(OwnedStream { device: device.clone(), id }));
        Ok(CudaStream { device: device.clone(), id, owned })
    }

    /// The device's own stream, which lives as long as the device (not destroyed by this value).
    pub(crate) fn device_stream(device: &Arc<CudaDevice>) -> CudaStream {
        CudaStream { device: device.clone(), id: device.stream(), owned: None }
    }

    /// The device the stream belongs to.
    pub(crate) fn device(&self) -> &Arc<CudaDevice> {
        &self.device
    }

    /// The stream's handle, live while `self` is.
    pub(crate) fn id(&self) -> StreamId {
        self.id
    }

    /// Whether `self` is a stream of `device` (the same opened device object).
    pub(crate) fn is_on(&self, device: &CudaDevice) -> bool {
        std::ptr::eq(Arc::as_ptr(&self.device), device)
    }

    /// Refuses a stream of another device object: handles of one device mean nothing to another.
    pub(crate) fn check_same_device(&self, op: &'static str, other: &CudaStream) -> Result<()> {
        match other.is_on(self.device()) {
            true => Ok(()),
            false => Err(Error::DeviceMismatch { op, lhs: self.device().device(), rhs: other.device().device() }),
        }
    }

    /// Blocks the calling thread until all work queued on the stream has finished.
    ///
    /// **Errors**: driver errors, including those of queued work that failed.
    pub(crate) fn synchronize(&self) -> Result<()> {
        // SAFETY: the stream is live while `self` is.
        Ok(unsafe { self.device().api().stream_synchronize(self.id()) }?)
    }

    /// Makes work queued on `self` from now on wait for the work queued on `after` so far, with a
    /// pooled event (no host blocking; nothing at all when they are the same stream).
    ///
    /// **Errors**: [`Error::DeviceMismatch`] for a stream of another device; driver errors.
    pub(crate) fn join(&self, after: &CudaStream) -> Result<()> {
        self.check_same_device("CudaStream::join", after)?;
        if self.id() == after.id() {
            return Ok(());
        }
        let api = self.device().api();
        let event = self.device().pooled_event()?;
        // SAFETY: the pooled event is live while held; both streams are live (held by `self` and
        // `after`) and belong to this device (checked above).
        unsafe { api.event_record(event.id(), after.id()) }?;
        // SAFETY: as above. The wait captures the event's state now, so the event can go back to
        // the pool and be re-recorded at once.
        Ok(unsafe { api.stream_wait_event(self.id(), event.id()) }?)
    }

    /// Makes `foreign`, another library's stream, wait for the work queued on `self` so far (a
    /// pooled event recorded here; no host blocking).
    ///
    /// **Errors**: driver errors.
    ///
    /// # Safety
    /// `foreign` is a live stream of this device's (primary) context, or `1`/`2` (the legacy and
    /// per-thread default streams).
    pub(crate) unsafe fn order_foreign_after(&self, foreign: ForeignStreamId) -> Result<()> {
        let api = self.device().api();
        let event = self.device().pooled_event()?;
        // SAFETY: the pooled event is live while held; `self`'s stream is live while `self` is.
        unsafe { api.event_record(event.id(), self.id()) }?;
        // SAFETY: the caller guarantees `foreign`; the event is live and this device's.
        Ok(unsafe { api.stream_wait_event_foreign(foreign, event.id()) }?)
    }

    /// This stream as another library names it (its `CUstream` value), for comparing with a
    /// DLPack consumer's stream and handing to a producer.
    pub(crate) fn as_foreign(&self) -> ForeignStreamId {
        ForeignStreamId(self.id().0)
    }
}

impl PartialEq for CudaStream {
    /// The same device object and the same stream.
    fn eq(&self, other: &CudaStream) -> bool {
        other.is_on(self.device()) && self.id() == other.id()
    }
}
impl Eq for CudaStream {}

impl fmt::Debug for CudaStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.owned.is_some() { "created" } else { "the device's own" };
        write!(f, "CudaStream(cuda:{}, {:#x}, {kind})", self.device().ordinal(), self.id())
    }
}

impl CudaDevice {
    /// The device's own stream as a [`CudaStream`]: where devarray queues work unless a
    /// [`CurrentGuard`] names another.
    pub(crate) fn default_stream(self: &Arc<Self>) -> CudaStream {
        CudaStream::device_stream(self)
    }

    /// The stream work queued now on this thread goes to, as a [`CudaStream`] (which keeps it
    /// alive): the thread's current stream for this device, else the device's own.
    pub(crate) fn current(self: &Arc<Self>) -> CudaStream {
        current::with_current(self, |s| s.cloned()).unwrap_or_else(|| self.default_stream())
    }

    /// The handle of [`CudaDevice::current`], without taking a reference: live until this
    /// thread changes its current stream (a [`CurrentGuard`] keeps it alive until then).
    pub(crate) fn current_stream(&self) -> StreamId {
        current::with_current(self, |s| s.map(CudaStream::id)).unwrap_or(self.stream())
    }
}

#[cfg(test)]
mod tests;
