//! Streams and events: ordering work on a device without blocking the host.
//!
//! A [`Stream`] is an in-order queue of device work. Every thread has a *current stream* per
//! device, which devarray's ops on that device run on: the device's own stream unless a
//! [`Stream::make_current`] guard is alive. An [`Event`] marks a point in a stream; other streams
//! can wait on it ([`Event::wait`]), the host can block on it ([`Event::synchronize`]), and two
//! recorded events time the device work between them ([`Event::elapsed_since`]).
//!
//! On the CPU device, ops run synchronously on one in-order queue, so a CPU stream is that
//! queue: creating, recording, waiting and synchronising all succeed at once. Code written once
//! against streams therefore runs on both devices.
//!
//! ```
//! use devarray::{Array, DType, Device, Stream};
//! let dev = Device::default();
//! let s = Stream::new(&dev)?;
//! {
//!     let _g = s.make_current()?; // ops on `dev` in this scope run on `s`
//!     assert_eq!(Stream::current(&dev)?, s);
//!     let a = Array::ones(&[4], DType::F32, &dev)?;
//!     let done = s.record_event()?;
//!     done.synchronize()?; // the host waits for `a` to be written
//!     assert_eq!(a.to_vec::<f32>()?, vec![1.0; 4]);
//! }
//! s.synchronize()?;
//! # Ok::<(), devarray::Error>(())
//! ```

use crate::cuda::stream::{self as cuda_stream, CudaEvent, CudaStream, CurrentGuard};
use crate::cuda::CudaDevice;
use crate::error::{Error, Result};
use crate::Device;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An in-order queue of work on one device.
///
/// Cloning shares the stream; a stream created by [`Stream::new`] is destroyed when its last
/// clone is dropped (work already queued still completes).
///
/// ```
/// use devarray::{Device, Stream};
/// let s = Stream::new(&Device::Cpu)?;
/// assert_eq!(s.device(), Device::Cpu);
/// assert_eq!(s.clone(), s);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone)]
pub struct Stream {
    kind: Kind,
}

/// What a [`Stream`] is on each kind of device.
#[derive(Clone)]
enum Kind {
    /// The CPU device's single synchronous queue.
    Host,
    /// A CUDA stream of the backend's stream layer.
    Cuda(CudaStream),
}

impl Stream {
    /// A new stream on `device` (on CUDA, one that does not synchronise with the legacy default
    /// stream).
    ///
    /// **Errors** with [`Error::CudaUnavailable`] when the CUDA device cannot be used.
    ///
    /// ```
    /// let s = devarray::Stream::new(&devarray::Device::Cpu)?;
    /// s.synchronize()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn new(device: &Device) -> Result<Stream> {
        match *device {
            Device::Cpu => Ok(Stream::host()),
            Device::Cuda(i) => Ok(Stream::cuda(CudaStream::new(&CudaDevice::get(i)?)?)),
        }
    }

    /// This thread's current stream on `device`: the one set by the innermost live
    /// [`Stream::make_current`] guard, else the device's default stream.
    ///
    /// ```
    /// use devarray::{Device, Stream};
    /// let dev = Device::Cpu;
    /// let default = Stream::current(&dev)?;
    /// let s = Stream::new(&dev)?;
    /// let g = s.make_current()?;
    /// assert_eq!(Stream::current(&dev)?, s);
    /// drop(g);
    /// assert_eq!(Stream::current(&dev)?, default);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn current(device: &Device) -> Result<Stream> {
        match *device {
            Device::Cpu => Ok(Stream::host()),
            Device::Cuda(i) => match cuda_stream::current(i) {
                Some(s) => Ok(Stream::cuda(s)),
                None => Stream::device_default(device),
            },
        }
    }

    /// The stream devarray's ops use on `device` when no other stream is current.
    ///
    /// ```
    /// use devarray::{Device, Stream};
    /// assert_eq!(Stream::device_default(&Device::Cpu)?, Stream::device_default(&Device::Cpu)?);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn device_default(device: &Device) -> Result<Stream> {
        match *device {
            Device::Cpu => Ok(Stream::host()),
            Device::Cuda(i) => Ok(Stream::cuda(CudaDevice::get(i)?.default_stream())),
        }
    }

    fn host() -> Stream {
        Stream { kind: Kind::Host }
    }

    /// Wraps a stream of the CUDA backend.
    pub(crate) fn cuda(stream: CudaStream) -> Stream {
        Stream { kind: Kind::Cuda(stream) }
    }

    /// The CUDA stream (`None` on the CPU).
    pub(crate) fn as_cuda(&self) -> Option<&CudaStream> {
        match &self.kind {
            Kind::Host => None,
            Kind::Cuda(s) => Some(s),
        }
    }

    /// The device the stream belongs to.
    ///
    /// ```
    /// let s = devarray::Stream::new(&devarray::Device::Cpu)?;
    /// assert_eq!(s.device(), devarray::Device::Cpu);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn device(&self) -> Device {
        match &self.kind {
            Kind::Host => Device::Cpu,
            Kind::Cuda(s) => s.device().device(),
        }
    }

    /// Blocks the calling thread until all work queued on the stream has finished.
    ///
    /// ```
    /// devarray::Stream::current(&devarray::Device::Cpu)?.synchronize()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn synchronize(&self) -> Result<()> {
        match &self.kind {
            Kind::Host => Ok(()),
            Kind::Cuda(s) => s.synchronize(),
        }
    }

    /// Makes this stream the current one for its device on this thread until the guard is
    /// dropped; the previous current stream is restored then. Guards nest (drop them in reverse
    /// order, as scopes do) and cannot leave the thread.
    ///
    /// ```
    /// use devarray::{Device, Stream};
    /// let (a, b) = (Stream::new(&Device::Cpu)?, Stream::new(&Device::Cpu)?);
    /// let _ga = a.make_current()?;
    /// {
    ///     let _gb = b.make_current()?;
    ///     assert_eq!(Stream::current(&Device::Cpu)?, b);
    /// }
    /// assert_eq!(Stream::current(&Device::Cpu)?, a);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    ///
    /// Program order is kept across the switch: work queued on this stream waits for the work
    /// already queued on the stream that was current, and when the guard drops, the restored
    /// stream waits for the work queued here (events, never a host block). So a buffer written
    /// before the scope and read or freed inside it (or the reverse) is always ordered.
    ///
    /// Across threads, devarray keeps memory safe: a buffer used on several streams is freed
    /// only after the work each of them queued on it (its free waits on an event recorded on
    /// each), whichever thread drops it last. Ordering the *data* between streams that different
    /// threads make current (one thread's kernel writing what another's reads) is the caller's,
    /// with [`Event`]s, as in CUDA and PyTorch: devarray does not make a stream wait for another
    /// on each first use, which would serialise the streams the threads run on.
    ///
    /// **Errors** when the CUDA event that orders the two streams cannot be recorded.
    pub fn make_current(&self) -> Result<StreamGuard> {
        let inner = match &self.kind {
            Kind::Host => None,
            Kind::Cuda(s) => Some(s.make_current()?),
        };
        Ok(StreamGuard { device: self.device(), _inner: inner })
    }

    /// Records a new event at the current end of this stream. Like [`Event::new`]'s, the event
    /// can be timed with [`Event::elapsed_since`].
    ///
    /// ```
    /// let s = devarray::Stream::new(&devarray::Device::Cpu)?;
    /// let e = s.record_event()?;
    /// e.synchronize()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn record_event(&self) -> Result<Event> {
        let e = Event::new(&self.device())?;
        e.record(self)?;
        Ok(e)
    }

    /// Makes work queued on this stream from now on wait for `event` (the host does not block).
    ///
    /// **Errors** with [`Error::DeviceMismatch`] when the event belongs to another device.
    ///
    /// ```
    /// use devarray::{Device, Stream};
    /// let (producer, consumer) = (Stream::new(&Device::Cpu)?, Stream::new(&Device::Cpu)?);
    /// consumer.wait_event(&producer.record_event()?)?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn wait_event(&self, event: &Event) -> Result<()> {
        event.wait(self)
    }
}

impl PartialEq for Stream {
    /// Same device and same underlying queue.
    fn eq(&self, other: &Stream) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Host, Kind::Host) => true,
            (Kind::Cuda(a), Kind::Cuda(b)) => a == b,
            _ => false,
        }
    }
}
impl Eq for Stream {}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Stream");
        d.field("device", &format_args!("{}", self.device()));
        if let Kind::Cuda(s) = &self.kind {
            d.field("handle", &format_args!("{:#x}", s.id()));
        }
        d.finish()
    }
}

/// Keeps a stream current on this thread; restores the previous one when dropped. Made by
/// [`Stream::make_current`].
///
/// ```
/// let s = devarray::Stream::new(&devarray::Device::Cpu)?;
/// let guard: devarray::StreamGuard = s.make_current()?;
/// drop(guard);
/// # Ok::<(), devarray::Error>(())
/// ```
pub struct StreamGuard {
    device: Device,
    /// The CUDA layer's guard (`None` on the CPU, whose one queue is always current); it restores
    /// the previous stream and joins the two when dropped, and cannot leave the thread.
    _inner: Option<CurrentGuard>,
}

impl fmt::Debug for StreamGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamGuard").field("device", &format_args!("{}", self.device)).finish()
    }
}

/// A marker in a stream: other streams can wait for it without blocking the host, the host can
/// block until it completes, and the time between two recorded events can be measured.
///
/// ```
/// use devarray::{Device, Event, Stream};
/// let dev = Device::Cpu;
/// let (producer, consumer) = (Stream::new(&dev)?, Stream::new(&dev)?);
/// let ready = Event::new(&dev)?;
/// ready.record(&producer)?; // after the producer's queued work...
/// ready.wait(&consumer)?;   // ...the consumer's later work starts
/// ready.synchronize()?;     // and the host can wait too
/// # Ok::<(), devarray::Error>(())
/// ```
pub struct Event {
    kind: EventKind,
}

/// What an [`Event`] is on each kind of device.
enum EventKind {
    /// A CPU event: when it was last recorded (CPU work before it had completed by then).
    Host { recorded_at: Mutex<Option<Instant>> },
    /// A CUDA event of the backend's stream layer.
    Cuda(CudaEvent),
}

impl Event {
    /// A new event on `device` (not recorded yet: waiting on it returns at once). Its records
    /// take timestamps, so two events can be timed with [`Event::elapsed_since`].
    ///
    /// **Errors** with [`Error::CudaUnavailable`] when the CUDA device cannot be used.
    ///
    /// ```
    /// let e = devarray::Event::new(&devarray::Device::Cpu)?;
    /// e.synchronize()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn new(device: &Device) -> Result<Event> {
        match *device {
            Device::Cpu => Ok(Event::host()),
            Device::Cuda(i) => Ok(Event::cuda(CudaEvent::new(&CudaDevice::get(i)?, true)?)),
        }
    }

    fn host() -> Event {
        Event { kind: EventKind::Host { recorded_at: Mutex::new(None) } }
    }

    /// Wraps an event of the CUDA backend.
    pub(crate) fn cuda(event: CudaEvent) -> Event {
        Event { kind: EventKind::Cuda(event) }
    }

    /// The device the event belongs to.
    ///
    /// ```
    /// let e = devarray::Event::new(&devarray::Device::Cpu)?;
    /// assert_eq!(e.device(), devarray::Device::Cpu);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn device(&self) -> Device {
        match &self.kind {
            EventKind::Host { .. } => Device::Cpu,
            EventKind::Cuda(e) => e.device().device(),
        }
    }

    fn check_device(&self, op: &'static str, stream: &Stream) -> Result<()> {
        if stream.device() == self.device() {
            Ok(())
        } else {
            Err(Error::DeviceMismatch { op, lhs: self.device(), rhs: stream.device() })
        }
    }

    /// Records the event at the current end of `stream` (re-recording moves the marker).
    ///
    /// **Errors** with [`Error::DeviceMismatch`] when `stream` is on another device.
    ///
    /// ```
    /// use devarray::{Device, Event, Stream};
    /// let e = Event::new(&Device::Cpu)?;
    /// e.record(&Stream::current(&Device::Cpu)?)?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn record(&self, stream: &Stream) -> Result<()> {
        self.check_device("Event::record", stream)?;
        match (&self.kind, &stream.kind) {
            (EventKind::Cuda(e), Kind::Cuda(s)) => e.record(s),
            (EventKind::Host { recorded_at }, _) => {
                // CPU ops run synchronously: everything queued before this call has finished.
                *recorded_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                Ok(())
            }
            // A CUDA event and the CPU stream: excluded by the device check above.
            (EventKind::Cuda(_), Kind::Host) => {
                Err(Error::DeviceMismatch { op: "Event::record", lhs: self.device(), rhs: stream.device() })
            }
        }
    }

    /// Makes work queued on `stream` from now on wait until the event completes, without
    /// blocking the host.
    ///
    /// **Errors** with [`Error::DeviceMismatch`] when `stream` is on another device.
    ///
    /// ```
    /// use devarray::{Device, Stream};
    /// let s = Stream::new(&Device::Cpu)?;
    /// s.record_event()?.wait(&Stream::current(&Device::Cpu)?)?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn wait(&self, stream: &Stream) -> Result<()> {
        self.check_device("Event::wait", stream)?;
        match (&self.kind, &stream.kind) {
            (EventKind::Cuda(e), Kind::Cuda(s)) => e.wait(s),
            _ => Ok(()),
        }
    }

    /// Blocks the calling thread until the work before the event's last record has finished.
    ///
    /// ```
    /// devarray::Stream::new(&devarray::Device::Cpu)?.record_event()?.synchronize()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn synchronize(&self) -> Result<()> {
        match &self.kind {
            EventKind::Host { .. } => Ok(()),
            EventKind::Cuda(e) => e.synchronize(),
        }
    }

    /// The time from `start`'s last record to this event's last record: CUDA's
    /// `cuEventElapsedTime` (resolution about 0.5 µs) on a CUDA device; on the CPU, where ops
    /// run synchronously, the host clock between the two [`Event::record`] calls. Blocks until
    /// both events have completed. Typical use: record `start`, queue work, record `end`, then
    /// `end.elapsed_since(&start)` is the device time the work took.
    ///
    /// **Errors** with [`Error::DeviceMismatch`] when the events belong to different devices,
    /// and [`Error::InvalidArgument`] when either was never recorded or `start` was recorded
    /// after this event (devarray's internal ordering events cannot be timed either; every
    /// [`Event::new`] and [`Stream::record_event`] event can).
    ///
    /// ```
    /// use devarray::{Array, DType, Device, Event, Stream};
    /// let dev = Device::default();
    /// let stream = Stream::current(&dev)?;
    /// let (start, end) = (Event::new(&dev)?, Event::new(&dev)?);
    /// let a = Array::ones(&[1 << 16], DType::F32, &dev)?;
    /// start.record(&stream)?;
    /// let b = a.add(&a)?.exp()?;
    /// end.record(&stream)?;
    /// let took: std::time::Duration = end.elapsed_since(&start)?;
    /// println!("add + exp on {dev}: {took:?}");
    /// assert!(end.elapsed_since(&Event::new(&dev)?).is_err()); // never recorded
    /// # drop(b);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn elapsed_since(&self, start: &Event) -> Result<Duration> {
        const OP: &str = "Event::elapsed_since";
        if start.device() != self.device() {
            return Err(Error::DeviceMismatch { op: OP, lhs: start.device(), rhs: self.device() });
        }
        for (event, which) in [(start, "start"), (self, "end")] {
            if !event.is_recorded() {
                let msg = format!("the {which} event was never recorded; record it on a stream first");
                return Err(Error::invalid(OP, msg));
            }
        }
        match (&start.kind, &self.kind) {
            (EventKind::Host { recorded_at: a }, EventKind::Host { recorded_at: b }) => {
                let (a, b) = (host_stamp(a), host_stamp(b));
                b.zip(a)
                    .and_then(|(end, start)| end.checked_duration_since(start))
                    .ok_or_else(|| Error::invalid(OP, "the start event was recorded after the end event"))
            }
            (EventKind::Cuda(a), EventKind::Cuda(b)) => b.elapsed_since(a),
            // Different devices: excluded by the check above.
            _ => Err(Error::DeviceMismatch { op: OP, lhs: start.device(), rhs: self.device() }),
        }
    }

    fn is_recorded(&self) -> bool {
        match &self.kind {
            EventKind::Host { recorded_at } => host_stamp(recorded_at).is_some(),
            EventKind::Cuda(e) => e.is_recorded(),
        }
    }
}

fn host_stamp(recorded_at: &Mutex<Option<Instant>>) -> Option<Instant> {
    *recorded_at.lock().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event").field("device", &format_args!("{}", self.device())).finish()
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
