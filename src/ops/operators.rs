//! Rust's operators on array references, as candle has them: `&x + &y`, `&x * 2.0`,
//! `1.0 - &x`, `-&x`, `!&mask`. Every operator returns `Result<Array>` (shapes may not
//! broadcast, devices may differ), so expressions chain with `?`:
//!
//! ```
//! use devarray::{Array, Device};
//! let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 6.0], &[4], &Device::Cpu)?;
//! let mu = x.mean(None, true)?;
//! let sigma = x.std(None, 0.0, true)?;
//! let z = (&(&x - &mu)? / &sigma)?;
//! assert!((z.sum(None, false)?.to_vec::<f64>()?[0]).abs() < 1e-12);
//! // Scalars go on either side (NEP 50 weak scalars); a literal needs its type suffix.
//! let y = (1.0f64 - &x)?;
//! assert_eq!(y.to_vec::<f64>()?, vec![0.0, -1.0, -2.0, -5.0]);
//! # Ok::<(), devarray::Error>(())
//! ```
//!
//! Each operator is exactly the named method (`add`, `subtract`, …, `negative`,
//! `bitwise_invert`): same dtypes, same errors. `!` on `bool` arrays is logical not, as NumPy's
//! `~` is. Nothing here reads device memory.

use super::{BinaryOp, UnaryOp};
use crate::error::Result;
use crate::Array;
use half::{bf16, f16};
use std::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Neg, Not, Rem, Shl, Shr, Sub};

/// `&Array ⊕ &Array`, `&Array ⊕ scalar` and `scalar ⊕ &Array` for one operator trait.
macro_rules! binary_operator {
    ($($trait:ident $method:ident => $op:ident;)*) => {$(
        impl<'a> $trait<&'a Array> for &'a Array {
            type Output = Result<Array>;
            #[doc = concat!("`Array::binary(BinaryOp::", stringify!($op), ", self, rhs)`.")]
            fn $method(self, rhs: &'a Array) -> Result<Array> {
                Array::binary(BinaryOp::$op, self, rhs)
            }
        }
        binary_operator!(@scalars $trait $method $op: bool, i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64);
    )*};
    (@scalars $trait:ident $method:ident $op:ident: $($t:ty),*) => {$(
        impl $trait<$t> for &Array {
            type Output = Result<Array>;
            #[doc = concat!("`Array::binary(BinaryOp::", stringify!($op), ", self, rhs)` with a weak scalar.")]
            fn $method(self, rhs: $t) -> Result<Array> {
                Array::binary(BinaryOp::$op, self, rhs)
            }
        }
        impl $trait<&Array> for $t {
            type Output = Result<Array>;
            #[doc = concat!("`Array::binary(BinaryOp::", stringify!($op), ", self, rhs)` with a weak scalar.")]
            fn $method(self, rhs: &Array) -> Result<Array> {
                Array::binary(BinaryOp::$op, self, rhs)
            }
        }
    )*};
}

binary_operator! {
    Add add => Add;
    Sub sub => Subtract;
    Mul mul => Multiply;
    Div div => Divide;
    Rem rem => Remainder;
    BitAnd bitand => BitwiseAnd;
    BitOr bitor => BitwiseOr;
    BitXor bitxor => BitwiseXor;
    Shl shl => BitwiseLeftShift;
    Shr shr => BitwiseRightShift;
}

impl Neg for &Array {
    type Output = Result<Array>;
    /// `self.unary(UnaryOp::Negative)`.
    fn neg(self) -> Result<Array> {
        self.unary(UnaryOp::Negative)
    }
}

impl Not for &Array {
    type Output = Result<Array>;
    /// `self.unary(UnaryOp::BitwiseInvert)`: bitwise not of integers, logical not of `bool`.
    fn not(self) -> Result<Array> {
        self.unary(UnaryOp::BitwiseInvert)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Array, DType, Device, Error};

    #[test]
    fn operators_are_the_named_ops() -> crate::Result<()> {
        let d = Device::Cpu;
        let x = Array::from_slice(&[6i32, -7, 8], &[3], &d)?;
        let y = Array::from_slice(&[4i32, 2, 3], &[3], &d)?;
        let same = |a: crate::Result<Array>, b: crate::Result<Array>| -> crate::Result<()> {
            let (a, b) = (a?, b?);
            assert_eq!((a.dtype(), a.shape()), (b.dtype(), b.shape()));
            assert_eq!(a.astype(DType::F64)?.to_vec::<f64>()?, b.astype(DType::F64)?.to_vec::<f64>()?);
            Ok(())
        };
        same(&x + &y, x.add(&y))?;
        same(&x - 3, x.subtract(3))?;
        same(2 * &x, Array::binary(crate::BinaryOp::Multiply, 2, &x))?;
        same(&x / &y, x.divide(&y))?;
        same(&x % &y, x.remainder(&y))?;
        same(-7 % &y, Array::binary(crate::BinaryOp::Remainder, -7, &y))?;
        same(&x & &y, x.bitwise_and(&y))?;
        same(&x | 1, x.bitwise_or(1))?;
        same(&x ^ &y, x.bitwise_xor(&y))?;
        same(&x << 2, x.bitwise_left_shift(2))?;
        same(&x >> &y, x.bitwise_right_shift(&y))?;
        same(-&x, x.negative())?;
        same(!&x, x.bitwise_invert())?;
        let m = Array::from_slice(&[true, false], &[2], &d)?;
        assert_eq!((!&m)?.to_vec::<bool>()?, vec![false, true]);
        // Weak scalars keep the array's dtype; f32 arrays stay f32 next to an f64 scalar.
        let f = Array::ones(&[2], DType::F32, &d)?;
        assert_eq!((&f * 0.5f64)?.dtype(), DType::F32);
        assert_eq!((1u8 + &Array::ones(&[2], DType::U8, &d)?)?.dtype(), DType::U8);
        // Errors come back as values.
        assert!(matches!(&x + &Array::ones(&[2], DType::I32, &d)?, Err(Error::ShapeMismatch { .. })));
        assert!(matches!(&f << 1, Err(Error::UnsupportedDType { .. })));
        Ok(())
    }
}
