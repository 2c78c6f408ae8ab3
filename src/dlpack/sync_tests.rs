//! DLPack's stream ordering: the pure plan, its execution on the fake GPU (`cuda/fake.rs`), and
//! the release rule of exported CUDA memory.

use super::*;
use crate::array::Array;
use crate::cuda::fake::{fake_device as device, log_since};
use crate::dlpack::{ExportOptions, RawDLPack};
use crate::dtype::DType;
use crate::layout::Layout;
use crate::storage::Storage;
use std::sync::Arc;

const OURS: ForeignStreamId = ForeignStreamId(0xabc0);

#[test]
fn plan_waits_only_when_streams_differ() {
    let wait = |c: u64| SyncPlan::RecordAndWait { consumer: ForeignStreamId(c) };
    assert_eq!(plan(OURS, StreamArg::NoSync), SyncPlan::Nothing);
    assert_eq!(plan(OURS, StreamArg::Host), SyncPlan::Nothing);
    assert_eq!(plan(OURS, StreamArg::Handle(OURS.0)), SyncPlan::Nothing);
    assert_eq!(plan(ForeignStreamId(1), StreamArg::LegacyDefault), SyncPlan::Nothing);
    assert_eq!(plan(OURS, StreamArg::LegacyDefault), wait(1));
    assert_eq!(plan(OURS, StreamArg::PerThreadDefault), wait(2));
    assert_eq!(plan(OURS, StreamArg::Handle(0xdef0)), wait(0xdef0));
}

#[test]
fn record_on_ours_then_consumer_waits_and_events_are_reused() {
    let (fake, dev) = device();
    let ours = CudaStream::new(&dev).unwrap();
    let o = ours.id().0;
    let before = fake.state().log.len();
    // SAFETY: the fake accepts any foreign handle.
    unsafe { order(&ours, StreamArg::Handle(0xdef0)) }.unwrap();
    let log = log_since(&fake, before);
    let ev = log[0].strip_prefix("event_create ").expect("a new event").to_string();
    assert_eq!(log[1..], [format!("event_record {ev} on {o}"), format!("wait_foreign 0xdef0 for {ev}")]);
    // The second export reuses the pooled event: no create.
    let before = fake.state().log.len();
    // SAFETY: as above.
    unsafe { order(&ours, StreamArg::LegacyDefault) }.unwrap();
    assert_eq!(log_since(&fake, before), [format!("event_record {ev} on {o}"), format!("wait_foreign 0x1 for {ev}")]);
    // Nothing to do → no calls at all, and never a host synchronisation.
    let before = fake.state().log.len();
    // SAFETY: as above.
    unsafe { order(&ours, StreamArg::NoSync) }.unwrap();
    // SAFETY: as above.
    unsafe { order(&ours, StreamArg::Handle(o)) }.unwrap();
    assert!(log_since(&fake, before).is_empty(), "-1 or the same stream: no calls");
    assert_eq!(Stream::cuda(ours.clone()).dlpack_stream_arg(), Some(o as i64));
    assert_eq!(Stream::cuda(dev.default_stream()).dlpack_stream_arg(), Some(dev.stream().0 as i64));
    drop(ours);
    let before = fake.state().log.len();
    drop(dev);
    assert!(log_since(&fake, before).contains(&format!("event_destroy {ev}")), "the pool dies with the device");
}

/// A CUDA array over fake memory, as the op layer makes them.
fn fake_array(dev: &Arc<CudaDevice>, n: usize) -> (Array, u64) {
    let buf = dev.alloc(n * 4).unwrap();
    let ptr = buf.device_ptr();
    (Array::from_storage(Arc::new(Storage::Cuda(buf)), Layout::contiguous(&[n]), DType::F32, false), ptr)
}

fn export(a: &Array) -> RawDLPack {
    // SAFETY: -1 asks for no synchronisation and names no stream (the fake device has no real
    // default stream for the consumer to wait on).
    let opts = unsafe { ExportOptions::versioned().with_stream(Some(-1)) };
    a.to_dlpack(&opts).unwrap().into_raw()
}

fn release(raw: RawDLPack) {
    let p = raw.versioned().unwrap();
    // SAFETY: `p` is a live tensor from `export`, released once, as a consumer does.
    unsafe { ((*p).deleter.unwrap())(p) };
}

#[test]
fn exported_memory_released_by_the_consumer_is_freed_after_the_device_is_idle() {
    let (fake, dev) = device();
    let d = dev.stream().0;
    // Deleter last: the consumer's release frees, after a device synchronisation (its work may
    // still be queued on streams devarray never sees).
    let (a, ptr) = fake_array(&dev, 16);
    let raw = export(&a);
    drop(a);
    let before = fake.state().log.len();
    release(raw);
    assert_eq!(log_since(&fake, before), vec!["device_synchronize".to_string(), format!("free {ptr:#x} on {d}")]);
    // Deleter first: devarray's last array frees, with the same synchronisation.
    let (a, ptr) = fake_array(&dev, 16);
    release(export(&a));
    let before = fake.state().log.len();
    drop(a);
    assert_eq!(log_since(&fake, before), vec!["device_synchronize".to_string(), format!("free {ptr:#x} on {d}")]);
    // Never exported: no synchronisation.
    let (a, ptr) = fake_array(&dev, 16);
    let before = fake.state().log.len();
    drop(a);
    assert_eq!(log_since(&fake, before), vec![format!("free {ptr:#x} on {d}")]);
}
