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

use crate::cuda::CudaDevice;
use crate::dlpack::gpu;
use crate::dlpack::sync::{self, GpuSync};
use crate::dlpack::StreamArg;
use crate::error::{Error, Result};
use crate::Device;
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
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
    inner: Arc<StreamInner>,
}

struct StreamInner {
    device: Device,
    kind: Kind,
}

enum Kind {
    /// The CPU device's single synchronous queue.
    Host,
    /// A CUDA stream: its raw handle, and whether we created (and must destroy) it.
    Gpu { sync: Arc<GpuSync>, raw: u64, owned: bool },
}

impl Drop for StreamInner {
    fn drop(&mut self) {
        if let Kind::Gpu { sync, raw, owned: true } = &self.kind {
            // SAFETY: we created the stream and this is its last reference.
            let _ = unsafe { sync.ops().stream_destroy(*raw) };
        }
    }
}

thread_local! {
    /// This thread's current stream per device (devices without an entry use their default).
    static CURRENT: RefCell<Vec<Stream>> = const { RefCell::new(Vec::new()) };
}

/// Sets this thread's current stream for `device` (`None`: back to the default); returns the
/// previous setting.
fn set_current(device: Device, stream: Option<Stream>) -> Option<Stream> {
    CURRENT.with(|c| {
        let mut list = c.borrow_mut();
        let previous = list.iter().position(|s| s.device() == device).map(|i| list.swap_remove(i));
        list.extend(stream);
        previous
    })
}

fn get_current(device: Device) -> Option<Stream> {
    CURRENT.with(|c| c.borrow().iter().find(|s| s.device() == device).cloned())
}

/// The raw handle of this thread's current stream on CUDA device `ordinal`, when a
/// [`Stream::make_current`] guard set one. The CUDA backend's ops queue their work there
/// (else on the device's own stream).
pub(crate) fn current_cuda_stream(ordinal: usize) -> Option<u64> {
    get_current(Device::Cuda(ordinal)).and_then(|s| s.raw())
}

/// [`current_cuda_stream`], with the stream's shared state: holding it keeps the stream alive
/// (a buffer holds the streams it was used on until its free is ordered after their work).
pub(crate) fn current_cuda_stream_owned(ordinal: usize) -> Option<(u64, Arc<dyn Send + Sync>)> {
    let stream = get_current(Device::Cuda(ordinal))?;
    let raw = stream.raw()?;
    Some((raw, stream.inner))
}

/// Sets this thread's current stream for `stream`'s device without joining the streams, for
/// tests that drive a fake device (`Stream::make_current` would look up the real device);
/// returns the previous setting.
#[cfg(test)]
pub(crate) fn set_current_for_tests(device: Device, stream: Option<Stream>) -> Option<Stream> {
    set_current(device, stream)
}

/// Orders the DLPack consumer's stream after the work devarray queued for `device` on this
/// thread: on the current stream and, when that is not the device's own stream, on the device
/// stream too (the array may have been written before the guard was made). Nothing blocks the
/// host.
pub(crate) fn order_consumer_after_our_work(device: Device, consumer: StreamArg) -> Result<()> {
    if consumer.cuda_handle().is_none() {
        return Ok(());
    }
    let own = Stream::device_default(&device)?;
    own.order_consumer(consumer)?;
    match get_current(device) {
        Some(current) if current != own => current.order_consumer(consumer),
        _ => Ok(()),
    }
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
            Device::Cuda(i) => {
                let sync = gpu::gpu_sync(i)?;
                let raw = sync.ops().stream_create()?;
                Ok(Stream::gpu(*device, sync, raw, true))
            }
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
        match get_current(*device) {
            Some(s) => Ok(s),
            None => Stream::device_default(device),
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
            Device::Cuda(i) => {
                let sync = gpu::gpu_sync(i)?;
                let raw = gpu::default_stream(i)?;
                Ok(Stream::gpu(*device, sync, raw, false))
            }
        }
    }

    fn host() -> Stream {
        Stream { inner: Arc::new(StreamInner { device: Device::Cpu, kind: Kind::Host }) }
    }

    /// Wraps a raw CUDA stream of `device` (`owned`: destroy it with the last clone).
    pub(crate) fn gpu(device: Device, sync: Arc<GpuSync>, raw: u64, owned: bool) -> Stream {
        Stream { inner: Arc::new(StreamInner { device, kind: Kind::Gpu { sync, raw, owned } }) }
    }

    /// The raw driver handle (`None` on the CPU).
    fn raw(&self) -> Option<u64> {
        match &self.inner.kind {
            Kind::Host => None,
            Kind::Gpu { raw, .. } => Some(*raw),
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
        self.inner.device
    }

    /// Blocks the calling thread until all work queued on the stream has finished.
    ///
    /// ```
    /// devarray::Stream::current(&devarray::Device::Cpu)?.synchronize()?;
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn synchronize(&self) -> Result<()> {
        match &self.inner.kind {
            Kind::Host => Ok(()),
            // SAFETY: the stream is alive while `self` is.
            Kind::Gpu { sync, raw, .. } => unsafe { sync.ops().stream_synchronize(*raw) },
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
        let before = Stream::current(&self.device())?;
        join(self, &before)?;
        let previous = set_current(self.device(), Some(self.clone()));
        Ok(StreamGuard { device: self.device(), previous, _not_send: PhantomData })
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

    /// Records a new ordering-only event (no timestamp: cheaper to record, cannot be timed) at
    /// the current end of this stream. It is made through the stream's own device handle, so
    /// streams of any device object (including test doubles) record their own events.
    fn record_ordering_event(&self) -> Result<Event> {
        let e = match &self.inner.kind {
            Kind::Host => Event::host(),
            Kind::Gpu { sync, .. } => {
                let raw = sync.ops().event_create()?;
                Event::gpu(self.device(), sync.clone(), raw, None)
            }
        };
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

    /// This stream as the integer the Python DLPack protocol passes to a producer's
    /// `__dlpack__(stream=...)`: `None` on the CPU, `1` for the legacy default stream, `2` for
    /// the per-thread default stream, else the `CUstream` handle. This is what a devarray
    /// consumer hands to another library before importing its tensor.
    ///
    /// ```
    /// let s = devarray::Stream::current(&devarray::Device::Cpu)?;
    /// assert_eq!(s.dlpack_stream_arg(), None);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dlpack_stream_arg(&self) -> Option<i64> {
        self.raw().and_then(|h| StreamArg::from_cuda_handle(h).to_python())
    }

    /// Orders the DLPack consumer's stream `consumer` after the work queued on this stream.
    pub(crate) fn order_consumer(&self, consumer: StreamArg) -> Result<()> {
        match &self.inner.kind {
            Kind::Host => Ok(()),
            // SAFETY: our stream is alive while `self` is; the consumer's handle is a live stream
            // of this device by the contract of `ExportOptions::with_stream`.
            Kind::Gpu { sync, raw, .. } => unsafe { sync.execute(sync::plan(*raw, consumer)) },
        }
    }
}

impl PartialEq for Stream {
    /// Same device and same underlying queue.
    fn eq(&self, other: &Stream) -> bool {
        self.device() == other.device() && self.raw() == other.raw()
    }
}
impl Eq for Stream {}

impl fmt::Debug for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Stream");
        d.field("device", &format_args!("{}", self.device()));
        if let Some(h) = self.raw() {
            d.field("handle", &format_args!("{h:#x}"));
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
    previous: Option<Stream>,
    /// Thread-local state: the guard must be dropped on the thread that made it.
    _not_send: PhantomData<*const ()>,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let inner = get_current(self.device);
        set_current(self.device, self.previous.take());
        // Work after the scope waits for the work queued inside it. Drop cannot report an
        // error; a failed event record means the device is already in a sticky error state,
        // which the next operation reports.
        if let (Some(inner), Ok(outer)) = (inner, Stream::current(&self.device)) {
            let joined = join(&outer, &inner);
            debug_assert!(joined.is_ok(), "stream join at guard drop failed: {joined:?}");
        }
    }
}

/// Makes `waiter`'s later work wait for the work queued on `after` so far.
fn join(waiter: &Stream, after: &Stream) -> Result<()> {
    if waiter == after {
        return Ok(());
    }
    let event = after.record_ordering_event()?;
    waiter.wait_event(&event)
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
    device: Device,
    kind: EventKind,
}

enum EventKind {
    /// A CPU event: when it was last recorded (CPU work before it had completed by then).
    Host { recorded_at: Mutex<Option<Instant>> },
    /// A CUDA event: the device's stream operations, the raw handle, and, for events that take
    /// timestamps, the device that measures them.
    Gpu { sync: Arc<GpuSync>, raw: u64, timer: Option<Arc<CudaDevice>>, recorded: AtomicBool },
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
            Device::Cuda(i) => {
                let sync = gpu::gpu_sync(i)?;
                let timer = CudaDevice::get(i)?;
                let raw = timer.create_timing_event()?;
                Ok(Event::gpu(*device, sync, raw, Some(timer)))
            }
        }
    }

    fn host() -> Event {
        Event { device: Device::Cpu, kind: EventKind::Host { recorded_at: Mutex::new(None) } }
    }

    /// Wraps raw event `raw` of `device`, destroyed through `sync` on drop; `timer` is the
    /// device that made it with timing enabled (`None`: an ordering-only event).
    fn gpu(device: Device, sync: Arc<GpuSync>, raw: u64, timer: Option<Arc<CudaDevice>>) -> Event {
        Event { device, kind: EventKind::Gpu { sync, raw, timer, recorded: AtomicBool::new(false) } }
    }

    /// The device the event belongs to.
    ///
    /// ```
    /// let e = devarray::Event::new(&devarray::Device::Cpu)?;
    /// assert_eq!(e.device(), devarray::Device::Cpu);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn device(&self) -> Device {
        self.device
    }

    fn check_device(&self, op: &'static str, stream: &Stream) -> Result<()> {
        if stream.device() == self.device {
            Ok(())
        } else {
            Err(Error::DeviceMismatch { op, lhs: self.device, rhs: stream.device() })
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
        match (&self.kind, &stream.inner.kind) {
            (EventKind::Gpu { sync, raw, recorded, .. }, Kind::Gpu { raw: s, .. }) => {
                // SAFETY: both handles are alive while `self` and `stream` are, on one device.
                unsafe { sync.ops().event_record(*raw, *s) }?;
                recorded.store(true, Ordering::Release);
                Ok(())
            }
            (EventKind::Host { recorded_at }, _) => {
                // CPU ops run synchronously: everything queued before this call has finished.
                *recorded_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                Ok(())
            }
            // A CUDA event and the CPU stream: excluded by the device check above.
            (EventKind::Gpu { .. }, Kind::Host) => {
                Err(Error::DeviceMismatch { op: "Event::record", lhs: self.device, rhs: stream.device() })
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
        match (&self.kind, &stream.inner.kind) {
            // SAFETY: both handles are alive while `self` and `stream` are, on one device.
            (EventKind::Gpu { sync, raw, .. }, Kind::Gpu { raw: s, .. }) => unsafe {
                sync.ops().stream_wait_event(*s, *raw)
            },
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
            // SAFETY: the event is alive while `self` is.
            EventKind::Gpu { sync, raw, .. } => unsafe { sync.ops().event_synchronize(*raw) },
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
        if start.device != self.device {
            return Err(Error::DeviceMismatch { op: OP, lhs: start.device, rhs: self.device });
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
            (EventKind::Gpu { raw: a, timer: Some(timer), .. }, EventKind::Gpu { raw: b, timer: Some(_), .. }) => {
                start.synchronize()?;
                self.synchronize()?;
                // SAFETY: both events are live while `start` and `self` are, and belong to
                // `timer`'s device (same device, checked above; made by that device's registry
                // entry with timing).
                unsafe { timer.event_elapsed(*a, *b) }
            }
            _ => Err(Error::invalid(OP, "devarray's internal ordering events cannot be timed; use Event::new")),
        }
    }

    fn is_recorded(&self) -> bool {
        match &self.kind {
            EventKind::Host { recorded_at } => host_stamp(recorded_at).is_some(),
            EventKind::Gpu { recorded, .. } => recorded.load(Ordering::Acquire),
        }
    }
}

fn host_stamp(recorded_at: &Mutex<Option<Instant>>) -> Option<Instant> {
    *recorded_at.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drop for Event {
    fn drop(&mut self) {
        if let EventKind::Gpu { sync, raw, .. } = &self.kind {
            // SAFETY: the event is ours and this is its only owner.
            let _ = unsafe { sync.ops().event_destroy(*raw) };
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event").field("device", &format_args!("{}", self.device)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dlpack::sync::recording::{Call, Recorder};

    fn fake_device() -> (Arc<Recorder>, Arc<GpuSync>) {
        let rec = Arc::new(Recorder::default());
        let sync = Arc::new(GpuSync::new(rec.clone()));
        (rec, sync)
    }

    #[test]
    fn guards_nest_restore_and_join_per_device() {
        let (rec, sync) = fake_device();
        let dev = Device::Cuda(7);
        // A fake device has no real default stream: stand one in as this thread's base stream.
        let base = Stream::gpu(dev, sync.clone(), 0xd0, false);
        let a = Stream::gpu(dev, sync.clone(), 0xa0, false);
        let b = Stream::gpu(dev, sync, 0xb0, false);
        assert_eq!(current_cuda_stream(7), None);
        set_current(dev, Some(base.clone()));
        let ga = a.make_current().unwrap();
        assert_eq!(current_cuda_stream(7), Some(0xa0));
        {
            let _gb = b.make_current().unwrap();
            assert_eq!(Stream::current(&dev).unwrap(), b);
            assert_eq!(current_cuda_stream(6), None, "other devices are unaffected");
        }
        assert_eq!(current_cuda_stream(7), Some(0xa0));
        drop(ga);
        assert_eq!(current_cuda_stream(7), Some(0xd0));
        // Each switch joined the streams with an event, in program order: a after base, b after
        // a, a after b (b's guard dropped), base after a (a's guard dropped).
        let waiters: Vec<u64> = rec
            .take()
            .into_iter()
            .filter_map(|c| match c {
                Call::StreamWaitEvent { stream, .. } => Some(stream),
                _ => None,
            })
            .collect();
        assert_eq!(waiters, vec![0xa0, 0xb0, 0xa0, 0xd0]);
        // Another thread has its own current streams.
        std::thread::spawn(|| assert_eq!(current_cuda_stream(7), None)).join().unwrap();
        set_current(dev, None);
    }

    #[test]
    fn events_record_wait_and_owned_streams_are_destroyed() {
        let (rec, sync) = fake_device();
        let dev = Device::Cuda(3);
        let s = Stream::gpu(dev, sync.clone(), 0x50, true);
        let t = Stream::gpu(dev, sync.clone(), 0x60, false);
        let e = Event::gpu(dev, sync, 0xe0, None);
        e.record(&s).unwrap();
        t.wait_event(&e).unwrap();
        e.synchronize().unwrap();
        s.synchronize().unwrap();
        drop((e, s, t));
        assert_eq!(
            rec.take(),
            vec![
                Call::EventRecord { event: 0xe0, stream: 0x50 },
                Call::StreamWaitEvent { stream: 0x60, event: 0xe0 },
                Call::EventSynchronize(0xe0),
                Call::StreamSynchronize(0x50),
                Call::EventDestroy(0xe0),
                Call::StreamDestroy(0x50),
            ]
        );
    }

    #[test]
    fn events_refuse_streams_of_other_devices() {
        let (_rec, sync) = fake_device();
        let e = Event::gpu(Device::Cuda(0), sync.clone(), 1, None);
        let other = Stream::gpu(Device::Cuda(1), sync, 0x70, false);
        assert!(matches!(e.record(&other), Err(Error::DeviceMismatch { .. })));
        assert!(matches!(e.wait(&Stream::host()), Err(Error::DeviceMismatch { .. })));
    }

    #[test]
    fn export_ordering_records_on_current_stream_and_consumer_waits() {
        let (rec, sync) = fake_device();
        let ours = Stream::gpu(Device::Cuda(0), sync, 0x90, false);
        ours.order_consumer(StreamArg::Handle(0x91)).unwrap();
        let calls = rec.take();
        assert!(matches!(
            calls.as_slice(),
            [Call::EventCreate(e), Call::EventRecord { event: r, stream: 0x90 }, Call::ForeignWait { stream: 0x91, event: w }]
                if e == r && r == w
        ));
        ours.order_consumer(StreamArg::Handle(0x90)).unwrap();
        ours.order_consumer(StreamArg::NoSync).unwrap();
        assert!(rec.take().is_empty(), "same stream or -1: no calls");
        assert_eq!(ours.dlpack_stream_arg(), Some(0x90));
    }

    #[test]
    fn cpu_events_time_the_host_clock_between_records() {
        let dev = Device::Cpu;
        let s = Stream::current(&dev).unwrap();
        let (start, end) = (Event::new(&dev).unwrap(), Event::new(&dev).unwrap());
        let never = Event::new(&dev).unwrap();
        assert!(matches!(end.elapsed_since(&start), Err(Error::InvalidArgument { .. })), "neither recorded");
        start.record(&s).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        end.record(&s).unwrap();
        let took = end.elapsed_since(&start).unwrap();
        assert!(took >= Duration::from_millis(2) && took < Duration::from_secs(10), "{took:?}");
        assert_eq!(start.elapsed_since(&start).unwrap(), Duration::ZERO);
        assert!(matches!(end.elapsed_since(&never), Err(Error::InvalidArgument { .. })));
        assert!(matches!(never.elapsed_since(&start), Err(Error::InvalidArgument { .. })));
        assert!(matches!(start.elapsed_since(&end), Err(Error::InvalidArgument { .. })), "end before start");
        let recorded = s.record_event().unwrap();
        assert!(recorded.elapsed_since(&start).unwrap() >= took);
    }

    #[test]
    fn elapsed_refuses_other_devices_and_ordering_events() {
        let (_rec, sync) = fake_device();
        let dev = Device::Cuda(5);
        let s = Stream::gpu(dev, sync.clone(), 0x80, false);
        let cpu = Stream::current(&Device::Cpu).unwrap().record_event().unwrap();
        let ordering = s.record_ordering_event().unwrap();
        assert!(matches!(
            ordering.elapsed_since(&cpu),
            Err(Error::DeviceMismatch { op: "Event::elapsed_since", lhs: Device::Cpu, rhs: Device::Cuda(5) })
        ));
        assert!(matches!(cpu.elapsed_since(&ordering), Err(Error::DeviceMismatch { .. })));
        let unrecorded = Event::gpu(dev, sync, 0x81, None);
        let err = ordering.elapsed_since(&unrecorded).unwrap_err();
        assert!(err.to_string().contains("start event was never recorded"), "{err}");
        let err = ordering.elapsed_since(&ordering).unwrap_err();
        assert!(err.to_string().contains("cannot be timed"), "{err}");
    }
}
