//! Vector and matrix norms, composed of elementwise ops and reductions so that they run on
//! every device (only the nuclear and spectral norms need the SVD).

use super::{check_ndim, result_dtype, svdvals};
use crate::error::{Error, Result};
use crate::Array;

/// The vector norm of `x` over `axes` (every axis, as one flattened vector, when `None`):
/// `(Σ |x|^ord)^(1/ord)`, with NumPy's special orders: `inf` is `max |x|`, `-inf` is
/// `min |x|`, `0` counts the non-zero elements. The reduced axes are kept as length 1 with
/// `keepdims`. Integer and `bool` inputs give float64; float inputs keep their dtype.
///
/// **Errors:** [`Error::AxisOutOfRange`], [`Error::RepeatedAxis`],
/// [`Error::EmptyReduction`] for `ord = ±inf` over no elements, [`Error::InvalidArgument`]
/// for a NaN `ord`.
///
/// **For NumPy users:** as `np.linalg.vector_norm` (NumPy ≥ 2.0). The `ord = 2` case sums
/// squares without rescaling, as NumPy does, so it overflows for elements near the dtype's
/// maximum.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let x = Array::from_slice(&[3.0f64, -4.0, 0.0], &[3], &Device::Cpu)?;
/// assert_eq!(linalg::vector_norm(&x, None, false, 2.0)?.to_vec::<f64>()?, vec![5.0]);
/// assert_eq!(linalg::vector_norm(&x, None, false, 1.0)?.to_vec::<f64>()?, vec![7.0]);
/// assert_eq!(linalg::vector_norm(&x, None, false, f64::INFINITY)?.to_vec::<f64>()?, vec![4.0]);
/// assert_eq!(linalg::vector_norm(&x, None, false, 0.0)?.to_vec::<f64>()?, vec![2.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn vector_norm(x: &Array, axes: Option<&[isize]>, keepdims: bool, ord: f64) -> Result<Array> {
    if ord.is_nan() {
        return Err(Error::invalid("vector_norm", "ord is NaN; pass a number, inf or -inf"));
    }
    // |x| in the real dtype: a complex array's abs is already real (complex64 -> float32),
    // and never through a real cast, which would drop the imaginary parts.
    let a = if x.dtype().is_complex() { x.abs()? } else { x.cast_to(result_dtype(x.dtype()))?.abs()? };
    let dtype = a.dtype();
    if ord == f64::INFINITY {
        a.max(axes, keepdims)
    } else if ord == f64::NEG_INFINITY {
        a.min(axes, keepdims)
    } else if ord == 0.0 {
        a.not_equal(0.0)?.sum(axes, keepdims)?.cast_to(dtype)
    } else if ord == 1.0 {
        a.sum(axes, keepdims)
    } else if ord == 2.0 {
        a.multiply(&a)?.sum(axes, keepdims)?.sqrt()
    } else {
        a.pow(ord)?.sum(axes, keepdims)?.pow(1.0 / ord)
    }
}

/// [`matrix_norm`]'s `ord`: NumPy's `'fro'`, `'nuc'`, `1`, `-1`, `2`, `-2`, `inf`, `-inf`.
///
/// ```
/// use devarray::linalg::MatrixNorm;
/// assert_eq!(MatrixNorm::default(), MatrixNorm::Fro);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MatrixNorm {
    /// Frobenius: `sqrt(Σ |x|²)`.
    #[default]
    Fro,
    /// Nuclear: the sum of the singular values.
    Nuc,
    /// The largest column sum of `|x|`.
    One,
    /// The smallest column sum of `|x|`.
    NegOne,
    /// Spectral: the largest singular value.
    Two,
    /// The smallest singular value.
    NegTwo,
    /// The largest row sum of `|x|`.
    Inf,
    /// The smallest row sum of `|x|`.
    NegInf,
}

/// The matrix norm of `x` (or of each matrix of a stack, over the last two axes), see
/// [`MatrixNorm`]. Shape `(…)`, or `(…, 1, 1)` with `keepdims`; integer and `bool` inputs
/// give float64.
///
/// `Fro`, `±One` and `±Inf` are elementwise ops and reductions, so they run on every device;
/// `Nuc` and `±Two` use [`svdvals`](super::svdvals) (cuSOLVER's `gesvd` on CUDA).
///
/// **Errors:** [`Error::InvalidArgument`] for fewer than 2 dimensions;
/// [`Error::EmptyReduction`] for `±One`/`±Inf`/`±Two` of empty matrices.
///
/// ```
/// use devarray::{linalg::{self, MatrixNorm}, Array, Device};
/// let a = Array::from_slice(&[1.0f64, -2.0, 3.0, 4.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::matrix_norm(&a, false, MatrixNorm::One)?.to_vec::<f64>()?, vec![6.0]);
/// assert_eq!(linalg::matrix_norm(&a, false, MatrixNorm::Inf)?.to_vec::<f64>()?, vec![7.0]);
/// let fro = linalg::matrix_norm(&a, true, MatrixNorm::Fro)?;
/// assert_eq!(fro.shape(), &[1, 1]);
/// assert!((fro.to_vec::<f64>()?[0] - 30f64.sqrt()).abs() < 1e-12);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn matrix_norm(x: &Array, keepdims: bool, ord: MatrixNorm) -> Result<Array> {
    check_ndim("matrix_norm", x)?;
    let a = if x.dtype().is_complex() { x.abs()? } else { x.cast_to(result_dtype(x.dtype()))?.abs()? };
    // Column sums reduce axis -2 first, row sums axis -1; then the extreme over the other.
    let sums = |first: isize, second: isize, largest: bool| -> Result<Array> {
        let s = a.sum(Some(&[first]), true)?;
        let r = if largest { s.max(Some(&[second]), true)? } else { s.min(Some(&[second]), true)? };
        if keepdims {
            Ok(r)
        } else {
            r.squeeze(Some(&[-2, -1]))
        }
    };
    let singular = |f: fn(&Array, Option<&[isize]>, bool) -> Result<Array>| -> Result<Array> {
        let r = f(&svdvals(x)?, Some(&[-1]), false)?;
        if keepdims {
            r.expand_dims(-1)?.expand_dims(-1)
        } else {
            Ok(r)
        }
    };
    match ord {
        MatrixNorm::Fro => a.multiply(&a)?.sum(Some(&[-2, -1]), keepdims)?.sqrt(),
        MatrixNorm::One => sums(-2, -1, true),
        MatrixNorm::NegOne => sums(-2, -1, false),
        MatrixNorm::Inf => sums(-1, -2, true),
        MatrixNorm::NegInf => sums(-1, -2, false),
        MatrixNorm::Nuc => singular(Array::sum),
        MatrixNorm::Two => singular(Array::max),
        MatrixNorm::NegTwo => singular(Array::min),
    }
}
