//! Determinants, and the functions built on the SVD: [`pinv`] and [`matrix_rank`].

use super::{svd, svdvals, Decomp, Stack};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::broadcast_shapes;
use crate::Array;

/// The determinant of a square matrix or of each matrix of a stack (from the LU
/// factorization); a `0 × 0` matrix has determinant 1. Shape `(…)`: a 0-d array for one
/// matrix.
///
/// **For NumPy users:** as `np.linalg.det`. For large matrices the determinant easily
/// overflows or underflows; [`slogdet`] does not.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0], &[2, 2], &Device::Cpu)?;
/// let d = linalg::det(&a)?;
/// assert_eq!(d.shape(), &[] as &[usize]);
/// assert!((d.to_vec::<f64>()?[0] + 2.0).abs() < 1e-12);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn det(x: &Array) -> Result<Array> {
    let s = Stack::new("det", x, true)?;
    Ok(s.run(Decomp::Det, &[], &[&[]])?.remove(0))
}

/// The sign and the natural logarithm of the absolute value of the determinant, `(sign,
/// logabsdet)`, so that `det = sign * exp(logabsdet)` without overflow. A singular matrix
/// gives `(0, -inf)`.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[0.0f64, 2.0, 3.0, 0.0], &[2, 2], &Device::Cpu)?;
/// let (sign, logabs) = linalg::slogdet(&a)?;
/// assert_eq!(sign.to_vec::<f64>()?, vec![-1.0]);
/// assert!((logabs.to_vec::<f64>()?[0] - 6f64.ln()).abs() < 1e-12);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn slogdet(x: &Array) -> Result<(Array, Array)> {
    let s = Stack::new("slogdet", x, true)?;
    let mut out = s.run(Decomp::Slogdet, &[], &[&[], &[]])?;
    let log = out.pop().expect("two outputs");
    Ok((out.pop().expect("two outputs"), log))
}

/// Machine epsilon of the dtype results are computed in.
fn eps(d: DType) -> f64 {
    if super::compute_dtype(d).real_dtype() == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    }
}

/// [`pinv`]'s and [`matrix_rank`]'s relative tolerance: a number for every matrix, the Array
/// API default, or an array broadcast against the batch axes (`shape(x)[:-2]`).
#[derive(Clone, Copy)]
enum Rtol<'a> {
    Default,
    Scalar(f64),
    Array(&'a Array),
}

impl<'a> From<Option<f64>> for Rtol<'a> {
    fn from(r: Option<f64>) -> Self {
        r.map_or(Rtol::Default, Rtol::Scalar)
    }
}

/// The cutoff below which singular values `s` (shape `(…, k)`, `k > 0`) count as zero:
/// `rtol * max(s)` per matrix, kept as a trailing length-1 axis so it compares with `s`. An
/// array `rtol` gets a trailing axis first, so it broadcasts against the batch axes (NumPy's
/// `rtol[..., newaxis]`).
fn limit(x: &Array, s: &Array, rtol: Rtol<'_>) -> Result<Array> {
    let largest = s.max(Some(&[-1]), true)?;
    match rtol {
        Rtol::Default => {
            let nd = x.ndim();
            let (m, n) = (x.shape()[nd - 2], x.shape()[nd - 1]);
            largest.multiply(m.max(n) as f64 * eps(x.dtype()))
        }
        Rtol::Scalar(r) => largest.multiply(r),
        // Checked by `check_rtol` to broadcast with the batch axes.
        Rtol::Array(r) => largest.multiply(&r.cast_to(s.dtype())?.expand_dims(-1)?),
    }
}

/// Checks an array `rtol` against `x` (same device, a shape that broadcasts with the batch
/// axes) and returns the broadcast batch shape.
fn check_rtol(op: &'static str, x: &Array, rtol: &Array) -> Result<Vec<usize>> {
    x.check_same_device(op, rtol)?;
    let batch = &x.shape()[..x.ndim() - 2];
    broadcast_shapes(batch, rtol.shape()).map_err(|_| Error::ShapeMismatch {
        op,
        lhs: x.shape().to_vec(),
        rhs: rtol.shape().to_vec(),
        hint: "; rtol must broadcast against the batch axes of x (all but its last two)".into(),
    })
}

/// The Moore–Penrose pseudo-inverse `(…, n, m)` of a matrix or stack `(…, m, n)`, from the
/// SVD: singular values at most `rtol * largest` are treated as zero. `rtol` defaults to
/// `max(m, n) * eps` of the computing dtype (the Array API default); [`pinv_rtol`] takes one
/// per matrix as an array.
///
/// **For NumPy users:** `np.linalg.pinv`'s default cutoff is `rcond=1e-15` for every dtype;
/// its `rtol` keyword (NumPy ≥ 2.0) matches this one.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[1.0f64, 0.0, 0.0, 0.0], &[2, 2], &Device::Cpu)?; // rank 1
/// let p = linalg::pinv(&a, None)?.to_vec::<f64>()?;
/// assert!((p[0] - 1.0).abs() < 1e-12 && p[1..].iter().all(|v| v.abs() < 1e-12));
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn pinv(x: &Array, rtol: Option<f64>) -> Result<Array> {
    pinv_with("pinv", x, rtol.into())
}

/// [`pinv`] with `rtol` an array (a float dtype, on `x`'s device) that broadcasts against the
/// batch axes `shape(x)[:-2]`: one relative cutoff per matrix, as the Array API allows. The
/// result's batch axes are the broadcast of both.
///
/// **Errors:** [`Error::ShapeMismatch`] naming both shapes when `rtol` does not broadcast,
/// [`Error::DeviceMismatch`].
///
/// ```
/// use devarray::{linalg, Array, Device};
/// // Two matrices diag(1, 0.01): a cutoff of 0.1 drops the small singular value, 0.001 keeps it.
/// let a = Array::from_slice(&[1.0f64, 0.0, 0.0, 0.01, 1.0, 0.0, 0.0, 0.01], &[2, 2, 2], &Device::Cpu)?;
/// let rtol = Array::from_slice(&[0.1f64, 0.001], &[2], &Device::Cpu)?;
/// let p = linalg::pinv_rtol(&a, &rtol)?.to_vec::<f64>()?;
/// assert!((p[3] - 0.0).abs() < 1e-12 && (p[7] - 100.0).abs() < 1e-9);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn pinv_rtol(x: &Array, rtol: &Array) -> Result<Array> {
    pinv_with("pinv", x, Rtol::Array(rtol))
}

fn pinv_with(op: &'static str, x: &Array, rtol: Rtol<'_>) -> Result<Array> {
    super::check_ndim(op, x)?;
    let batch = match rtol {
        Rtol::Array(r) => check_rtol(op, x, r)?,
        _ => x.shape()[..x.ndim() - 2].to_vec(),
    };
    let (u, s, vh) = svd(x, false)?;
    if s.shape()[s.ndim() - 1] == 0 {
        // An empty matrix: its pseudo-inverse is the empty (n, m) matrix, of zeros.
        let nd = x.ndim();
        let shape = [batch.as_slice(), &[x.shape()[nd - 1], x.shape()[nd - 2]]].concat();
        return Array::zeros(&shape, u.dtype(), &s.device());
    }
    // 1 / s where s > tol * max(s), else 0; then V @ diag(1/s) @ Uᴴ.
    let keep = s.greater(&limit(x, &s, rtol)?)?;
    let safe = Array::where_(&keep, &s, 1.0)?;
    let s_inv = Array::where_(&keep, &safe.reciprocal_()?, 0.0)?;
    let adjoint = |a: &Array| if a.dtype().is_complex() { a.conj()?.swapaxes(-2, -1) } else { a.swapaxes(-2, -1) };
    let v_scaled = adjoint(&vh)?.multiply(&s_inv.expand_dims(-2)?)?;
    v_scaled.matmul(&adjoint(&u)?)
}

/// The rank of a matrix or of each matrix of a stack: the number of singular values above
/// `rtol * largest`; `rtol` defaults to `max(m, n) * eps` ([`matrix_rank_rtol`] takes one per
/// matrix as an array). Returns int64, shape `(…)`.
///
/// **For NumPy users:** NumPy's `tol` (an absolute cutoff) and `hermitian` are not offered;
/// `rtol` is NumPy ≥ 2.0's keyword.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[1.0f64, 2.0, 2.0, 4.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::matrix_rank(&a, None)?.to_vec::<i64>()?, vec![1]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn matrix_rank(x: &Array, rtol: Option<f64>) -> Result<Array> {
    rank_with("matrix_rank", x, rtol.into())
}

/// [`matrix_rank`] with `rtol` an array (a float dtype, on `x`'s device) that broadcasts
/// against the batch axes `shape(x)[:-2]`, as the Array API allows; the result has the
/// broadcast shape.
///
/// **Errors:** [`Error::ShapeMismatch`] naming both shapes when `rtol` does not broadcast,
/// [`Error::DeviceMismatch`].
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[1.0f64, 0.0, 0.0, 0.01], &[2, 2], &Device::Cpu)?;
/// let rtol = Array::from_slice(&[0.1f64, 0.001], &[2], &Device::Cpu)?; // two cutoffs, one matrix
/// assert_eq!(linalg::matrix_rank_rtol(&a, &rtol)?.to_vec::<i64>()?, vec![1, 2]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn matrix_rank_rtol(x: &Array, rtol: &Array) -> Result<Array> {
    rank_with("matrix_rank", x, Rtol::Array(rtol))
}

fn rank_with(op: &'static str, x: &Array, rtol: Rtol<'_>) -> Result<Array> {
    super::check_ndim(op, x)?;
    let batch = match rtol {
        Rtol::Array(r) => check_rtol(op, x, r)?,
        _ => x.shape()[..x.ndim() - 2].to_vec(),
    };
    let s = svdvals(x)?;
    if s.shape()[s.ndim() - 1] == 0 {
        // No singular values (an empty matrix): rank 0, and no maximum to take.
        return Array::zeros(&batch, DType::I64, &s.device());
    }
    s.greater(&limit(x, &s, rtol)?)?.sum(Some(&[-1]), false)
}

impl Array {
    /// `1 / self` for a float array (a crate helper: the public ops have no reciprocal).
    fn reciprocal_(&self) -> Result<Array> {
        Array::full_like(self, 1.0)?.divide(self)
    }
}
