//! Stream ordering between a DLPack producer and its consumer, written against a narrow trait so
//! the decision logic ("which stream waits on what") is tested without a GPU.
//!
//! The rule (Python DLPack spec, as CuPy and PyTorch implement it): when the consumer's stream
//! differs from the stream our work was queued on, record an event on ours and make the
//! consumer's stream wait on it. The host never blocks. Events come from a small per-device pool
//! instead of being created per export: an event may be re-recorded as soon as
//! `cuStreamWaitEvent` has returned, because a wait captures the event's state at call time.

use super::stream_arg::StreamArg;
use crate::error::Result;
use std::sync::{Arc, Mutex, MutexGuard};

/// Stream and event operations of one GPU, on raw driver handles (`CUstream`/`CUevent` values).
///
/// The CUDA backend implements it over its `GpuApi`; tests implement it with a recorder.
pub(crate) trait StreamOps: Send + Sync {
    /// Creates a stream that does not synchronise with the legacy default stream.
    fn stream_create(&self) -> Result<u64>;
    /// Destroys a stream (queued work still completes).
    ///
    /// # Safety
    /// `stream` came from `stream_create` and is not used afterwards.
    unsafe fn stream_destroy(&self, stream: u64) -> Result<()>;
    /// Blocks the host until `stream` has run all queued work.
    ///
    /// # Safety
    /// `stream` is a live stream of this device (or 1/2, the default streams).
    unsafe fn stream_synchronize(&self, stream: u64) -> Result<()>;
    /// Creates an event without timing.
    fn event_create(&self) -> Result<u64>;
    /// Records `event` at the current end of `stream`.
    ///
    /// # Safety
    /// `event` and `stream` are live handles of this device.
    unsafe fn event_record(&self, event: u64, stream: u64) -> Result<()>;
    /// Makes work queued on `stream` from now on wait for `event` (no host blocking).
    ///
    /// # Safety
    /// `event` and `stream` are live handles of this device.
    unsafe fn stream_wait_event(&self, stream: u64, event: u64) -> Result<()>;
    /// As [`StreamOps::stream_wait_event`], for a stream of another library (a DLPack
    /// consumer's `CUstream`, or 1/2 for the legacy/per-thread default streams).
    ///
    /// # Safety
    /// `event` is a live event of this device; `stream` is a live stream of its context.
    unsafe fn foreign_stream_wait_event(&self, stream: u64, event: u64) -> Result<()>;
    /// Blocks the host until `event` has completed.
    ///
    /// # Safety
    /// `event` is a live event of this device.
    unsafe fn event_synchronize(&self, event: u64) -> Result<()>;
    /// Destroys an event.
    ///
    /// # Safety
    /// `event` came from `event_create` and is not used afterwards.
    unsafe fn event_destroy(&self, event: u64) -> Result<()>;
}

/// What an export must do so the consumer's stream sees our finished data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyncPlan {
    /// Nothing: the consumer asked for no synchronisation, or uses our stream.
    Nothing,
    /// Record an event on `producer`, then make `consumer` wait on it.
    RecordAndWait {
        /// Our stream (where the array's pending work is queued).
        producer: u64,
        /// The consumer's stream.
        consumer: u64,
    },
}

/// Decides how to order `consumer` after work queued on our stream `producer`.
pub(crate) fn plan(producer: u64, consumer: StreamArg) -> SyncPlan {
    match consumer.cuda_handle() {
        None => SyncPlan::Nothing,
        Some(c) if c == producer => SyncPlan::Nothing,
        Some(c) => SyncPlan::RecordAndWait { producer, consumer: c },
    }
}

/// The stream operations of one device plus its pool of reusable events.
pub(crate) struct GpuSync {
    ops: Arc<dyn StreamOps>,
    free_events: Mutex<Vec<u64>>,
    capacity: usize,
}

impl GpuSync {
    /// Events kept for reuse per device; more concurrent exports create (and later destroy)
    /// extra ones.
    pub(crate) const POOL_CAPACITY: usize = 4;

    /// Wraps one device's operations.
    pub(crate) fn new(ops: Arc<dyn StreamOps>) -> GpuSync {
        GpuSync { ops, free_events: Mutex::new(Vec::new()), capacity: Self::POOL_CAPACITY }
    }

    /// The device's operations.
    pub(crate) fn ops(&self) -> &dyn StreamOps {
        &*self.ops
    }

    fn free_list(&self) -> MutexGuard<'_, Vec<u64>> {
        self.free_events.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Carries out `plan`.
    ///
    /// # Safety
    /// The streams named in `plan` are live streams of this device (or 1/2, the default
    /// streams).
    pub(crate) unsafe fn execute(&self, plan: SyncPlan) -> Result<()> {
        let SyncPlan::RecordAndWait { producer, consumer } = plan else {
            return Ok(());
        };
        let event = self.take_event()?;
        // SAFETY: `event` is a live event of this device (pooled or just created); the caller
        // guarantees both streams are live.
        let result = unsafe { self.ops.event_record(event, producer) }
            // SAFETY: as above.
            .and_then(|()| unsafe { self.ops.foreign_stream_wait_event(consumer, event) });
        // The wait (if any) captured the event's state, so the event can be reused right away.
        self.return_event(event);
        result
    }

    /// A pooled event, or a new one when the pool is empty.
    fn take_event(&self) -> Result<u64> {
        let pooled = self.free_list().pop();
        match pooled {
            Some(e) => Ok(e),
            None => self.ops.event_create(),
        }
    }

    /// Puts `event` back in the pool, or destroys it when the pool is full.
    fn return_event(&self, event: u64) {
        let mut free = self.free_list();
        if free.len() < self.capacity {
            free.push(event);
            return;
        }
        drop(free);
        // SAFETY: the event is ours and referenced nowhere else (a pending wait holds the
        // driver's own reference).
        let _ = unsafe { self.ops.event_destroy(event) };
    }
}

impl Drop for GpuSync {
    fn drop(&mut self) {
        for event in std::mem::take(&mut *self.free_list()) {
            // SAFETY: pooled events are live, ours, and referenced nowhere else.
            let _ = unsafe { self.ops.event_destroy(event) };
        }
    }
}

#[cfg(test)]
pub(crate) mod recording {
    //! A [`StreamOps`] that records every call, for tests.

    use super::StreamOps;
    use crate::error::Result;
    use std::sync::Mutex;

    /// One recorded call.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub(crate) enum Call {
        StreamCreate(u64),
        StreamDestroy(u64),
        StreamSynchronize(u64),
        EventCreate(u64),
        EventRecord { event: u64, stream: u64 },
        StreamWaitEvent { stream: u64, event: u64 },
        ForeignWait { stream: u64, event: u64 },
        EventSynchronize(u64),
        EventDestroy(u64),
    }

    /// Hands out handles 0x1000, 0x1001, … and logs calls.
    #[derive(Default)]
    pub(crate) struct Recorder {
        calls: Mutex<Vec<Call>>,
        next: Mutex<u64>,
    }

    impl Recorder {
        /// The calls so far, clearing the log.
        pub(crate) fn take(&self) -> Vec<Call> {
            std::mem::take(&mut *self.calls.lock().unwrap())
        }
        fn log(&self, c: Call) -> Result<()> {
            self.calls.lock().unwrap().push(c);
            Ok(())
        }
        fn fresh(&self) -> u64 {
            let mut n = self.next.lock().unwrap();
            *n += 1;
            0x1000 + *n
        }
    }

    impl StreamOps for Recorder {
        fn stream_create(&self) -> Result<u64> {
            let h = self.fresh();
            self.log(Call::StreamCreate(h)).map(|()| h)
        }
        unsafe fn stream_destroy(&self, stream: u64) -> Result<()> {
            self.log(Call::StreamDestroy(stream))
        }
        unsafe fn stream_synchronize(&self, stream: u64) -> Result<()> {
            self.log(Call::StreamSynchronize(stream))
        }
        fn event_create(&self) -> Result<u64> {
            let h = self.fresh();
            self.log(Call::EventCreate(h)).map(|()| h)
        }
        unsafe fn event_record(&self, event: u64, stream: u64) -> Result<()> {
            self.log(Call::EventRecord { event, stream })
        }
        unsafe fn stream_wait_event(&self, stream: u64, event: u64) -> Result<()> {
            self.log(Call::StreamWaitEvent { stream, event })
        }
        unsafe fn foreign_stream_wait_event(&self, stream: u64, event: u64) -> Result<()> {
            self.log(Call::ForeignWait { stream, event })
        }
        unsafe fn event_synchronize(&self, event: u64) -> Result<()> {
            self.log(Call::EventSynchronize(event))
        }
        unsafe fn event_destroy(&self, event: u64) -> Result<()> {
            self.log(Call::EventDestroy(event))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::recording::{Call, Recorder};
    use super::*;

    const OURS: u64 = 0xabc0;

    #[test]
    fn plan_waits_only_when_streams_differ() {
        assert_eq!(plan(OURS, StreamArg::NoSync), SyncPlan::Nothing);
        assert_eq!(plan(OURS, StreamArg::Host), SyncPlan::Nothing);
        assert_eq!(plan(OURS, StreamArg::Handle(OURS)), SyncPlan::Nothing);
        assert_eq!(plan(1, StreamArg::LegacyDefault), SyncPlan::Nothing);
        assert_eq!(plan(OURS, StreamArg::LegacyDefault), SyncPlan::RecordAndWait { producer: OURS, consumer: 1 });
        assert_eq!(plan(OURS, StreamArg::PerThreadDefault), SyncPlan::RecordAndWait { producer: OURS, consumer: 2 });
        assert_eq!(plan(OURS, StreamArg::Handle(0xdef0)), SyncPlan::RecordAndWait { producer: OURS, consumer: 0xdef0 });
    }

    #[test]
    fn record_on_ours_then_consumer_waits_and_events_are_reused() {
        let rec = Arc::new(Recorder::default());
        let sync = GpuSync::new(rec.clone());
        let p = plan(OURS, StreamArg::Handle(0xdef0));
        // SAFETY: the recorder accepts any handle.
        unsafe { sync.execute(p).unwrap() };
        let ev = match rec.take().as_slice() {
            [Call::EventCreate(e), Call::EventRecord { event, stream: OURS }, Call::ForeignWait { stream: 0xdef0, event: w }]
                if e == event && e == w =>
            {
                *e
            }
            other => panic!("unexpected calls {other:?}"),
        };
        // The second export reuses the pooled event: no create.
        // SAFETY: as above.
        unsafe { sync.execute(plan(OURS, StreamArg::LegacyDefault)).unwrap() };
        assert_eq!(
            rec.take(),
            vec![Call::EventRecord { event: ev, stream: OURS }, Call::ForeignWait { stream: 1, event: ev }]
        );
        // Nothing to do → no calls at all, and never a host synchronisation.
        // SAFETY: as above.
        unsafe { sync.execute(plan(OURS, StreamArg::NoSync)).unwrap() };
        assert!(rec.take().is_empty());
        drop(sync);
        assert_eq!(rec.take(), vec![Call::EventDestroy(ev)]);
    }

    #[test]
    fn pool_keeps_at_most_its_capacity() {
        let rec = Arc::new(Recorder::default());
        let sync = GpuSync::new(rec.clone());
        // Concurrent exports each hold an event; when they all return, the surplus is destroyed.
        let held: Vec<u64> = (0..GpuSync::POOL_CAPACITY + 2).map(|_| sync.take_event().unwrap()).collect();
        rec.take();
        held.iter().for_each(|&e| sync.return_event(e));
        let destroyed = &held[GpuSync::POOL_CAPACITY..];
        assert_eq!(rec.take(), destroyed.iter().map(|&e| Call::EventDestroy(e)).collect::<Vec<_>>());
        assert_eq!(sync.free_list().len(), GpuSync::POOL_CAPACITY);
    }
}
