//! complex64/complex128 elementwise kernels on the CPU, computed in the component type (`f32`
//! for complex64, `f64` for complex128), written once over [`Part`].
//!
//! The results are NumPy's, special values included (the Array API's complex special cases,
//! C99 Annex G):
//! - arithmetic uses NumPy's formulas: the textbook product, Smith's quotient (no overflow of
//!   `c² + d²`, so quotients stay accurate when `|z|` is near the overflow or underflow
//!   threshold), Smith's reciprocal, `z/|z|` for `sign`, `hypot` for `abs`;
//! - `sqrt`, `exp`, `log`, `pow` and the trigonometric and hyperbolic functions and their
//!   inverses are the C library's C99 complex functions (`csqrt`, `cexpf`, …), which implement
//!   Annex G's branch cuts and special cases and which NumPy calls on Linux; `num_complex`'s
//!   own versions get several special cases wrong (`exp(inf+0j)`, `log(-0.0)`, `sqrt(-inf)`);
//! - `expm1`, `log1p`, `log2`, `log10` use NumPy's formulas (C99 has no complex versions), except
//!   where NumPy's `expm1` formula breaks the standard's special cases: a non-finite part (or an
//!   overflowing `exp`) goes through `cexp(z) - 1`, which keeps Annex G's cases (`inf+0j` for
//!   `+inf+0j`, `-1+0j` for `-inf+nanj`), and a zero imaginary part gives the real `expm1(x)`;
//!   the CUDA kernels (`kernels/common_complex.cuh`) do the same;
//! - `tanh(±inf + iy)` for finite `y` is `±1 + copysign(0, y)j` (the standard's sign; glibc's
//!   `ctanh`, and so NumPy, take the sign of `sin(2y)`);
//! - `pow` with a small integer exponent multiplies (NumPy's rule: `(1+1j)**2` is exactly
//!   `2j`), else `cpow`.

use super::elementwise::{map1, map1_grain, map2};
use super::math::Real;
use super::parallel::CALL_GRAIN;
use super::CpuBuffer;
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::{BinaryOp, Input, UnaryOp};
use num_complex::{Complex, Complex32, Complex64};

type View<'a> = (&'a CpuBuffer, &'a Layout);
type Arg<'a> = Input<'a, CpuBuffer>;

// The C library's C99 complex functions. `double _Complex` / `float _Complex` have the
// layout and calling convention of `#[repr(C)] struct { re, im }` (num_complex's `Complex`)
// on the x86-64 System V and AArch64 ABIs, the targets the CPU backend builds for.
extern "C" {
    fn csqrt(z: Complex64) -> Complex64;
    fn cexp(z: Complex64) -> Complex64;
    fn clog(z: Complex64) -> Complex64;
    fn cpow(a: Complex64, b: Complex64) -> Complex64;
    fn csin(z: Complex64) -> Complex64;
    fn ccos(z: Complex64) -> Complex64;
    fn ctan(z: Complex64) -> Complex64;
    fn csinh(z: Complex64) -> Complex64;
    fn ccosh(z: Complex64) -> Complex64;
    fn ctanh(z: Complex64) -> Complex64;
    fn casin(z: Complex64) -> Complex64;
    fn cacos(z: Complex64) -> Complex64;
    fn catan(z: Complex64) -> Complex64;
    fn casinh(z: Complex64) -> Complex64;
    fn cacosh(z: Complex64) -> Complex64;
    fn catanh(z: Complex64) -> Complex64;
    fn csqrtf(z: Complex32) -> Complex32;
    fn cexpf(z: Complex32) -> Complex32;
    fn clogf(z: Complex32) -> Complex32;
    fn cpowf(a: Complex32, b: Complex32) -> Complex32;
    fn csinf(z: Complex32) -> Complex32;
    fn ccosf(z: Complex32) -> Complex32;
    fn ctanf(z: Complex32) -> Complex32;
    fn csinhf(z: Complex32) -> Complex32;
    fn ccoshf(z: Complex32) -> Complex32;
    fn ctanhf(z: Complex32) -> Complex32;
    fn casinf(z: Complex32) -> Complex32;
    fn cacosf(z: Complex32) -> Complex32;
    fn catanf(z: Complex32) -> Complex32;
    fn casinhf(z: Complex32) -> Complex32;
    fn cacoshf(z: Complex32) -> Complex32;
    fn catanhf(z: Complex32) -> Complex32;
}

/// The C99 complex functions of one precision.
#[derive(Clone, Copy)]
pub(crate) enum Libm {
    Sqrt,
    Exp,
    Log,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Asin,
    Acos,
    Atan,
    Asinh,
    Acosh,
    Atanh,
}

/// A complex component type (`f32`, `f64`): the arithmetic of [`Real`] plus the C library's
/// complex functions of that precision.
pub(crate) trait Part: Real + Element {
    /// log2(e).
    const LOG2_E: Self;
    /// log10(e).
    const LOG10_E: Self;
    /// 100 (NumPy multiplies out integer powers below it).
    const HUNDRED: Self;
    /// A bound below `ln(MAX)`: `exp` of anything smaller is finite.
    const EXP_SAFE: Self;
    /// The value as `f64` (exact).
    fn widen(self) -> f64;
    /// `self * a + b` with one rounding (see the implementations).
    fn fma(self, a: Self, b: Self) -> Self;
    /// `hypot(re, im)`: `|re + im·j|` without undue overflow or underflow.
    fn magnitude(re: Self, im: Self) -> Self;
    /// The C99 function `f` of `z`.
    fn libm(f: Libm, z: Complex<Self>) -> Complex<Self>;
    /// C99 `cpow(a, b)`.
    fn cpow(a: Complex<Self>, b: Complex<Self>) -> Complex<Self>;
}

macro_rules! impl_part {
    ($t:ident, $pow:ident, $fma:item, $magnitude:item, $($f:ident => $c:ident),*) => {
        impl Part for $t {
            $fma
            $magnitude
            const LOG2_E: $t = std::$t::consts::LOG2_E;
            const LOG10_E: $t = std::$t::consts::LOG10_E;
            const HUNDRED: $t = 100.0;
            const EXP_SAFE: $t = if std::mem::size_of::<$t>() == 4 { 88.0 } else { 700.0 };
            #[inline(always)]
            fn widen(self) -> f64 {
                self as f64
            }
            #[inline]
            fn libm(f: Libm, z: Complex<$t>) -> Complex<$t> {
                // SAFETY: pure C library functions of a value, no pointers (see the extern block
                // for the ABI).
                unsafe {
                    match f {
                        $(Libm::$f => $c(z),)*
                    }
                }
            }
            #[inline]
            fn cpow(a: Complex<$t>, b: Complex<$t>) -> Complex<$t> {
                // SAFETY: as in `libm`.
                unsafe { $pow(a, b) }
            }
        }
    };
}
impl_part!(
    f64,
    cpow,
    /// The C library's `fma` (one instruction where the CPU has FMA, behind a call: the
    /// default x86-64 target does not assume it).
    #[inline(always)]
    fn fma(self, a: f64, b: f64) -> f64 {
        self.mul_add(a, b)
    },
    #[inline(always)]
    fn magnitude(re: f64, im: f64) -> f64 {
        re.hypot(im)
    },
    Sqrt => csqrt, Exp => cexp, Log => clog, Sin => csin, Cos => ccos, Tan => ctan,
    Sinh => csinh, Cosh => ccosh, Tanh => ctanh, Asin => casin, Acos => cacos, Atan => catan,
    Asinh => casinh, Acosh => cacosh, Atanh => catanh);
impl_part!(
    f32,
    cpowf,
    /// In `f64`, where the product of two `f32` is exact: one rounding of the sum to `f64`,
    /// then to `f32`. That is the fused result unless the sum is inexact in `f64` and lands
    /// on an `f32` rounding tie (then 1 ulp off) — and it vectorises, where `fmaf` is a
    /// library call on the default x86-64 target.
    #[inline(always)]
    fn fma(self, a: f32, b: f32) -> f32 {
        (self as f64 * a as f64 + b as f64) as f32
    },
    /// In `f64`, where the squares cannot overflow or underflow (glibc's `hypotf` does the
    /// same), vectorisable; an infinite part wins over a NaN one, as in `hypot`.
    #[inline(always)]
    fn magnitude(re: f32, im: f32) -> f32 {
        if re.is_infinite() || im.is_infinite() {
            return f32::INFINITY;
        }
        let (re, im) = (re as f64, im as f64);
        (re * re + im * im).sqrt() as f32
    },
    Sqrt => csqrtf, Exp => cexpf, Log => clogf, Sin => csinf, Cos => ccosf, Tan => ctanf,
    Sinh => csinhf, Cosh => ccoshf, Tanh => ctanhf, Asin => casinf, Acos => cacosf, Atan => catanf,
    Asinh => casinhf, Acosh => cacoshf, Atanh => catanhf);

/// Complex arithmetic in the component type.
pub(crate) mod arith {
    use super::{Complex, Part};

    #[inline(always)]
    pub(crate) fn c<R>(re: R, im: R) -> Complex<R> {
        Complex { re, im }
    }

    #[inline(always)]
    pub(crate) fn add<R: Part>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
        c(a.re + b.re, a.im + b.im)
    }

    #[inline(always)]
    pub(crate) fn sub<R: Part>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
        c(a.re - b.re, a.im - b.im)
    }

    /// The product as NumPy's vectorised `multiply` computes it: `re = fma(ar, br, -ai·bi)`,
    /// `im = fma(ar, bi, ai·br)`. One rounding fewer than the textbook formula, so a part that
    /// cancels keeps the error term (`(1+1j)·(1-1j)` style products) and `(big+big·j)²` has an
    /// infinite real part rather than `inf - inf`; infinities times zeros give NaN parts.
    #[inline(always)]
    pub(crate) fn mul<R: Part>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
        c(a.re.fma(b.re, -(a.im * b.im)), a.re.fma(b.im, a.im * b.re))
    }

    /// The textbook product, unfused (NumPy's scalar `cmul`, which its integer powers use).
    #[inline(always)]
    pub(crate) fn mul_plain<R: Part>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
        c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }

    /// Smith's quotient, NumPy's: the ratio of the smaller to the larger part of `b` keeps
    /// every intermediate near the result's magnitude (no `|b|²`), so operands near the
    /// overflow or underflow threshold divide accurately. Division by zero gives infinite or
    /// NaN parts (`x / ±0` per part).
    #[inline(always)]
    pub(crate) fn div<R: Part>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
        let (br_abs, bi_abs) = (b.re.abs(), b.im.abs());
        if br_abs >= bi_abs {
            if br_abs == R::ZERO && bi_abs == R::ZERO {
                return c(a.re / br_abs, a.im / br_abs);
            }
            let rat = b.im / b.re;
            let scl = R::ONE / (b.re + b.im * rat);
            c((a.re + a.im * rat) * scl, (a.im - a.re * rat) * scl)
        } else {
            let rat = b.re / b.im;
            let scl = R::ONE / (b.im + b.re * rat);
            c((a.re * rat + a.im) * scl, (a.im * rat - a.re) * scl)
        }
    }

    /// `1 / z` by Smith's method (NumPy's `reciprocal`).
    #[inline(always)]
    pub(crate) fn recip<R: Part>(z: Complex<R>) -> Complex<R> {
        if z.im.abs() <= z.re.abs() {
            let r = z.im / z.re;
            let d = z.re + z.im * r;
            c(R::ONE / d, -r / d)
        } else {
            let r = z.re / z.im;
            let d = z.re * r + z.im;
            c(r / d, -R::ONE / d)
        }
    }

    /// `z / |z|`, 0 for 0; NaN parts when a part is NaN or both are infinite; `±1` or `±1j`
    /// for one infinite part (NumPy 2's `sign`).
    #[inline(always)]
    pub(crate) fn sign<R: Part>(z: Complex<R>) -> Complex<R> {
        let abs = R::magnitude(z.re, z.im);
        let nan = R::ZERO * R::INFINITY;
        if abs.is_nan() {
            c(nan, nan)
        } else if abs.is_infinite() {
            match (z.re.is_infinite(), z.im.is_infinite()) {
                (true, true) => c(nan, nan),
                (true, false) => c(R::ONE.copysign(z.re), R::ZERO),
                _ => c(R::ZERO, R::ONE.copysign(z.im)),
            }
        } else if abs == R::ZERO {
            c(R::ZERO, R::ZERO)
        } else {
            c(z.re / abs, z.im / abs)
        }
    }

    /// Non-zero (a NaN part is non-zero).
    #[inline(always)]
    pub(crate) fn truthy<R: Part>(z: Complex<R>) -> bool {
        z.re != R::ZERO || z.im != R::ZERO
    }

    /// `a ** b`, NumPy's rules: `z ** 0` is 1, `0 ** b` is 0 when `re(b) > 0` and NaN
    /// otherwise, an integer exponent below 100 in magnitude multiplies by squaring (exact where
    /// the product is: `(1+1j)**2 == 2j`), anything else is C99 `cpow`.
    pub(crate) fn pow<R: Part>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
        let one = c(R::ONE, R::ZERO);
        if b.re == R::ZERO && b.im == R::ZERO {
            return one;
        }
        if a.re == R::ZERO && a.im == R::ZERO {
            let nan = R::ZERO * R::INFINITY;
            return if b.re > R::ZERO { c(R::ZERO, R::ZERO) } else { c(nan, nan) };
        }
        if b.im == R::ZERO && b.re.trunc() == b.re && b.re.abs() < R::HUNDRED {
            let n = b.re.widen() as i64;
            match n {
                1 => return a,
                2 => return mul_plain(a, a),
                3 => return mul_plain(mul_plain(a, a), a),
                _ => {}
            }
            let (mut m, mut acc, mut p) = (n.unsigned_abs(), one, a);
            loop {
                if m & 1 == 1 {
                    acc = mul_plain(acc, p);
                }
                m >>= 1;
                if m == 0 {
                    break;
                }
                p = mul_plain(p, p);
            }
            return if n < 0 { div(one, acc) } else { acc };
        }
        R::cpow(a, b)
    }

    /// `expm1`: NumPy's formula `expm1(x)·cos(y) - 2·sin²(y/2)`, `eˣ·sin(y)` for finite `z`
    /// (accurate real part near 0); `cexp(z) - 1` when a part is not finite or `eˣ` would
    /// overflow (the formula's `inf·0` and `inf - inf` would give NaN parts where the standard
    /// asks for `inf+0j`, `-1+0j`, `nan+0j`); the real `expm1(x)` for a zero imaginary part (with
    /// `+0` for `±0`).
    #[inline]
    pub(crate) fn expm1<R: Part>(z: Complex<R>) -> Complex<R> {
        if !z.re.is_finite() || !z.im.is_finite() || z.re > R::EXP_SAFE {
            let w = R::libm(super::Libm::Exp, z);
            return c(w.re - R::ONE, w.im);
        }
        if z.im == R::ZERO {
            // `+ 0`: expm1(-0 + 0j) is +0 + 0j (Annex G's cexp(-0 + 0j) - 1), not the real -0.
            return c(z.re.exp_m1() + R::ZERO, z.im);
        }
        let s = (z.im * R::HALF).sin();
        c(z.re.exp_m1() * z.im.cos() - (s + s) * s, z.re.exp() * z.im.sin())
    }

    /// `tanh`: the C library's, with the standard's `±1 + copysign(0, y)j` for `±inf + iy`
    /// and finite `y` (glibc gives the zero the sign of `sin(2y)`).
    #[inline]
    pub(crate) fn tanh<R: Part>(z: Complex<R>) -> Complex<R> {
        if z.re.is_infinite() && z.im.is_finite() {
            return c(R::ONE.copysign(z.re), R::ZERO.copysign(z.im));
        }
        R::libm(super::Libm::Tanh, z)
    }

    /// NumPy's `log1p`: `log|1+z| + i·arg(1+z)`.
    #[inline]
    pub(crate) fn log1p<R: Part>(z: Complex<R>) -> Complex<R> {
        let re = z.re + R::ONE;
        c(re.hypot(z.im).ln(), z.im.atan2(re))
    }

    /// `log(z)` scaled by `k` (`log2`, `log10`: NumPy's `clog(z) * log_b(e)`).
    #[inline]
    pub(crate) fn scaled_log<R: Part>(z: Complex<R>, k: R) -> Complex<R> {
        let l = R::libm(super::Libm::Log, z);
        c(l.re * k, l.im * k)
    }
}

use self::arith::c;

fn unsupported(op: &'static str, dtype: DType) -> Error {
    Error::UnsupportedDType { op, dtype, hint: String::new() }
}

/// `dst = op(src)` for a complex `dtype` (`dst` is `bool` for the predicates and the component
/// dtype for `abs`).
pub(crate) fn unary(op: UnaryOp, dtype: DType, src: View<'_>, dst: View<'_>) -> Result<()> {
    match dtype {
        DType::C64 => unary_in::<f32>(op, src, dst),
        DType::C128 => unary_in::<f64>(op, src, dst),
        _ => Err(unsupported(op.name(), dtype)),
    }
}

fn unary_in<R: Part>(op: UnaryOp, src: View<'_>, dst: View<'_>) -> Result<()>
where
    Complex<R>: Element,
{
    use UnaryOp::*;
    type C<R> = Complex<R>;
    macro_rules! heavy {
        ($f:expr) => {
            map1_grain(src, dst, CALL_GRAIN, $f)
        };
    }
    macro_rules! libm {
        ($f:ident) => {
            heavy!(|z: C<R>| R::libm(Libm::$f, z))
        };
    }
    match op {
        Negative => map1(src, dst, |z: C<R>| c(-z.re, -z.im)),
        Positive => map1(src, dst, |z: C<R>| z),
        Conj => map1(src, dst, |z: C<R>| c(z.re, -z.im)),
        Abs => map1(src, dst, |z: C<R>| R::magnitude(z.re, z.im)),
        Sign => map1(src, dst, arith::sign::<R>),
        Square => map1(src, dst, |z: C<R>| arith::mul(z, z)),
        Reciprocal => map1(src, dst, arith::recip::<R>),
        Round => map1(src, dst, |z: C<R>| c(z.re.round_ties_even(), z.im.round_ties_even())),
        IsNan => map1(src, dst, |z: C<R>| z.re.is_nan() || z.im.is_nan()),
        IsInf => map1(src, dst, |z: C<R>| z.re.is_infinite() || z.im.is_infinite()),
        IsFinite => map1(src, dst, |z: C<R>| z.re.is_finite() && z.im.is_finite()),
        LogicalNot => map1(src, dst, |z: C<R>| !arith::truthy(z)),
        Sqrt => libm!(Sqrt),
        Exp => libm!(Exp),
        Log => libm!(Log),
        Sin => libm!(Sin),
        Cos => libm!(Cos),
        Tan => libm!(Tan),
        Sinh => libm!(Sinh),
        Cosh => libm!(Cosh),
        Tanh => heavy!(arith::tanh::<R>),
        Asin => libm!(Asin),
        Acos => libm!(Acos),
        Atan => libm!(Atan),
        Asinh => libm!(Asinh),
        Acosh => libm!(Acosh),
        Atanh => libm!(Atanh),
        Expm1 => heavy!(arith::expm1::<R>),
        Log1p => heavy!(arith::log1p::<R>),
        Log2 => heavy!(|z: C<R>| arith::scaled_log(z, R::LOG2_E)),
        Log10 => heavy!(|z: C<R>| arith::scaled_log(z, R::LOG10_E)),
        Floor | Ceil | Trunc | Signbit | BitwiseInvert => return Err(unsupported(op.name(), R::DTYPE.complex_dtype())),
    }
    Ok(())
}

/// `dst = op(a, b)` for operands of the complex compute `dtype`.
pub(crate) fn binary(op: BinaryOp, dtype: DType, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) -> Result<()> {
    match dtype {
        DType::C64 => binary_in::<f32>(op, a, b, dst),
        DType::C128 => binary_in::<f64>(op, a, b, dst),
        _ => Err(unsupported(op.name(), dtype)),
    }
}

fn binary_in<R: Part>(op: BinaryOp, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) -> Result<()>
where
    Complex<R>: Element,
{
    use BinaryOp::*;
    type C<R> = Complex<R>;
    use arith::truthy;
    match op {
        Add => map2(a, b, dst, arith::add::<R>),
        Subtract => map2(a, b, dst, arith::sub::<R>),
        Multiply => map2(a, b, dst, arith::mul::<R>),
        Divide => map2(a, b, dst, arith::div::<R>),
        Pow => map2(a, b, dst, arith::pow::<R>),
        Equal => map2(a, b, dst, |x: C<R>, y: C<R>| x.re == y.re && x.im == y.im),
        NotEqual => map2(a, b, dst, |x: C<R>, y: C<R>| x.re != y.re || x.im != y.im),
        LogicalAnd => map2(a, b, dst, |x: C<R>, y: C<R>| truthy(x) & truthy(y)),
        LogicalOr => map2(a, b, dst, |x: C<R>, y: C<R>| truthy(x) | truthy(y)),
        LogicalXor => map2(a, b, dst, |x: C<R>, y: C<R>| truthy(x) ^ truthy(y)),
        _ => return Err(unsupported(op.name(), R::DTYPE.complex_dtype())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::arith::*;
    use super::*;

    #[test]
    fn libm_abi_and_special_values() {
        // cexp(inf + 0j) = inf + 0j (num_complex gives a NaN part); clog(-0) = -inf + πj.
        let e = f64::libm(Libm::Exp, c(f64::INFINITY, 0.0));
        assert_eq!((e.re, e.im), (f64::INFINITY, 0.0));
        let l = f32::libm(Libm::Log, c(-0.0f32, 0.0));
        assert_eq!((l.re, l.im), (f32::NEG_INFINITY, std::f32::consts::PI));
        let s = f64::libm(Libm::Sqrt, c(f64::NEG_INFINITY, 1.0));
        assert_eq!((s.re, s.im), (0.0, f64::INFINITY));
        let s = f32::libm(Libm::Sqrt, c(-4.0f32, 0.0));
        assert_eq!((s.re, s.im), (0.0, 2.0));
    }

    #[test]
    fn division_stays_accurate_near_the_thresholds() {
        let big = c(f64::MAX / 2.0, f64::MAX / 4.0);
        // |big|² overflows; Smith's quotient is 1 within an ulp (NumPy's bits).
        let q = div(big, big);
        assert!((q.re - 1.0).abs() <= f64::EPSILON && q.im == 0.0, "{q}");
        let tiny = c(1e-300, 1e-300);
        let q = div(c(1.0, 0.0), tiny);
        assert!((q.re - 5e299).abs() < 1e285 && (q.im + 5e299).abs() < 1e285);
        let q = div(c(1.0f32, 0.0), c(0.0, 0.0));
        assert!(q.re.is_infinite() && q.im.is_nan());
    }

    #[test]
    fn integer_powers_multiply() {
        assert_eq!(pow(c(1.0f64, 1.0), c(2.0, 0.0)), c(0.0, 2.0));
        assert_eq!(pow(c(0.0f64, 1.0), c(-4.0, 0.0)), c(1.0, 0.0));
        assert_eq!(pow(c(2.0f32, 0.0), c(10.0, 0.0)), c(1024.0, 0.0));
        assert_eq!(pow(c(0.0f64, 0.0), c(0.0, 0.0)), c(1.0, 0.0));
        assert!(pow(c(0.0f64, 0.0), c(-1.0, 0.0)).re.is_nan());
        assert_eq!(pow(c(-0.0f64, 0.0), c(1.0, 1.0)), c(0.0, 0.0));
    }
}
