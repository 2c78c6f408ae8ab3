//! Ternary ops: [`Array::where_`] and [`Array::clip`].

use super::promote::{int_range, scalar_fits};
use super::{broadcast_operands, prepare, promote_operands, Operand};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::Array;

impl Array {
    /// `cond ? a : b` elementwise (NumPy's `where(cond, a, b)`), with `cond`, `a` and `b`
    /// broadcast together. `a` and `b` are arrays or scalars; the result has their promoted
    /// dtype (weak scalars: `where(c, uint8_array, 2)` is `uint8`). A `cond` that is not `bool`
    /// is tested for non-zero.
    ///
    /// **Errors:** [`Error::ShapeMismatch`] when the shapes do not broadcast,
    /// [`Error::DeviceMismatch`] for arrays on different devices, [`Error::InvalidArgument`] for
    /// an integer scalar outside the result's integer dtype.
    ///
    /// **For NumPy users:** NumPy's `where` silently wraps such a scalar
    /// (`np.where(c, uint8_array, -2)` gives 254); devarray refuses it, as `add` does.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[-1.0f32, 2.0, -3.0], &[3], &Device::Cpu)?;
    /// let relu = Array::where_(&x.greater(0.0)?, &x, 0.0)?;
    /// assert_eq!(relu.to_vec::<f32>()?, vec![0.0, 2.0, 0.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn where_<'a>(cond: &'a Array, a: impl Into<Operand<'a>>, b: impl Into<Operand<'a>>) -> Result<Array> {
        let (a, b) = (a.into(), b.into());
        let (device, shape) = broadcast_operands("where", &[Operand::Array(cond), a, b])?;
        let dtype = promote_operands(&[a, b]);
        let c = prepare("where", Operand::Array(cond), DType::Bool, &shape)?;
        let (a, b) = (prepare("where", a, dtype, &shape)?, prepare("where", b, dtype, &shape)?);
        let out = Array::empty(&shape, dtype, &device)?;
        if out.numel() > 0 {
            out.storage().where_(out.layout(), dtype, [c.input(), a.input(), b.input()])?;
        }
        Ok(out)
    }

    /// Limits every element to `[min, max]`: `minimum(maximum(x, min), max)` with NaN in any
    /// operand propagating, as NumPy's `clip`. Bounds are arrays (broadcast) or scalars; the
    /// result has the promoted dtype of `self` and the bounds (weak scalars). For optional
    /// bounds use [`Array::clip_bounds`].
    ///
    /// **Errors** as [`Array::clip_bounds`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[-5i32, 3, 12], &[3], &Device::Cpu)?;
    /// assert_eq!(x.clip(0, 10)?.to_vec::<i32>()?, vec![0, 3, 10]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn clip<'a>(&'a self, min: impl Into<Operand<'a>>, max: impl Into<Operand<'a>>) -> Result<Array> {
        self.clip_bounds(Some(min.into()), Some(max.into()))
    }

    /// [`Array::clip`] with optional bounds: `None` leaves that side unbounded. With both
    /// `None` the result is a copy.
    ///
    /// An integer scalar bound outside the dtype's range is dropped when it cannot bind (a
    /// `min` below the smallest value, a `max` above the largest), as NumPy does.
    ///
    /// **Errors:** [`Error::InvalidArgument`] for an integer scalar bound that would bind but
    /// cannot be represented (`uint8_array.clip(300, …)`), [`Error::ShapeMismatch`],
    /// [`Error::DeviceMismatch`], [`Error::UnsupportedDType`] for complex operands (no order;
    /// the Array API defines `clip` for real numbers only).
    ///
    /// ```
    /// use devarray::{Array, Device, Operand};
    /// let x = Array::from_slice(&[-5i32, 3, 12], &[3], &Device::Cpu)?;
    /// let hi = Array::from_slice(&[1i32, 2, 3], &[3], &Device::Cpu)?;
    /// assert_eq!(x.clip_bounds(None, Some(Operand::from(&hi)))?.to_vec::<i32>()?, vec![-5, 2, 3]);
    /// assert_eq!(x.clip_bounds(Some(0.into()), None)?.to_vec::<i32>()?, vec![0, 3, 12]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn clip_bounds<'a>(&'a self, min: Option<Operand<'a>>, max: Option<Operand<'a>>) -> Result<Array> {
        let given: Vec<Operand<'a>> = [Some(Operand::Array(self)), min, max].into_iter().flatten().collect();
        let (device, shape) = broadcast_operands("clip", &given)?;
        let dtype = promote_operands(&given);
        if dtype.is_complex() {
            let hint = "; complex numbers have no order: clip real() and imag() separately".to_string();
            return Err(Error::UnsupportedDType { op: "clip", dtype, hint });
        }
        let min = clip_bound(min, dtype, false)?;
        let max = clip_bound(max, dtype, true)?;
        let x = prepare("clip", Operand::Array(self), dtype, &shape)?;
        let (lo, hi) = (prepare("clip", min, dtype, &shape)?, prepare("clip", max, dtype, &shape)?);
        let out = Array::empty(&shape, dtype, &device)?;
        if out.numel() > 0 {
            out.storage().clip(out.layout(), dtype, [x.input(), lo.input(), hi.input()])?;
        }
        Ok(out)
    }
}

/// A clip bound made explicit: a missing bound, or an integer scalar beyond the side it cannot
/// bind, becomes the no-op bound of `dtype` (±inf, the integer extreme, `false`/`true`).
fn clip_bound(bound: Option<Operand<'_>>, dtype: DType, upper: bool) -> Result<Operand<'_>> {
    let unbounded = Operand::Scalar(no_op_bound(dtype, upper));
    match bound {
        None => Ok(unbounded),
        Some(Operand::Scalar(s)) if dtype.is_integer() && !scalar_fits(s, dtype) => {
            let (lo, hi) = int_range(dtype);
            let v = match s {
                Scalar::Int(v) => v as i128,
                Scalar::UInt(v) => v as i128,
                _ => unreachable!("only integer scalars can be out of range"),
            };
            if (upper && v > hi) || (!upper && v < lo) {
                Ok(unbounded)
            } else {
                let side = if upper { "max" } else { "min" };
                Err(Error::invalid("clip", format!("{side} bound {s} is out of bounds for {dtype}")))
            }
        }
        Some(b) => Ok(b),
    }
}

fn no_op_bound(dtype: DType, upper: bool) -> Scalar {
    let (lo, hi) = int_range(dtype);
    match (dtype.kind(), upper) {
        (crate::DTypeKind::Float | crate::DTypeKind::Complex, false) => Scalar::Float(f64::NEG_INFINITY),
        (crate::DTypeKind::Float | crate::DTypeKind::Complex, true) => Scalar::Float(f64::INFINITY),
        (crate::DTypeKind::Bool, u) => Scalar::Bool(u),
        (crate::DTypeKind::SignedInt, u) => Scalar::Int(if u { hi } else { lo } as i64),
        (crate::DTypeKind::UnsignedInt, u) => Scalar::UInt(if u { hi } else { lo } as u64),
    }
}
