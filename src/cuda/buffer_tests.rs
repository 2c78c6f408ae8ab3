//! The stream ordering of frees, on the recording fake GPU: the exact event/wait/free calls when a
//! buffer is used on one stream, on several (another thread's current stream), and allocated on a
//! stream that is then dropped. (Exported memory: `src/dlpack/sync_tests.rs`.) The drop-time
//! events come from the device's event pool: a fresh device creates one, and keeps it.

use super::*;
use crate::cuda::api::StreamId;
use crate::cuda::elementwise::fill;
use crate::cuda::fake::FakeGpu;
use crate::cuda::fake::{fake_device as device, log_since};
use crate::cuda::stream::replace_current;
use crate::dtype::{DType, Scalar};
use crate::layout::Layout;

/// A new stream of the fake device (destroyed with its last clone), and its handle.
fn stream(dev: &Arc<CudaDevice>) -> (CudaStream, u64) {
    let s = CudaStream::new(dev).unwrap();
    let raw = s.id().0;
    (s, raw)
}

/// Runs `f` with `stream` current on this thread, restoring the previous setting after (without
/// the joins of a `CurrentGuard`, so the log shows only the buffer's own calls).
fn on<T>(stream: &CudaStream, f: impl FnOnce() -> T) -> T {
    let ordinal = stream.device().ordinal();
    let previous = replace_current(ordinal, Some(stream.clone()));
    let out = f();
    replace_current(ordinal, previous);
    out
}

/// A kernel that writes every element (1.5f32 has distinct bytes: no memset).
fn write_kernel(buf: &CudaBuffer) {
    fill(buf, &Layout::contiguous(&[buf.len_bytes() / 4]), DType::F32, Scalar::Float(1.5)).unwrap();
}

/// The log entries after the first `from`.
fn log_len(fake: &FakeGpu) -> usize {
    fake.state().log.len()
}

#[test]
fn a_buffer_used_only_on_its_allocation_stream_frees_with_no_event() {
    let (fake, dev) = device();
    let d = dev.stream().0;
    let buf = dev.alloc(64).unwrap();
    write_kernel(&buf);
    write_kernel(&buf);
    assert_eq!(buf.streams_used(), (StreamId(d), vec![]));
    let ptr = buf.device_ptr();
    let before = log_len(&fake);
    drop(buf);
    assert_eq!(log_since(&fake, before), vec![format!("free {ptr:#x} on {d}")]);
}

#[test]
fn a_kernel_on_another_threads_stream_is_waited_for_before_the_free() {
    // The filed case: a kernel queued on stream S by a thread under `make_current(S)`, and the
    // last reference dropped on the device stream D. Without ordering, the pool could hand the
    // block to D's next allocation while the kernel still runs.
    let (fake, dev) = device();
    let d = dev.stream().0;
    let ((s, s_raw), (t, t_raw)) = (stream(&dev), stream(&dev));
    let buf = Arc::new(dev.alloc(64).unwrap());
    let ptr = buf.device_ptr();
    for st in [&s, &t, &s] {
        let (st, b) = (st.clone(), buf.clone());
        std::thread::spawn(move || on(&st, || write_kernel(&b))).join().unwrap();
    }
    assert_eq!(buf.streams_used(), (StreamId(d), vec![StreamId(s_raw), StreamId(t_raw)]), "once each");
    let before = log_len(&fake);
    drop(Arc::into_inner(buf).expect("the last reference"));
    let log = log_since(&fake, before);
    let e = log[0].strip_prefix("event_create ").expect("one event");
    assert_eq!(
        log[1..],
        [
            format!("event_record {e} on {s_raw}"),
            format!("wait {d} for {e}"),
            format!("event_record {e} on {t_raw}"),
            format!("wait {d} for {e}"),
            format!("free {ptr:#x} on {d}"),
        ]
    );
    assert_eq!(dev.events().len(), 1, "the event went back to the pool");
}

#[test]
fn a_buffer_is_freed_on_its_allocation_stream_which_it_keeps_alive() {
    let (fake, dev) = device();
    let d = dev.stream().0;
    let (s, s_raw) = stream(&dev);
    let buf = on(&s, || {
        let buf = dev.alloc(64).unwrap();
        write_kernel(&buf);
        buf
    });
    assert!(log_since(&fake, 0).contains(&format!("alloc 64 on {s_raw}")));
    write_kernel(&buf); // on D, this thread's stream now
    let ptr = buf.device_ptr();
    drop(s); // the user's last handle: the buffer still holds the stream
    let before = log_len(&fake);
    assert!(!fake.state().log.contains(&"stream_destroy".to_string()));
    drop(buf);
    let log = log_since(&fake, before);
    let e = log[0].strip_prefix("event_create ").expect("one event");
    assert_eq!(
        log[1..],
        [
            format!("event_record {e} on {d}"),
            format!("wait {s_raw} for {e}"),
            format!("free {ptr:#x} on {s_raw}"),
            "stream_destroy".to_string(), // the free is queued first
        ]
    );
}

#[test]
fn a_buffer_used_only_on_a_guard_stream_it_was_allocated_on_needs_no_event() {
    let (fake, dev) = device();
    let (s, s_raw) = stream(&dev);
    let before = log_len(&fake);
    on(&s, || {
        let buf = dev.alloc(64).unwrap();
        write_kernel(&buf);
        drop(buf);
    });
    let log = log_since(&fake, before);
    assert!(!log.iter().any(|l| l.starts_with("event") || l.starts_with("wait")), "{log:?}");
    assert!(log.last().unwrap().ends_with(&format!(" on {s_raw}")), "{log:?}");
}

#[test]
fn when_events_fail_the_free_waits_for_the_device_and_when_that_fails_it_leaks() {
    let (fake, dev) = device();
    let d = dev.stream().0;
    let (s, _) = stream(&dev);
    for sync_fails in [false, true] {
        let buf = dev.alloc(64).unwrap();
        on(&s, || write_kernel(&buf));
        let ptr = buf.device_ptr();
        fake.state().failing =
            if sync_fails { vec!["event_create", "device_synchronize"] } else { vec!["event_create"] };
        let before = log_len(&fake);
        drop(buf);
        fake.state().failing.clear();
        let log = log_since(&fake, before);
        if sync_fails {
            assert_eq!(log, ["device_synchronize"], "no free: the block may still be in use");
            assert!(fake.state().allocs.contains_key(&ptr), "leaked");
        } else {
            assert_eq!(log, ["device_synchronize".to_string(), format!("free {ptr:#x} on {d}")]);
        }
    }
}
