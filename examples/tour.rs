//! A tour of devarray on the default device: `cargo run --release --example tour`.
//!
//! Creates arrays on the device, takes views, runs a computation there, and copies results
//! to the host only through explicit calls.

use devarray::{devices_report, einsum, s, Array, DType, Device};

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

fn tour() -> devarray::Result<()> {
    println!("== devices ==\n{}\n", devices_report());
    let dev = Device::from_env()?;
    let kind = if dev.is_cuda() { "a CUDA GPU" } else { "the CPU backend (no usable CUDA device)" };
    println!("running on {dev}: {kind}\n");

    // Creation on the device.
    let x = Array::linspace(0.0, 1.0, 12, true, DType::F32, &dev)?.reshape(&[3, 4])?;
    let eye = Array::eye(3, 4, 0, DType::F32, &dev)?;
    println!("x = linspace(0, 1, 12).reshape(3, 4): {x:?}");

    // Views share the buffer: no copies, no host traffic.
    let xt = x.transpose();
    let every_other = x.slice(s![.., ..;2])?;
    println!("x.T has shape {:?} and strides {:?} (elements)", xt.shape(), xt.strides());
    println!("x[:, ::2] has shape {:?}", every_other.shape());

    // A computation on the device: operators return Result, so they chain with `?`.
    let y = (&(&x * 2.0f32)? + &eye)?.exp()?;
    let row_sums = y.sum(Some(&[1]), false)?;
    let col_max = y.max(Some(&[0]), true)?;
    let total = y.mean(None, false)?;

    // Explicit device-to-host copies: the only way values reach the host.
    println!("\ny = exp(2 * x + eye):\n{}", y.format_values()?);
    println!("row sums  (sum over axis 1)  = {:?}", row_sums.to_vec::<f32>()?);
    println!("col max   (max over axis 0)  = {:?}", col_max.to_vec::<f32>()?);
    println!("mean of all elements         = {}", total.item::<f32>()?);
    let host = y.to_ndarray::<f32>()?;
    println!("copied to an ndarray on the host: shape {:?}", host.shape());

    // Matrix products on the device: the Gram matrix y @ y.T, and the same by einsum.
    let gram = y.matmul(&y.transpose())?;
    let same = einsum("ik,jk->ij", &[&y, &y])?;
    let gap = (&gram - &same)?.abs()?.max(None, false)?.item::<f32>()?;
    println!(
        "
y @ y.T:
{}",
        gram.format_values()?
    );
    println!("largest |y @ y.T - einsum(\"ik,jk->ij\")| = {gap}");

    // Errors, not panics.
    match x.reshape(&[5, 5]) {
        Err(e) => println!("\nreshape (3, 4) -> (5, 5) refused: {e}"),
        Ok(_) => unreachable!("12 elements cannot be 25"),
    }
    match x.to_vec::<f64>() {
        Err(e) => println!("reading float32 as f64 refused: {e}"),
        Ok(_) => unreachable!("no implicit conversion"),
    }
    println!("\ntour finished on {dev}");
    Ok(())
}
