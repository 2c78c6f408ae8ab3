//! complex64/complex128 on the CUDA backend (a real GPU or the CUDA emulator,
//! `DEVARRAY_DEVICE=cuda-emu`): casts, elementwise ops, reductions and scans against host
//! oracles, at sizes around the kernels' block and grid boundaries, on contiguous, offset,
//! transposed and flipped views, with NaN/inf/-0 components. Prints `skipped: no CUDA device`
//! and passes without a device.
//!
//! Oracles: `num_complex` for the arithmetic NumPy does with the same formulas (add, subtract,
//! multiply, comparisons, |z|); NumPy's own formulas re-stated here for division (Smith) and
//! sign; the C library's complex functions (`csqrt`, `cexp`, ..., which NumPy calls on Linux)
//! for the elementary functions, special values included. The elementary functions compare to
//! a tolerance relative to |result|; NaN, infinite and zero parts must match in kind (the sign
//! of an infinity too, the sign of a zero is not compared: C99 leaves several unspecified).

mod common;
mod cuda_support;

use cuda_support::gpu;
use devarray::{Array, BinaryOp, DType, Device, ReduceOp, Result, Scalar, UnaryOp};
use num_complex::{Complex32, Complex64};

type C = Complex64;
/// A predicate on complex values.
type Pred = fn(C) -> bool;
/// A binary op's oracle.
type BinOracle = fn(C, C) -> C;

// The C library's complex functions (NumPy's `npy_c*` call these on Linux). `double complex`
// passes and returns like a `repr(C)` pair of doubles on the x86-64 and AArch64 ABIs.
#[allow(improper_ctypes)]
extern "C" {
    fn csqrt(z: C) -> C;
    fn cexp(z: C) -> C;
    fn clog(z: C) -> C;
    fn csin(z: C) -> C;
    fn ccos(z: C) -> C;
    fn ctan(z: C) -> C;
    fn csinh(z: C) -> C;
    fn ccosh(z: C) -> C;
    fn ctanh(z: C) -> C;
    fn casin(z: C) -> C;
    fn cacos(z: C) -> C;
    fn catan(z: C) -> C;
    fn casinh(z: C) -> C;
    fn cacosh(z: C) -> C;
    fn catanh(z: C) -> C;
}

/// Component values that exercise the special cases.
const SPECIAL: [f64; 12] =
    [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e300, -1e-300];

/// Every pair of [`SPECIAL`] components.
fn special_grid() -> Vec<C> {
    SPECIAL.iter().flat_map(|&re| SPECIAL.iter().map(move |&im| C::new(re, im))).collect()
}

/// `n` pseudo-random values with parts in (-4, 4), a few large and tiny ones mixed in.
fn random_values(n: usize, seed: u64) -> Vec<C> {
    let mut rng = cuda_support::Rng::new(seed);
    let mut part = || {
        let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        8.0 * u - 4.0
    };
    (0..n)
        .map(|i| match i % 37 {
            5 => C::new(part() * 1e200, part()),
            11 => C::new(part() * 1e-200, part() * 1e-200),
            _ => C::new(part(), part()),
        })
        .collect()
}

/// An array of `dtype` (C64 or C128) holding `values` (rounded to complex64 for C64) on `dev`.
fn upload(values: &[C], shape: &[usize], dtype: DType, dev: &Device) -> Result<Array> {
    if dtype == DType::C64 {
        let v: Vec<Complex32> = values.iter().map(|z| Complex32::new(z.re as f32, z.im as f32)).collect();
        Array::from_slice(&v, shape, dev)
    } else {
        Array::from_slice(values, shape, dev)
    }
}

/// The values of a complex array, widened to complex128, in C order.
fn download(a: &Array) -> Result<Vec<C>> {
    Ok(match a.dtype() {
        DType::C64 => a.to_vec::<Complex32>()?.iter().map(|z| C::new(z.re as f64, z.im as f64)).collect(),
        DType::C128 => a.to_vec::<C>()?,
        d => panic!("not complex: {d}"),
    })
}

/// The inputs as the device sees them: complex64 values are rounded first.
fn as_dtype(values: &[C], dtype: DType) -> Vec<C> {
    values
        .iter()
        .map(|z| if dtype == DType::C64 { C::new(z.re as f32 as f64, z.im as f32 as f64) } else { *z })
        .collect()
}

/// Whether `got` matches `want` for `dtype`: kinds of special parts equal, finite parts within
/// `rel` of |want| (`rel` 0: bit-exact values, zeros' signs included).
fn close(got: C, want: C, dtype: DType, rel: f64) -> bool {
    let want = if dtype == DType::C64 { C::new(want.re as f32 as f64, want.im as f32 as f64) } else { want };
    let scale = want.re.abs().max(want.im.abs());
    let part = |g: f64, w: f64| {
        if w.is_nan() {
            return g.is_nan();
        }
        if w.is_infinite() {
            return g == w;
        }
        if rel == 0.0 {
            return g.to_bits() == w.to_bits();
        }
        if w == 0.0 {
            return g.abs() <= rel * scale;
        }
        g.is_finite() && (g - w).abs() <= rel * scale.min(f64::MAX)
    };
    part(got.re, want.re) && part(got.im, want.im)
}

/// Relative tolerance of the elementary functions: a few ulps of the result's modulus.
fn tol(dtype: DType) -> f64 {
    if dtype == DType::C64 {
        4.0 * f32::EPSILON as f64
    } else {
        64.0 * f64::EPSILON
    }
}

fn report(what: &str, bad: &[(C, C, C)]) {
    assert!(bad.is_empty(), "{what}: {} mismatches, first: {:?}", bad.len(), &bad[..bad.len().min(6)]);
}

/// NumPy's complex division (Smith's algorithm).
fn smith(a: C, b: C) -> C {
    let (abr, abi) = (b.re.abs(), b.im.abs());
    if abr >= abi {
        if abr == 0.0 && abi == 0.0 {
            return C::new(a.re / abr, a.im / abr);
        }
        let rat = b.im / b.re;
        let scl = 1.0 / (b.re + b.im * rat);
        C::new((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
    } else {
        let rat = b.re / b.im;
        let scl = 1.0 / (b.im + b.re * rat);
        C::new((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
    }
}

/// The oracle of each unary op with a complex result, and its tolerance (0: exact).
fn unary_oracle(op: UnaryOp, z: C, dtype: DType) -> (C, f64) {
    // SAFETY: the C library's pure complex functions, called with a value.
    let libm = |f: unsafe extern "C" fn(C) -> C| unsafe { f(z) };
    let t = tol(dtype);
    match op {
        UnaryOp::Negative => (-z, 0.0),
        // NumPy's vectorised multiply: re = fma(x, x, -(y*y)), im = fma(x, y, y*x).
        UnaryOp::Square => (C::new(z.re.mul_add(z.re, -(z.im * z.im)), z.re.mul_add(z.im, z.im * z.re)), t),
        UnaryOp::Reciprocal => (smith(C::new(1.0, 0.0), z), t),
        UnaryOp::Round => (C::new(z.re.round_ties_even(), z.im.round_ties_even()), 0.0),
        UnaryOp::Sqrt => (libm(csqrt), t),
        UnaryOp::Exp => (libm(cexp), t),
        UnaryOp::Log => (libm(clog), t),
        UnaryOp::Log2 => {
            let l = libm(clog);
            (l / std::f64::consts::LN_2, t)
        }
        UnaryOp::Log10 => {
            let l = libm(clog);
            (l / std::f64::consts::LN_10, t)
        }
        UnaryOp::Sin => (libm(csin), t),
        UnaryOp::Cos => (libm(ccos), t),
        UnaryOp::Tan => (libm(ctan), t),
        UnaryOp::Sinh => (libm(csinh), t),
        UnaryOp::Cosh => (libm(ccosh), t),
        UnaryOp::Tanh => (libm(ctanh), t),
        UnaryOp::Asin => (libm(casin), t),
        UnaryOp::Acos => (libm(cacos), t),
        UnaryOp::Atan => (libm(catan), t),
        UnaryOp::Asinh => (libm(casinh), t),
        UnaryOp::Acosh => (libm(cacosh), t),
        UnaryOp::Atanh => (libm(catanh), t),
        op => panic!("no oracle for {op:?}"),
    }
}

/// The unary ops with a complex result, checked against [`unary_oracle`].
const COMPLEX_UNARY: [UnaryOp; 21] = [
    UnaryOp::Negative,
    UnaryOp::Square,
    UnaryOp::Reciprocal,
    UnaryOp::Round,
    UnaryOp::Sqrt,
    UnaryOp::Exp,
    UnaryOp::Log,
    UnaryOp::Log2,
    UnaryOp::Log10,
    UnaryOp::Sin,
    UnaryOp::Cos,
    UnaryOp::Tan,
    UnaryOp::Sinh,
    UnaryOp::Cosh,
    UnaryOp::Tanh,
    UnaryOp::Asin,
    UnaryOp::Acos,
    UnaryOp::Atan,
    UnaryOp::Asinh,
    UnaryOp::Acosh,
    UnaryOp::Atanh,
];

/// Views of a device array holding `values` (length n = rows * cols) and the same view's
/// values on the host: contiguous, offset by one element, transposed, flipped.
fn views(values: &[C], rows: usize, cols: usize, dtype: DType, dev: &Device) -> Result<Vec<(String, Array, Vec<C>)>> {
    let n = rows * cols;
    let host = as_dtype(values, dtype);
    let base = upload(values, &[n], dtype, dev)?;
    let mut out = vec![("contiguous".to_string(), base.clone(), host[..n].to_vec())];
    if n > 1 {
        let shifted = base.slice(&[devarray::AxisSlice::range(1, None, 1)])?;
        out.push(("offset by one".into(), shifted, host[1..n].to_vec()));
        let flipped = base.flip(None)?;
        out.push(("flipped".into(), flipped, host[..n].iter().rev().copied().collect()));
        let t = base.reshape(&[rows, cols])?.permute_dims(&[1, 0])?;
        let th: Vec<C> =
            (0..cols).flat_map(|c| (0..rows).map(move |r| (r, c))).map(|(r, c)| host[r * cols + c]).collect();
        out.push(("transposed".into(), t, th));
    }
    Ok(out)
}

/// Sizes around the elementwise boundaries with DEVARRAY_MAX_GRID=3 (tile 256 or 512
/// elements, grid step 3 tiles): (rows, cols).
const SHAPES: [(usize, usize); 5] = [(1, 1), (1, 3), (3, 86), (7, 221), (1, 0)];

#[test]
fn unary_ops_match_the_oracles() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    for dtype in [DType::C64, DType::C128] {
        let mut inputs = special_grid();
        let grid_len = inputs.len();
        inputs.extend(random_values(1600, 7));
        for &(rows, cols) in &SHAPES {
            let n = rows * cols;
            // every shape starts with the special values
            let vals: Vec<C> = inputs.iter().cycle().take(n).copied().collect();
            for (what, x, host) in views(&vals, rows, cols, dtype, &dev)? {
                for op in COMPLEX_UNARY {
                    let got = download(&x.unary(op)?)?;
                    let mut bad = Vec::new();
                    for (i, (&z, &g)) in host.iter().zip(&got).enumerate() {
                        let (want, rel) = unary_oracle(op, z, dtype);
                        // the random tail: moderate values only for the functions whose
                        // formulas lose digits near branch points / cancellation
                        let rel = if i >= grid_len && rel > 0.0 { rel * 64.0 } else { rel };
                        if !close(g, want, dtype, rel) {
                            bad.push((z, g, want));
                        }
                    }
                    report(&format!("{op:?} {dtype} {what} {rows}x{cols}"), &bad);
                }
                check_real_results(&x, &host, dtype)?;
            }
        }
    }
    Ok(())
}

/// abs (a real result), the predicates and logical_not.
fn check_real_results(x: &Array, host: &[C], dtype: DType) -> Result<()> {
    let abs = x.unary(UnaryOp::Abs)?;
    assert_eq!(abs.dtype(), dtype.real_dtype());
    let got = abs.astype(DType::F64)?.to_vec::<f64>()?;
    for (z, g) in host.iter().zip(got) {
        let want = z.re.hypot(z.im);
        let want = if dtype == DType::C64 { want as f32 as f64 } else { want };
        let ok = if want.is_nan() { g.is_nan() } else { g == want || (g - want).abs() <= tol(dtype) * want };
        assert!(ok, "abs({z}) = {g}, want {want}");
    }
    let preds: [(UnaryOp, Pred); 4] = [
        (UnaryOp::IsNan, |z| z.re.is_nan() || z.im.is_nan()),
        (UnaryOp::IsInf, |z| z.re.is_infinite() || z.im.is_infinite()),
        (UnaryOp::IsFinite, |z| z.re.is_finite() && z.im.is_finite()),
        (UnaryOp::LogicalNot, |z| z.re == 0.0 && z.im == 0.0),
    ];
    for (op, f) in preds {
        let got = x.unary(op)?.to_vec::<bool>()?;
        let want: Vec<bool> = host.iter().map(|&z| f(z)).collect();
        assert_eq!(got, want, "{op:?} {dtype}");
    }
    Ok(())
}

#[test]
fn sign_follows_numpy() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let inf = f64::INFINITY;
    let cases = [
        (C::new(0.0, 0.0), C::new(0.0, 0.0)),
        (C::new(3.0, -4.0), C::new(0.6, -0.8)),
        (C::new(-inf, 2.0), C::new(-1.0, 0.0)),
        (C::new(1.0, inf), C::new(0.0, 1.0)),
        (C::new(f64::NAN, 1.0), C::new(f64::NAN, f64::NAN)),
        (C::new(1e300, 1e300), C::new(std::f64::consts::FRAC_1_SQRT_2, std::f64::consts::FRAC_1_SQRT_2)),
    ];
    for dtype in [DType::C64, DType::C128] {
        let (z, want): (Vec<C>, Vec<C>) = cases.iter().copied().unzip();
        let z: Vec<C> = if dtype == DType::C64 {
            z.into_iter().map(|v| if v.re == 1e300 { C::new(1e30, 1e30) } else { v }).collect()
        } else {
            z
        };
        let got = download(&upload(&z, &[z.len()], dtype, &dev)?.unary(UnaryOp::Sign)?)?;
        for ((g, w), z) in got.iter().zip(&want).zip(&z) {
            assert!(close(*g, *w, dtype, tol(dtype)), "sign({z}) = {g}, want {w} ({dtype})");
        }
    }
    Ok(())
}

#[test]
fn binary_ops_match_the_oracles() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    for dtype in [DType::C64, DType::C128] {
        let grid = special_grid();
        // every special value against every other, plus random pairs
        let mut a: Vec<C> = grid.iter().flat_map(|&x| grid.iter().step_by(7).map(move |_| x)).collect();
        let mut b: Vec<C> = grid.iter().flat_map(|_| grid.iter().step_by(7).copied()).collect();
        a.extend(random_values(1500, 11));
        b.extend(random_values(1500, 12));
        let (ha, hb) = (as_dtype(&a, dtype), as_dtype(&b, dtype));
        let (xa, xb) = (upload(&a, &[a.len()], dtype, &dev)?, upload(&b, &[b.len()], dtype, &dev)?);
        let ops: [(BinaryOp, BinOracle, bool); 4] = [
            (BinaryOp::Add, |x, y| x + y, true),
            (BinaryOp::Subtract, |x, y| x - y, true),
            (
                BinaryOp::Multiply,
                |x, y| C::new(x.re.mul_add(y.re, -(x.im * y.im)), x.re.mul_add(y.im, x.im * y.re)),
                false,
            ),
            (BinaryOp::Divide, smith, false),
        ];
        for (op, f, exact) in ops {
            for (what, l, r) in [("arrays", &xa, &xb), ("flipped", &xa.flip(None)?, &xb.flip(None)?)] {
                let got = download(&Array::binary(op, l, r)?)?;
                let flip = what == "flipped";
                let mut bad = Vec::new();
                for (i, &g) in got.iter().enumerate() {
                    let j = if flip { ha.len() - 1 - i } else { i };
                    let want = f(ha[j], hb[j]);
                    // complex64 computes in float: compare to a few float ulps of the modulus
                    let rel = if exact && dtype == DType::C128 { 0.0 } else { tol(dtype) };
                    if !(close(g, want, dtype, rel) || want.re.is_nan() || want.im.is_nan()) {
                        bad.push((ha[j], g, want));
                    }
                }
                report(&format!("{op:?} {dtype} {what}"), &bad);
            }
        }
        for (op, f) in [
            (BinaryOp::Equal, (|x: C, y: C| x == y) as fn(C, C) -> bool),
            (BinaryOp::NotEqual, |x, y| x != y),
            (BinaryOp::LogicalAnd, |x, y| truth(x) && truth(y)),
            (BinaryOp::LogicalOr, |x, y| truth(x) || truth(y)),
            (BinaryOp::LogicalXor, |x, y| truth(x) != truth(y)),
        ] {
            let got = Array::binary(op, &xa, &xb)?.to_vec::<bool>()?;
            let want: Vec<bool> = ha.iter().zip(&hb).map(|(&x, &y)| f(x, y)).collect();
            assert_eq!(got, want, "{op:?} {dtype}");
            let same = Array::binary(op, &xa, &xa)?.to_vec::<bool>()?;
            let want: Vec<bool> = ha.iter().map(|&x| f(x, x)).collect();
            assert_eq!(same, want, "{op:?} {dtype} with itself");
        }
    }
    Ok(())
}

fn truth(z: C) -> bool {
    z.re != 0.0 || z.im != 0.0
}

#[test]
fn scalar_operands_of_16_bytes() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let vals = random_values(700, 3);
    let s = C::new(1.5, -2.25);
    for dtype in [DType::C64, DType::C128] {
        let host = as_dtype(&vals, dtype);
        let x = upload(&vals, &[vals.len()], dtype, &dev)?;
        let right = download(&Array::binary(BinaryOp::Subtract, &x, Scalar::Complex(s))?)?;
        let left = download(&Array::binary(BinaryOp::Subtract, Scalar::Complex(s), &x)?)?;
        for ((z, r), l) in host.iter().zip(&right).zip(&left) {
            assert!(close(*r, z - s, dtype, tol(dtype)), "{z} - {s} = {r}");
            assert!(close(*l, s - z, dtype, tol(dtype)), "{s} - {z} = {l}");
        }
        // where(cond, x, scalar): the scalar is the last input and stays exact
        let cond = Array::from_slice(&(0..vals.len()).map(|i| i % 3 == 0).collect::<Vec<_>>(), &[vals.len()], &dev)?;
        let w = download(&Array::where_(&cond, &x, Scalar::Complex(s))?)?;
        for (i, (z, g)) in host.iter().zip(&w).enumerate() {
            let want = if i % 3 == 0 { *z } else { s };
            assert!(close(*g, want, dtype, 0.0), "where at {i}: {g}, want {want}");
        }
        let full = download(&Array::full(&[5, 3], Scalar::Complex(s), dtype, &dev)?)?;
        assert!(full.iter().all(|&g| g == s), "full({s}) on {dtype}: {full:?}");
    }
    Ok(())
}

#[test]
fn reductions_and_scans_match_the_oracles() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    for dtype in [DType::C64, DType::C128] {
        for &(rows, cols) in &[(1usize, 1usize), (3, 700), (40, 9), (1, 5000), (2, 0)] {
            let vals: Vec<C> = random_values(rows * cols, 5)
                .iter()
                .map(|z| C::new(z.re.clamp(-4.0, 4.0), z.im.clamp(-4.0, 4.0)))
                .collect();
            let host = as_dtype(&vals, dtype);
            let x = upload(&vals, &[rows, cols], dtype, &dev)?;
            for axis in [0isize, 1] {
                let sum = download(&x.reduce(ReduceOp::Sum, Some(&[axis]), false)?)?;
                let (outer, inner) = if axis == 0 { (cols, rows) } else { (rows, cols) };
                let at = |o: usize, k: usize| if axis == 0 { host[k * cols + o] } else { host[o * cols + k] };
                for (o, g) in sum.iter().enumerate() {
                    let want: C = (0..inner).map(|k| at(o, k)).sum();
                    let mag: f64 = (0..inner).map(|k| at(o, k).norm()).sum();
                    assert!(
                        (g - want).norm() <= 4.0 * tol(dtype) * mag.max(1.0),
                        "sum {dtype} {rows}x{cols} axis {axis}[{o}]: {g} vs {want}"
                    );
                }
                let cs = download(&x.cumulative_sum(Some(axis), None, false)?)?;
                for o in 0..outer {
                    let mut acc = C::new(0.0, 0.0);
                    let mut mag = 0.0;
                    for k in 0..inner {
                        acc += at(o, k);
                        mag += at(o, k).norm();
                        let g = if axis == 0 { cs[k * cols + o] } else { cs[o * cols + k] };
                        assert!(
                            (g - acc).norm() <= 4.0 * tol(dtype) * mag.max(1.0),
                            "cumsum {dtype} axis {axis} ({o},{k}): {g} vs {acc}"
                        );
                    }
                }
            }
            // products of values near the unit circle stay finite
            let unit: Vec<C> = host.iter().map(|z| C::from_polar(1.0, z.arg()) * (1.0 + 1e-3 * z.re.tanh())).collect();
            let u = upload(&unit, &[rows, cols], dtype, &dev)?;
            let hu = as_dtype(&unit, dtype);
            let prod = download(&u.reduce(ReduceOp::Prod, Some(&[1]), false)?)?;
            let cp = download(&u.cumulative_prod(Some(1), None, false)?)?;
            for (r, g) in prod.iter().enumerate() {
                let mut acc = C::new(1.0, 0.0);
                for k in 0..cols {
                    acc *= hu[r * cols + k];
                    let c = cp[r * cols + k];
                    assert!(
                        (c - acc).norm() <= (k + 2) as f64 * tol(dtype) * acc.norm().max(1.0),
                        "cumprod {dtype} ({r},{k}): {c} vs {acc}"
                    );
                }
                assert!(
                    (g - acc).norm() <= (cols + 2) as f64 * tol(dtype) * acc.norm().max(1.0),
                    "prod {dtype} row {r}: {g} vs {acc}"
                );
            }
            for (op, f) in [
                (ReduceOp::Any, (|v: &[C]| v.iter().any(|&z| truth(z))) as fn(&[C]) -> bool),
                (ReduceOp::All, |v| v.iter().all(|&z| truth(z))),
            ] {
                let mut h = host.clone();
                if !h.is_empty() {
                    h[0] = C::new(0.0, -0.0);
                }
                let xz = upload(&h, &[rows, cols], dtype, &dev)?;
                let got = xz.reduce(op, Some(&[1]), false)?.to_vec::<bool>()?;
                let want: Vec<bool> = (0..rows).map(|r| f(&h[r * cols..(r + 1) * cols])).collect();
                assert_eq!(got, want, "{op:?} {dtype} {rows}x{cols}");
            }
        }
    }
    Ok(())
}

#[test]
fn casts_to_and_from_complex_match_the_cpu() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    let mut vals = special_grid();
    vals.extend(random_values(600, 9).iter().map(|z| z * 40.0));
    vals.extend([C::new(1e10, 3.0), C::new(-7e4, 1.0), C::new(65504.0, 1.0), C::new(1e39, -1e39)]);
    for src in [DType::C64, DType::C128] {
        let cpu = upload(&vals, &[vals.len()], src, &Device::Cpu)?;
        let cuda = cpu.to_device(&dev)?;
        for dst in DType::ALL {
            // compared as complex128 (the CPU widens both the same way), bit for bit
            let want = download(&cpu.astype(dst)?.astype(DType::C128)?)?;
            let got = download(&cuda.astype(dst)?.to_device(&Device::Cpu)?.astype(DType::C128)?)?;
            for ((g, w), z) in got.iter().zip(&want).zip(&vals) {
                assert!(close(*g, *w, DType::C128, 0.0), "cast {src} -> {dst} of {z}: {g} vs {w}");
            }
        }
    }
    for src in DType::REAL {
        let base = Array::arange(-70.0, 70.0, 0.75, DType::F64, &Device::Cpu)?;
        let specials = Array::from_slice(&[f64::NAN, -0.0, f64::INFINITY, 1e300], &[4], &Device::Cpu)?;
        let cpu = Array::concat(&[base, specials], Some(0))?.astype(src)?;
        let cuda = cpu.to_device(&dev)?;
        for dst in [DType::C64, DType::C128] {
            let want = download(&cpu.astype(dst)?)?;
            let got = download(&cuda.astype(dst)?)?;
            for (g, w) in got.iter().zip(&want) {
                assert!(close(*g, *w, dst, 0.0), "cast {src} -> {dst}: {g} vs {w}");
            }
        }
    }
    Ok(())
}

/// Complex arrays sort in NumPy's lexicographic order on every device (the order is composed of
/// real sorts in the op layer); searchsorted stays real-only, as in the standard.
#[test]
fn complex_sorts_lexicographically_and_searchsorted_refuses() -> Result<()> {
    for dev in [Some(Device::Cpu), gpu()].into_iter().flatten() {
        let x = upload(&[C::new(1.0, 2.0), C::new(0.0, 1.0), C::new(1.0, -1.0)], &[3], DType::C128, &dev)?;
        let refused = |r: Result<Array>| matches!(r, Err(devarray::Error::UnsupportedDType { .. }));
        assert_eq!(
            x.argsort(0, false, true)?.to_device(&Device::Cpu)?.to_vec::<i64>()?,
            vec![1, 2, 0],
            "argsort on {dev:?}"
        );
        assert_eq!(
            x.sort(0, true, true)?.to_device(&Device::Cpu)?.to_vec::<C>()?[0],
            C::new(1.0, 2.0),
            "sort on {dev:?}"
        );
        assert_eq!(x.unique_values()?.shape(), &[3], "unique on {dev:?}");
        assert!(refused(x.searchsorted(&x, devarray::Side::Left, None)), "searchsorted on {dev:?}");
        let y = upload(&[C::new(1.0, 2.0)], &[1], DType::C64, &dev)?;
        let real = Array::from_slice(&[1.0f32], &[1], &dev)?;
        assert!(refused(real.searchsorted(&y, devarray::Side::Left, None)), "promoted searchsorted on {dev:?}");
    }
    Ok(())
}

#[test]
fn expm1_log1p_and_pow_match_the_oracles() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    // SAFETY: the C library's pure complex functions, called with values.
    let (exp, log) = (|z: C| unsafe { cexp(z) }, |z: C| unsafe { clog(z) });
    let mut vals = special_grid();
    vals.extend(random_values(900, 21));
    for dtype in [DType::C64, DType::C128] {
        let host = as_dtype(&vals, dtype);
        let x = upload(&vals, &[vals.len()], dtype, &dev)?;
        let e = download(&x.unary(UnaryOp::Expm1)?)?;
        let l = download(&x.unary(UnaryOp::Log1p)?)?;
        for ((z, ge), gl) in host.iter().zip(&e).zip(&l) {
            // away from 0 (where exp(z) - 1 and log(1 + z) cancel) the plain formulas are exact enough
            if z.norm() > 0.25 || !z.is_finite() {
                let w = exp(*z);
                let want = C::new(w.re - 1.0, w.im);
                assert!(close(*ge, want, dtype, 8.0 * tol(dtype)), "expm1({z}) = {ge}, want {want} ({dtype})");
                let want = log(C::new(1.0 + z.re, z.im));
                if z.re.is_finite() && z.im.is_finite() || !(want.re.is_nan() || want.im.is_nan()) {
                    assert!(close(*gl, want, dtype, 8.0 * tol(dtype)), "log1p({z}) = {gl}, want {want} ({dtype})");
                }
            } else {
                // small z: the series z + z^2/2 and z - z^2/2 bound the relative error
                let (we, wl) = (z + z * z / 2.0, z - z * z / 2.0);
                let bound = z.norm().powi(3) + 8.0 * tol(dtype) * z.norm();
                assert!((ge - we).norm() <= bound, "expm1({z}) = {ge}, want ~{we} ({dtype})");
                assert!((gl - wl).norm() <= bound, "log1p({z}) = {gl}, want ~{wl} ({dtype})");
            }
        }
        // pow: NumPy's special cases, integer exponents by multiplication, else exp(b log a)
        let a = random_values(400, 31);
        let b: Vec<C> = random_values(400, 32).iter().map(|z| z * 0.5).collect();
        let (ha, hb) = (as_dtype(&a, dtype), as_dtype(&b, dtype));
        let got = download(&Array::binary(
            BinaryOp::Pow,
            &upload(&a, &[400], dtype, &dev)?,
            &upload(&b, &[400], dtype, &dev)?,
        )?)?;
        for ((x, y), g) in ha.iter().zip(&hb).zip(&got) {
            let want = exp(y * log(*x));
            if want.is_finite() {
                assert!(
                    (g - want).norm() <= 64.0 * tol(dtype) * want.norm().max(1e-300),
                    "pow({x}, {y}) = {g}, want {want} ({dtype})"
                );
            }
        }
        let base = upload(
            &[C::new(0.0, 0.0), C::new(0.0, 0.0), C::new(1.5, -0.5), C::new(2.0, 1.0), C::new(3.0, 4.0)],
            &[5],
            dtype,
            &dev,
        )?;
        let expo = upload(
            &[C::new(2.0, 0.0), C::new(0.0, 1.0), C::new(0.0, 0.0), C::new(3.0, 0.0), C::new(-2.0, 0.0)],
            &[5],
            dtype,
            &dev,
        )?;
        let got = download(&Array::binary(BinaryOp::Pow, &base, &expo)?)?;
        let (z0, z1) = (got[0], got[1]);
        assert!(z0 == C::new(0.0, 0.0), "0 ** 2 = {z0}");
        assert!(z1.re.is_nan() && z1.im.is_nan(), "0 ** 1j = {z1}");
        assert_eq!(got[2], C::new(1.0, 0.0), "z ** 0");
        assert_eq!(got[3], C::new(2.0, 11.0), "(2+1j) ** 3 by multiplication");
        let want = C::new(1.0, 0.0) / (C::new(3.0, 4.0) * C::new(3.0, 4.0));
        assert!((got[4] - want).norm() <= tol(dtype) * want.norm(), "(3+4j) ** -2 = {}", got[4]);
    }
    Ok(())
}

/// Complex products go through cuBLAS (tests/cuda_complex_linalg.rs covers their layouts).
#[test]
fn complex_products_run_on_cuda() -> Result<()> {
    let Some(dev) = gpu() else { return Ok(()) };
    for dtype in [DType::C64, DType::C128] {
        let a =
            upload(&[C::new(1.0, 2.0), C::new(0.0, 3.0), C::new(1.0, 0.0), C::new(1.0, -1.0)], &[2, 2], dtype, &dev)?;
        let got = download(&a.matmul(&a)?)?;
        let want = [C::new(-3.0, 7.0), C::new(-3.0, 6.0), C::new(2.0, 1.0), C::new(0.0, 1.0)];
        assert_eq!(got, want, "{dtype}");
    }
    Ok(())
}
