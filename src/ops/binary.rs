//! Binary elementwise ops: [`Array::binary`] and one method per [`BinaryOp`].

use super::{broadcast_operands, prepare, promote::int_range, promote_operands, BinaryKind, BinaryOp, Operand};
use crate::dtype::{DType, Scalar};
use crate::error::Result;
use crate::Array;

impl Array {
    /// Applies `op` to two operands, broadcast together (NumPy rules), into a new contiguous
    /// array. Either operand may be a scalar (passed to the kernel as a value, never
    /// materialised), so `Array::binary(BinaryOp::Subtract, 1.0, &x)` computes `1 - x`.
    ///
    /// Dtypes: the operands promote by [`result_type`](crate::result_type), scalars by the weak
    /// NEP 50 rules (`uint8_array + 3` is `uint8`, `int8_array + 0.5` is `float64`,
    /// `bool_array + 1` is `int64`). Then: comparisons and `logical_*` write `bool`; `divide`
    /// of integers (or `bool`) is `float64`; `atan2`, `hypot`, `copysign`, `logaddexp`,
    /// `nextafter` turn integers into the smallest float holding them (`int8 → float16`); the
    /// others keep the
    /// promoted dtype. `float16`/`bfloat16` compute in `float32` and round once (`nextafter`
    /// steps in their own bits).
    ///
    /// Complex operands (after promotion: `float32 + complex64` is `complex64`, `float64 +
    /// complex64` is `complex128`): `add`, `subtract`, `multiply`, `divide` (Smith's quotient:
    /// no overflow of `|b|²`), `pow` (exact repeated multiplication for integer exponents
    /// below 100, as NumPy, else `exp(b·log(a))`), `equal`, `not_equal` and the `logical_*`
    /// ops (a complex value is true when either part is non-zero).
    ///
    /// Integer results follow NumPy: arithmetic wraps; `x // 0` and `x % 0` are 0; shifts by
    /// the bit width or more (or by a negative amount) give 0 (-1 for `>>` of a negative value).
    ///
    /// **Errors:**
    /// - [`Error::InvalidArgument`](crate::Error::InvalidArgument) when neither operand is an
    ///   array, or an integer scalar does not fit the integer dtype it must take
    ///   (`uint8_array + 300`; NumPy raises `OverflowError`). Comparisons are exempt: they
    ///   compare mathematically (`uint8_array < 300` is all `true`), as NumPy does.
    /// - [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) when the shapes do not broadcast.
    /// - [`Error::DeviceMismatch`](crate::Error::DeviceMismatch) for arrays on different devices.
    /// - [`Error::UnsupportedDType`](crate::Error::UnsupportedDType): bitwise ops on floats,
    ///   shifts on anything but integers, `subtract` of `bool`, and `floor_divide`,
    ///   `remainder`, `pow` of `bool` (NumPy silently uses `int8` for the last three); every
    ///   other op of complex operands (`less`, `maximum`, `floor_divide`, `atan2`, bitwise, …:
    ///   complex numbers have no order).
    ///
    /// ```
    /// use devarray::{Array, BinaryOp, DType, Device};
    /// let x = Array::from_slice(&[1u8, 2, 3], &[3], &Device::Cpu)?;
    /// let y = Array::binary(BinaryOp::Subtract, 10, &x)?;
    /// assert_eq!(y.dtype(), DType::U8);
    /// assert_eq!(y.to_vec::<u8>()?, vec![9, 8, 7]);
    /// assert!(x.add(300).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn binary<'a>(op: BinaryOp, lhs: impl Into<Operand<'a>>, rhs: impl Into<Operand<'a>>) -> Result<Array> {
        let (lhs, rhs) = (lhs.into(), rhs.into());
        let name = op.name();
        let (device, shape) = broadcast_operands(name, &[lhs, rhs])?;
        let sig = op.signature(promote_operands(&[lhs, rhs]))?;
        if let Some(constant) = out_of_range_comparison(op, lhs, rhs, sig.compute) {
            return Array::full(&shape, constant, DType::Bool, &device);
        }
        let (lhs, rhs) = if op.kind() == BinaryKind::Logical { (truth(lhs), truth(rhs)) } else { (lhs, rhs) };
        let a = prepare(name, lhs, sig.compute, &shape)?;
        let b = prepare(name, rhs, sig.compute, &shape)?;
        let out = Array::empty(&shape, sig.out, &device)?;
        if out.numel() > 0 {
            out.storage().binary(out.layout(), op, sig, a.input(), b.input())?;
        }
        Ok(out)
    }
}

/// For `logical_*`, only a scalar's truth matters: this keeps `uint8_array & 300`-style
/// overflow checks away from ops where the value is never used.
fn truth(o: Operand<'_>) -> Operand<'_> {
    match o {
        // NaN is non-zero, hence true; a complex value is true when either part is.
        Operand::Scalar(Scalar::Complex(z)) => Operand::Scalar(Scalar::Bool(z.re != 0.0 || z.im != 0.0)),
        Operand::Scalar(s) => Operand::Scalar(Scalar::Bool(s.as_f64() != 0.0)),
        array => array,
    }
}

/// The constant result of comparing an integer array with an integer scalar outside its
/// range (NumPy 2 compares such Python ints mathematically instead of raising).
fn out_of_range_comparison(op: BinaryOp, lhs: Operand<'_>, rhs: Operand<'_>, compute: DType) -> Option<bool> {
    if op.kind() != BinaryKind::Compare || !compute.is_integer() {
        return None;
    }
    let (lo, hi) = int_range(compute);
    // -1: below the range, +1: above; the array side stands in as 0.
    let side = |o: Operand<'_>| -> Option<i8> {
        let v = match o {
            Operand::Scalar(Scalar::Int(v)) => v as i128,
            Operand::Scalar(Scalar::UInt(v)) => v as i128,
            _ => return None,
        };
        (v < lo).then_some(-1).or((v > hi).then_some(1))
    };
    let (a, b) = match (side(lhs), side(rhs)) {
        (Some(s), _) => (s, 0),
        (_, Some(s)) => (0, s),
        _ => return None,
    };
    Some(match op {
        BinaryOp::Equal => a == b,
        BinaryOp::NotEqual => a != b,
        BinaryOp::Less => a < b,
        BinaryOp::LessEqual => a <= b,
        BinaryOp::Greater => a > b,
        _ => a >= b,
    })
}

/// One documented method per op, each a call to [`Array::binary`] with `self` on the left.
macro_rules! binary_methods {
    ($($(#[$doc:meta])* $method:ident => $op:ident, $a:expr, $b:expr => $expected:expr, $out:ty;)*) => {
        impl Array {$(
            $(#[$doc])*
            ///
            /// `rhs` is an array (broadcast against `self`) or a scalar. See [`Array::binary`]
            /// for dtypes and errors.
            ///
            /// ```
            /// use devarray::{Array, Device};
            #[doc = concat!("let (a, b) = (", stringify!($a), ", ", stringify!($b), ");")]
            /// let x = Array::from_slice(&a, &[a.len()], &Device::Cpu)?;
            /// let y = Array::from_slice(&b, &[b.len()], &Device::Cpu)?;
            #[doc = concat!("assert_eq!(x.", stringify!($method), "(&y)?.to_vec::<", stringify!($out), ">()?, vec!", stringify!($expected), ");")]
            /// # Ok::<(), devarray::Error>(())
            /// ```
            pub fn $method<'a>(&'a self, rhs: impl Into<Operand<'a>>) -> Result<Array> {
                Array::binary(BinaryOp::$op, self, rhs)
            }
        )*}
    };
}

binary_methods! {
    /// `self + rhs` (integers wrap; `bool`: logical or).
    add => Add, [1i32, 2], [10i32, 20] => [11, 22], i32;
    /// `self - rhs` (integers wrap).
    subtract => Subtract, [5u8, 0], [2u8, 1] => [3, 255], u8;
    /// `self * rhs` (integers wrap; `bool`: logical and).
    multiply => Multiply, [1.5f32, 2.0], [2.0f32, -3.0] => [3.0, -6.0], f32;
    /// True division `self / rhs`; integers divide as `float64` (`1 / 0` is `inf`).
    divide => Divide, [1i32, 3], [2i32, 4] => [0.5, 0.75], f64;
    /// Floor division, Python's `//` (integer `x // 0` is 0).
    floor_divide => FloorDivide, [7i32, -7], [2i32, 2] => [3, -4], i32;
    /// Remainder with the sign of `rhs`, Python's `%` (integer `x % 0` is 0).
    remainder => Remainder, [7i32, -7], [3i32, 3] => [1, 2], i32;
    /// `self ** rhs`. Integer powers wrap; a negative integer exponent (NumPy raises) gives
    /// the integer part of the exact result: 1 for base 1, ±1 for base -1, else 0.
    pow => Pow, [2i64, 3], [10i64, 2] => [1024, 9], i64;
    /// The larger of each pair; NaN propagates.
    maximum => Maximum, [1.0f64, 5.0], [2.0f64, 0.0] => [2.0, 5.0], f64;
    /// The smaller of each pair; NaN propagates.
    minimum => Minimum, [1i16, 5], [2i16, -5] => [1, -5], i16;
    /// `atan2(self, rhs)`: the angle of the point `(rhs, self)`.
    atan2 => Atan2, [0.0f64, 1.0], [1.0f64, 0.0] => [0.0, std::f64::consts::FRAC_PI_2], f64;
    /// `sqrt(self² + rhs²)` without intermediate overflow.
    hypot => Hypot, [3.0f32, 1e30], [4.0f32, 1e30] => [5.0, 1.4142135e30], f32;
    /// `|self|` with the sign of `rhs`.
    copysign => Copysign, [1.0f64, -2.0], [-0.0f64, 1.0] => [-1.0, 2.0], f64;
    /// `ln(e^self + e^rhs)` without intermediate overflow.
    logaddexp => Logaddexp, [0.0f64, 1000.0], [0.0f64, 1000.0] => [std::f64::consts::LN_2, 1000.6931471805599], f64;
    /// The next representable value after `self` toward `rhs`, stepping in the float dtype
    /// itself (float16/bfloat16 too, not in their float32 compute type). NaN in either gives
    /// NaN; equal values give `rhs` (float16: `self`, as NumPy's half loop), so
    /// `nextafter(0.0, -0.0)` is `-0.0`; from ±0 the step is the smallest subnormal; the
    /// largest finite value steps to infinity. Integers are first cast to their float type.
    ///
    /// **For NumPy users:** `np.nextafter`.
    nextafter => Nextafter, [1.0f32, 0.0], [2.0f32, -1.0] => [1.0000001, -1e-45], f32;
    /// `self == rhs` (`bool` result; NaN is unequal to everything).
    equal => Equal, [1i32, 2], [1i32, 3] => [true, false], bool;
    /// `self != rhs` (`bool` result).
    not_equal => NotEqual, [1i32, 2], [1i32, 3] => [false, true], bool;
    /// `self < rhs` (`bool` result).
    less => Less, [1.0f32, 2.0], [1.5f32, 2.0] => [true, false], bool;
    /// `self <= rhs` (`bool` result).
    less_equal => LessEqual, [1.0f32, 2.0], [1.5f32, 2.0] => [true, true], bool;
    /// `self > rhs` (`bool` result).
    greater => Greater, [3u16, 2], [1u16, 2] => [true, false], bool;
    /// `self >= rhs` (`bool` result).
    greater_equal => GreaterEqual, [3u16, 2], [1u16, 2] => [true, true], bool;
    /// Both non-zero (`bool` result, any dtype).
    logical_and => LogicalAnd, [0i8, 2], [5i8, 3] => [false, true], bool;
    /// Either non-zero (`bool` result, any dtype).
    logical_or => LogicalOr, [0.0f32, 0.0], [0.0f32, 1.0] => [false, true], bool;
    /// Exactly one non-zero (`bool` result, any dtype).
    logical_xor => LogicalXor, [true, true], [false, true] => [true, false], bool;
    /// Bitwise AND (integers and `bool`).
    bitwise_and => BitwiseAnd, [0b1100u8], [0b1010u8] => [0b1000], u8;
    /// Bitwise OR (integers and `bool`).
    bitwise_or => BitwiseOr, [0b1100u8], [0b1010u8] => [0b1110], u8;
    /// Bitwise XOR (integers and `bool`).
    bitwise_xor => BitwiseXor, [0b1100u8], [0b1010u8] => [0b0110], u8;
    /// `self << rhs` (integers); shifting by the bit width or more gives 0.
    bitwise_left_shift => BitwiseLeftShift, [1i32, 1], [4i32, 40] => [16, 0], i32;
    /// `self >> rhs`, arithmetic for signed integers; shifting by the bit width or more gives 0
    /// (-1 for negative values).
    bitwise_right_shift => BitwiseRightShift, [-16i32, -1], [2i32, 40] => [-4, -1], i32;
}
