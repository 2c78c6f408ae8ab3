//! Element-level arithmetic shared by the CPU kernels: one trait per family of element types,
//! so each op is written once as a generic closure and monomorphised per dtype.
//!
//! - [`Real`]: `f32`/`f64`, the types float ops compute in;
//! - [`FloatElem`]: the four float dtypes, with `f16`/`bf16` computed in `f32` (one rounding
//!   back, as NumPy and ml_dtypes do);
//! - [`IntElem`]: the eight integer dtypes, with NumPy's wrapping and division-by-zero results;
//! - [`Classify`]: every dtype: ordering key, NaN/inf tests, truthiness.

use crate::dtype::Element;
use half::{bf16, f16};
use std::ops::{Add, Div, Mul, Neg, Rem, Sub};

mod exp;
pub(crate) mod half_convert;
mod lanes32;
mod lanes32f;
mod lanes64;
mod lanes64_binary;
mod lanes64_log;
mod lanes64_trig;
mod lanes_binary;
pub(crate) mod vector;
pub(crate) mod vector_binary;
#[cfg(test)]
mod vector_binary_tests;
#[cfg(test)]
mod vector_tests;

// The C library's inverse hyperbolic functions: Rust's std versions are built from other
// functions and lose several ulp; NumPy calls these.
extern "C" {
    fn asinh(x: f64) -> f64;
    fn acosh(x: f64) -> f64;
    fn atanh(x: f64) -> f64;
    fn asinhf(x: f32) -> f32;
    fn acoshf(x: f32) -> f32;
    fn atanhf(x: f32) -> f32;
}

/// `f32` or `f64`: the arithmetic every float op is written in.
pub(crate) trait Real:
    Copy
    + vector::VecMath
    + vector_binary::VecMath2
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Rem<Output = Self>
    + Neg<Output = Self>
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// 0.5.
    const HALF: Self;
    /// ln 2.
    const LN_2: Self;
    /// +∞.
    const INFINITY: Self;
    /// -∞.
    const NEG_INFINITY: Self;
    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    /// The `exp` op: for `f32` (and so `f16`/`bf16`) the vectorisable [`exp::exp_f32`],
    /// within 1 ulp, several times faster than the C library's per-element `expf`; for `f64`
    /// the C library's `exp`. [`Real::exp`] stays the C library's everywhere.
    fn exp_op(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn ln_1p(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn asin(self) -> Self;
    fn acos(self) -> Self;
    fn atan(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn tanh(self) -> Self;
    fn asinh(self) -> Self;
    fn acosh(self) -> Self;
    fn atanh(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    fn round_ties_even(self) -> Self;
    fn abs(self) -> Self;
    fn powf(self, e: Self) -> Self;
    fn atan2(self, x: Self) -> Self;
    fn hypot(self, o: Self) -> Self;
    fn copysign(self, sign: Self) -> Self;
    fn is_nan(self) -> bool;
    fn is_infinite(self) -> bool;
    fn is_finite(self) -> bool;
    fn is_sign_negative(self) -> bool;

    /// NumPy's `sign`: -1, 0 (for ±0) or 1; NaN stays NaN.
    #[inline(always)]
    fn sign(self) -> Self {
        if self > Self::ZERO {
            Self::ONE
        } else if self < Self::ZERO {
            -Self::ONE
        } else if self == Self::ZERO {
            Self::ZERO
        } else {
            self
        }
    }

    /// NumPy's `maximum`: NaN in either operand propagates; ties (±0) give `o`, as NumPy.
    #[inline(always)]
    fn maximum(self, o: Self) -> Self {
        if self > o || self.is_nan() {
            self
        } else {
            o
        }
    }

    /// NumPy's `minimum`: as [`Real::maximum`].
    #[inline(always)]
    fn minimum(self, o: Self) -> Self {
        if self < o || self.is_nan() {
            self
        } else {
            o
        }
    }

    /// NumPy's `npy_divmod`: Python's floor division and remainder (the remainder has the sign
    /// of `b`; the quotient is snapped to the nearest integer).
    #[inline]
    fn divmod(self, b: Self) -> (Self, Self) {
        let a = self;
        let mut m = a % b;
        if b == Self::ZERO {
            return (a / b, m);
        }
        let mut div = (a - m) / b;
        if m != Self::ZERO {
            if (b < Self::ZERO) != (m < Self::ZERO) {
                m = m + b;
                div = div - Self::ONE;
            }
        } else {
            m = Self::ZERO.copysign(b);
        }
        let q = if div != Self::ZERO {
            let f = div.floor();
            if div - f > Self::HALF {
                f + Self::ONE
            } else {
                f
            }
        } else {
            Self::ZERO.copysign(a / b)
        };
        (q, m)
    }

    /// NumPy's `floor_divide` (`a / b` when `b == 0`).
    #[inline(always)]
    fn floor_divide(self, b: Self) -> Self {
        self.divmod(b).0
    }

    /// NumPy's `remainder` (`fmod(a, b)`, i.e. NaN, when `b == 0`).
    #[inline(always)]
    fn remainder(self, b: Self) -> Self {
        self.divmod(b).1
    }

    /// NumPy's `logaddexp`.
    #[inline]
    fn logaddexp(self, y: Self) -> Self {
        let x = self;
        if x == y {
            // Infinities of the same sign: x - y would be NaN.
            return x + Self::LN_2;
        }
        let d = x - y;
        if d > Self::ZERO {
            x + (-d).exp().ln_1p()
        } else if d <= Self::ZERO {
            y + d.exp().ln_1p()
        } else {
            d
        }
    }
}

macro_rules! impl_real {
    ($t:ident, $exp_op:path, $asinh:ident, $acosh:ident, $atanh:ident) => {
        impl Real for $t {
            const ZERO: $t = 0.0;
            const ONE: $t = 1.0;
            const HALF: $t = 0.5;
            const LN_2: $t = std::$t::consts::LN_2;
            const INFINITY: $t = <$t>::INFINITY;
            const NEG_INFINITY: $t = <$t>::NEG_INFINITY;
            impl_real!(@fwd $t: sqrt exp exp_m1 ln ln_1p log2 log10 sin cos tan asin acos atan sinh cosh tanh
                floor ceil trunc round_ties_even abs);
            #[inline(always)]
            fn exp_op(self) -> $t {
                $exp_op(self)
            }
            #[inline(always)]
            fn asinh(self) -> $t {
                // SAFETY: a pure C math function.
                unsafe { $asinh(self) }
            }
            #[inline(always)]
            fn acosh(self) -> $t {
                // SAFETY: a pure C math function.
                unsafe { $acosh(self) }
            }
            #[inline(always)]
            fn atanh(self) -> $t {
                // SAFETY: a pure C math function.
                unsafe { $atanh(self) }
            }
            #[inline(always)]
            fn powf(self, e: $t) -> $t {
                <$t>::powf(self, e)
            }
            #[inline(always)]
            fn atan2(self, x: $t) -> $t {
                <$t>::atan2(self, x)
            }
            #[inline(always)]
            fn hypot(self, o: $t) -> $t {
                <$t>::hypot(self, o)
            }
            #[inline(always)]
            fn copysign(self, sign: $t) -> $t {
                <$t>::copysign(self, sign)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline(always)]
            fn is_infinite(self) -> bool {
                <$t>::is_infinite(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline(always)]
            fn is_sign_negative(self) -> bool {
                <$t>::is_sign_negative(self)
            }
        }
    };
    (@fwd $t:ident: $($f:ident)*) => {$(
        #[inline(always)]
        fn $f(self) -> $t {
            <$t>::$f(self)
        }
    )*};
}
impl_real!(f32, exp::exp_f32, asinhf, acoshf, atanhf);
impl_real!(f64, f64::exp, asinh, acosh, atanh);

/// A float dtype: computes in [`Real`] type `C` (`f32` for the 16-bit types).
pub(crate) trait FloatElem: Element<Repr = Self> + NextAfter {
    /// The compute type.
    type C: Real;
    /// Whether the type is its own compute type (`f32`, `f64`): slices of it are slices of `C`.
    const IS_C: bool = false;
    /// Whether kernels should widen runs of elements into a compute-type buffer (and narrow
    /// results back) a chunk at a time: true for the 16-bit types, whose per-element
    /// conversions cost more than the arithmetic (and whose slice conversions use SIMD).
    const STAGED: bool = false;
    /// Exact widening to the compute type.
    fn to_c(self) -> Self::C;
    /// Rounding (to nearest even) back from the compute type.
    fn from_c(c: Self::C) -> Self;
    /// `dst[i] = src[i].to_c()` (the lengths are equal).
    #[inline(always)]
    fn widen(src: &[Self], dst: &mut [Self::C]) {
        dst.iter_mut().zip(src).for_each(|(d, s)| *d = s.to_c());
    }
    /// `dst[i] = from_c(src[i])` (the lengths are equal).
    #[inline(always)]
    fn narrow(src: &[Self::C], dst: &mut [Self]) {
        dst.iter_mut().zip(src).for_each(|(d, s)| *d = Self::from_c(*s));
    }
}

impl FloatElem for f32 {
    type C = f32;
    const IS_C: bool = true;
    #[inline(always)]
    fn to_c(self) -> f32 {
        self
    }
    #[inline(always)]
    fn from_c(c: f32) -> f32 {
        c
    }
}

impl FloatElem for f64 {
    type C = f64;
    const IS_C: bool = true;
    #[inline(always)]
    fn to_c(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from_c(c: f64) -> f64 {
        c
    }
}

/// NumPy's `nextafter`, stepped in the dtype's own bits (the 16-bit types too: a step of their
/// compute type would be far smaller than one of theirs). The same rules as `op_nextafter` in
/// `kernels/binary.cu`.
pub(crate) trait NextAfter: Sized {
    /// The next representable value after `self` toward `toward`: NaN if either is NaN;
    /// `toward` when they are equal (as C's `nextafter` and NumPy ≥ 2.5 for every dtype; NumPy
    /// < 2.5 returned `self` for float16, which differs only for ±0 toward ∓0); from ±0 the
    /// smallest subnormal with `toward`'s sign; else one step of the magnitude bits.
    fn next_after(self, toward: Self) -> Self;
}

macro_rules! impl_next_after {
    ($($t:ty),*) => {$(
        impl NextAfter for $t {
            #[inline(always)]
            fn next_after(self, toward: $t) -> $t {
                let (x, y) = (self.to_c(), toward.to_c());
                if x.is_nan() || y.is_nan() {
                    return <$t>::from_c(x + y);
                }
                if x == y {
                    return toward;
                }
                let (bits, to) = (self.to_bits(), toward.to_bits());
                let sign = 1 << (8 * std::mem::size_of::<$t>() - 1);
                if bits & !sign == 0 {
                    return <$t>::from_bits((to & sign) | 1);
                }
                let grow = (x < y) == (x > <$t as FloatElem>::C::ZERO);
                <$t>::from_bits(if grow { bits + 1 } else { bits - 1 })
            }
        }
    )*};
}
impl_next_after!(f32, f64, f16, bf16);

macro_rules! impl_float_elem_half {
    ($($t:ident: $staged:expr, $to_f32:path, $widen:path, $narrow:path);*) => {$(
        impl FloatElem for $t {
            type C = f32;
            const STAGED: bool = $staged;
            #[inline(always)]
            fn to_c(self) -> f32 {
                $to_f32(self)
            }
            #[inline(always)]
            fn from_c(c: f32) -> $t {
                $t::from_f32(c)
            }
            // Slice conversions give the same bits as `to_f32`/`from_f32` per element (both
            // round to nearest even), a vector at a time: float16 through `half_convert`'s
            // AVX-512/F16C loops, bfloat16 through `half`'s; `staged::tests` and
            // `half_convert::tests` check this over every 16-bit pattern.
            #[inline(always)]
            fn widen(src: &[$t], dst: &mut [f32]) {
                $widen(src, dst);
            }
            #[inline(always)]
            fn narrow(src: &[f32], dst: &mut [$t]) {
                $narrow(src, dst);
            }
        }
    )*};
}
// `bf16` converts with a shift and a rounding add that inline and vectorise in the fused loop;
// staging it measured slower (0.6-0.75× on `add`), so only `f16` is staged.
impl_float_elem_half!(
    f16: true, half_convert::f16_to_f32, half_convert::widen_f16, half_convert::narrow_f16;
    bf16: false, bf16::to_f32, bf16_widen, bf16_narrow
);

/// bfloat16 widening as a plain loop over `half`'s inline `to_f32` (a shift and a NaN select),
/// so that it vectorises at the SIMD level of the loop it is inlined into; `half`'s slice
/// method is compiled once, for the baseline.
#[inline(always)]
fn bf16_widen(src: &[bf16], dst: &mut [f32]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d = s.to_f32());
}

/// bfloat16 narrowing (round to nearest even, NaNs quieted), as [`bf16_widen`].
#[inline(always)]
fn bf16_narrow(src: &[f32], dst: &mut [bf16]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d = bf16::from_f32(*s));
}

/// An integer dtype, with NumPy's results for the cases C leaves undefined.
pub(crate) trait IntElem: Element<Repr = Self> + Ord {
    fn wrapping_add(self, o: Self) -> Self;
    fn wrapping_sub(self, o: Self) -> Self;
    fn wrapping_mul(self, o: Self) -> Self;
    fn wrapping_neg(self) -> Self;
    fn wrapping_abs(self) -> Self;
    fn sign(self) -> Self;
    /// Python's `//`; division by zero gives 0 and `MIN // -1` wraps to `MIN` (NumPy).
    fn floor_divide(self, b: Self) -> Self;
    /// Python's `%` (sign of `b`); `x % 0` gives 0 (NumPy).
    fn remainder(self, b: Self) -> Self;
    /// `self ** e`, wrapping. Negative `e` (NumPy raises) gives the integer part of the exact
    /// result: 1 for base 1, ±1 for base -1, 0 otherwise.
    fn pow(self, e: Self) -> Self;
    /// `self << s`; 0 when `s` is negative or at least the bit width (NumPy).
    fn shl(self, s: Self) -> Self;
    /// `self >> s`, arithmetic; for `s` negative or at least the bit width: -1 when `self < 0`,
    /// else 0 (NumPy).
    fn shr(self, s: Self) -> Self;
    fn and(self, o: Self) -> Self;
    fn or(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
    fn not(self) -> Self;
}

macro_rules! impl_int_elem {
    ($($t:ident: $signed:expr),*) => {$(
        impl IntElem for $t {
            #[inline(always)] fn wrapping_add(self, o: $t) -> $t { <$t>::wrapping_add(self, o) }
            #[inline(always)] fn wrapping_sub(self, o: $t) -> $t { <$t>::wrapping_sub(self, o) }
            #[inline(always)] fn wrapping_mul(self, o: $t) -> $t { <$t>::wrapping_mul(self, o) }
            #[inline(always)] fn wrapping_neg(self) -> $t { <$t>::wrapping_neg(self) }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn wrapping_abs(self) -> $t {
                if self < 0 { self.wrapping_neg() } else { self }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn sign(self) -> $t {
                (self > 0) as $t | if self < 0 { (0 as $t).wrapping_sub(1) } else { 0 }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn floor_divide(self, b: $t) -> $t {
                if b == 0 {
                    return 0;
                }
                let q = self.wrapping_div(b);
                if self.wrapping_rem(b) != 0 && ((self < 0) != (b < 0)) { q.wrapping_sub(1) } else { q }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn remainder(self, b: $t) -> $t {
                if b == 0 {
                    return 0;
                }
                let r = self.wrapping_rem(b);
                if r != 0 && ((r < 0) != (b < 0)) { r.wrapping_add(b) } else { r }
            }
            #[inline]
            #[allow(unused_comparisons)]
            fn pow(self, e: $t) -> $t {
                if e < 0 {
                    return match self as i128 {
                        1 => 1,
                        -1 => if e.wrapping_rem(2) == 0 { 1 } else { self },
                        _ => 0,
                    };
                }
                let (mut base, mut e, mut acc) = (self, e, 1 as $t);
                while e != 0 {
                    if e & 1 != 0 {
                        acc = acc.wrapping_mul(base);
                    }
                    base = base.wrapping_mul(base);
                    e >>= 1;
                }
                acc
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn shl(self, s: $t) -> $t {
                if s >= 0 && (s as u64) < <$t>::BITS as u64 { self << s } else { 0 }
            }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn shr(self, s: $t) -> $t {
                if s >= 0 && (s as u64) < <$t>::BITS as u64 {
                    self >> s
                } else if $signed && self < 0 {
                    (0 as $t).wrapping_sub(1)
                } else {
                    0
                }
            }
            #[inline(always)] fn and(self, o: $t) -> $t { self & o }
            #[inline(always)] fn or(self, o: $t) -> $t { self | o }
            #[inline(always)] fn xor(self, o: $t) -> $t { self ^ o }
            #[inline(always)] fn not(self) -> $t { !self }
        }
    )*};
}
impl_int_elem!(i8: true, i16: true, i32: true, i64: true, u8: false, u16: false, u32: false, u64: false);

/// What every dtype answers: an ordering key and the classification predicates.
pub(crate) trait Classify: Element {
    /// The value in a type with the right ordering (`f32` for the 16-bit floats, `u8` for bool).
    type Key: PartialOrd + Copy + Send + Sync + 'static;
    /// The smallest key (-inf for floats): the start of a max scan.
    const KEY_LOWEST: Self::Key;
    /// The largest key (+inf for floats): the start of a min scan.
    const KEY_HIGHEST: Self::Key;
    fn key(self) -> Self::Key;
    /// Inverse of [`Classify::key`] (exact).
    fn from_key(k: Self::Key) -> Self;
    fn key_is_nan(k: Self::Key) -> bool;
    fn is_nan(self) -> bool;
    fn is_inf(self) -> bool;
    fn is_finite(self) -> bool;
    fn signbit(self) -> bool;
    /// Non-zero (NaN is non-zero).
    fn truthy(self) -> bool;
    /// Whether scans should fill a key buffer with [`Classify::keys`] a chunk at a time (the
    /// 16-bit floats, see [`FloatElem::STAGED`]).
    const STAGED_KEYS: bool = false;
    /// `dst[i] = from_repr(src[i]).key()` (the lengths are equal).
    #[inline(always)]
    fn keys(src: &[Self::Repr], dst: &mut [Self::Key]) {
        dst.iter_mut().zip(src).for_each(|(d, s)| *d = Self::from_repr(*s).key());
    }
}

macro_rules! impl_classify_int {
    ($($t:ident),*) => {$(
        impl Classify for $t {
            type Key = $t;
            const KEY_LOWEST: $t = <$t>::MIN;
            const KEY_HIGHEST: $t = <$t>::MAX;
            #[inline(always)] fn key(self) -> $t { self }
            #[inline(always)] fn from_key(k: $t) -> $t { k }
            #[inline(always)] fn key_is_nan(_: $t) -> bool { false }
            #[inline(always)] fn is_nan(self) -> bool { false }
            #[inline(always)] fn is_inf(self) -> bool { false }
            #[inline(always)] fn is_finite(self) -> bool { true }
            #[inline(always)]
            #[allow(unused_comparisons)]
            fn signbit(self) -> bool { self < 0 }
            #[inline(always)] fn truthy(self) -> bool { self != 0 }
        }
    )*};
}
impl_classify_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! impl_classify_float {
    ($($t:ident),*) => {$(
        impl Classify for $t {
            type Key = <$t as FloatElem>::C;
            const KEY_LOWEST: Self::Key = <Self::Key as Real>::NEG_INFINITY;
            const KEY_HIGHEST: Self::Key = <Self::Key as Real>::INFINITY;
            #[inline(always)] fn key(self) -> Self::Key { self.to_c() }
            #[inline(always)] fn from_key(k: Self::Key) -> $t { <$t>::from_c(k) }
            #[inline(always)] fn key_is_nan(k: Self::Key) -> bool { Real::is_nan(k) }
            #[inline(always)] fn is_nan(self) -> bool { Real::is_nan(self.to_c()) }
            #[inline(always)] fn is_inf(self) -> bool { Real::is_infinite(self.to_c()) }
            #[inline(always)] fn is_finite(self) -> bool { Real::is_finite(self.to_c()) }
            #[inline(always)] fn signbit(self) -> bool { Real::is_sign_negative(self.to_c()) }
            #[inline(always)] fn truthy(self) -> bool { self.to_c() != <Self::Key as Real>::ZERO }
            const STAGED_KEYS: bool = <$t as FloatElem>::STAGED;
            #[inline(always)]
            fn keys(src: &[$t], dst: &mut [Self::Key]) { <$t as FloatElem>::widen(src, dst) }
        }
    )*};
}
impl_classify_float!(f16, bf16, f32, f64);

impl Classify for bool {
    type Key = u8;
    const KEY_LOWEST: u8 = 0;
    const KEY_HIGHEST: u8 = 1;
    #[inline(always)]
    fn key(self) -> u8 {
        self as u8
    }
    #[inline(always)]
    fn from_key(k: u8) -> bool {
        k != 0
    }
    #[inline(always)]
    fn key_is_nan(_: u8) -> bool {
        false
    }
    #[inline(always)]
    fn is_nan(self) -> bool {
        false
    }
    #[inline(always)]
    fn is_inf(self) -> bool {
        false
    }
    #[inline(always)]
    fn is_finite(self) -> bool {
        true
    }
    #[inline(always)]
    fn signbit(self) -> bool {
        false
    }
    #[inline(always)]
    fn truthy(self) -> bool {
        self
    }
}

/// The partial dtype dispatchers, generated from the dtype table in `crate::dtype`.
pub(crate) use crate::dtype::{dispatch_float, dispatch_int};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_edge_cases_follow_numpy() {
        assert_eq!(IntElem::floor_divide(-7i8, 2), -4);
        assert_eq!(IntElem::floor_divide(i8::MIN, -1), i8::MIN);
        assert_eq!(IntElem::floor_divide(5u8, 0), 0);
        assert_eq!(IntElem::remainder(-7i32, 2), 1);
        assert_eq!(IntElem::remainder(7i32, -2), -1);
        assert_eq!(IntElem::remainder(i64::MIN, -1), 0);
        assert_eq!(IntElem::pow(3i8, 5), -13);
        assert_eq!(IntElem::pow(-1i16, -3), -1);
        assert_eq!(IntElem::pow(2u8, 9), 0);
        assert_eq!(IntElem::shl(1i8, 8), 0);
        assert_eq!(IntElem::shr(-8i8, 9), -1);
        assert_eq!(IntElem::shr(-8i8, -1), -1);
        assert_eq!(IntElem::sign(-5i32), -1);
        assert_eq!(IntElem::sign(5u8), 1);
        assert_eq!(IntElem::wrapping_abs(i8::MIN), i8::MIN);
    }

    #[test]
    fn float_divmod_follows_python() {
        assert_eq!((-1.0f64).divmod(f64::INFINITY), (-1.0, f64::INFINITY));
        assert_eq!(1.0f64.divmod(f64::INFINITY), (0.0, 1.0));
        assert_eq!(7.5f64.divmod(-2.0), (-4.0, -0.5));
        assert!((-0.0f64).floor_divide(3.0).is_sign_negative());
        assert!(!(-0.0f64).remainder(3.0).is_sign_negative());
        assert_eq!(5.0f32.floor_divide(0.0), f32::INFINITY);
        assert!(5.0f32.remainder(0.0).is_nan());
        assert_eq!(f64::NEG_INFINITY.logaddexp(f64::NEG_INFINITY), f64::NEG_INFINITY);
    }
}
