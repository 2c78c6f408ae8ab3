//! The reduction kernels through the CUDA backend, against the CPU backend: every reduction ×
//! dtype on shapes that take every kernel path (kernels/ABI.md): `_full1`/`_full2` (one output
//! past 16384 elements, also from a misaligned start and one long row at a time), `_inner` with a
//! warp per row (rows shorter than 2048) and a block per row, `_outer` with 256 columns per block
//! (fewer than 64 rows) and 32 columns × 8 row slices, inner and outer axes, several axes, empty
//! and 0-d inputs. On a real GPU or on the CUDA emulator (see `cuda_kernels`).
//!
//! Tolerances: exact for integers, `bool`, min/max, argmin/argmax, all/any (order-independent);
//! float sums and means within `2 · r · eps(accumulator) · Σ|x|` of the CPU's (plus the output's
//! rounding), float products within `2 · r · eps · |product|` (inputs near 1, so products stay
//! finite whatever the order).

mod common;
mod cuda_support;
mod ops_support;

use cuda_support::{gpu, random, rerun_with};
use devarray::{dispatch_dtype, Array, AxisSlice, DType, Device, Element, ReduceOp, Result};
use ops_support::{compare_arrays, report, Tolerance};

/// `(shape, axes)` covering every kernel path.
fn cases() -> Vec<(Vec<usize>, Option<Vec<isize>>)> {
    let all = |s: &[usize]| (s.to_vec(), None);
    let along = |s: &[usize], a: &[isize]| (s.to_vec(), Some(a.to_vec()));
    vec![
        all(&[20_011]), // _full1 + _full2
        all(&[2049]),   // one block per row
        all(&[33]),     // one warp
        all(&[1]),
        all(&[]),                   // 0-d
        all(&[0]),                  // empty: identities (or an error for min/max/arg*)
        along(&[3, 0], &[1]),       // empty rows
        along(&[50, 33], &[1]),     // _inner, a warp per row, rows grid-strided
        along(&[5, 3000], &[1]),    // _inner, a block per row
        along(&[100, 97], &[0]),    // _outer, 32 columns x 8 row slices
        along(&[40, 300], &[0]),    // _outer, 256 columns per block
        along(&[7, 65, 5], &[1]),   // a middle axis
        along(&[4, 5, 6], &[0, 2]), // several axes
        along(&[9, 1, 4], &[1]),    // a unit axis
    ]
}

fn is_sum_like(op: ReduceOp) -> bool {
    matches!(op, ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Prod)
}

/// Input values for `op`: products of floats near 1, sums of small finite floats, anything for
/// the order-independent reductions.
fn input(op: ReduceOp, dtype: DType, n: usize, seed: u64) -> Result<Array> {
    let nice = is_sum_like(op) && dtype.is_float();
    let x = random(dtype, n, seed, nice);
    if op == ReduceOp::Prod && dtype.is_float() {
        return x.astype(DType::F64)?.multiply(0.001)?.add(1.0)?.astype(dtype);
    }
    Ok(x)
}

/// Machine epsilon of the type a float reduction of `dtype` accumulates in (f16/bf16: f32).
fn eps_acc(dtype: DType) -> f64 {
    if dtype == DType::F64 {
        f64::EPSILON
    } else {
        f32::EPSILON as f64
    }
}

/// Machine epsilon of a float result dtype.
fn eps_out(dtype: DType) -> f64 {
    match dtype {
        DType::F16 => 2f64.powi(-10),
        DType::BF16 => 2f64.powi(-7),
        DType::F32 => f32::EPSILON as f64,
        _ => f64::EPSILON,
    }
}

fn to_f64(a: &Array) -> Vec<f64> {
    let host = a.to_device(&Device::Cpu).expect("download");
    dispatch_dtype!(a.dtype(), T => host.to_vec::<T>().expect("to_vec").into_iter().map(|v| v.to_scalar().as_f64()).collect())
}

/// Float sums/means/products: within the error bound of a reordered sum (see the module doc).
fn close(op: ReduceOp, x: &Array, axes: Option<&[isize]>, got: &Array, want: &Array) -> Result<Option<String>> {
    let r = (x.numel() / want.numel().max(1)).max(1) as f64;
    let rel = 2.0 * r * eps_acc(x.dtype());
    let scale = match op {
        ReduceOp::Prod => want.astype(DType::F64)?.abs()?,
        ReduceOp::Mean => x.astype(DType::F64)?.abs()?.mean(axes, false)?,
        _ => x.astype(DType::F64)?.abs()?.sum(axes, false)?,
    };
    let (g, w, s) = (to_f64(got), to_f64(want), to_f64(&scale));
    let bad: Vec<String> = (0..w.len())
        .filter(|&i| {
            let both_nan = g[i].is_nan() && w[i].is_nan();
            let ok = g[i] == w[i] || (g[i] - w[i]).abs() <= rel * s[i] + eps_out(want.dtype()) * w[i].abs();
            !(ok || both_nan)
        })
        .take(5)
        .map(|i| format!("[{i}] gpu {} cpu {} (bound {})", g[i], w[i], rel * s[i]))
        .collect();
    Ok((!bad.is_empty()).then(|| bad.join(", ")))
}

/// One reduction of one case, on the host and on `dev`.
fn compare(
    dev: &Device,
    op: ReduceOp,
    dtype: DType,
    shape: &[usize],
    axes: Option<&[isize]>,
) -> Result<Option<String>> {
    let n: usize = shape.iter().product();
    let x = input(op, dtype, n, 11)?.reshape(shape)?;
    let what = format!("{op} {dtype} {shape:?} axes {axes:?}");
    let (want, got) = (x.reduce(op, axes, false), x.to_device(dev)?.reduce(op, axes, false));
    Ok(match (want, got) {
        (Err(_), Err(_)) => None,
        (Ok(w), Ok(g)) if w.dtype() != g.dtype() || w.shape() != g.shape() => {
            Some(format!("{what}: cpu {} {:?} vs gpu {} {:?}", w.dtype(), w.shape(), g.dtype(), g.shape()))
        }
        (Ok(w), Ok(g)) if is_sum_like(op) && w.dtype().is_float() => {
            close(op, &x, axes, &g, &w)?.map(|e| format!("{what}: {e}"))
        }
        (Ok(w), Ok(g)) => compare_arrays(&g, &w, Tolerance::Exact).err().map(|e| format!("{what}: {e}")),
        (w, g) => Some(format!("{what}: cpu {:?} vs gpu {:?}", w.map(|a| a.dtype()), g.map(|a| a.dtype()))),
    })
}

/// Every reduction of `dtypes` on every case.
fn reductions_match_the_cpu(dtypes: &[DType]) {
    let Some(dev) = gpu() else { return };
    let mut failures = Vec::new();
    for &dtype in dtypes {
        for (shape, axes) in cases() {
            for &op in ReduceOp::ALL {
                failures.extend(compare(&dev, op, dtype, &shape, axes.as_deref()).expect("no device error"));
            }
        }
    }
    dev.synchronize().expect("no asynchronous error");
    report("reductions, cuda vs cpu", failures);
}

#[test]
fn reductions_of_integers() {
    reductions_match_the_cpu(&[DType::Bool, DType::U8, DType::U16, DType::U32, DType::U64]);
}

#[test]
fn reductions_of_signed_integers() {
    reductions_match_the_cpu(&[DType::I8, DType::I16, DType::I32, DType::I64]);
}

#[test]
fn reductions_of_floats() {
    reductions_match_the_cpu(&[DType::F16, DType::BF16, DType::F32, DType::F64]);
}

/// A full reduction from an address that is not 16-byte aligned (the kernel's head loop), and
/// a few long rows reduced one at a time with the whole grid.
#[test]
fn misaligned_and_long_row_reductions() {
    let Some(dev) = gpu() else { return };
    let mut failures = Vec::new();
    for dtype in [DType::U8, DType::I16, DType::F16, DType::F32, DType::F64] {
        for &op in ReduceOp::ALL {
            let x = input(op, dtype, 20_013, 12).unwrap();
            let (cpu, gpu) = (x.clone(), x.to_device(&dev).unwrap());
            let tail = |a: &Array| a.slice(&[AxisSlice::range(3, None, 1)]).and_then(|v| v.reduce(op, None, false));
            let what = format!("{op} {dtype} from element 3");
            match (tail(&cpu), tail(&gpu)) {
                (Ok(w), Ok(g)) if is_sum_like(op) && dtype.is_float() => {
                    let v = cpu.slice(&[AxisSlice::range(3, None, 1)]).unwrap();
                    failures.extend(close(op, &v, None, &g, &w).unwrap().map(|e| format!("{what}: {e}")));
                }
                (Ok(w), Ok(g)) => {
                    failures.extend(compare_arrays(&g, &w, Tolerance::Exact).err().map(|e| format!("{what}: {e}")))
                }
                (w, g) => failures.push(format!("{what}: cpu {:?} vs gpu {:?}", w.is_ok(), g.is_ok())),
            }
        }
    }
    for dtype in [DType::U8, DType::F32] {
        for op in [ReduceOp::Sum, ReduceOp::Max, ReduceOp::Argmin, ReduceOp::Any] {
            failures.extend(compare(&dev, op, dtype, &[2, 1 << 20], Some(&[1])).unwrap());
        }
    }
    dev.synchronize().unwrap();
    report("misaligned and long-row reductions, cuda vs cpu", failures);
}

/// The same cases with every grid capped at one block (`_full1` writes the result itself).
#[test]
fn reductions_with_one_block_grids() {
    rerun_with(("DEVARRAY_MAX_GRID", "1"), &["reductions_of_floats", "misaligned_and_long_row_reductions"]);
}
