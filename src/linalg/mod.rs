//! The Array API `linalg` extension: decompositions, solvers and norms over stacks of
//! matrices.
//!
//! Every function takes `&Array` holding a matrix `(m, n)` or a stack of them `(..., m, n)`
//! (the leading axes are batch axes) and returns new arrays shaped as NumPy's `np.linalg`
//! returns them.
//!
//! **Dtypes.** float32 and float64 compute in their own precision. Integer and `bool` inputs
//! are promoted to float64, as NumPy does. float16 and bfloat16 inputs are computed in float32
//! and the results rounded back to the input's dtype (NumPy refuses float16; PyTorch does the
//! same widening on the CPU).
//!
//! **Devices.** The decompositions and solvers ([`cholesky`], [`qr`], [`svd`], [`svdvals`],
//! [`eigh`], [`eigvalsh`], [`inv`], [`solve`], [`det`], [`slogdet`], and [`pinv`] and
//! [`matrix_rank`], which use the SVD) run on the CPU device through faer. On a CUDA device all
//! of them run through cuSOLVER: `potrf` ([`cholesky`]), `geqrf`/`orgqr` ([`qr`]),
//! `getrf`/`getrs` ([`inv`], [`solve`]; [`det`] and [`slogdet`] from `getrf` with device ops),
//! `syevd` ([`eigh`], [`eigvalsh`]) and `gesvd` ([`svd`], [`svdvals`]; [`pinv`] and
//! [`matrix_rank`] are device ops on its results), one call per matrix of a stack. A machine
//! without libcusolver gets [`Error::LibraryUnavailable`] naming what to install.
//! [`vector_norm`] and [`matrix_norm`] are composed of elementwise ops, reductions and (for
//! `ord` ∈ {nuc, ±2}) [`svdvals`], so they run on every device.
//!
//! **Range.** The SVD and the symmetric eigensolver first divide a matrix whose largest
//! absolute entry is outside LAPACK's safe range (about `[9e-13, 1.1e12]` in float32) by a
//! power of two, and multiply the singular values or eigenvalues back, as LAPACK's drivers do
//! (cuSOLVER's `gesvd`/`syevd` follow LAPACK; the CPU backend and the emulator's stand-ins do
//! it themselves): float32 matrices with entries near `1e19` or `1e-30` decompose like NumPy's.
//!
//! **Errors.** [`Error::InvalidArgument`] for fewer than 2 dimensions, [`Error::NotSquare`],
//! [`Error::SingularMatrix`] (`inv`, `solve`), [`Error::NotPositiveDefinite`] (`cholesky`),
//! [`Error::NoConvergence`] (SVD and eigensolver on non-finite input; the CPU says whether
//! the matrix was finite),
//! [`Error::ShapeMismatch`] naming both shapes (`solve`), [`Error::DeviceMismatch`].
//!
//! ```
//! use devarray::{linalg, Array, Device};
//! let a = Array::from_slice(&[4.0f64, 2.0, 2.0, 3.0], &[2, 2], &Device::Cpu)?;
//! let b = Array::from_slice(&[2.0f64, 1.0], &[2], &Device::Cpu)?;
//! let x = linalg::solve(&a, &b)?; // a @ x == b
//! let back = a.matmul(&x)?.to_vec::<f64>()?;
//! assert!((back[0] - 2.0).abs() < 1e-12 && (back[1] - 1.0).abs() < 1e-12);
//! # Ok::<(), devarray::Error>(())
//! ```

mod derived;
mod norms;
mod products;

pub use derived::{det, matrix_rank, matrix_rank_rtol, pinv, pinv_rtol, slogdet};
pub use norms::{matrix_norm, vector_norm, MatrixNorm};
pub use products::{cross, matrix_power};

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::broadcast_shapes;
use crate::storage::Storage;
pub(crate) use crate::vocab::Decomp;
use crate::Array;

/// [`qr`]'s `mode`, as NumPy's and the Array API's `'reduced'` / `'complete'`.
///
/// ```
/// use devarray::{linalg::{self, QrMode}, Array, DType, Device};
/// let a = Array::ones(&[4, 2], DType::F64, &Device::Cpu)?;
/// let (q, r) = linalg::qr(&a, QrMode::Complete)?;
/// assert_eq!((q.shape(), r.shape()), (&[4, 4][..], &[4, 2][..]));
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QrMode {
    /// `Q (…, m, k)`, `R (…, k, n)` with `k = min(m, n)`.
    #[default]
    Reduced,
    /// `Q (…, m, m)`, `R (…, m, n)`.
    Complete,
}

/// The dtype the decompositions compute in: float32/float64 and complex64/complex128 as they
/// are, 16-bit floats widened to float32, integers and `bool` promoted to float64 (NumPy's
/// rule).
pub(crate) fn compute_dtype(d: DType) -> DType {
    match d {
        DType::F32 | DType::F16 | DType::BF16 => DType::F32,
        DType::C64 | DType::C128 => d,
        _ => DType::F64,
    }
}

/// The dtype results are returned in: the input's for floats and complex numbers, float64 for
/// integers and `bool`.
pub(crate) fn result_dtype(d: DType) -> DType {
    if d.is_float() || d.is_complex() {
        d
    } else {
        DType::F64
    }
}

/// Refuses arrays with fewer than 2 dimensions (no matrix axes).
pub(crate) fn check_ndim(op: &'static str, x: &Array) -> Result<()> {
    if x.ndim() >= 2 {
        return Ok(());
    }
    Err(Error::invalid(
        op,
        format!(
            "the input has shape {:?}, but at least 2 dimensions are needed (a matrix or a stack of matrices in \
             the last two axes); reshape a vector to (n, 1) or (1, n)",
            x.shape()
        ),
    ))
}

/// A stack of matrices prepared for the backend: contiguous `(batch, m, n)` in the compute
/// dtype.
pub(crate) struct Stack {
    /// The prepared input.
    pub(crate) x: Array,
    /// The input's batch axes.
    pub(crate) batch: Vec<usize>,
    /// Rows and columns of each matrix.
    pub(crate) m: usize,
    pub(crate) n: usize,
    /// The dtype results are returned in.
    pub(crate) out_dtype: DType,
}

impl Stack {
    /// Checks that `x` is a (stack of) matrices, square when `square`, and prepares it.
    pub(crate) fn new(op: &'static str, x: &Array, square: bool) -> Result<Stack> {
        check_ndim(op, x)?;
        let nd = x.ndim();
        let (m, n) = (x.shape()[nd - 2], x.shape()[nd - 1]);
        if square && m != n {
            return Err(Error::NotSquare { op, shape: x.shape().to_vec() });
        }
        let batch = x.shape()[..nd - 2].to_vec();
        let count = batch.iter().product::<usize>();
        let prepared = x.cast_to(compute_dtype(x.dtype()))?.reshape(&[count, m, n])?.contiguous()?;
        Ok(Stack { x: prepared, batch, m, n, out_dtype: result_dtype(x.dtype()) })
    }

    /// The number of matrices.
    fn count(&self) -> usize {
        self.x.shape()[0]
    }

    /// `shape` behind the batch axes.
    fn batched(&self, shape: &[usize]) -> Vec<usize> {
        [self.batch.as_slice(), shape].concat()
    }

    /// For the iterative solvers on a GPU: whether each matrix is finite, computed on the
    /// device. cuSOLVER's `gesvd`/`syevd` return NaNs with `info = 0` for NaN or infinite input
    /// (seen on an H200, 2026-12-04), where NumPy and the CPU backend raise; the flags let
    /// `run` raise the same [`Error::NoConvergence`]. `None` on the CPU (its solver checks) and
    /// for the direct factorizations.
    fn finite_matrices_on_a_gpu(&self, op: Decomp) -> Result<Option<Array>> {
        let iterative = matches!(op, Decomp::Svd { .. } | Decomp::SvdVals | Decomp::Eigh | Decomp::EigvalsH);
        if !iterative || self.x.device() == crate::Device::Cpu {
            return Ok(None);
        }
        Ok(Some(self.x.isfinite()?.reduce(crate::ReduceOp::All, Some(&[1, 2]), false)?))
    }

    /// Runs `op` with extra inputs `more` (prepared like `self.x`), returning outputs of the
    /// given per-matrix shapes (empty for a scalar per matrix), shaped behind the batch axes
    /// and in the result dtype.
    pub(crate) fn run(&self, op: Decomp, more: &[&Array], shapes: &[&[usize]]) -> Result<Vec<Array>> {
        let (dtype, device, count) = (self.x.dtype(), self.x.device(), self.count());
        let outs = shapes
            .iter()
            .map(|s| Array::empty(&[&[count], *s].concat(), dtype, &device))
            .collect::<Result<Vec<_>>>()?;
        if count > 0 {
            let mut inputs = vec![(&**self.x.storage(), self.x.layout())];
            inputs.extend(more.iter().map(|a| (&**a.storage(), a.layout())));
            let outputs: Vec<(&Storage, &crate::layout::Layout)> =
                outs.iter().map(|o| (&**o.storage(), o.layout())).collect();
            let finite = self.finite_matrices_on_a_gpu(op)?;
            let solved = Storage::linalg(op, dtype, &inputs, &outputs);
            if let Some(finite) = finite {
                // The one small read after the solver's own `info` read (which waited already).
                if let Some(index) = finite.to_vec::<bool>()?.iter().position(|&f| !f) {
                    return Err(Error::NoConvergence { op: op.name(), index, finite: Some(false) });
                }
            }
            solved?;
        }
        let real = self.x.dtype().is_complex();
        (outs.iter().zip(shapes).enumerate())
            .map(|(i, (o, s))| {
                let o = o.reshape(&self.batched(s))?;
                if real && op.real_output(i) {
                    // Singular values, eigenvalues and ln|det| of complex input are real.
                    o.real().contiguous()?.cast_to(self.out_dtype.real_dtype())
                } else {
                    o.cast_to(self.out_dtype)
                }
            })
            .collect()
    }
}

/// The Cholesky factor of a symmetric positive-definite matrix (or stack): `L` lower
/// triangular with `x = L @ Lᵀ`, or `U = Lᵀ` upper triangular with `x = Uᵀ @ U` when `upper`.
/// Only the triangle being factored is read (the lower one, or the upper one when `upper`).
///
/// **Errors:** [`Error::NotPositiveDefinite`] naming the first failing matrix of the batch,
/// [`Error::NotSquare`], [`Error::InvalidArgument`] for fewer than 2 dimensions.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[4.0f64, 2.0, 2.0, 5.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::cholesky(&a, false)?.to_vec::<f64>()?, vec![2.0, 0.0, 1.0, 2.0]);
/// assert_eq!(linalg::cholesky(&a, true)?.to_vec::<f64>()?, vec![2.0, 1.0, 0.0, 2.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn cholesky(x: &Array, upper: bool) -> Result<Array> {
    let s = Stack::new("cholesky", x, true)?;
    Ok(s.run(Decomp::Cholesky { upper }, &[], &[&[s.n, s.n]])?.remove(0))
}

/// The QR decomposition `x = Q @ R`: `Q` with orthonormal columns, `R` upper triangular.
/// Returns `(Q, R)`; see [`QrMode`] for the shapes.
///
/// **For NumPy users:** the signs of `Q`'s columns and `R`'s rows may differ from NumPy's
/// (both are valid factorizations); the modes `'r'` and `'raw'` are not offered.
///
/// ```
/// use devarray::{linalg::{self, QrMode}, Array, Device};
/// let a = Array::from_slice(&[3.0f64, 0.0, 4.0, 5.0], &[2, 2], &Device::Cpu)?;
/// let (q, r) = linalg::qr(&a, QrMode::Reduced)?;
/// let back = q.matmul(&r)?.to_vec::<f64>()?;
/// assert!(back.iter().zip([3.0, 0.0, 4.0, 5.0]).all(|(x, y)| (x - y).abs() < 1e-12));
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn qr(x: &Array, mode: QrMode) -> Result<(Array, Array)> {
    let s = Stack::new("qr", x, false)?;
    let complete = mode == QrMode::Complete;
    let q = if complete { s.m } else { s.m.min(s.n) };
    let mut out = s.run(Decomp::Qr { complete }, &[], &[&[s.m, q], &[q, s.n]])?;
    let r = out.pop().expect("two outputs");
    Ok((out.pop().expect("two outputs"), r))
}

/// The singular value decomposition `x = U @ diag(S) @ Vh`, returning `(U, S, Vh)` with `S`
/// descending. With `full_matrices`, `U` is `(…, m, m)` and `Vh` `(…, n, n)`; otherwise
/// `(…, m, k)` and `(…, k, n)` with `k = min(m, n)`.
///
/// **For NumPy users:** singular vectors are unique only up to sign (and rotation within
/// repeated singular values), so `U` and `Vh` may differ from NumPy's; `S` matches.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[3.0f64, 0.0, 0.0, -2.0], &[2, 2], &Device::Cpu)?;
/// let (u, s, vh) = linalg::svd(&a, true)?;
/// assert_eq!(s.to_vec::<f64>()?, vec![3.0, 2.0]);
/// assert_eq!((u.shape(), vh.shape()), (&[2, 2][..], &[2, 2][..]));
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn svd(x: &Array, full_matrices: bool) -> Result<(Array, Array, Array)> {
    let s = Stack::new("svd", x, false)?;
    let k = s.m.min(s.n);
    let (p, r) = if full_matrices { (s.m, s.n) } else { (k, k) };
    let mut out = s.run(Decomp::Svd { full: full_matrices }, &[], &[&[s.m, p], &[k], &[r, s.n]])?;
    let vh = out.pop().expect("three outputs");
    let sv = out.pop().expect("three outputs");
    Ok((out.pop().expect("three outputs"), sv, vh))
}

/// The singular values of `x` (or of each matrix of a stack), descending: shape `(…, k)` with
/// `k = min(m, n)`.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[0.0f32, 2.0, 1.0, 0.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::svdvals(&a)?.to_vec::<f32>()?, vec![2.0, 1.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn svdvals(x: &Array) -> Result<Array> {
    let s = Stack::new("svdvals", x, false)?;
    Ok(s.run(Decomp::SvdVals, &[], &[&[s.m.min(s.n)]])?.remove(0))
}

/// The eigenvalues (ascending) and eigenvectors (the columns of the second array) of a
/// symmetric matrix or stack, `(eigenvalues, eigenvectors)`. Only the lower triangle is read
/// (NumPy's default `UPLO='L'`).
///
/// **For NumPy users:** eigenvectors are unique only up to sign (and rotation within repeated
/// eigenvalues); the `UPLO` option is not offered.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[2.0f64, 1.0, 1.0, 2.0], &[2, 2], &Device::Cpu)?;
/// let (w, v) = linalg::eigh(&a)?;
/// let w = w.to_vec::<f64>()?;
/// assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12);
/// assert_eq!(v.shape(), &[2, 2]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn eigh(x: &Array) -> Result<(Array, Array)> {
    let s = Stack::new("eigh", x, true)?;
    let mut out = s.run(Decomp::Eigh, &[], &[&[s.n], &[s.n, s.n]])?;
    let v = out.pop().expect("two outputs");
    Ok((out.pop().expect("two outputs"), v))
}

/// The eigenvalues of a symmetric matrix or stack, ascending (lower triangle read).
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[5.0f64, 0.0, 0.0, -1.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::eigvalsh(&a)?.to_vec::<f64>()?, vec![-1.0, 5.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn eigvalsh(x: &Array) -> Result<Array> {
    let s = Stack::new("eigvalsh", x, true)?;
    Ok(s.run(Decomp::EigvalsH, &[], &[&[s.n]])?.remove(0))
}

/// The inverse of a square matrix or of each matrix of a stack (LU with partial pivoting).
///
/// **Errors:** [`Error::SingularMatrix`] when a matrix has an exactly-zero pivot (or the
/// elimination overflows on finite input), [`Error::NotSquare`].
///
/// **For NumPy users:** a nearly singular matrix is inverted without complaint, as in NumPy;
/// check the condition number yourself (`svdvals`) when it matters.
///
/// ```
/// use devarray::{linalg, Array, Device, Error};
/// let a = Array::from_slice(&[2.0f64, 0.0, 0.0, 4.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::inv(&a)?.to_vec::<f64>()?, vec![0.5, 0.0, 0.0, 0.25]);
/// let singular = Array::from_slice(&[1.0f64, 2.0, 2.0, 4.0], &[2, 2], &Device::Cpu)?;
/// assert!(matches!(linalg::inv(&singular), Err(Error::SingularMatrix { .. })));
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn inv(x: &Array) -> Result<Array> {
    let s = Stack::new("inv", x, true)?;
    Ok(s.run(Decomp::Inv, &[], &[&[s.n, s.n]])?.remove(0))
}

/// Solves `x1 @ x = x2` for `x`. `x1` is a square matrix or stack `(…, n, n)`; `x2` is a
/// vector `(n,)` when it is 1-D (the Array API 2024.12 rule: solved against every matrix of
/// the stack, result `(…, n)`), otherwise a stack of matrices `(…, n, k)` whose batch axes
/// broadcast with `x1`'s.
///
/// **Errors:** [`Error::SingularMatrix`], [`Error::NotSquare`], [`Error::ShapeMismatch`]
/// naming both shapes when `x2`'s rows differ from `n` or the batch axes do not broadcast.
///
/// **For NumPy users:** NumPy ≥ 2.0 follows the same rule; NumPy 1.x also treated a
/// `(…, n)` `x2` with one more batch axis than `x1` as a stack of vectors; reshape such an
/// `x2` to `(…, n, 1)`.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[2.0f64, 0.0, 0.0, 4.0], &[2, 2], &Device::Cpu)?;
/// let b = Array::from_slice(&[2.0f64, 4.0, 8.0, 8.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::solve(&a, &b)?.to_vec::<f64>()?, vec![1.0, 2.0, 2.0, 2.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn solve(x1: &Array, x2: &Array) -> Result<Array> {
    const OP: &str = "solve";
    x1.check_same_device(OP, x2)?;
    let a = Stack::new(OP, x1, true)?;
    let n = a.n;
    let vector = x2.ndim() == 1;
    let mismatch = |hint: &str| Error::ShapeMismatch {
        op: OP,
        lhs: x1.shape().to_vec(),
        rhs: x2.shape().to_vec(),
        hint: hint.into(),
    };
    if x2.ndim() == 0 {
        return Err(mismatch("; the right-hand side must be a vector (n,) or a stack of matrices (..., n, k)"));
    }
    let b = if vector { x2.expand_dims(-1)? } else { x2.clone() };
    let (rows, k) = (b.shape()[b.ndim() - 2], b.shape()[b.ndim() - 1]);
    if rows != n {
        return Err(mismatch(&format!("; the right-hand side needs {n} rows (the matrix size), it has {rows}")));
    }
    let b_batch = if vector { &[][..] } else { &b.shape()[..b.ndim() - 2] };
    let batch = broadcast_shapes(&a.batch, b_batch)
        .map_err(|_| mismatch("; the batch axes (all but the last two) must broadcast"))?;
    // Both sides broadcast to the common batch, then prepared as contiguous stacks.
    let dtype = crate::ops::result_type(x1.dtype(), x2.dtype());
    let full = |c: usize| [batch.as_slice(), &[n, c]].concat();
    let lhs = Stack::new(OP, &x1.cast_to(dtype)?.broadcast_to(&full(n))?, true)?;
    let rhs = Stack::new(OP, &b.cast_to(dtype)?.broadcast_to(&full(k))?, false)?;
    let out = lhs.run(Decomp::Solve, &[&rhs.x], &[&[n, k]])?.remove(0);
    if vector {
        out.squeeze(Some(&[-1]))
    } else {
        Ok(out)
    }
}
