//! The stream layer on the fake GPU: the event pool, joins, ordering another library's stream,
//! the thread's current stream, and timing events.

use super::*;
use crate::cuda::api::EventId;
use crate::cuda::fake::FAKE_MS_PER_RECORD;
use crate::cuda::fake::{fake_device as device, log_since};
use std::time::Duration;

/// The event of the first `event_create E` entry.
fn created(log: &[String]) -> String {
    log.iter().find_map(|l| l.strip_prefix("event_create ")).expect("an event was created").to_string()
}

#[test]
fn a_join_records_on_the_stream_waited_for_and_reuses_the_pooled_event() {
    let (fake, dev) = device();
    let (s, d) = (CudaStream::new(&dev).unwrap(), dev.default_stream());
    let before = fake.state().log.len();
    s.join(&d).unwrap();
    let log = log_since(&fake, before);
    let e = created(&log);
    let (s_raw, d_raw) = (s.id().0, d.id().0);
    assert_eq!(
        log,
        [format!("event_create {e}"), format!("event_record {e} on {d_raw}"), format!("wait {s_raw} for {e}")]
    );
    // The second join takes the same event from the pool: no create, no destroy.
    let before = fake.state().log.len();
    d.join(&s).unwrap();
    assert_eq!(log_since(&fake, before), [format!("event_record {e} on {s_raw}"), format!("wait {d_raw} for {e}")]);
    // A stream never waits on itself.
    let before = fake.state().log.len();
    s.join(&s.clone()).unwrap();
    assert!(log_since(&fake, before).is_empty());
    // Pooled events are destroyed with the device.
    drop((s, d));
    let before = fake.state().log.len();
    drop(dev);
    assert!(log_since(&fake, before).contains(&format!("event_destroy {e}")));
}

#[test]
fn joins_refuse_streams_of_another_device() {
    let ((_, a), (_, b)) = (device(), device());
    let err = CudaStream::new(&a).unwrap().join(&b.default_stream()).unwrap_err();
    assert!(matches!(err, Error::DeviceMismatch { op: "CudaStream::join", .. }), "{err}");
}

#[test]
fn another_librarys_stream_waits_on_a_pooled_event_recorded_on_ours() {
    let (fake, dev) = device();
    let ours = CudaStream::new(&dev).unwrap();
    let before = fake.state().log.len();
    // SAFETY: the fake accepts any foreign handle.
    unsafe { ours.order_foreign_after(ForeignStreamId(0xdef0)) }.unwrap();
    let log = log_since(&fake, before);
    let e = created(&log);
    let o = ours.id().0;
    assert_eq!(log[1..], [format!("event_record {e} on {o}"), format!("wait_foreign 0xdef0 for {e}")]);
    assert_eq!(ours.as_foreign(), ForeignStreamId(o));
}

#[test]
fn the_pool_keeps_at_most_its_capacity() {
    let (fake, dev) = device();
    // Concurrent users each hold an event; when they all return, the surplus is destroyed.
    let held: Vec<_> = (0..EventPool::CAPACITY + 2).map(|_| dev.pooled_event().unwrap()).collect();
    let ids: Vec<EventId> = held.iter().map(|e| e.id()).collect();
    let before = fake.state().log.len();
    drop(held);
    let destroyed: Vec<String> = ids[EventPool::CAPACITY..].iter().map(|e| format!("event_destroy {}", e.0)).collect();
    assert_eq!(log_since(&fake, before), destroyed);
    assert_eq!(dev.events().len(), EventPool::CAPACITY);
}

#[test]
fn the_current_stream_is_per_thread_and_per_device_object() {
    let (_fake, dev) = device();
    let (_other_fake, other) = device(); // the same ordinal, another device object
    let s = CudaStream::new(&dev).unwrap();
    assert_eq!(dev.current_stream(), dev.stream());
    let g = s.make_current().unwrap();
    assert_eq!((dev.current(), dev.current_stream()), (s.clone(), s.id()));
    assert_eq!(current(0), Some(s.clone()));
    assert_eq!(other.current_stream(), other.stream(), "a stream of another device object is not used");
    let dev2 = dev.clone();
    std::thread::spawn(move || assert_eq!(dev2.current_stream(), dev2.stream())).join().unwrap();
    drop(g);
    assert_eq!(current(0), None);
    assert_eq!(dev.current(), dev.default_stream());
}

#[test]
fn timing_events_measure_between_records_and_ordering_events_refuse() {
    let (_fake, dev) = device();
    let d = dev.default_stream();
    let (start, end) = (CudaEvent::new(&dev, true).unwrap(), CudaEvent::new(&dev, true).unwrap());
    let ordering = CudaEvent::new(&dev, false).unwrap();
    assert!(matches!(end.elapsed_since(&start), Err(Error::Driver { call: "cuEventElapsedTime", .. })));
    for e in [&start, &ordering, &end] {
        e.record(&d).unwrap();
    }
    // The fake clock advances FAKE_MS_PER_RECORD at each of the three records.
    let took = end.elapsed_since(&start).unwrap();
    assert_eq!(took, Duration::from_secs_f64(2.0 * f64::from(FAKE_MS_PER_RECORD) / 1e3));
    assert!(matches!(start.elapsed_since(&end), Err(Error::InvalidArgument { .. })), "end first");
    assert!(matches!(ordering.elapsed_since(&start), Err(Error::InvalidArgument { .. })), "no timing");
    let (_, other) = device();
    let foreign = CudaEvent::new(&other, true).unwrap();
    assert!(matches!(end.elapsed_since(&foreign), Err(Error::DeviceMismatch { .. })));
}
