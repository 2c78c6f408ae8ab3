//! The one scalar → element conversion rule, NumPy's casting results, written once through a
//! five-function interface: every dtype to every dtype. [`Element::from_scalar`], the CPU
//! `astype` kernel (`src/cpu/cast.rs`) and the op layer's scalar operands all convert here;
//! the CUDA `cast_*` kernels implement the same rule.
//!
//! Results: integers wrap; floats convert to integers by truncation, saturating at the integer
//! range with NaN → 0 (our documented choice where C leaves it undefined); anything converts to
//! `bool` as `x != 0`. Conversions to floats round to nearest-even: once for
//! `float64 → float16` (as NumPy; `half`'s own `from_f64` drops low mantissa bits before
//! rounding, so this goes to `f32` with round-to-odd first), and through `float32` for
//! `float64` and integers → `bfloat16`, as `ml_dtypes` and the CUDA kernels do. Integers reach
//! `float16` through `float32` exactly (any integer above 2^24 overflows `float16` anyway), and
//! `float32` directly (one rounding, not two through `float64`).

use super::{DType, Element, Scalar};
use half::{bf16, f16};
use num_complex::{Complex32, Complex64};

/// A destination dtype: built from the seven widest source kinds.
///
/// Complex to real keeps the real part and drops the imaginary one (NumPy's result, which it
/// pairs with a `ComplexWarning`; the Array API leaves the cast unspecified); complex to `bool`
/// is `z != 0`, either part non-zero.
pub(crate) trait CastFrom: Element {
    fn from_i64(v: i64) -> Self;
    fn from_u64(v: u64) -> Self;
    fn from_f32(v: f32) -> Self;
    fn from_f64(v: f64) -> Self;
    fn from_bool(v: bool) -> Self;
    #[inline(always)]
    fn from_c32(v: Complex32) -> Self {
        Self::from_f32(v.re)
    }
    #[inline(always)]
    fn from_c64(v: Complex64) -> Self {
        Self::from_f64(v.re)
    }
}

/// A source dtype: widens itself (exactly) to one of [`CastFrom`]'s kinds.
pub(crate) trait CastTo: Element {
    fn cast<D: CastFrom>(self) -> D;
}

macro_rules! impl_cast_from_int {
    ($($t:ident),*) => {$(
        impl CastFrom for $t {
            #[inline(always)] fn from_i64(v: i64) -> $t { v as $t }
            #[inline(always)] fn from_u64(v: u64) -> $t { v as $t }
            // Rust's float-to-int `as` truncates, saturates and maps NaN to 0: our documented rule.
            #[inline(always)] fn from_f32(v: f32) -> $t { v as $t }
            #[inline(always)] fn from_f64(v: f64) -> $t { v as $t }
            #[inline(always)] fn from_bool(v: bool) -> $t { v as $t }
        }
    )*};
}
impl_cast_from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! impl_cast_from_wide_float {
    ($($t:ident),*) => {$(
        impl CastFrom for $t {
            #[inline(always)] fn from_i64(v: i64) -> $t { v as $t }
            #[inline(always)] fn from_u64(v: u64) -> $t { v as $t }
            #[inline(always)] fn from_f32(v: f32) -> $t { v as $t }
            #[inline(always)] fn from_f64(v: f64) -> $t { v as $t }
            #[inline(always)] fn from_bool(v: bool) -> $t { v as u8 as $t }
        }
    )*};
}
impl_cast_from_wide_float!(f32, f64);

macro_rules! impl_cast_from_half {
    ($($t:ident: $f64_to_f32:expr),*) => {$(
        impl CastFrom for $t {
            #[inline(always)] fn from_i64(v: i64) -> $t { $t::from_f32(v as f32) }
            #[inline(always)] fn from_u64(v: u64) -> $t { $t::from_f32(v as f32) }
            #[inline(always)] fn from_f32(v: f32) -> $t { $t::from_f32(v) }
            #[inline(always)]
            fn from_f64(v: f64) -> $t {
                let narrow: fn(f64) -> f32 = $f64_to_f32;
                $t::from_f32(narrow(v))
            }
            #[inline(always)] fn from_bool(v: bool) -> $t { if v { $t::ONE } else { $t::ZERO } }
        }
    )*};
}
impl_cast_from_half!(f16: f64_to_f32_odd, bf16: |v| v as f32);

impl CastFrom for bool {
    #[inline(always)]
    fn from_i64(v: i64) -> bool {
        v != 0
    }
    #[inline(always)]
    fn from_u64(v: u64) -> bool {
        v != 0
    }
    #[inline(always)]
    fn from_f32(v: f32) -> bool {
        v != 0.0
    }
    #[inline(always)]
    fn from_f64(v: f64) -> bool {
        v != 0.0
    }
    #[inline(always)]
    fn from_bool(v: bool) -> bool {
        v
    }
    #[inline(always)]
    fn from_c32(v: Complex32) -> bool {
        v.re != 0.0 || v.im != 0.0
    }
    #[inline(always)]
    fn from_c64(v: Complex64) -> bool {
        v.re != 0.0 || v.im != 0.0
    }
}

/// Real values become `re + 0j` with the real cast's rounding for the component type; complex
/// values convert component by component.
macro_rules! impl_cast_from_complex {
    ($($t:ident: $real:ident),*) => {$(
        impl CastFrom for $t {
            #[inline(always)] fn from_i64(v: i64) -> $t { $t::new(<$real as CastFrom>::from_i64(v), 0.0) }
            #[inline(always)] fn from_u64(v: u64) -> $t { $t::new(<$real as CastFrom>::from_u64(v), 0.0) }
            #[inline(always)] fn from_f32(v: f32) -> $t { $t::new(v as $real, 0.0) }
            #[inline(always)] fn from_f64(v: f64) -> $t { $t::new(v as $real, 0.0) }
            #[inline(always)] fn from_bool(v: bool) -> $t { $t::new(v as u8 as $real, 0.0) }
            #[inline(always)] fn from_c32(v: Complex32) -> $t { $t::new(v.re as $real, v.im as $real) }
            #[inline(always)] fn from_c64(v: Complex64) -> $t { $t::new(v.re as $real, v.im as $real) }
        }
    )*};
}
impl_cast_from_complex!(Complex32: f32, Complex64: f64);

macro_rules! impl_cast_to {
    ($($t:ty => $via:ident($conv:expr)),* $(,)?) => {$(
        impl CastTo for $t {
            #[inline(always)]
            fn cast<D: CastFrom>(self) -> D {
                let widen: fn($t) -> _ = $conv;
                D::$via(widen(self))
            }
        }
    )*};
}
impl_cast_to! {
    i8 => from_i64(|x| x as i64), i16 => from_i64(|x| x as i64),
    i32 => from_i64(|x| x as i64), i64 => from_i64(|x| x),
    u8 => from_u64(|x| x as u64), u16 => from_u64(|x| x as u64),
    u32 => from_u64(|x| x as u64), u64 => from_u64(|x| x),
    f16 => from_f32(|x| x.to_f32()), bf16 => from_f32(|x| x.to_f32()),
    f32 => from_f32(|x| x), f64 => from_f64(|x| x), bool => from_bool(|x| x),
    Complex32 => from_c32(|x| x), Complex64 => from_c64(|x| x),
}

/// `x` rounded to `f32` with round-to-odd: truncate, then set the last bit when inexact. A
/// second rounding of the result to nearest-even at ≤ 22 bits (here: to `float16`) equals one
/// direct rounding of `x`.
#[inline]
pub(crate) fn f64_to_f32_odd(x: f64) -> f32 {
    let r = x as f32;
    if r as f64 == x || r.is_nan() || r.is_infinite() {
        // Exact, NaN, or beyond f32's range (then beyond every 16-bit float's too).
        return r;
    }
    let truncated = if (r as f64).abs() > x.abs() { f32::from_bits(r.to_bits() - 1) } else { r };
    f32::from_bits(truncated.to_bits() | 1)
}

/// The value of scalar `s` converted to element type `T` with the casting rules above.
#[inline]
pub(crate) fn scalar_to<T: CastFrom>(s: Scalar) -> T {
    match s {
        Scalar::Bool(b) => T::from_bool(b),
        Scalar::Int(i) => T::from_i64(i),
        Scalar::UInt(u) => T::from_u64(u),
        Scalar::Float(f) => T::from_f64(f),
        Scalar::Complex(z) => T::from_c64(z),
    }
}

/// `s` converted to `dtype`, as the scalar that holds the converted value exactly.
pub(crate) fn scalar_to_dtype(s: Scalar, dtype: DType) -> Scalar {
    crate::dispatch_dtype!(dtype, T => scalar_to::<T>(s).to_scalar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_to_half_rounds_like_numpy_and_ml_dtypes() {
        // 1 + 2^-11 + 2^-40 is above the float16 halfway point only through its low bits:
        // NumPy rounds once (up); `half` truncates first (down).
        let y = 1.0 + 2f64.powi(-11) + 2f64.powi(-40);
        assert_eq!(f16::from_f64(y).to_f64(), 1.0, "half's own conversion truncates first");
        assert_eq!(<f16 as CastFrom>::from_f64(y).to_f64(), 1.0 + 2f64.powi(-10));
        // bfloat16 goes through float32 like ml_dtypes: the low bits are lost, then a tie.
        let x = 1.0 + 2f64.powi(-8) + 2f64.powi(-30);
        assert_eq!(<bf16 as CastFrom>::from_f64(x).to_f64(), 1.0);
        assert_eq!(<f16 as CastFrom>::from_i64(65519).to_f64(), 65504.0);
        assert!(<f16 as CastFrom>::from_u64(u64::MAX).is_infinite());
    }

    #[test]
    fn float_to_int_saturates() {
        assert_eq!(<u8 as CastFrom>::from_f64(-1.5), 0);
        assert_eq!(<u8 as CastFrom>::from_f64(300.0), 255);
        assert_eq!(<i32 as CastFrom>::from_f32(f32::NAN), 0);
        assert_eq!(<i16 as CastFrom>::from_i64(70000), 4464);
        assert!(<bool as CastFrom>::from_f64(f64::NAN));
    }

    #[test]
    fn complex_casts_follow_numpy() {
        let z = Complex64::new(-2.5, 3.0);
        assert_eq!(<f32 as CastFrom>::from_c64(z), -2.5);
        assert_eq!(<i8 as CastFrom>::from_c64(z), -2);
        assert!(<bool as CastFrom>::from_c64(Complex64::new(0.0, 1.0)));
        assert!(!<bool as CastFrom>::from_c32(Complex32::new(0.0, -0.0)));
        assert_eq!(<Complex32 as CastFrom>::from_c64(z), Complex32::new(-2.5, 3.0));
        assert_eq!(<Complex64 as CastFrom>::from_i64(-7), Complex64::new(-7.0, 0.0));
        assert_eq!(<Complex32 as CastFrom>::from_u64(u64::MAX).re, u64::MAX as f32);
        assert_eq!(scalar_to::<Complex64>(Scalar::Bool(true)), Complex64::new(1.0, 0.0));
        assert_eq!(scalar_to_dtype(Scalar::Complex(z), DType::F64), Scalar::Float(-2.5));
    }
}
