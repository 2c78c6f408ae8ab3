//! Lane functions of two arguments for [`super::vector_binary`].
//!
//! `f32` pairs are widened to `f64` and evaluated with a relative error far below an `f32` ulp,
//! then rounded once, as in [`super::lanes32`]:
//! - `pow`: `exp(y ln|x|)` with the `f64` cores of [`super::lanes32`] (`ln` within `2^-33`
//!   relative, `exp` within `2^-37`). The product's error is at most `2^-33 |y ln x|`; it
//!   matters only where the `f32` result is finite and nonzero (`|y ln x| < 104`), so the
//!   result's relative error stays below `2^-26.3`, a fifth of an `f32` ulp, before its one
//!   rounding: within 0.7 ulp of the exact value. (The full-precision `f64` lanes of
//!   [`super::lanes64`] cost twice as much for bits the rounding drops.) A negative base with
//!   an integer exponent gives `±|x|^y` by the exponent's parity.
//! - `atan2`: `atan` of the quotient of magnitudes (one rounding in `f64`), placed in its
//!   quadrant; the `f64` arctangent core of `lanes32` (relative error below `2^-36`). The SSE2
//!   baseline only: the FMA levels take [`lanes32f::atan2_lane`], in `f32` lanes.
//! - `hypot`: `√(x² + y²)`; `x²` and `y²` are exact in `f64` and the sum cannot overflow.
//! - `logaddexp`: `max + ln(1 + e^-|x-y|)` on the `f64` lanes, NumPy's formula.
//!
//! `f64` `hypot` scales by a power of two, takes the sum of squares as an exact pair with fused
//! multiply-adds, and corrects the square root by the pair's remainder: one rounding of full
//! size, so within 1 ulp (the FMA levels only).

use super::lanes32::{atan_core, exp_core, ln_core};
use super::lanes32f;
use super::lanes64::{exp64, log1p64};
use super::lanes64_binary::{is_integer, is_odd};
use super::vector::Fma;
use super::vector_binary::Kernel2;
use super::Real;

/// Declares a [`Kernel2`] from its lane, exceptional test and scalar function.
macro_rules! kernel2 {
    ($name:ident, $t:ty, $doc:literal, |$x:ident, $y:ident| $lane:expr, |$ex:ident, $ey:ident| $exceptional:expr, $scalar:expr) => {
        #[doc = $doc]
        pub(crate) struct $name;
        impl Kernel2<$t> for $name {
            #[inline(always)]
            fn lane<M: Fma>($x: $t, $y: $t) -> $t {
                $lane
            }
            #[inline(always)]
            fn exceptional($ex: $t, $ey: $t) -> bool {
                $exceptional
            }
            #[inline(always)]
            fn scalar(x: $t, y: $t) -> $t {
                $scalar(x, y)
            }
        }
    };
}

/// `|y ln x|` beyond which every `f32` power is 0 or ∞ (`e^±200` is far outside the `f32`
/// range); the clamp keeps [`exp64`] inside its domain.
const POW_CLAMP: f64 = 200.0;

/// `|x|^y` with the sign of `x` when `y` is an odd integer, for finite nonzero `x` and finite
/// `y`, and integer `y` when `x < 0`.
#[inline(always)]
fn pow32_lane<M: Fma>(x: f32, y: f32) -> f32 {
    let (xd, yd) = (f64::from(x), f64::from(y));
    let p = (yd * ln_core::<M>(xd.abs())).clamp(-POW_CLAMP, POW_CLAMP);
    let v = exp_core::<M>(p);
    let negate = xd < 0.0 && is_odd(yd);
    (if negate { -v } else { v }) as f32
}

kernel2!(
    Pow32,
    f32,
    "`x ** y` for `f32` ([`pow32_lane`]); zeros, infinities, NaN and negative bases with a \
     non-integer exponent go to `powf`.",
    |x, y| pow32_lane::<M>(x, y),
    |x, y| !(x.is_finite() && y.is_finite() && x != 0.0) || (x < 0.0 && !is_integer(f64::from(y))),
    f32::powf
);

/// `atan2(x, y)` for `f32` pairs not both zero and both finite: `atan(|x|/|y|)` in `[0, π/2]`
/// (the quotient may be +∞, whose arctangent is `π/2`), reflected to `π - v` when `y` is
/// negative (its sign bit: `-0` included), then given the sign of `x`.
#[inline(always)]
fn atan2_32_lane<M: Fma>(x: f32, y: f32) -> f32 {
    let (a, b) = (f64::from(x).abs(), f64::from(y).abs());
    let v = atan_core::<M>(a / b);
    let v = if y.is_sign_negative() { std::f64::consts::PI - v } else { v };
    v.copysign(f64::from(x)) as f32
}

kernel2!(
    Atan2_32,
    f32,
    "`atan2(x, y)` for `f32` ([`atan2_32_lane`]); two zeros, infinities and NaN go to `atan2`.",
    |x, y| atan2_32_lane::<M>(x, y),
    |x, y| !(x.is_finite() && y.is_finite()) || (x == 0.0 && y == 0.0),
    f32::atan2
);

kernel2!(
    Atan2F32,
    f32,
    "`atan2(x, y)` in `f32` lanes ([`lanes32f::atan2_lane`], the FMA levels); two zeros, \
     infinities and NaN go to `atan2`.",
    |x, y| lanes32f::atan2_lane(x, y),
    |x, y| lanes32f::atan2_exceptional(x, y),
    f32::atan2
);

kernel2!(
    Hypot32,
    f32,
    "`hypot` for finite `f32` pairs: `√(x² + y²)` in `f64` (exact squares, one rounding of the \
     sum); infinities and NaN go to `hypot`.",
    |x, y| {
        let (xd, yd) = (f64::from(x), f64::from(y));
        M::fma(xd, xd, yd * yd).sqrt() as f32
    },
    |x, y| !(x.is_finite() && y.is_finite()),
    f32::hypot
);

/// `e^-|d|` below this adds nothing to `ln(1 + ·)` at `f64` precision; the clamp keeps
/// [`exp64`] in its domain.
const LOGADDEXP_FLOOR: f64 = -700.0;

kernel2!(
    Logaddexp32,
    f32,
    "`logaddexp` for finite `f32` pairs: `max + ln(1 + e^-|x-y|)` in `f64`; infinities and NaN \
     go to the scalar formula.",
    |x, y| {
        let (xd, yd) = (f64::from(x), f64::from(y));
        let d = (-(xd - yd).abs()).max(LOGADDEXP_FLOOR);
        (xd.max(yd) + log1p64::<M>(exp64::<M>(d))) as f32
    },
    |x, y| !(x.is_finite() && y.is_finite()),
    Real::logaddexp
);

/// `2^1000` and `2^-1000`: `f64` `hypot`'s lane range (for the larger magnitude), inside which
/// scaling by a power of two is exact both ways.
const HYPOT_BIG: f64 = f64::from_bits((1023 + 1000) << 52);
const HYPOT_SMALL: f64 = f64::from_bits((1023 - 1000) << 52);

/// `√(x² + y²)` for `f64` with the larger magnitude in `[2^-1000, 2^1000]`, fused
/// multiply-adds required: with `h ≥ l` the magnitudes scaled by `2^-e` (`h` into `[1, 2)`),
/// `h² + l² = s + t` exactly enough (the products' errors by FMA, the sum's by Fast2Sum), and
/// `√(s + t) ≈ r + (s - r² + t) / 2r` with `r = √s` and `s - r²` exact by FMA.
#[inline(always)]
fn hypot64_lane<M: Fma>(x: f64, y: f64) -> f64 {
    let (a, b) = (x.abs(), y.abs());
    let (h, l) = (a.max(b), a.min(b));
    // 2^-e and 2^e for e = the exponent of h (|e| ≤ 1000, so both are normal).
    let biased = h.to_bits() >> 52;
    // Wrapping: lanes with an infinite or NaN `h` (exponent 2047, recomputed by the C library)
    // pass through here too.
    let down = f64::from_bits(2046u64.wrapping_sub(biased) << 52);
    let up = f64::from_bits(biased << 52);
    let (hs, ls) = (h * down, l * down);
    let (h2, l2) = (hs * hs, ls * ls);
    let (e1, e2) = (M::fma(hs, hs, -h2), M::fma(ls, ls, -l2));
    let s = h2 + l2;
    let e3 = (h2 - s) + l2; // Fast2Sum: h2 ≥ l2
    let t = e1 + e2 + e3;
    let r = s.sqrt();
    let corr = (M::fma(-r, r, s) + t) / (2.0 * r);
    (r + corr) * up
}

kernel2!(
    Hypot64,
    f64,
    "`hypot` for `f64` ([`hypot64_lane`]); magnitudes beyond `2^±1000`, infinities and NaN go \
     to `hypot`.",
    |x, y| hypot64_lane::<M>(x, y),
    |x, y| {
        let h = x.abs().max(y.abs());
        !(HYPOT_SMALL..=HYPOT_BIG).contains(&h) || x.is_nan() || y.is_nan()
    },
    f64::hypot
);
