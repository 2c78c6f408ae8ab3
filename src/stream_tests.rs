//! The public [`Stream`]/[`Event`] on the CPU, and on fake CUDA devices (`cuda/fake.rs`), whose
//! log shows the exact stream and event calls.

use super::*;
use crate::cuda::fake::FakeGpu;
use std::sync::Arc;

/// A fake CUDA device with ordinal `ordinal`, outside the registry.
fn fake_device(ordinal: usize) -> (Arc<FakeGpu>, Arc<CudaDevice>) {
    let fake = FakeGpu::with_ordinal(4, ordinal);
    let dev = Arc::new(CudaDevice::with_api(fake.clone()).expect("fake device opens"));
    (fake, dev)
}

fn new_stream(dev: &Arc<CudaDevice>) -> Stream {
    Stream::cuda(CudaStream::new(dev).unwrap())
}

fn handle(s: &Stream) -> u64 {
    s.as_cuda().unwrap().id().0
}

/// The stream of each `wait S for E` entry of the fake's log, in order.
fn waiters(fake: &FakeGpu) -> Vec<u64> {
    let log = std::mem::take(&mut fake.state().log);
    log.iter().filter_map(|l| l.strip_prefix("wait ")?.split(' ').next()?.parse().ok()).collect()
}

/// The current stream of `dev` on this thread, without the registry (which has no fake devices).
fn current(dev: &Arc<CudaDevice>) -> Stream {
    Stream::cuda(dev.current())
}

#[test]
fn guards_nest_restore_and_join_per_device() {
    let (fake, dev) = fake_device(7);
    let (_, other) = fake_device(6);
    let base = Stream::cuda(dev.default_stream());
    let (a, b) = (new_stream(&dev), new_stream(&dev));
    assert_eq!(cuda_stream::current(7), None);
    let ga = a.make_current().unwrap();
    assert_eq!(cuda_stream::current(7).map(|s| s.id().0), Some(handle(&a)));
    {
        let _gb = b.make_current().unwrap();
        assert_eq!(Stream::current(&Device::Cuda(7)).unwrap(), b);
        assert_eq!(cuda_stream::current(6), None, "other devices are unaffected");
        assert_eq!(current(&other), Stream::cuda(other.default_stream()));
    }
    assert_eq!(current(&dev), a);
    drop(ga);
    assert_eq!(current(&dev), base);
    assert_eq!(cuda_stream::current(7), None);
    // Each switch joined the streams with an event, in program order: a after base, b after a,
    // a after b (b's guard dropped), base after a (a's guard dropped).
    assert_eq!(waiters(&fake), vec![handle(&a), handle(&b), handle(&a), handle(&base)]);
    // Another thread has its own current streams.
    let a_on_main = a.make_current().unwrap();
    std::thread::spawn(|| assert_eq!(cuda_stream::current(7), None)).join().unwrap();
    drop(a_on_main);
}

#[test]
fn events_record_wait_and_owned_streams_are_destroyed() {
    let (fake, dev) = fake_device(3);
    let (s, t) = (new_stream(&dev), Stream::cuda(dev.default_stream()));
    let e = Event::cuda(CudaEvent::new(&dev, false).unwrap());
    let (s_raw, t_raw) = (handle(&s), handle(&t));
    let before = fake.state().log.len();
    e.record(&s).unwrap();
    t.wait_event(&e).unwrap();
    e.synchronize().unwrap();
    s.synchronize().unwrap();
    drop((e, s, t));
    let log = fake.state().log[before..].to_vec();
    let ev = log[0].strip_prefix("event_record ").and_then(|l| l.split(' ').next()).unwrap().to_string();
    assert_eq!(
        log,
        vec![
            format!("event_record {ev} on {s_raw}"),
            format!("wait {t_raw} for {ev}"),
            "event_synchronize".to_string(),
            "stream_synchronize".to_string(),
            format!("event_destroy {ev}"),
            "stream_destroy".to_string(), // `s`, which Stream::new-style streams own
        ]
    );
}

#[test]
fn events_refuse_streams_of_other_devices() {
    let ((_, zero), (_, one)) = (fake_device(0), fake_device(1));
    let e = Event::cuda(CudaEvent::new(&zero, false).unwrap());
    let other = new_stream(&one);
    assert!(matches!(e.record(&other), Err(Error::DeviceMismatch { .. })));
    assert!(matches!(e.wait(&Stream::host()), Err(Error::DeviceMismatch { .. })));
    // Two device objects with one ordinal (test doubles) are refused by the layer below.
    let (_, zero_again) = fake_device(0);
    let same_ordinal = new_stream(&zero_again);
    assert!(matches!(e.record(&same_ordinal), Err(Error::DeviceMismatch { .. })));
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
    let (_fake, dev) = fake_device(5);
    let s = new_stream(&dev);
    let cpu = Stream::current(&Device::Cpu).unwrap().record_event().unwrap();
    let ordering = Event::cuda(CudaEvent::new(&dev, false).unwrap());
    ordering.record(&s).unwrap();
    assert!(matches!(
        ordering.elapsed_since(&cpu),
        Err(Error::DeviceMismatch { op: "Event::elapsed_since", lhs: Device::Cpu, rhs: Device::Cuda(5) })
    ));
    assert!(matches!(cpu.elapsed_since(&ordering), Err(Error::DeviceMismatch { .. })));
    let unrecorded = Event::cuda(CudaEvent::new(&dev, true).unwrap());
    let err = ordering.elapsed_since(&unrecorded).unwrap_err();
    assert!(err.to_string().contains("start event was never recorded"), "{err}");
    let err = ordering.elapsed_since(&ordering).unwrap_err();
    assert!(err.to_string().contains("cannot be timed"), "{err}");
}

#[test]
fn cuda_events_time_the_fake_clock() {
    let (_fake, dev) = fake_device(0);
    let s = new_stream(&dev);
    let (start, end) =
        (Event::cuda(CudaEvent::new(&dev, true).unwrap()), Event::cuda(CudaEvent::new(&dev, true).unwrap()));
    start.record(&s).unwrap();
    end.record(&s).unwrap();
    let step = f64::from(crate::cuda::fake::FAKE_MS_PER_RECORD) / 1e3;
    assert_eq!(end.elapsed_since(&start).unwrap(), Duration::from_secs_f64(step));
    assert!(matches!(start.elapsed_since(&end), Err(Error::InvalidArgument { .. })), "end first");
}
