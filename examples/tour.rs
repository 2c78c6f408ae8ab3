//! A tour of devarray on the default device: `cargo run --release --example tour`.
//!
//! Each step prints the line of code it runs (`>>>`), then what it made. Arrays live on the
//! device; values reach the host only through explicit calls (`display()`, `to_ndarray()`,
//! `item()`), which the tour uses to show its results.

use devarray::{einsum, fft, s, Array, DType, Device, ExportOptions, PrintOptions, Reduce};

/// Runs one statement of the tour after printing its source, as a REPL would.
macro_rules! step {
    ($($code:tt)*) => {
        // stringify! may break a long statement over lines: print it on one.
        println!(">>> {}", stringify!($($code)*).split_whitespace().collect::<Vec<_>>().join(" "));
        $($code)*
    };
}

fn main() -> std::process::ExitCode {
    // Print errors with their Display text (what was wrong and what to do), not `Debug`.
    match tour() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tour: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Which device the tour runs on, and why, in one line.
fn device_line(dev: &Device) -> String {
    if dev.is_cuda() {
        return format!("{dev}, a CUDA GPU");
    }
    match Device::cuda_if_available(0) {
        Ok(_) => format!("{dev}, as DEVARRAY_DEVICE asks"),
        Err(e) => format!("{dev}, the CPU backend, because no CUDA device is usable ({e})"),
    }
}

fn tour() -> devarray::Result<()> {
    let dev = Device::from_env()?;
    println!("devarray tour on {}\n", device_line(&dev));

    println!("-- arrays live on the device; views share their buffer --");
    step!(let x = Array::linspace(0.0, 1.0, 12, true, DType::F32, &dev)?.reshape(&[3, -1])?;);
    println!("{}", x.display()?);
    step!(let cols = x.slice(s![.., ..;2])?;);
    println!("shape {:?}, strides {:?}: a view of x, no copy\n", cols.shape(), cols.strides());

    println!("-- a numerically stable softmax of each row: reduce with keepdims, then broadcast --");
    step!(let scores = (&(&x * &x)? * 4.0f32)?;);
    step!(let row_max = scores.max_with(Reduce::axes(-1).keepdims())?;);
    step!(let e = (&scores - &row_max)?.exp()?;);
    step!(let softmax = (&e / &e.sum_with(Reduce::axes(-1).keepdims())?)?;);
    println!("{}\nrow totals: {}\n", softmax.display()?, softmax.sum_with(1)?.display()?);

    println!("-- standardise each column, then keep the positive part with where --");
    step!(let mu = x.mean_with(Reduce::axes(0).keepdims())?;);
    step!(let z = (&(&x - &mu)? / &x.std_with(Reduce::axes(0).keepdims())?)?;);
    step!(let positive = Array::where_(&z.greater(0.0f32)?, &z, 0.0f32)?;);
    println!("{}\n", positive.display()?);

    println!("-- a cast, and a zero-copy DLPack hand-off (what PyTorch, CuPy and JAX exchange) --");
    step!(let half = positive.astype(DType::F16)?;);
    step!(let back = Array::from_dlpack(half.to_dlpack(&ExportOptions::versioned())?)?;);
    println!("{} {:?}, the same memory as `half`\n", back.dtype(), back.shape());

    println!("-- in-place assignment into a view --");
    step!(x.slice(s![0, ..])?.assign(&Array::zeros(&[4], DType::F32, &dev)?)?;);
    println!("{}\n", x.display()?);

    println!("-- matrix products on the device --");
    step!(let gram = x.matmul(&x.transpose())?;);
    step!(let same = einsum("ik,jk->ij", &[&x, &x])?;);
    step!(let gap = (&gram - &same)?.abs()?.max_with(..)?.item::<f32>()?;);
    println!("{}\nlargest difference between the two: {gap}\n", gram.display()?);

    println!("-- complex numbers and the FFT --");
    step!(let t = Array::arange(0.0, 8.0, 1.0, DType::F64, &dev)?;);
    step!(let wave = (&t * (std::f64::consts::PI / 2.0))?.cos()?;); // two cycles in eight samples
    step!(let spectrum = fft::rfft(&wave, None, -1, fft::Norm::Backward)?;);
    // NumPy's suppress=True: rounding noise near 1e-16 prints as 0.
    let mut quiet = PrintOptions::default();
    (quiet.suppress, quiet.precision) = (true, 3);
    println!("{}", spectrum.display_with(&quiet)?);
    step!(let back = fft::irfft(&spectrum, Some(8), -1, fft::Norm::Backward)?;);
    println!("{}", back.display_with(&quiet)?);
    println!("the real parts, a float64 view of the complex buffer: {}\n", spectrum.real().display_with(&quiet)?);

    println!("-- the explicit copy to the host --");
    step!(let host = softmax.to_ndarray::<f32>()?;);
    println!("an ndarray::ArrayD<f32> of shape {:?}\n", host.shape());

    println!("-- errors, not panics: each says what was wrong and what to do --");
    step!(let refused = x.reshape(&[5, 5]);); // 12 elements cannot fill 25
    println!("{}", refused.map(|_| "accepted?!".to_string()).unwrap_or_else(|e| e.to_string()));
    step!(let refused = x.to_vec::<f64>();); // no implicit float32 -> float64 conversion
    println!("{}", refused.map(|_| "accepted?!".to_string()).unwrap_or_else(|e| e.to_string()));

    println!("\ntour finished on {dev}");
    Ok(())
}
