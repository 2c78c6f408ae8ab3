//! Determinants, and the functions built on the SVD: [`pinv`] and [`matrix_rank`].

use super::{svd, svdvals, Decomp, Stack};
use crate::dtype::DType;
use crate::error::Result;
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
    if super::compute_dtype(d) == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    }
}

/// The relative cutoff: `rtol` as given, else the Array API default `max(m, n) * eps`.
fn cutoff(x: &Array, rtol: Option<f64>) -> f64 {
    let nd = x.ndim();
    let (m, n) = (x.shape()[nd - 2], x.shape()[nd - 1]);
    rtol.unwrap_or(m.max(n) as f64 * eps(x.dtype()))
}

/// The Moore–Penrose pseudo-inverse `(…, n, m)` of a matrix or stack `(…, m, n)`, from the
/// SVD: singular values at most `rtol * largest` are treated as zero. `rtol` defaults to
/// `max(m, n) * eps` of the computing dtype (the Array API default).
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
    super::check_ndim("pinv", x)?;
    let tol = cutoff(x, rtol);
    let (u, s, vh) = svd(x, false)?;
    if s.shape()[s.ndim() - 1] == 0 {
        // An empty matrix: its pseudo-inverse is the empty (n, m) matrix, of zeros.
        let mut shape = x.shape().to_vec();
        let nd = shape.len();
        shape.swap(nd - 2, nd - 1);
        return Array::zeros(&shape, s.dtype(), &s.device());
    }
    // 1 / s where s > tol * max(s), else 0; then V @ diag(1/s) @ Uᵀ.
    let limit = s.max(Some(&[-1]), true)?.multiply(tol)?;
    let keep = s.greater(&limit)?;
    let safe = Array::where_(&keep, &s, 1.0)?;
    let s_inv = Array::where_(&keep, &safe.reciprocal_()?, 0.0)?;
    let v_scaled = vh.swapaxes(-2, -1)?.multiply(&s_inv.expand_dims(-2)?)?;
    v_scaled.matmul(&u.swapaxes(-2, -1)?)
}

/// The rank of a matrix or of each matrix of a stack: the number of singular values above
/// `rtol * largest`; `rtol` defaults to `max(m, n) * eps`. Returns int64, shape `(…)`.
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
    super::check_ndim("matrix_rank", x)?;
    let tol = cutoff(x, rtol);
    let s = svdvals(x)?;
    if s.shape()[s.ndim() - 1] == 0 {
        // No singular values (an empty matrix): rank 0, and no maximum to take.
        return Array::zeros(&s.shape()[..s.ndim() - 1], DType::I64, &s.device());
    }
    let limit = s.max(Some(&[-1]), true)?.multiply(tol)?;
    s.greater(&limit)?.sum(Some(&[-1]), false)
}

impl Array {
    /// `1 / self` for a float array (a crate helper: the public ops have no reciprocal).
    fn reciprocal_(&self) -> Result<Array> {
        Array::full_like(self, 1.0)?.divide(self)
    }
}
