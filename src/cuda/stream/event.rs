//! [`CudaEvent`]: a marker in a stream of one device, destroyed on drop.

use super::CudaStream;
use crate::cuda::api::EventId;
use crate::cuda::context::CudaDevice;
use crate::error::{Error, Result};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// An event of one device, which it keeps alive. Timed events take a device timestamp at each
/// record ([`CudaEvent::elapsed_since`]); ordering-only ones are cheaper to record.
pub(crate) struct CudaEvent {
    device: Arc<CudaDevice>,
    id: EventId,
    timing: bool,
    /// Whether the event was recorded at least once.
    recorded: AtomicBool,
}

impl CudaEvent {
    /// A new event on `device`, with timestamps when `timing`.
    ///
    /// **Errors**: driver errors.
    pub(crate) fn new(device: &Arc<CudaDevice>, timing: bool) -> Result<CudaEvent> {
        let id = device.api().event_create_with(timing)?;
        Ok(CudaEvent { device: device.clone(), id, timing, recorded: AtomicBool::new(false) })
    }

    /// The device the event belongs to.
    pub(crate) fn device(&self) -> &Arc<CudaDevice> {
        &self.device
    }

    /// Whether the event was recorded at least once.
    pub(crate) fn is_recorded(&self) -> bool {
        self.recorded.load(Ordering::Acquire)
    }

    /// Refuses a stream of another device object.
    fn check_stream(&self, op: &'static str, stream: &CudaStream) -> Result<()> {
        match stream.is_on(&self.device) {
            true => Ok(()),
            false => Err(Error::DeviceMismatch { op, lhs: self.device.device(), rhs: stream.device().device() }),
        }
    }

    /// Records the event at the current end of `stream` (re-recording moves the marker).
    ///
    /// **Errors**: [`Error::DeviceMismatch`] for a stream of another device; driver errors.
    pub(crate) fn record(&self, stream: &CudaStream) -> Result<()> {
        self.check_stream("Event::record", stream)?;
        // SAFETY: the event is live while `self` is, the stream while `stream` is; both are this
        // device's (checked above).
        unsafe { self.device.api().event_record(self.id, stream.id()) }?;
        self.recorded.store(true, Ordering::Release);
        Ok(())
    }

    /// Makes work queued on `stream` from now on wait until the event completes (no host
    /// blocking; a never-recorded event is complete).
    ///
    /// **Errors**: [`Error::DeviceMismatch`] for a stream of another device; driver errors.
    pub(crate) fn wait(&self, stream: &CudaStream) -> Result<()> {
        self.check_stream("Event::wait", stream)?;
        // SAFETY: as in `record`.
        Ok(unsafe { self.device.api().stream_wait_event(stream.id(), self.id) }?)
    }

    /// Blocks the calling thread until the work before the event's last record has finished.
    ///
    /// **Errors**: driver errors, including those of the work waited for.
    pub(crate) fn synchronize(&self) -> Result<()> {
        // SAFETY: the event is live while `self` is.
        Ok(unsafe { self.device.api().event_synchronize(self.id) }?)
    }

    /// The device time from `start`'s last record to this event's last record, after both have
    /// completed (blocks until then).
    ///
    /// **Errors**: [`Error::InvalidArgument`] when either event is ordering-only or `end`
    /// completed before `start`; [`Error::DeviceMismatch`] for events of different devices;
    /// driver errors (an event never recorded) as [`Error::Driver`].
    pub(crate) fn elapsed_since(&self, start: &CudaEvent) -> Result<Duration> {
        const OP: &str = "Event::elapsed_since";
        if !Arc::ptr_eq(&self.device, &start.device) {
            return Err(Error::DeviceMismatch { op: OP, lhs: start.device.device(), rhs: self.device.device() });
        }
        if !(self.timing && start.timing) {
            return Err(Error::invalid(OP, "devarray's internal ordering events cannot be timed; use Event::new"));
        }
        start.synchronize()?;
        self.synchronize()?;
        // SAFETY: both events are live while `start` and `self` are, and are this device's.
        let ms = unsafe { self.device.api().event_elapsed_ms(start.id, self.id) }?;
        if !ms.is_finite() || ms < 0.0 {
            let msg = format!("the end event completed {:.3} ms before the start event", -ms);
            return Err(Error::invalid(OP, msg));
        }
        Ok(Duration::from_secs_f64(f64::from(ms) / 1e3))
    }
}

impl Drop for CudaEvent {
    fn drop(&mut self) {
        // SAFETY: the event is ours and destroyed once; a pending record still completes.
        let _ = unsafe { self.device.api().event_destroy(self.id) };
    }
}

impl std::fmt::Debug for CudaEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CudaEvent(cuda:{}, {:#x})", self.device.ordinal(), self.id)
    }
}
