//! Memory safety across streams, on a real GPU or the CUDA emulator: a buffer's free is ordered
//! after the work other streams queued on it, and a stream a buffer was allocated on stays alive
//! until the buffer's free is queued. On the emulator the checks are exact: queued work runs only
//! when the host waits, every launch's pointers are checked against the live allocations, so a
//! free that runs before a kernel still reading the memory is reported as a use after free. The
//! exact event/wait/free call sequences are asserted on the recording fake GPU
//! (`src/cuda/buffer_tests.rs`, `src/cuda/stream/tests.rs`).

mod common;
mod cuda_support;

use cuda_support::gpu;
use devarray::{Array, BinaryOp, DType, Device, Error, Event, Result, Stream};
use std::sync::mpsc;

const N: usize = 4096;

fn expected(scale: f32, offset: f32) -> Vec<f32> {
    (0..N).map(|i| i as f32 * scale + offset).collect()
}

/// The filed case: a kernel queued on stream S by a thread under `make_current(S)`, while the
/// last reference is dropped on the device stream D by another thread, which then waits for D
/// and allocates again. D's free must wait for S's kernel.
#[test]
fn a_free_on_the_device_stream_waits_for_a_kernel_on_another_threads_stream() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let x = Array::arange(0.0, N as f64, 1.0, DType::F32, &dev)?;
    let s = Stream::new(&dev)?;
    let (queued_tx, queued_rx) = mpsc::channel();
    let (dropped_tx, dropped_rx) = mpsc::channel::<()>();
    let worker = {
        let x = x.clone();
        std::thread::spawn(move || -> Result<Array> {
            let _on_s = s.make_current()?;
            let y = Array::binary(BinaryOp::Multiply, &x, 2.0f32)?; // reads x on S
            drop(x);
            queued_tx.send(()).expect("main waits");
            // Keep S current (and its work unjoined with D) until the main thread is done.
            dropped_rx.recv().expect("main signals");
            Ok(y)
        })
    };
    queued_rx.recv().expect("worker queued its kernel");
    drop(x); // the last reference, on D
    Stream::device_default(&dev)?.synchronize()?; // runs D's queue, the free included
    let z = Array::full(&[N], 7.0f32, DType::F32, &dev)?; // may reuse the block on a GPU
    dropped_tx.send(()).expect("worker waits");
    let y = worker.join().expect("no panic")?;
    assert_eq!(y.to_vec::<f32>()?, expected(2.0, 0.0), "the kernel read x, not freed memory");
    assert_eq!(z.to_vec::<f32>()?, vec![7.0; N]);
    Ok(())
}

/// A buffer allocated under a guard on a user stream is freed on that stream, which it keeps
/// alive after the user dropped every handle to it, and after the work of the device stream.
#[test]
fn a_buffer_keeps_its_allocation_stream_alive_and_frees_after_other_streams() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let s = Stream::new(&dev)?;
    let x = {
        let _on_s = s.make_current()?;
        Array::arange(0.0, N as f64, 1.0, DType::F32, &dev)?
    };
    drop(s);
    let y = Array::binary(BinaryOp::Add, &x, 1.0f32)?; // on D
    drop(x); // queued on the dropped stream, after D's kernel
    assert_eq!(y.to_vec::<f32>()?, expected(1.0, 1.0));
    Ok(())
}

/// Many threads, each on its own stream, read one array whose last reference goes on a random
/// thread: every read sees the data, and nothing is freed under a reader.
#[test]
fn readers_on_many_streams_all_finish_before_the_free() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let x = Array::arange(0.0, N as f64, 1.0, DType::F32, &dev)?;
    let workers: Vec<_> = (0..4)
        .map(|t| {
            let x = x.clone();
            std::thread::spawn(move || -> Result<Vec<f32>> {
                let s = Stream::new(&x.device())?;
                let y = {
                    let _on_s = s.make_current()?;
                    let y = Array::binary(BinaryOp::Add, &x, t as f32)?;
                    drop(x); // one of these may be the last reference
                    y
                };
                y.to_vec::<f32>()
            })
        })
        .collect();
    drop(x);
    for (t, w) in workers.into_iter().enumerate() {
        assert_eq!(w.join().expect("no panic")?, expected(1.0, t as f32));
    }
    Ok(())
}

/// Public events time device work (on the emulator: the emulated streams' clock), and refuse
/// unrecorded, reversed and cross-device pairs.
#[test]
fn public_events_time_device_work() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let stream = Stream::current(&dev)?;
    let (start, end) = (Event::new(&dev)?, Event::new(&dev)?);
    assert!(matches!(end.elapsed_since(&start), Err(Error::InvalidArgument { .. })), "unrecorded");
    let a = Array::ones(&[4099], DType::F32, &dev)?;
    start.record(&stream)?;
    let b = a.add(&a)?.exp()?;
    end.record(&stream)?;
    let took = end.elapsed_since(&start)?;
    assert!(took < std::time::Duration::from_secs(60), "{took:?}");
    assert!((b.to_vec::<f32>()?[4098] - 2f32.exp()).abs() < 1e-5);
    let later = stream.record_event()?;
    assert!(later.elapsed_since(&start)? >= took);
    let cpu = Stream::current(&Device::Cpu)?.record_event()?;
    assert!(matches!(end.elapsed_since(&cpu), Err(Error::DeviceMismatch { .. })));
    assert!(matches!(cpu.elapsed_since(&end), Err(Error::DeviceMismatch { .. })));
    assert!(matches!(start.elapsed_since(&end), Err(Error::InvalidArgument { .. })), "end before start");
    Ok(())
}
