//! In-place arithmetic on arrays and views: `x.add_assign(&y)` is NumPy's `x += y`. The
//! result is computed as the out-of-place op would, then written into `self` (which may be a
//! view: the write goes through to the viewed buffer), cast under NumPy's `same_kind` rule.

use super::promote::can_cast_same_kind;
use super::{BinaryOp, Operand};
use crate::error::{Error, Result};
use crate::Array;

impl Array {
    /// `self = self op rhs` in place (NumPy's `x op= rhs`). `rhs` broadcasts to `self`'s shape
    /// (the shape may not grow); the result is cast to `self`'s dtype when NumPy's `same_kind`
    /// rule allows (`int32 += int64` and `float32 += float64` do; `int32 += 0.5` does not).
    ///
    /// **Errors:** [`Error::ReadOnly`] for a read-only array or view, [`Error::ShapeMismatch`]
    /// when the result's shape is not `self`'s, [`Error::UnsupportedDType`] when the result's
    /// dtype cannot be cast back, and the out-of-place op's own errors.
    ///
    /// ```
    /// use devarray::{s, Array, BinaryOp, DType, Device};
    /// let x = Array::zeros(&[2, 3], DType::F32, &Device::Cpu)?;
    /// x.slice(s![.., 1])?.binary_assign(BinaryOp::Add, 5.0)?; // x[:, 1] += 5
    /// assert_eq!(x.to_vec::<f32>()?, vec![0.0, 5.0, 0.0, 0.0, 5.0, 0.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn binary_assign<'a>(&'a self, op: BinaryOp, rhs: impl Into<Operand<'a>>) -> Result<()> {
        let name = op.name();
        self.check_writable(name)?;
        let result = Array::binary(op, self, rhs)?;
        if result.shape() != self.shape() {
            return Err(Error::ShapeMismatch {
                op: name,
                lhs: self.shape().to_vec(),
                rhs: result.shape().to_vec(),
                hint: "; an in-place result must keep the array's shape".into(),
            });
        }
        let target = self.dtype();
        if result.dtype() != target && !can_cast_same_kind(result.dtype(), target) {
            return Err(Error::UnsupportedDType {
                op: name,
                dtype: result.dtype(),
                hint: format!(
                    "; the result cannot be written into a {target} array under NumPy's 'same_kind' casting rule: compute out of place, or astype() first"
                ),
            });
        }
        let result = if result.dtype() == target { result } else { result.astype(target)? };
        self.assign(&result)
    }
}

impl Array {
    /// `self[mask] = value` for a boolean `mask` of `self`'s shape and one value for every
    /// selected element (a scalar or a size-1 array), written in place on the device without
    /// reading the mask: a `where` merge, so no count of the selected elements is needed.
    /// `value` is converted to `self`'s dtype as NumPy's assignment does (unsafe casting:
    /// `1.5` stored into an integer array is `1`).
    ///
    /// **Errors:** [`Error::ReadOnly`], [`Error::UnsupportedDType`] for a mask that is not
    /// `bool`, [`Error::ShapeMismatch`] for a mask of another shape or a value with more than
    /// one element, and [`Error::DeviceMismatch`] across devices.
    ///
    /// For NumPy users: `x[x < 0] = 0` in NumPy. General masks (other shapes, several values)
    /// go through [`Array::index_assign`].
    ///
    /// ```
    /// use devarray::{Array, BinaryOp, Device};
    /// let x = Array::from_slice(&[1.0f32, -2.0, 3.0, -4.0], &[4], &Device::Cpu)?;
    /// let negative = Array::binary(BinaryOp::Less, &x, 0.0)?;
    /// x.assign_where(&negative, 0.0)?;
    /// assert_eq!(x.to_vec::<f32>()?, vec![1.0, 0.0, 3.0, 0.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn assign_where<'a>(&'a self, mask: &'a Array, value: impl Into<Operand<'a>>) -> Result<()> {
        const OP: &str = "assign_where";
        self.check_writable(OP)?;
        if mask.dtype() != crate::DType::Bool {
            return Err(Error::UnsupportedDType {
                op: OP,
                dtype: mask.dtype(),
                hint: "; the mask must be a bool array (compare, or astype(bool))".into(),
            });
        }
        let value = value.into();
        let value_elements = match value {
            Operand::Array(a) => a.numel(),
            Operand::Scalar(_) => 1,
        };
        if mask.shape() != self.shape() || value_elements != 1 {
            return Err(Error::ShapeMismatch {
                op: OP,
                lhs: self.shape().to_vec(),
                rhs: mask.shape().to_vec(),
                hint: "; the mask must have the array's shape and the value one element (use index_assign for other masks)"
                    .into(),
            });
        }
        let merged = Array::where_(mask, value, self)?;
        let merged = if merged.dtype() == self.dtype() { merged } else { merged.astype(self.dtype())? };
        self.assign(&merged)
    }
}

/// One documented `{op}_assign` method per in-place operator, each a [`Array::binary_assign`].
macro_rules! assign_methods {
    ($($method:ident => $op:ident, $numpy:literal;)*) => {
        impl Array {$(
            #[doc = concat!("`self ", $numpy, " rhs` in place: [`Array::binary_assign`] with [`BinaryOp::", stringify!($op), "`].")]
            pub fn $method<'a>(&'a self, rhs: impl Into<Operand<'a>>) -> Result<()> {
                self.binary_assign(BinaryOp::$op, rhs)
            }
        )*}
    };
}

assign_methods! {
    add_assign => Add, "+=";
    subtract_assign => Subtract, "-=";
    multiply_assign => Multiply, "*=";
    divide_assign => Divide, "/=";
    floor_divide_assign => FloorDivide, "//=";
    remainder_assign => Remainder, "%=";
    pow_assign => Pow, "**=";
    bitwise_and_assign => BitwiseAnd, "&=";
    bitwise_or_assign => BitwiseOr, "|=";
    bitwise_xor_assign => BitwiseXor, "^=";
    bitwise_left_shift_assign => BitwiseLeftShift, "<<=";
    bitwise_right_shift_assign => BitwiseRightShift, ">>=";
}

#[cfg(test)]
mod tests {
    use crate::{s, Array, DType, Device, Error};

    #[test]
    fn in_place_ops_write_through_views_and_refuse_what_numpy_refuses() -> crate::Result<()> {
        let d = Device::Cpu;
        let x = Array::arange(0.0, 6.0, 1.0, DType::I32, &d)?.reshape(&[2, 3])?;
        x.add_assign(&Array::from_slice(&[10i32, 20, 30], &[3], &d)?)?; // broadcast rhs
        assert_eq!(x.to_vec::<i32>()?, vec![10, 21, 32, 13, 24, 35]);
        x.slice(s![.., ..;-2])?.multiply_assign(2)?; // a strided, flipped view
        assert_eq!(x.to_vec::<i32>()?, vec![20, 21, 64, 26, 24, 70]);
        x.add_assign(&Array::ones(&[2, 3], DType::I64, &d)?)?; // int64 result, same kind
        assert_eq!(x.to_vec::<i32>()?, vec![21, 22, 65, 27, 25, 71]);
        x.floor_divide_assign(2)?;
        x.bitwise_left_shift_assign(1)?;
        assert_eq!(x.to_vec::<i32>()?, vec![20, 22, 64, 26, 24, 70]);
        // int32 /= 2 is float64: not castable back under same_kind, as NumPy refuses it.
        assert!(matches!(x.divide_assign(2), Err(Error::UnsupportedDType { .. })));
        assert!(matches!(x.add_assign(0.5), Err(Error::UnsupportedDType { .. })));
        let f = Array::ones(&[3], DType::F32, &d)?;
        f.add_assign(&Array::ones(&[3], DType::F64, &d)?)?; // float64 -> float32: same kind
        f.pow_assign(3.0)?;
        assert_eq!(f.to_vec::<f32>()?, vec![8.0; 3]);
        // The shape may not grow; read-only views refuse; nothing was written on error.
        assert!(matches!(f.add_assign(&Array::ones(&[2, 3], DType::F32, &d)?), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(f.broadcast_to(&[2, 3])?.add_assign(1.0f32), Err(Error::ReadOnly { .. })));
        assert_eq!(f.to_vec::<f32>()?, vec![8.0; 3]);
        // Overlapping operands: the result is computed before it is written.
        let v = Array::arange(0.0, 4.0, 1.0, DType::F64, &d)?;
        v.slice(s![1..])?.add_assign(&v.slice(s![..3])?)?;
        assert_eq!(v.to_vec::<f64>()?, vec![0.0, 1.0, 3.0, 5.0]);
        Ok(())
    }
}
