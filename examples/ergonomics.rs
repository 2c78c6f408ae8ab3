//! Everyday devarray in Rust: operators, `s![..]` slicing, reduction options and printing.
//! `cargo run --example ergonomics` (CI runs it on every push).
//!
//! `main` returns `devarray::Result`: an error would print as `Error: [Variant] message`.

use devarray::{s, Array, DType, Device, PrintOptions, Reduce};

fn main() -> devarray::Result<()> {
    let dev = Device::from_env()?;
    println!("device: {dev}\n");

    // Data: 6 samples (rows) of 4 features (columns).
    let a = Array::arange(0.0, 24.0, 1.0, DType::F64, &dev)?.reshape(&[6, -1])?;
    let b = Array::linspace(-1.0, 1.0, 4, true, DType::F64, &dev)?;
    println!("a =\n{}", a.display()?);

    // Operators on references return Result, so they chain with `?`; scalars go on either side.
    let sum = (&a + &b)?; // broadcasts b over the rows
    let flipped = (2.0f64 - &a)?; // a scalar on the left needs its type suffix
    let scaled = (&(&a * 0.5f64)? - 1.0f64)?;
    println!("\na + b =\n{}", sum.display()?);
    println!("\n2 - a (first row) = {}", flipped.slice(s![0, ..])?.display()?);
    println!("a * 0.5 - 1 (last column) = {}", scaled.slice(s![.., -1])?.display()?);

    // Column standardisation: reduce with keepdims, then broadcast back.
    let mu = a.mean_with(Reduce::axes(0).keepdims())?;
    let sigma = a.std_with(Reduce::axes(0).keepdims().correction(1.0))?;
    let z = (&(&a - &mu)? / &sigma)?;
    println!("\ncolumn means = {}", mu.display()?);
    println!("column std (ddof=1) = {}", sigma.display()?);
    println!("standardised columns:\n{}", z.display()?);
    let check = z.mean_with(0)?.abs()?.max_with(..)?.item::<f64>()?;
    assert!(check < 1e-12, "standardised columns have mean 0 (got {check})");

    // A numerically stable softmax over each row: subtract the row max first.
    let row_max = a.max_with(Reduce::axes(-1).keepdims())?;
    let e = (&a - &row_max)?.exp()?;
    let softmax = (&e / &e.sum_with(Reduce::axes([1]).keepdims())?)?;
    println!("\nsoftmax of each row:\n{}", softmax.display()?);
    let row_totals = softmax.sum_with(1)?;
    println!("row totals = {}", row_totals.display()?);

    // Slicing with s![..]: ranges, steps, negative indices and new axes, all views.
    let every_other_row = a.slice(s![..;2, 1..3])?;
    let reversed = a.slice(s![-1, ..;-1])?;
    let column = a.slice(s![.., 2, devarray::AxisSlice::NewAxis])?;
    println!("\na[::2, 1:3] =\n{}", every_other_row.display()?);
    println!("a[-1, ::-1] = {}", reversed.display()?);
    println!("a[:, 2, None] has shape {:?}", column.shape());

    // Large arrays print summarised, as NumPy does; the print options are NumPy's.
    let big = Array::linspace(0.0, 1.0, 10_000, true, DType::F32, &dev)?.reshape(&[100, -1])?;
    println!("\na 100 x 100 float32 array:\n{}", big.display()?);
    let mut opts = PrintOptions::default();
    opts.precision = 3;
    opts.edgeitems = 2;
    println!("with precision=3, edgeitems=2:\n{}", big.display_with(&opts)?);
    let tiny = Array::from_slice(&[1e-30f64, 1.0, f64::NAN, -0.0], &[4], &dev)?;
    println!("NumPy's float text: {}", tiny.display()?);

    // Debug shows metadata only: reading values is always an explicit call.
    println!("\n{big:?}");
    // An index and an argmax, over named axes.
    let best = softmax.argmax_with(Reduce::axes(1))?;
    println!("argmax of each row = {}", best.display()?);
    Ok(())
}
