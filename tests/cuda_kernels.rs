//! The elementwise CUDA kernels (unary, binary, where/clip, casts, copies) through the CUDA
//! backend, against the CPU backend: every op × dtype × layout, at sizes around every boundary
//! the kernels have, on a real GPU or on the CUDA emulator (`DEVARRAY_DEVICE=cuda-emu`, feature
//! `emulator`). Prints `skipped: no CUDA device` and passes without either.
//!
//! Sizes (kernels/ABI.md): a `_vec` thread moves chunks of E = 16 / (widest element) elements,
//! U = 2 chunks per step (1 for the heavy ops), so a block's tile is 128·U·E elements and a grid
//! step `grid`·tile; the sizes are E − 1 (only the one-by-one tail), tile − 1 and
//! step + E + 1 (a second grid-stride round plus a tail element). Strided kernels take 2 (or 1)
//! elements per thread per step: step + 1 of those. Layouts: contiguous (`_vec`), offset by one
//! element (misaligned: `_s32` with one dimension), transposed, flipped (negative strides),
//! broadcast (zero strides), 0-d and empty, and more than 8 dimensions (host loop).
//! `DEVARRAY_FORCE_INDEX64=1` reruns run the same checks on the `_s64` kernels.
//!
//! Tolerances (`ops_support`): bit-exact for integers, `bool` and correctly rounded float ops;
//! for transcendental functions at most 2 × [`ULP_WIDE`] ulp for f32/f64 (the GPU's libdevice and
//! the host's libm may each be [`ULP_WIDE`] off) and [`ULP_NARROW`] ulp for f16/bf16.

mod common;
mod cuda_support;
mod ops_support;

use cuda_support::{emulated, gpu, launches, max_grid, random, rerun_with};
use devarray::{Array, AxisSlice, BinaryOp, DType, Device, Result, UnaryOp};
use ops_support::{compare_arrays, report, Tolerance, APPROX_BINARY, APPROX_UNARY, ULP_NARROW, ULP_WIDE};

/// Ops whose `_vec` kernels do one chunk per thread per step (`DA_HEAVY` in the sources).
const HEAVY: &[&str] = &[
    "sin",
    "cos",
    "tan",
    "expm1",
    "log",
    "log1p",
    "log2",
    "log10",
    "asin",
    "acos",
    "atan",
    "sinh",
    "asinh",
    "acosh",
    "atanh",
    "pow",
    "atan2",
    "hypot",
    "logaddexp",
    "floor_divide",
    "remainder",
];

/// A layout of the operands, built the same way from host and device data.
#[derive(Clone, Copy, Debug)]
enum Lay {
    /// `n` contiguous elements at the start of an allocation (16-byte aligned).
    Contig(usize),
    /// `n` contiguous elements one element into the allocation.
    Misaligned(usize),
    /// The transpose of a contiguous `(rows, cols)` array.
    Transposed(usize, usize),
    /// `n` elements in reverse order.
    Flipped(usize),
    /// A row of `cols` broadcast to `(rows, cols)`.
    Broadcast(usize, usize),
    /// A 0-d array.
    Scalar0d,
    /// Shape `(3, 0)`.
    Empty,
    /// A 9-d transposed array (2 × … × 2): more dimensions than a kernel takes.
    NineDims,
}

impl Lay {
    /// Elements of the base array it is cut from.
    fn base_len(self) -> usize {
        match self {
            Lay::Contig(n) | Lay::Flipped(n) => n,
            Lay::Misaligned(n) => n + 1,
            Lay::Transposed(r, c) => r * c,
            Lay::Broadcast(_, c) => c,
            Lay::Scalar0d => 1,
            Lay::Empty => 0,
            Lay::NineDims => 512,
        }
    }

    fn view(self, base: &Array) -> Result<Array> {
        match self {
            Lay::Contig(_) => Ok(base.clone()),
            Lay::Misaligned(_) => base.slice(&[AxisSlice::range(1, None, 1)]),
            Lay::Transposed(r, c) => Ok(base.reshape(&[r, c])?.transpose()),
            Lay::Flipped(_) => base.flip(None),
            Lay::Broadcast(r, c) => base.broadcast_to(&[r, c]),
            Lay::Scalar0d => base.reshape(&[] as &[usize]),
            Lay::Empty => base.reshape(&[3, 0]),
            Lay::NineDims => base.reshape(&[2; 9])?.permute_dims(&[8, 0, 7, 1, 6, 2, 5, 3, 4]),
        }
    }
}

/// The layouts to test an op with, for its widest element size and whether it is heavy.
fn layouts(widest: usize, heavy: bool) -> Vec<Lay> {
    let e = 16 / widest.max(1);
    let u = if heavy { 1 } else { 2 };
    let tile = 128 * u * e;
    let step = max_grid() * tile;
    let strided_step = max_grid() * 128 * u;
    let mut out = vec![Lay::Contig(tile - 1), Lay::Contig(step + e + 1), Lay::Misaligned(strided_step + 1)];
    if e > 1 {
        out.push(Lay::Contig(e - 1));
    }
    out.extend([
        Lay::Transposed(37, 5),
        Lay::Flipped(100),
        Lay::Broadcast(7, 33),
        Lay::Scalar0d,
        Lay::Empty,
        Lay::NineDims,
    ]);
    out
}

/// Tolerance of `op` results of dtype `out` (CPU vs GPU).
fn tolerance(op: &str, out: DType) -> Tolerance {
    let approx = APPROX_UNARY.contains(&op) || APPROX_BINARY.contains(&op);
    match (approx, out.itemsize()) {
        (false, _) => Tolerance::Exact,
        (true, 2) => Tolerance::Ulp(ULP_NARROW),
        (true, _) => Tolerance::Ulp(2 * ULP_WIDE),
    }
}

/// Runs `f` on the host and the device data of the same values and compares: equal results
/// (within `tol` of the result dtype), or both errors.
fn same(what: &str, cpu: Result<Array>, gpu: Result<Array>, tol: impl Fn(DType) -> Tolerance) -> Option<String> {
    match (cpu, gpu) {
        (Ok(c), Ok(g)) if c.dtype() != g.dtype() || c.shape() != g.shape() => {
            Some(format!("{what}: cpu {} {:?}, gpu {} {:?}", c.dtype(), c.shape(), g.dtype(), g.shape()))
        }
        (Ok(c), Ok(g)) => compare_arrays(&g, &c, tol(c.dtype())).err().map(|e| format!("{what}: {e}")),
        (Err(_), Err(_)) => None,
        (c, g) => Some(format!("{what}: cpu {:?} vs gpu {:?}", c.map(|a| a.dtype()), g.map(|a| a.dtype()))),
    }
}

/// The same layout of the same random values on the host and on `dev`.
fn operand(dev: &Device, dtype: DType, lay: Lay, seed: u64) -> Result<(Array, Array)> {
    let base = random(dtype, lay.base_len(), seed, false);
    Ok((lay.view(&base)?, lay.view(&base.to_device(dev)?)?))
}

fn widest(a: DType, b: DType) -> usize {
    a.itemsize().max(b.itemsize())
}

fn unary_ops_match_the_cpu_on_every_layout(dev: &Device) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for dtype in DType::REAL {
        for &op in UnaryOp::ALL {
            let Ok(probe) = random(dtype, 1, 0, true).unary(op) else { continue };
            for lay in layouts(widest(dtype, probe.dtype()), HEAVY.contains(&op.name())) {
                let (x_cpu, x_gpu) = operand(dev, dtype, lay, 1)?;
                let what = format!("{op} {dtype} {lay:?}");
                failures.extend(same(&what, x_cpu.unary(op), x_gpu.unary(op), |d| tolerance(op.name(), d)));
            }
        }
    }
    Ok(failures)
}

/// A weak scalar operand of `dtype`'s kind.
fn scalar_for(dtype: DType) -> devarray::Scalar {
    match dtype {
        DType::Bool => devarray::Scalar::Bool(true),
        d if d.is_float() => devarray::Scalar::Float(2.5),
        _ => devarray::Scalar::Int(3),
    }
}

fn binary_ops_match_the_cpu_on_every_layout(dev: &Device) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for dtype in DType::REAL {
        let s = scalar_for(dtype);
        for &op in BinaryOp::ALL {
            let Ok(probe) = Array::binary(op, &random(dtype, 1, 0, true), s) else { continue };
            let tol = |d| tolerance(op.name(), d);
            for lay in layouts(widest(dtype, probe.dtype()), HEAVY.contains(&op.name())) {
                let ((a_cpu, a_gpu), (b_cpu, b_gpu)) = (operand(dev, dtype, lay, 2)?, operand(dev, dtype, lay, 3)?);
                let what = format!("{op} {dtype} {lay:?}");
                failures.extend(same(&what, Array::binary(op, &a_cpu, &b_cpu), Array::binary(op, &a_gpu, &b_gpu), tol));
                if matches!(lay, Lay::Contig(_) | Lay::Misaligned(_)) {
                    let (l, r) = (Array::binary(op, &a_cpu, s), Array::binary(op, &a_gpu, s));
                    failures.extend(same(&format!("{what} array-scalar"), l, r, tol));
                    let (l, r) = (Array::binary(op, s, &b_cpu), Array::binary(op, s, &b_gpu));
                    failures.extend(same(&format!("{what} scalar-array"), l, r, tol));
                }
            }
            // Row and column broadcasts of different operands.
            let ((a_cpu, a_gpu), (b_cpu, b_gpu)) =
                (operand(dev, dtype, Lay::Contig(9), 4)?, operand(dev, dtype, Lay::Contig(5), 5)?);
            let (col_cpu, col_gpu) = (a_cpu.reshape(&[9, 1])?, a_gpu.reshape(&[9, 1])?);
            let what = format!("{op} {dtype} (9,1) x (5,)");
            failures.extend(same(&what, Array::binary(op, &col_cpu, &b_cpu), Array::binary(op, &col_gpu, &b_gpu), tol));
        }
    }
    Ok(failures)
}

fn where_and_clip_match_the_cpu(dev: &Device) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for dtype in DType::REAL {
        for lay in layouts(dtype.itemsize(), false) {
            let (c_cpu, c_gpu) = operand(dev, DType::Bool, lay, 6)?;
            let ((x_cpu, x_gpu), (y_cpu, y_gpu)) = (operand(dev, dtype, lay, 7)?, operand(dev, dtype, lay, 8)?);
            let s = scalar_for(dtype);
            let what = format!("where {dtype} {lay:?}");
            let (l, r) = (Array::where_(&c_cpu, &x_cpu, &y_cpu), Array::where_(&c_gpu, &x_gpu, &y_gpu));
            failures.extend(same(&what, l, r, |_| Tolerance::Exact));
            let (l, r) = (Array::where_(&c_cpu, &x_cpu, s), Array::where_(&c_gpu, &x_gpu, s));
            failures.extend(same(&format!("{what} scalar"), l, r, |_| Tolerance::Exact));
            // The sign of a zero result may differ (-0 vs +0 bounds compare equal).
            let what = format!("clip {dtype} {lay:?}");
            let (l, r) = (x_cpu.clip(&y_cpu, s), x_gpu.clip(&y_gpu, s));
            failures.extend(same(&what, l, r, |_| Tolerance::ZeroSign));
        }
    }
    Ok(failures)
}

fn casts_match_the_cpu_for_every_pair(dev: &Device) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for from in DType::REAL {
        for to in DType::REAL {
            for lay in layouts(widest(from, to), false) {
                let (x_cpu, x_gpu) = operand(dev, from, lay, 9)?;
                let what = format!("astype {from} -> {to} {lay:?}");
                failures.extend(same(&what, x_cpu.astype(to), x_gpu.astype(to), |_| Tolerance::Exact));
            }
        }
    }
    Ok(failures)
}

fn copies_match_the_cpu(dev: &Device) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    for dtype in DType::REAL {
        for lay in layouts(dtype.itemsize(), false) {
            let (x_cpu, x_gpu) = operand(dev, dtype, lay, 10)?;
            failures.extend(same(
                &format!("contiguous {dtype} {lay:?}"),
                x_cpu.contiguous(),
                x_gpu.contiguous(),
                |_| Tolerance::Exact,
            ));
            // Assigning into a strided destination (the copy kernel writing through strides).
            let fill = |x: &Array, d: &Device| -> Result<Array> {
                let dst = Array::zeros(&[2 * x.numel() + 1], dtype, d)?;
                let every_other = dst.slice(&[AxisSlice::range(1, None, 2)])?.reshape(x.shape())?;
                every_other.assign(x)?;
                Ok(dst)
            };
            let what = format!("strided assign {dtype} {lay:?}");
            failures.extend(same(&what, fill(&x_cpu, &Device::Cpu), fill(&x_gpu, dev), |_| Tolerance::Exact));
        }
        let what = format!("full {dtype}");
        let full = |d: &Device| Array::full(&[max_grid() * 128 * 2 + 3], 2.5, dtype, d);
        failures.extend(same(&what, full(&Device::Cpu), full(dev), |_| Tolerance::Exact));
    }
    Ok(failures)
}

/// Runs one family's comparisons on the CUDA device and reports every difference.
fn run(what: &str, f: fn(&Device) -> Result<Vec<String>>) {
    let Some(dev) = gpu() else { return };
    let failures = f(&dev).expect("no device error");
    dev.synchronize().expect("no asynchronous error");
    report(what, failures);
}

#[test]
fn unary_ops() {
    run("unary ops, cuda vs cpu", unary_ops_match_the_cpu_on_every_layout);
}

#[test]
fn binary_ops() {
    run("binary ops, cuda vs cpu", binary_ops_match_the_cpu_on_every_layout);
}

#[test]
fn where_and_clip() {
    run("where/clip, cuda vs cpu", where_and_clip_match_the_cpu);
}

#[test]
fn casts() {
    run("casts, cuda vs cpu", casts_match_the_cpu_for_every_pair);
}

#[test]
fn copies_and_fills() {
    run("copies and fills, cuda vs cpu", copies_match_the_cpu);
}

/// The same comparisons on the 64-bit index path (`DEVARRAY_FORCE_INDEX64=1`).
#[test]
fn every_elementwise_family_on_the_64_bit_path() {
    rerun_with(
        ("DEVARRAY_FORCE_INDEX64", "1"),
        &["unary_ops", "binary_ops", "where_and_clip", "casts", "copies_and_fills", "kernel_paths_follow_the_layouts"],
    );
}

/// Which kernel variant each layout takes (needs the emulator's launch counts; in a child
/// process, where no other test launches kernels meanwhile).
#[test]
fn kernel_paths_follow_the_layouts() {
    let Some(dev) = gpu() else { return };
    if launches("add_f32_vec").is_none() {
        println!("skipped: kernel paths are only observable on the emulator");
        return;
    }
    if std::env::var_os("DEVARRAY_CUDA_PATHS_CHILD").is_none() {
        return rerun_with(("DEVARRAY_CUDA_PATHS_CHILD", "1"), &["kernel_paths_follow_the_layouts"]);
    }
    let forced = std::env::var("DEVARRAY_FORCE_INDEX64").as_deref() == Ok("1");
    let path = |p: &'static str| if forced { "s64" } else { p };
    let expect = |kernel: String, f: &dyn Fn() -> Result<Array>| {
        let before = launches(&kernel).unwrap_or(0);
        f().and_then(|a| a.to_device(&Device::Cpu)).expect("op runs");
        assert!(launches(&kernel).unwrap_or(0) > before, "expected a launch of {kernel}");
    };
    let x = Array::arange(0.0, 5000.0, 1.0, DType::F32, &dev).unwrap();
    let offset = x.slice(&[AxisSlice::range(1, None, 1)]).unwrap();
    let t = x.reshape(&[50, 100]).unwrap().transpose();
    expect(format!("add_f32_{}", path("vec")), &|| Array::binary(BinaryOp::Add, &x, 1.0f32));
    expect(format!("add_f32_{}", path("s32")), &|| Array::binary(BinaryOp::Add, &offset, 1.0f32));
    expect(format!("add_f32_{}", path("s32")), &|| Array::binary(BinaryOp::Add, &t, 1.0f32));
    expect(format!("copy_u32_{}", path("s32")), &|| t.contiguous());
    expect(format!("cast_f32_f16_{}", path("vec")), &|| x.astype(DType::F16));
}

/// Views whose elements lie more than 2^31 elements apart take the 64-bit kernels without any
/// override: a 3 GiB array (host memory on the emulator is only committed where touched).
#[test]
fn views_reaching_past_two_to_the_31_elements_use_64_bit_offsets() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let big = Array::empty(&[3, 1 << 30], DType::U8, &dev)?;
    let corners = big.slice(&[AxisSlice::FULL, AxisSlice::range(0, 2, 1)])?; // strides (2^30, 1)
    let values = Array::from_slice(&[1u8, 2, 3, 4, 5, 6], &[3, 2], &dev)?;
    let before = launches("copy_u8_s64");
    corners.assign(&values)?;
    assert_eq!(corners.to_vec::<u8>()?, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(corners.sum(None, false)?.item::<u64>()?, 21);
    if let (Some(before), Some(after)) = (before, launches("copy_u8_s64")) {
        assert!(after >= before + 2, "the assignment and the read-back used copy_u8_s64");
    }
    if emulated() {
        println!("64-bit offsets checked on the emulator");
    }
    Ok(())
}
