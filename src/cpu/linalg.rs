//! Matrix decompositions and solvers on the CPU, computed by faer one matrix at a time.
//!
//! The op layer hands over C-contiguous `(batch, rows, cols)` inputs and fresh C-contiguous
//! outputs (see [`Decomp`] for each op's shapes), in float32, float64, complex64 or complex128
//! (conjugate transposes where the real case transposes: `Lᴴ`, `Vᴴ`, and Hermitian input to the
//! eigensolver; real-valued results such as singular values, eigenvalues and `ln |det|` are
//! written as complex numbers with a zero imaginary part, which the op layer views as real).
//! Each batch position is
//! independent: many small matrices run in parallel over the batch (one task per matrix);
//! large ones run one after another, faer parallelising inside each factorization.
//!
//! Failures are typed and name the batch position: a zero pivot in `inv`/`solve` (singular), a
//! non-positive pivot in `cholesky`, an SVD or eigensolver that did not converge.

use super::parallel::{map_tasks, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr, CpuBuffer};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::Decomp;
use faer::linalg::solvers::{DenseSolveCore, PartialPivLu, Solve};
use faer::{MatMut, MatRef, Side};
use num_complex::Complex;

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// The element types faer factorizes here: the real `f32`/`f64` and the complex
/// `Complex<f32>`/`Complex<f64>` (faer's `c32`/`c64`), with the few scalar operations the
/// drivers below need, in one place so that each driver is written once.
trait Field:
    faer::traits::ComplexField
    + num_traits::Zero
    + num_traits::One
    + std::ops::Mul<Output = Self>
    + Copy
    + Send
    + Sync
    + 'static
{
    /// The component type (`f32` or `f64`).
    type Part: num_traits::Float + Send + Sync;
    /// `r` as an element (imaginary part zero).
    fn from_part(r: Self::Part) -> Self;
    /// faer's real type (the component type) as [`Field::Part`].
    fn part(r: <Self as faer::traits::ComplexField>::Real) -> Self::Part;
    /// `|self|` (the modulus, `hypot` of the parts, for complex numbers).
    fn modulus(self) -> Self::Part;
    /// Whether every part is finite.
    fn finite(self) -> bool;
    /// `self / c` for a real `c`.
    fn div_part(self, c: Self::Part) -> Self;
}

macro_rules! impl_field_real {
    ($($t:ty),*) => {$(
        impl Field for $t {
            type Part = $t;
            fn from_part(r: $t) -> $t { r }
            fn part(r: $t) -> $t { r }
            fn modulus(self) -> $t { self.abs() }
            fn finite(self) -> bool { self.is_finite() }
            fn div_part(self, c: $t) -> $t { self / c }
        }
    )*};
}
impl_field_real!(f32, f64);

macro_rules! impl_field_complex {
    ($($t:ty),*) => {$(
        impl Field for Complex<$t> {
            type Part = $t;
            fn from_part(r: $t) -> Self { Complex::new(r, 0.0) }
            fn part(r: $t) -> $t { r }
            fn modulus(self) -> $t { self.re.hypot(self.im) }
            fn finite(self) -> bool { self.re.is_finite() && self.im.is_finite() }
            fn div_part(self, c: $t) -> Self { Complex::new(self.re / c, self.im / c) }
        }
    )*};
}
impl_field_complex!(f32, f64);

/// One operand: the pointer to its first element and the shape of each batch position's
/// matrix (a `(batch, k)` output is a batch of `1 × k` rows, a `(batch,)` one of `1 × 1`).
#[derive(Clone, Copy)]
struct Operand {
    ptr: SendPtr,
    rows: usize,
    cols: usize,
}

impl Operand {
    fn new(view: View<'_>, itemsize: usize) -> Operand {
        let s = view.1.shape();
        let (rows, cols) = match s.len() {
            3 => (s[1], s[2]),
            2 => (1, s[1]),
            _ => (1, 1),
        };
        Operand { ptr: SendPtr(view_ptr(view.0, view.1, itemsize)), rows, cols }
    }

    /// Matrix `p` of an input, read-only.
    ///
    /// # Safety
    /// `p` is a batch position of the operand, whose view is C-contiguous and valid (the
    /// `Backend::linalg` contract); nothing writes it while the reference lives.
    unsafe fn input<'a, T>(self, p: usize) -> MatRef<'a, T> {
        let len = self.rows * self.cols;
        // SAFETY: the caller's contract; `p * len .. (p + 1) * len` lies inside the view.
        let data = unsafe { std::slice::from_raw_parts(self.ptr.get().cast::<T>().add(p * len), len) };
        MatRef::from_row_major_slice(data, self.rows, self.cols)
    }

    /// Matrix `p` of an output, as the only reference to it.
    ///
    /// # Safety
    /// As [`Operand::input`], and no other reference to matrix `p` of this output exists (each
    /// batch position is visited by exactly one task).
    unsafe fn output<'a, T>(self, p: usize) -> MatMut<'a, T> {
        let len = self.rows * self.cols;
        // SAFETY: the caller's contract: in bounds and unaliased.
        let data = unsafe { std::slice::from_raw_parts_mut(self.ptr.get().cast::<T>().add(p * len), len) };
        MatMut::from_row_major_slice_mut(data, self.rows, self.cols)
    }
}

/// Runs `op` over the batch (see `Backend::linalg`).
pub(crate) fn linalg(op: Decomp, dtype: DType, inputs: &[View<'_>], outputs: &[View<'_>]) -> Result<()> {
    let isz = dtype.itemsize();
    let ins: Vec<Operand> = inputs.iter().map(|&v| Operand::new(v, isz)).collect();
    let outs: Vec<Operand> = outputs.iter().map(|&v| Operand::new(v, isz)).collect();
    let batch = inputs.first().map_or(0, |v| v.1.shape()[0]);
    let _q = queue();
    match dtype {
        DType::F32 => run::<f32>(op, batch, &ins, &outs),
        DType::F64 => run::<f64>(op, batch, &ins, &outs),
        DType::C64 => run::<Complex<f32>>(op, batch, &ins, &outs),
        DType::C128 => run::<Complex<f64>>(op, batch, &ins, &outs),
        d => Err(Error::UnsupportedDType {
            op: op.name(),
            dtype: d,
            hint: "; the CPU decompositions compute in float32, float64, complex64 or complex128".into(),
        }),
    }
}

/// Every batch position through [`one`], in parallel over the batch when the matrices are
/// small and many; the first failing position's error (in batch order) is returned.
fn run<T: Field>(op: Decomp, batch: usize, ins: &[Operand], outs: &[Operand]) -> Result<()> {
    let (rows, cols) = (ins[0].rows, ins[0].cols);
    // A factorization costs about rows * cols * min(rows, cols) operations.
    let per_matrix = (rows * cols * rows.min(cols).max(1)).max(1);
    let parallel = per_matrix < 128 * 128 * 128 && worth_parallel(batch, batch * per_matrix, PAR_CHUNK);
    map_tasks(batch, parallel, |p| {
        // SAFETY: `p < batch`, the views follow `Backend::linalg`'s contract, and batch
        // position `p` of each output is touched only by this task.
        unsafe { one::<T>(op, p, ins, outs) }
    })
    .into_iter()
    .collect()
}

/// `op` on batch position `p`.
///
/// # Safety
/// `p` is a batch position of every operand; only this call touches position `p` of the
/// outputs.
unsafe fn one<T: Field>(op: Decomp, p: usize, ins: &[Operand], outs: &[Operand]) -> Result<()> {
    if ins[0].rows == 0 || ins[0].cols == 0 {
        // SAFETY: the function's contract.
        unsafe { empty_input::<T>(op, p, outs) };
        return Ok(());
    }
    let name = op.name();
    // SAFETY (every `input`/`output` below): the function's contract.
    let a = unsafe { ins[0].input::<T>(p) };
    let out = |i: usize| unsafe { outs[i].output::<T>(p) };
    match op {
        Decomp::Cholesky { upper } => {
            cholesky(a, upper, out(0)).map_err(|pivot| Error::NotPositiveDefinite { op: name, index: p, pivot })
        }
        Decomp::Qr { complete } => {
            qr(a, complete, out(0), out(1));
            Ok(())
        }
        Decomp::Svd { .. } | Decomp::SvdVals | Decomp::Eigh | Decomp::EigvalsH => {
            // Values scale linearly with the matrix and vectors not at all, so a matrix whose
            // largest entry is outside the safe range is decomposed divided by a power of two
            // (exact) and the values multiplied back, as LAPACK's drivers do: faer's float32
            // SVD overflows (and reports no convergence) for entries near 1e19 otherwise.
            let scale = range_scale((0..a.ncols()).flat_map(|j| (0..a.nrows()).map(move |i| a[(i, j)].modulus())));
            let scaled = scale.map(|c| faer::Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)].div_part(c)));
            let a = scaled.as_ref().map_or(a, |m| m.as_ref());
            let done = match op {
                Decomp::Svd { full } => svd(a, full, [out(0), out(1), out(2)]),
                Decomp::SvdVals => a.singular_values().ok().map(|s| write_parts(out(0), s)),
                Decomp::Eigh => eigh(a, out(0), out(1)),
                _ => a.self_adjoint_eigenvalues(Side::Lower).ok().map(|w| write_parts(out(0), w)),
            };
            if done.is_none() {
                return Err(Error::NoConvergence { op: name, index: p, finite: Some(all_finite(a)) });
            }
            if let Some(c) = scale {
                // The values are output 1 of the SVD, output 0 otherwise.
                let mut values = out(usize::from(matches!(op, Decomp::Svd { .. })));
                for j in 0..values.ncols() {
                    values[(0, j)] *= T::from_part(c);
                }
            }
            Ok(())
        }
        Decomp::Inv => {
            let lu = nonsingular_lu(a).ok_or(Error::SingularMatrix { op: name, index: p })?;
            out(0).copy_from(lu.inverse());
            Ok(())
        }
        Decomp::Solve => {
            let lu = nonsingular_lu(a).ok_or(Error::SingularMatrix { op: name, index: p })?;
            let mut x = out(0);
            // SAFETY: the function's contract, for the second input.
            x.copy_from(unsafe { ins[1].input::<T>(p) });
            lu.solve_in_place(x);
            Ok(())
        }
        Decomp::Det => {
            out(0)[(0, 0)] = det(a);
            Ok(())
        }
        Decomp::Slogdet => {
            let (sign, log) = slogdet(a);
            out(0)[(0, 0)] = sign;
            out(1)[(0, 0)] = T::from_part(log);
            Ok(())
        }
    }
}

/// Matrices without elements, answered here rather than by faer (some of whose routines assume
/// a non-empty matrix): NumPy's answers are identity `Q` (complete QR) and `U`, `Vh` (full
/// SVD), determinant 1 (`slogdet`: sign 1, log 0), and empty or zero everything else.
///
/// # Safety
/// As [`one`].
unsafe fn empty_input<T: Field>(op: Decomp, p: usize, outs: &[Operand]) {
    for (i, o) in outs.iter().enumerate() {
        // SAFETY: the caller's contract.
        let mut m = unsafe { o.output::<T>(p) };
        m.fill(T::zero());
        let identity = match op {
            Decomp::Qr { complete: true } => i == 0,
            Decomp::Svd { full: true } => i != 1,
            Decomp::Det => true,
            Decomp::Slogdet => i == 0,
            _ => false,
        };
        if identity {
            for d in 0..m.nrows().min(m.ncols()) {
                m[(d, d)] = T::one();
            }
        }
    }
}

/// `L` (lower) or `Lᴴ` (upper) into `out`, reading the matching triangle of `a`; on failure,
/// the row of the first non-positive (or NaN) pivot.
fn cholesky<T: Field>(a: MatRef<'_, T>, upper: bool, mut out: MatMut<'_, T>) -> std::result::Result<(), usize> {
    let side = if upper { Side::Upper } else { Side::Lower };
    let llt = a.llt(side).map_err(|e| match e {
        faer::linalg::cholesky::llt::factor::LltError::NonPositivePivot { index } => index,
    })?;
    if upper {
        out.copy_from(llt.L().adjoint());
    } else {
        out.copy_from(llt.L());
    }
    Ok(())
}

/// `Q` and `R` (NumPy's shapes: `R` is zero-padded to `m × n` in complete mode).
fn qr<T: Field>(a: MatRef<'_, T>, complete: bool, mut q: MatMut<'_, T>, mut r: MatMut<'_, T>) {
    let f = a.qr();
    if complete {
        q.copy_from(f.compute_Q());
    } else {
        q.copy_from(f.compute_thin_Q());
    }
    let k = a.nrows().min(a.ncols());
    r.fill(T::zero());
    r.get_mut(..k, ..).copy_from(f.thin_R());
}

/// `U`, `S` (a `1 × k` row) and `Vᴴ`; `None` when the SVD did not converge.
fn svd<T: Field>(a: MatRef<'_, T>, full: bool, [mut u, s, mut vh]: [MatMut<'_, T>; 3]) -> Option<()> {
    let f = if full { a.svd() } else { a.thin_svd() }.ok()?;
    u.copy_from(f.U());
    vh.copy_from(f.V().adjoint());
    let values: Vec<T> = f.S().column_vector().iter().copied().collect();
    write_row(s, &values);
    Some(())
}

/// Eigenvalues (ascending, a `1 × n` row) and eigenvectors (columns), from the lower triangle
/// as NumPy's default `UPLO='L'` does; `None` when the solver did not converge.
fn eigh<T: Field>(a: MatRef<'_, T>, w: MatMut<'_, T>, mut v: MatMut<'_, T>) -> Option<()> {
    let f = a.self_adjoint_eigen(Side::Lower).ok()?;
    let values: Vec<T> = f.S().column_vector().iter().copied().collect();
    write_row(w, &values);
    v.copy_from(f.U());
    Some(())
}

/// The power of two to divide a matrix by before an SVD or eigendecomposition, given its
/// `entries`: `None` when the largest absolute entry `m` lies in LAPACK's safe range
/// `[sqrt(min_positive) / eps, eps / sqrt(min_positive)]` (about `[9e-13, 1.1e12]` in float32),
/// or is zero, NaN or infinite (where scaling cannot help). The divisor is `2^floor(log2 m)`,
/// so the scaled largest entry lies in `[1, 2)` and the division is exact (entries far below
/// `m` may round as subnormals, as in LAPACK). Shared with the emulator's cuSOLVER stand-in:
/// LAPACK's drivers, which cuSOLVER follows, scale the same way.
pub(crate) fn range_scale<T: num_traits::Float>(entries: impl IntoIterator<Item = T>) -> Option<T> {
    let mut m = T::zero();
    for v in entries {
        let v = v.abs();
        if v.is_nan() {
            return None;
        }
        m = m.max(v);
    }
    let low = T::min_positive_value().sqrt() / T::epsilon();
    if !m.is_finite() || m == T::zero() || (m >= low && m <= low.recip()) {
        return None;
    }
    // 2^e as the product of two halves, each representable in f64 (and their product exact
    // in T, subnormal or not); log2 may round across a power of two, so correct it after.
    let e = m.log2().floor().to_i32()?;
    let pow2 = |k: i32| T::from(2f64.powi(k / 2)).zip(T::from(2f64.powi(k - k / 2))).map(|(x, y)| x * y);
    let mut c = pow2(e)?;
    let two = T::one() + T::one();
    if c > m {
        c = c / two;
    } else if c * two <= m {
        c = c * two;
    }
    Some(c)
}

/// Whether every entry of `a` is finite.
fn all_finite<T: Field>(a: MatRef<'_, T>) -> bool {
    (0..a.nrows()).all(|i| (0..a.ncols()).all(|j| a[(i, j)].finite()))
}

/// `values` into a `1 × k` output.
fn write_row<T: Field>(mut out: MatMut<'_, T>, values: &[T]) {
    for (j, &x) in values.iter().enumerate() {
        out[(0, j)] = x;
    }
}

/// Real `values` (singular values, eigenvalues) into a `1 × k` output of `T`.
fn write_parts<T: Field>(mut out: MatMut<'_, T>, values: Vec<<T as faer::traits::ComplexField>::Real>) {
    for (j, x) in values.into_iter().enumerate() {
        out[(0, j)] = T::from_part(T::part(x));
    }
}

/// The LU factorization of `a`, or `None` when `a` is singular: an exactly-zero pivot, or a
/// non-finite pivot from finite input (the elimination overflowed). NaN input is not called
/// singular: its NaNs propagate to the result, as NumPy's do.
fn nonsingular_lu<T: Field>(a: MatRef<'_, T>) -> Option<PartialPivLu<T>> {
    let lu = a.partial_piv_lu();
    let finite_input = all_finite(a);
    let u = lu.U();
    let singular = (0..u.nrows()).any(|i| {
        let d = u[(i, i)];
        d == T::zero() || (finite_input && !d.finite())
    });
    (!singular).then_some(lu)
}

/// `(sign, ln |det a|)` from the LU factorization: the sign of the row permutation times
/// `d / |d|` for each diagonal entry `d` of `U` (`±1` for real matrices, a unit complex number
/// for complex ones, as NumPy's); a zero pivot gives `(0, -inf)`, NumPy's answer. An empty
/// matrix has determinant 1.
fn slogdet<T: Field>(a: MatRef<'_, T>) -> (T, T::Part) {
    let n = a.nrows();
    if n == 0 {
        return (T::one(), num_traits::Zero::zero());
    }
    let lu = a.partial_piv_lu();
    let mut sign: T = permutation_sign(lu.P().arrays().0);
    let mut log: T::Part = num_traits::Zero::zero();
    let u = lu.U();
    for i in 0..n {
        let d = u[(i, i)];
        let m = d.modulus();
        if d == T::zero() {
            return (T::zero(), num_traits::Float::neg_infinity());
        }
        sign *= d.div_part(m);
        log = log + num_traits::Float::ln(m);
    }
    (sign, log)
}

/// The determinant: the product of `U`'s diagonal (NumPy's way, so integer-valued
/// determinants come out as close to exact as NumPy's) times the permutation's sign.
fn det<T: Field>(a: MatRef<'_, T>) -> T {
    if a.nrows() == 0 {
        return T::one();
    }
    let lu = a.partial_piv_lu();
    let u = lu.U();
    (0..u.nrows()).fold(permutation_sign::<T>(lu.P().arrays().0), |acc, i| acc * u[(i, i)])
}

/// `+1` or `-1`: the parity of the permutation `perm` (one transposition fewer than its
/// length per cycle).
fn permutation_sign<T: Field>(perm: &[usize]) -> T {
    let mut seen = vec![false; perm.len()];
    let mut transpositions = 0usize;
    for start in 0..perm.len() {
        let mut len = 0usize;
        let mut i = start;
        while !seen[i] {
            seen[i] = true;
            i = perm[i];
            len += 1;
        }
        transpositions += len.saturating_sub(1);
    }
    let one: T::Part = num_traits::One::one();
    T::from_part(if transpositions % 2 == 0 { one } else { -one })
}
