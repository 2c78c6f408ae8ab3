//! `atan` of `f32` in `f32` lanes with fused multiply-adds (the FMA levels only).
//!
//! Method, on `a = |x|` (the sign of `x` is OR-ed back in at the end, so `atan(-x) = -atan(x)`
//! bit for bit, `-0` included): `atan a = atan c + atan t` with `t = (a - c)/(1 + a c)`, the
//! breakpoint `c` chosen per lane by comparisons (selects, no branches) so that `|t| ≤ 7/16`:
//!
//! | `a` in | `c` | `t` |
//! |---|---|---|
//! | `[0, 7/16)` | 0 | `a` |
//! | `[7/16, 11/16)` | 1/2 | `(2a - 1)/(2 + a)` |
//! | `[11/16, 19/16)` | 1 | `(a - 1)/(a + 1)` |
//! | `[19/16, 39/16)` | 3/2 | `(a - 3/2)/(1 + 3a/2)` |
//! | `[39/16, ∞]` | ∞ | `-1/a` |
//!
//! The numerators are exact (Sterbenz: `a` lies within a factor of two of the subtracted
//! constant); the denominator and the quotient round, so `t` is within `2^-24` relative, which
//! moves `atan t` by `|t|·2^-24`, at most 0.35 ulp of the result (`|t|/atan(a)` is largest,
//! 0.35, at `a = 39/16`). `atan t = t + t³ P(t²)` with the Taylor series to `t^19`
//! (truncation below `2^-26` relative for `|t| ≤ 7/16`). `atan c` is an `f32` pair `hi + lo`,
//! and `hi + t` is added by Fast2Sum (`|hi| > |t|` whenever `hi ≠ 0`), so the only rounding of
//! full size is the last addition. `atan(±∞) = ±π/2` rounded, in the lane.
//!
//! Measured on every `f32` input (2026-12-05, `vector_f32_exhaustive` at the AVX-512 and the
//! AVX2 level, the same counts on both) against the C library's `f64` function rounded to
//! `f32`, the metric of `vector_tests.rs::check32`: no result beyond 1 ulp, 3,635,818 results
//! 1 ulp off, ±0 and ±π/2 exact.

use super::exp_log::horner;
use super::{PI_HI, PI_LO};

/// `atan c` for `c` = 1/2, 1, 3/2 and ∞, rounded to `f64` (the first and third from mpmath at
/// 200 bits).
const ATAN_C: [f64; 4] =
    [0.4636476090008061, std::f64::consts::FRAC_PI_4, 0.982793723247329, std::f64::consts::FRAC_PI_2];
/// `atan c` as the nearest `f32` ...
const HI: [f32; 4] = [ATAN_C[0] as f32, ATAN_C[1] as f32, ATAN_C[2] as f32, ATAN_C[3] as f32];
/// ... and the rest, rounded to `f32`.
const LO: [f32; 4] = [
    (ATAN_C[0] - HI[0] as f64) as f32,
    (ATAN_C[1] - HI[1] as f64) as f32,
    (ATAN_C[2] - HI[2] as f64) as f32,
    (ATAN_C[3] - HI[3] as f64) as f32,
];

/// `(atan t - t) / t³ = Σ (-1)^j t^(2j-2) / (2j + 1)`, `j = 1..=9`, in `z = t²`.
const ATAN_TAYLOR: [f32; 9] = {
    let mut c = [0.0f32; 9];
    let mut j = 0;
    while j < 9 {
        let sign = if j % 2 == 0 { -1.0 } else { 1.0 };
        c[j] = sign / (2 * j + 3) as f32;
        j += 1;
    }
    c
};

/// `atan(x)` for every `f32` but NaN (see the module docs).
#[inline(always)]
pub(crate) fn atan_lane(x: f32) -> f32 {
    let a = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    // `e + (-0.0)` is `e` for every `e`, signed zeros included: no correction.
    let (s, rest) = atan_parts(a, -0.0);
    f32::from_bits((s + rest).to_bits() | (x.to_bits() & 0x8000_0000))
}

/// `atan(a + δ)` for `a ≥ 0` (`+∞` included) and a correction `δ/(1 + a²) = corr` far below an
/// ulp of `a`, as an unevaluated sum `s + rest` (`|rest|` below an ulp of `s`): the module's
/// method with `corr` added to the small terms, so that it costs no rounding of its own.
/// [`atan2_lane`] passes the rounding error of its quotient this way.
#[inline(always)]
fn atan_parts(a: f32, corr: f32) -> (f32, f32) {
    let (num, den, hi, lo) = if a < 0.4375 {
        (a, 1.0, 0.0, 0.0)
    } else if a < 0.6875 {
        (a.mul_add(2.0, -1.0), a + 2.0, HI[0], LO[0])
    } else if a < 1.1875 {
        (a - 1.0, a + 1.0, HI[1], LO[1])
    } else if a < 2.4375 {
        (a - 1.5, a.mul_add(1.5, 1.0), HI[2], LO[2])
    } else {
        (-1.0, a, HI[3], LO[3])
    };
    let t = num / den;
    let z = t * t;
    let small = (t * z).mul_add(horner(z, &ATAN_TAYLOR), lo + corr);
    // Fast2Sum: s + e = hi + t exactly.
    let s = hi + t;
    let e = (hi - s) + t;
    (s, e + small)
}

/// Quotients from which the correction of [`atan2_lane`] is dropped: there `δ/(1 + q²)` is
/// below `2^-48`, far under an ulp of the result (near π/2), and for an infinite quotient it
/// would be NaN.
const ATAN2_CORRECTED_BELOW: f32 = 16_777_216.0;

/// `|x|` below which [`atan2_lane`] scales both magnitudes by [`ATAN2_SCALE`] (`2^-100`).
const ATAN2_SCALED_BELOW: f32 = f32::from_bits((127 - 100) << 23);
/// `2^64`.
const ATAN2_SCALE: f32 = f32::from_bits((127 + 64) << 23);

/// `atan2(x, y)` (the angle of the point `(y, x)`) for finite `x`, `y`, not both zero.
///
/// Method: `q = |x|/|y|` rounded, and the exact quotient is `q + δ` with `δ = r/|y|`, where the
/// remainder `r = |x| - q|y|` is exact by one fused step (tiny magnitudes are first scaled by
/// `2^64`, so that it cannot underflow). `atan(q + δ) = atan q + δ/(1 + q²)` to far below
/// an ulp (`δ` is at most half an ulp of `q`), so the quotient's rounding costs nothing: the
/// correction joins the small terms of [`atan_parts`], whose value before its last rounding
/// is within 0.4 ulp of `atan q` (the module's analysis). A negative `y` (its sign bit: `-0`
/// included) reflects the angle to `π - v`, with π as a pair and `π_hi - s` exact by Fast2Sum
/// (`π_hi > π/2 ≥ s`), so that again only the last addition rounds at full size; the sign of
/// `x` is OR-ed in at the end. An infinite quotient (`y = 0`, or overflow) gives `π/2` in the
/// lane. Within 1 ulp: dense random pairs per breakpoint interval and exponent range in
/// `vector_binary_tests.rs`.
#[inline(always)]
pub(crate) fn atan2_lane(x: f32, y: f32) -> f32 {
    let a = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    let b = f32::from_bits(y.to_bits() & 0x7fff_ffff);
    // Near the subnormals the remainder would round (by up to 2^-150, a whole ulp of the
    // quotient when |x| is near 2^-127): scaling both by 2^64 keeps it exact. Not where `b`
    // would overflow (an infinite `b` would make the remainder `0·∞`); there the quotient is
    // below 2^-160, where `r = |x|` is exact.
    let scale = if a < ATAN2_SCALED_BELOW && b < ATAN2_SCALE { ATAN2_SCALE } else { 1.0 };
    let (a, b) = (a * scale, b * scale);
    let q = a / b;
    let r = (-q).mul_add(b, a);
    let corr = (r / b) / q.mul_add(q, 1.0);
    // A select, not a branch: the NaN of an infinite quotient's correction is dropped here.
    let corr = if q < ATAN2_CORRECTED_BELOW { corr } else { 0.0 };
    let (s, rest) = atan_parts(q, corr);
    let direct = s + rest;
    // Fast2Sum: s2 + e2 = π_hi - s exactly.
    let s2 = PI_HI - s;
    let e2 = (PI_HI - s2) - s;
    let reflected = s2 + (e2 + (PI_LO - rest));
    let v = if y.is_sign_negative() { reflected } else { direct };
    f32::from_bits(v.to_bits() | (x.to_bits() & 0x8000_0000))
}

/// Pairs [`atan2_lane`] leaves to the C library: infinities, NaN and two zeros.
#[inline(always)]
pub(crate) fn atan2_exceptional(x: f32, y: f32) -> bool {
    !(x.is_finite() && y.is_finite()) || (x == 0.0 && y == 0.0)
}

/// Lanes [`atan_lane`] leaves to the C library: NaN (whose sign and payload it keeps).
#[inline(always)]
pub(crate) fn atan_exceptional(x: f32) -> bool {
    x.is_nan()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(ATAN_TAYLOR[0], -1.0 / 3.0);
        assert_eq!(ATAN_TAYLOR[8], -1.0 / 19.0);
        assert_eq!(HI[1], std::f32::consts::FRAC_PI_4);
        assert_eq!(HI[3], std::f32::consts::FRAC_PI_2);
        assert_eq!(HI[2].to_bits(), 0x3f7b_985f);
    }

    #[test]
    fn special_values() {
        for x in [0.0f32, -0.0, f32::from_bits(1), -1e-30] {
            assert_eq!(atan_lane(x).to_bits(), x.to_bits(), "atan({x:e})");
        }
        assert_eq!(atan_lane(f32::INFINITY), std::f32::consts::FRAC_PI_2);
        assert_eq!(atan_lane(f32::NEG_INFINITY), -std::f32::consts::FRAC_PI_2);
        assert_eq!(atan_lane(1.0), std::f32::consts::FRAC_PI_4);
    }

    #[test]
    fn atan2_quadrants_and_axes() {
        let big = f32::MAX;
        let tiny = f32::from_bits(1);
        let cases = [
            (1.0f32, 1.0f32),
            (-1.0, 1.0),
            (1.0, -1.0),
            (-1.0, -1.0),
            (0.0, 1.0),
            (-0.0, 1.0),
            (0.0, -1.0),
            (-0.0, -1.0),
            (1.0, 0.0),
            (-1.0, -0.0),
            (big, tiny),
            (tiny, -big),
            (tiny, 3.0),
            (-3.0, -big),
            (-0.0, -4.5e32),
            (1e-39, 3e-38),
        ];
        for (x, y) in cases {
            let want = f64::from(x).atan2(f64::from(y)) as f32;
            assert_eq!(atan2_lane(x, y).to_bits(), want.to_bits(), "atan2({x:e}, {y:e})");
        }
    }
}
