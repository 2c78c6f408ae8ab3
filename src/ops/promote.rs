//! Type promotion: the Array API table, NumPy 2's rules for mixed kinds, our bfloat16 rules,
//! and NEP 50 "weak" scalars.

use crate::dtype::{DType, DTypeKind, Scalar};
use crate::error::{Error, Result};

/// The dtype two array dtypes promote to.
///
/// The rules, in order:
///
/// | operands | result |
/// |---|---|
/// | same dtype | that dtype |
/// | `bool` and `T` | `T` |
/// | two signed, or two unsigned integers | the wider |
/// | signed `iN` and unsigned `uM` | `iN` if N > M, else the signed type twice as wide as `uM`; `uint64` with any signed type → `float64` |
/// | `float16` / `float32` / `float64` | the wider |
/// | `bfloat16` and `float16` | `float32` |
/// | `bfloat16` and `float32` / `float64` | the wider float |
/// | integer and float | the float, widened until it holds every value of the integer (below) |
///
/// Integer with float (NumPy 2 for the IEEE types; devarray's choice for `bfloat16`, which NumPy
/// lacks and `ml_dtypes` only defines for 8-bit integers and `bool`):
///
/// | integer | `float16` | `bfloat16` | `float32` | `float64` |
/// |---|---|---|---|---|
/// | `int8`, `uint8` | `float16` | `bfloat16` | `float32` | `float64` |
/// | `int16`, `uint16` | `float32` | `float32` | `float32` | `float64` |
/// | `int32`, `uint32`, `int64`, `uint64` | `float64` | `float64` | `float64` | `float64` |
///
/// Scalars are not arrays: an op mixing an array with a [`Scalar`](crate::Scalar) uses the weak
/// rules of NEP 50 instead (an integer scalar keeps an integer array's dtype, a float scalar
/// keeps a float array's dtype, a float scalar with an integer array gives `float64`; a `bool`
/// array with an integer scalar gives `int64`).
///
/// ```
/// use devarray::{result_type, DType};
/// assert_eq!(result_type(DType::I8, DType::U8), DType::I16);
/// assert_eq!(result_type(DType::I64, DType::U64), DType::F64);
/// assert_eq!(result_type(DType::I16, DType::F16), DType::F32);
/// assert_eq!(result_type(DType::BF16, DType::F16), DType::F32);
/// assert_eq!(result_type(DType::Bool, DType::BF16), DType::BF16);
/// ```
pub fn result_type(a: DType, b: DType) -> DType {
    use DTypeKind::*;
    if a == b {
        return a;
    }
    match (a.kind(), b.kind()) {
        (Bool, _) => b,
        (_, Bool) => a,
        // The Array API's mixed-kind rule: the complex type whose component holds the real
        // promotion of the component types (float32 + complex64 -> complex64, float64 +
        // complex64 -> complex128, int16 + complex64 -> complex64).
        (Complex, _) | (_, Complex) => result_type(a.real_dtype(), b.real_dtype()).complex_dtype(),
        (SignedInt, SignedInt) | (UnsignedInt, UnsignedInt) => wider(a, b),
        (Float, Float) if is_f16_bf16(a, b) => DType::F32,
        (Float, Float) => wider(a, b),
        (SignedInt, UnsignedInt) => signed_with_unsigned(a, b),
        (UnsignedInt, SignedInt) => signed_with_unsigned(b, a),
        (Float, _) => integer_with_float(b, a),
        (_, Float) => integer_with_float(a, b),
    }
}

fn is_f16_bf16(a: DType, b: DType) -> bool {
    matches!((a, b), (DType::F16, DType::BF16) | (DType::BF16, DType::F16))
}

fn wider(a: DType, b: DType) -> DType {
    if a.itemsize() >= b.itemsize() {
        a
    } else {
        b
    }
}

fn signed_with_unsigned(signed: DType, unsigned: DType) -> DType {
    if signed.itemsize() > unsigned.itemsize() {
        return signed;
    }
    match unsigned {
        DType::U8 => DType::I16,
        DType::U16 => DType::I32,
        DType::U32 => DType::I64,
        _ => DType::F64,
    }
}

fn integer_with_float(int: DType, float: DType) -> DType {
    match (float, int.itemsize()) {
        (DType::F16, 1) => DType::F16,
        (DType::BF16, 1) => DType::BF16,
        (DType::F16 | DType::BF16 | DType::F32, 1 | 2) => DType::F32,
        _ => DType::F64,
    }
}

/// True when every value of `from` is exactly representable in `to` (NumPy's
/// `can_cast(from, to, "safe")`; with this lattice that is `result_type(from, to) == to`).
///
/// ```
/// use devarray::{can_cast, DType};
/// assert!(can_cast(DType::U8, DType::I16));
/// assert!(!can_cast(DType::I64, DType::F32));
/// assert!(can_cast(DType::I8, DType::BF16));
/// assert!(!can_cast(DType::F16, DType::BF16));
/// ```
pub fn can_cast(from: DType, to: DType) -> bool {
    result_type(from, to) == to
}

/// NumPy's `can_cast(from, to, "same_kind")`: a safe cast, or one that does not move to a
/// lower kind in the order bool < unsigned < signed < float (`float64 -> float32` and
/// `int64 -> int8` are allowed, `float -> int` and `int -> bool` are not).
///
/// ```
/// use devarray::{can_cast_same_kind, DType};
/// assert!(can_cast_same_kind(DType::F64, DType::F32));
/// assert!(can_cast_same_kind(DType::I64, DType::I8));
/// assert!(!can_cast_same_kind(DType::I64, DType::U8)); // signed to unsigned goes down a kind
/// assert!(!can_cast_same_kind(DType::F32, DType::I64));
/// ```
pub fn can_cast_same_kind(from: DType, to: DType) -> bool {
    let rank = |d: DType| match d.kind() {
        DTypeKind::Bool => 0,
        DTypeKind::UnsignedInt => 1,
        DTypeKind::SignedInt => 2,
        DTypeKind::Float => 3,
        DTypeKind::Complex => 4,
    };
    can_cast(from, to) || rank(from) <= rank(to)
}

/// The dtype an array of `dtype` and the Python-style ("weak", NEP 50) scalar `s` promote to,
/// as every elementwise op with a scalar operand computes it: the scalar's kind matters, its
/// value does not.
///
/// **For NumPy users:** `np.result_type(np.float32, 1j)` with NumPy 2's NEP 50 rules.
///
/// ```
/// use devarray::{result_type_with_scalar, DType, Scalar};
/// assert_eq!(result_type_with_scalar(DType::U8, Scalar::Int(300)), DType::U8);
/// assert_eq!(result_type_with_scalar(DType::I32, Scalar::Float(0.5)), DType::F64);
/// assert_eq!(result_type_with_scalar(DType::F32, Scalar::Complex(Default::default())), DType::C64);
/// ```
pub fn result_type_with_scalar(dtype: DType, s: Scalar) -> DType {
    weak_result(dtype, s)
}

/// The dtype of `array_dtype` combined with the weak scalar `s` (NEP 50).
pub(crate) fn weak_result(array_dtype: DType, s: Scalar) -> DType {
    match (s, array_dtype.kind()) {
        (Scalar::Bool(_), _) => array_dtype,
        (Scalar::Int(_) | Scalar::UInt(_), DTypeKind::Bool) => DType::I64,
        (Scalar::Int(_) | Scalar::UInt(_), _) => array_dtype,
        (Scalar::Float(_), DTypeKind::Float | DTypeKind::Complex) => array_dtype,
        (Scalar::Float(_), _) => DType::F64,
        // A Python complex keeps an inexact array's precision (float32 + 1j -> complex64).
        (Scalar::Complex(_), DTypeKind::Float | DTypeKind::Complex) => array_dtype.complex_dtype(),
        (Scalar::Complex(_), _) => DType::C128,
    }
}

/// Whether the integer scalar `s` lies in the range of integer `dtype` (non-integer scalars
/// and dtypes always "fit": they convert by rounding).
pub(crate) fn scalar_fits(s: Scalar, dtype: DType) -> bool {
    let (lo, hi) = int_range(dtype);
    match s {
        Scalar::Int(v) if dtype.is_integer() => (v as i128) >= lo && (v as i128) <= hi,
        Scalar::UInt(v) if dtype.is_integer() => (v as i128) <= hi,
        _ => true,
    }
}

/// The inclusive value range of an integer dtype (anything else: the whole `i128` range).
pub(crate) fn int_range(dtype: DType) -> (i128, i128) {
    match dtype {
        DType::I8 => (i8::MIN as i128, i8::MAX as i128),
        DType::I16 => (i16::MIN as i128, i16::MAX as i128),
        DType::I32 => (i32::MIN as i128, i32::MAX as i128),
        DType::I64 => (i64::MIN as i128, i64::MAX as i128),
        DType::U8 => (0, u8::MAX as i128),
        DType::U16 => (0, u16::MAX as i128),
        DType::U32 => (0, u32::MAX as i128),
        DType::U64 => (0, u64::MAX as i128),
        _ => (i128::MIN, i128::MAX),
    }
}

/// The value `s` takes in `dtype`, as a scalar that holds it exactly (floats rounded once to
/// nearest-even, integers in range), ready to hand to a kernel.
///
/// **Errors** with [`Error::InvalidArgument`] when an integer scalar does not fit an integer
/// `dtype` (NumPy raises `OverflowError`: `uint8_array + 300`).
pub(crate) fn scalar_as(op: &'static str, s: Scalar, dtype: DType) -> Result<Scalar> {
    if !scalar_fits(s, dtype) {
        return Err(Error::invalid(
            op,
            format!("the scalar {s} is out of bounds for {dtype}; cast the array with astype() to a wider dtype first"),
        ));
    }
    Ok(crate::dtype::convert::scalar_to_dtype(s, dtype))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_is_symmetric_and_can_cast_is_a_partial_order() {
        for a in DType::ALL {
            assert!(can_cast(a, a));
            for b in DType::ALL {
                assert_eq!(result_type(a, b), result_type(b, a), "{a} {b}");
                let r = result_type(a, b);
                assert!(can_cast(a, r) && can_cast(b, r), "{a} {b} -> {r}");
            }
        }
    }

    #[test]
    fn float_result_is_promotion_with_float16() {
        for d in DType::ALL {
            let expected = if d.is_float() { d } else { result_type(d, DType::F16) };
            assert_eq!(crate::vocab::float_result(d), expected, "{d}");
        }
    }

    #[test]
    fn weak_scalars_follow_nep50() {
        assert_eq!(weak_result(DType::U8, Scalar::Int(3)), DType::U8);
        assert_eq!(weak_result(DType::Bool, Scalar::Int(3)), DType::I64);
        assert_eq!(weak_result(DType::I8, Scalar::Float(0.5)), DType::F64);
        assert_eq!(weak_result(DType::F16, Scalar::Float(0.5)), DType::F16);
        assert_eq!(weak_result(DType::I16, Scalar::Bool(true)), DType::I16);
        assert!(!scalar_fits(Scalar::Int(300), DType::U8));
        assert!(!scalar_fits(Scalar::Int(-1), DType::U64));
        assert!(!scalar_fits(Scalar::UInt(u64::MAX), DType::I64));
        assert!(scalar_fits(Scalar::UInt(u64::MAX), DType::U64));
    }
}
