//! The DLPack `stream` argument (pure parsing, CPU and CUDA rules), how exports validate it,
//! and the public Stream/Event API. The event/wait call sequence of a CUDA export is unit-tested
//! on the fake GPU (`src/cuda/fake.rs`) in `src/dlpack/sync_tests.rs` and `src/stream_tests.rs`.

use devarray::dlpack::ffi::DLDevice;
use devarray::dlpack::{current_stream_arg, ExportOptions, StreamArg};
use devarray::{Array, DType, Device, Error, Event, Stream};

#[test]
fn cuda_stream_arguments_follow_the_array_api_rules() {
    let dev = Device::Cuda(0);
    let ok = |v: Option<i64>| StreamArg::parse(v, dev).unwrap();
    assert_eq!(ok(None), StreamArg::LegacyDefault, "None: the producer assumes the legacy default stream");
    assert_eq!(ok(Some(-1)), StreamArg::NoSync);
    assert_eq!(ok(Some(1)), StreamArg::LegacyDefault);
    assert_eq!(ok(Some(2)), StreamArg::PerThreadDefault);
    assert_eq!(ok(Some(3)), StreamArg::Handle(3));
    assert_eq!(ok(Some(i64::MAX)), StreamArg::Handle(i64::MAX as u64));
    for bad in [0, -2, -100, i64::MIN] {
        let err = StreamArg::parse(Some(bad), dev).unwrap_err();
        assert!(
            matches!(err, Error::DLPackStream { stream: Some(s), device, .. } if s == bad && device == dev),
            "{err}"
        );
    }
    let zero = StreamArg::parse(Some(0), dev).unwrap_err().to_string();
    assert!(zero.contains("ambiguous") && zero.contains("-1"), "{zero}");
}

#[test]
fn cpu_accepts_only_none() {
    assert_eq!(StreamArg::parse(None, Device::Cpu).unwrap(), StreamArg::Host);
    for v in [-1, 0, 1, 2, 0x7f00_0000] {
        let err = StreamArg::parse(Some(v), Device::Cpu).unwrap_err();
        assert!(matches!(err, Error::DLPackStream { device: Device::Cpu, .. }), "{err}");
        assert!(err.to_string().contains("stream=None"), "{err}");
    }
}

#[test]
fn encodings_round_trip() {
    for arg in [StreamArg::NoSync, StreamArg::LegacyDefault, StreamArg::PerThreadDefault, StreamArg::Handle(0x55_0000)]
    {
        assert_eq!(StreamArg::parse(arg.to_python(), Device::Cuda(1)).unwrap(), arg);
    }
    assert_eq!(StreamArg::Host.to_python(), None);
    assert_eq!(StreamArg::PerThreadDefault.cuda_handle(), Some(2));
    assert_eq!(StreamArg::Host.cuda_handle(), None);
}

#[test]
fn cpu_exports_validate_the_stream_against_the_target_device() -> devarray::Result<()> {
    let a = Array::ones(&[2], DType::F32, &Device::Cpu)?;
    for v in [-1, 1, 2] {
        // SAFETY: a CPU export never uses the value as a stream.
        let opts = unsafe { ExportOptions::versioned().with_stream(Some(v)) };
        assert!(matches!(a.to_dlpack(&opts), Err(Error::DLPackStream { .. })));
        let host = opts.with_dl_device(DLDevice::CPU);
        assert!(matches!(a.to_dlpack(&host), Err(Error::DLPackStream { .. })), "kDLCPU targets need stream=None");
    }
    // SAFETY: None names no stream.
    let opts = unsafe { ExportOptions::versioned().with_stream(None) };
    assert!(a.to_dlpack(&opts).is_ok());
    Ok(())
}

#[test]
fn consumers_pass_their_current_stream() -> devarray::Result<()> {
    assert_eq!(current_stream_arg(&Device::Cpu)?, None);
    let s = Stream::new(&Device::Cpu)?;
    let _g = s.make_current()?;
    assert_eq!(current_stream_arg(&Device::Cpu)?, None, "host memory has no stream");
    Ok(())
}

#[test]
fn cpu_streams_and_events_are_the_synchronous_queue() -> devarray::Result<()> {
    let dev = Device::Cpu;
    let default = Stream::current(&dev)?;
    assert_eq!(default, Stream::device_default(&dev)?);
    let s = Stream::new(&dev)?;
    {
        let _g = s.make_current()?;
        let a = Array::arange(0.0, 4.0, 1.0, DType::I32, &dev)?;
        let e = s.record_event()?;
        Stream::current(&dev)?.wait_event(&e)?;
        e.synchronize()?;
        assert_eq!(a.to_vec::<i32>()?, vec![0, 1, 2, 3]);
    }
    assert_eq!(Stream::current(&dev)?, default);
    let e = Event::new(&dev)?;
    e.record(&s)?;
    e.wait(&default)?;
    s.synchronize()?;
    // Guards are per thread.
    let _g = s.make_current()?;
    std::thread::spawn(move || assert_eq!(Stream::current(&Device::Cpu).unwrap(), default)).join().unwrap();
    Ok(())
}

#[test]
fn cuda_streams_report_unavailable_devices() {
    if Device::cuda_if_available(0).is_ok() {
        println!("skipped: a CUDA device is present (see cuda_streams_order_work)");
        return;
    }
    assert!(matches!(Stream::new(&Device::Cuda(0)), Err(Error::CudaUnavailable { .. })));
    assert!(matches!(Event::new(&Device::Cuda(0)), Err(Error::CudaUnavailable { .. })));
    assert!(matches!(current_stream_arg(&Device::Cuda(0)), Err(Error::CudaUnavailable { .. })));
}

/// On a GPU: streams and events work, the consumer-side helper names devarray's stream, exports
/// order every kind of consumer stream, CUDA tensors import zero-copy, and `dl_device=kDLCPU`
/// copies to the host.
#[test]
fn cuda_streams_order_work() -> devarray::Result<()> {
    let Ok(dev) = Device::cuda_if_available(0) else {
        println!("cuda_streams_order_work: skipped: no CUDA device");
        return Ok(());
    };
    let s = Stream::new(&dev)?;
    let e = s.record_event()?;
    Stream::current(&dev)?.wait_event(&e)?;
    e.synchronize()?;
    s.synchronize()?;
    let ours = current_stream_arg(&dev)?;
    assert!(ours.is_some_and(|v| v > 2 || v == 1 || v == 2));
    let a = Array::arange(0.0, 6.0, 1.0, DType::F32, &dev)?.reshape(&[2, 3])?;
    let other = Stream::new(&dev)?;
    // Same stream, no sync, legacy default, per-thread default, another stream: all live.
    for stream in [ours, Some(-1), None, Some(1), Some(2), other.dlpack_stream_arg()] {
        // SAFETY: every value names a live stream of `dev`'s context, or none.
        let t = a.transpose().to_dlpack(&unsafe { ExportOptions::versioned().with_stream(stream) })?;
        assert_eq!(t.dl_tensor().device, DLDevice::cuda(0));
        assert_eq!(t.strides(), Some(&[1i64, 3][..]));
        let back = Array::from_dlpack(t)?; // zero-copy import of device memory
        assert_eq!(back.device(), dev);
        assert_eq!(back.to_vec::<f32>()?, vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
    }
    {
        // Work queued on a current user stream is ordered too.
        let _g = other.make_current()?;
        assert_eq!(current_stream_arg(&dev)?, other.dlpack_stream_arg());
        let b = Array::ones(&[4], DType::F32, &dev)?;
        let back = Array::from_dlpack(b.to_dlpack(&ExportOptions::versioned())?)?;
        assert_eq!(back.to_vec::<f32>()?, vec![1.0; 4]);
    }
    other.synchronize()?;
    let host = a.to_dlpack(&ExportOptions::versioned().with_dl_device(DLDevice::CPU))?;
    assert!(host.is_copied());
    assert_eq!(Array::from_dlpack(host)?.to_vec::<f32>()?, vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    let refused = a.to_dlpack(&ExportOptions::versioned().with_dl_device(DLDevice::CPU).with_copy(Some(false)));
    assert!(matches!(refused, Err(Error::DLPackExport { .. })));
    Ok(())
}
