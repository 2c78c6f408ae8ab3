//! [`matrix_power`] and [`cross`]: composed of `matmul`, [`inv`](super::inv) and elementwise
//! ops, so they run on every device and keep integer dtypes exact (with NumPy's wraparound).

use super::{check_ndim, inv};
use crate::error::{Error, Result};
use crate::layout::{broadcast_shapes, normalize_axis, AxisSlice};
use crate::Array;

/// `x` raised to the integer power `n` by repeated squaring with `matmul` (about `2 log₂ n`
/// products), for a square matrix or each matrix of a stack `(…, m, m)`. `n = 0` gives the
/// identity (in `x`'s dtype, batch shape kept); a negative `n` is the `|n|`-th power of
/// [`inv`]`(x)` (float64 for integer input, as in NumPy).
///
/// **Errors:** [`Error::NotSquare`], [`Error::InvalidArgument`] for fewer than 2 dimensions,
/// [`Error::SingularMatrix`] for a negative `n` and a singular matrix.
///
/// **For NumPy users:** as `np.linalg.matrix_power`; integer products wrap around like NumPy's.
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let a = Array::from_slice(&[1i64, 1, 1, 0], &[2, 2], &Device::Cpu)?; // Fibonacci
/// assert_eq!(linalg::matrix_power(&a, 10)?.to_vec::<i64>()?, vec![89, 55, 55, 34]);
/// assert_eq!(linalg::matrix_power(&a, 0)?.to_vec::<i64>()?, vec![1, 0, 0, 1]);
/// let d = Array::from_slice(&[2.0f64, 0.0, 0.0, 4.0], &[2, 2], &Device::Cpu)?;
/// assert_eq!(linalg::matrix_power(&d, -2)?.to_vec::<f64>()?, vec![0.25, 0.0, 0.0, 0.0625]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn matrix_power(x: &Array, n: i64) -> Result<Array> {
    const OP: &str = "matrix_power";
    check_ndim(OP, x)?;
    let nd = x.ndim();
    let m = x.shape()[nd - 1];
    if x.shape()[nd - 2] != m {
        return Err(Error::NotSquare { op: OP, shape: x.shape().to_vec() });
    }
    if n == 0 {
        return Array::eye(m, m, 0, x.dtype(), &x.device())?.broadcast_to(x.shape())?.copy();
    }
    let base = if n < 0 { inv(x)? } else { x.clone() };
    // Binary exponentiation: `result` collects the squares whose bit is set in |n|.
    let (mut k, mut square, mut result) = (n.unsigned_abs(), base, None::<Array>);
    loop {
        if k & 1 == 1 {
            result = Some(match result {
                None => square.clone(),
                Some(r) => r.matmul(&square)?,
            });
        }
        k >>= 1;
        if k == 0 {
            break;
        }
        square = square.matmul(&square)?;
    }
    let r = result.expect("n != 0 sets a bit");
    // `x ** 1` is a new array, not a view of `x`.
    if n == 1 {
        r.copy()
    } else {
        Ok(r)
    }
}

/// The cross product of 3-element vectors along `axis` of `x1` and `x2`, whose other axes
/// broadcast; the result (in the promoted dtype) has the vectors along `axis` of the
/// broadcast shape. A negative `axis` counts from the end of each array (the Array API's
/// form); a non-negative one indexes each array's own axes, as NumPy's `axis` does.
///
/// **Errors:** [`Error::InvalidArgument`] when an operand's `axis` does not have length 3,
/// [`Error::ShapeMismatch`] naming both shapes when the other axes do not broadcast,
/// [`Error::AxisOutOfRange`], [`Error::DeviceMismatch`].
///
/// **For NumPy users:** as `np.cross` with `axisa = axisb = axisc = axis`, but only for
/// 3-element vectors (NumPy's 2-element form is deprecated and not in the Array API).
///
/// ```
/// use devarray::{linalg, Array, Device};
/// let x = Array::from_slice(&[1i32, 0, 0], &[3], &Device::Cpu)?;
/// let y = Array::from_slice(&[0i32, 1, 0, 0, 0, 1], &[2, 3], &Device::Cpu)?;
/// let z = linalg::cross(&x, &y, -1)?; // x broadcasts against both rows of y
/// assert_eq!(z.to_vec::<i32>()?, vec![0, 0, 1, 0, -1, 0]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub fn cross(x1: &Array, x2: &Array, axis: isize) -> Result<Array> {
    const OP: &str = "cross";
    x1.check_same_device(OP, x2)?;
    // Each operand with its vector axis moved last.
    let last = |x: &Array, which: &str| -> Result<Array> {
        let ax = normalize_axis(OP, axis, x.ndim())?;
        if x.shape()[ax] != 3 {
            return Err(Error::invalid(
                OP,
                format!(
                    "{which} has shape {:?}, whose axis {axis} has length {}; the cross product needs 3-element vectors along axis",
                    x.shape(),
                    x.shape()[ax]
                ),
            ));
        }
        let mut order: Vec<isize> = (0..x.ndim() as isize).filter(|&a| a != ax as isize).collect();
        order.push(ax as isize);
        x.permute_dims(&order)
    };
    let (a, b) = (last(x1, "x1")?, last(x2, "x2")?);
    let batch =
        broadcast_shapes(&a.shape()[..a.ndim() - 1], &b.shape()[..b.ndim() - 1]).map_err(|_| Error::ShapeMismatch {
            op: OP,
            lhs: x1.shape().to_vec(),
            rhs: x2.shape().to_vec(),
            hint: "; the axes other than the vector axis must broadcast".into(),
        })?;
    let dtype = crate::ops::result_type(x1.dtype(), x2.dtype());
    let part = |x: &Array, i: isize| x.slice(&[AxisSlice::Ellipsis, AxisSlice::Index(i)])?.cast_to(dtype);
    let (a, b) = ([part(&a, 0)?, part(&a, 1)?, part(&a, 2)?], [part(&b, 0)?, part(&b, 1)?, part(&b, 2)?]);
    // c_i = a_j b_k - a_k b_j over the cyclic (i, j, k).
    let c = [(1, 2), (2, 0), (0, 1)]
        .iter()
        .map(|&(j, k)| a[j].multiply(&b[k])?.subtract(&a[k].multiply(&b[j])?)?.broadcast_to(&batch))
        .collect::<Result<Vec<_>>>()?;
    let out = Array::stack(&c, -1)?;
    // The vector axis goes where `axis` names it in the result.
    let ax = normalize_axis(OP, axis, out.ndim())? as isize;
    let mut order: Vec<isize> = (0..out.ndim() as isize - 1).collect();
    order.insert(ax as usize, out.ndim() as isize - 1);
    out.permute_dims(&order)
}
