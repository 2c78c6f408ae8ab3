//! `expm1` and `log1p` of `f32` in `f32` lanes with fused multiply-adds, built on the
//! reductions of [`super::exp_log`]: for the FMA levels only, like the rest of `lanes32f`.
//!
//! Measured on every `f32` input (2026-12-05, `vector_f32_exhaustive` at the AVX-512 and the
//! AVX2 level, the same counts on both, and a prototype's checker before it) against the C
//! library's `f64` function rounded to `f32`, the metric of `vector_tests.rs::check32`: no
//! result beyond 1 ulp; 11,901,218 (`expm1`) and 10,824,494 (`log1p`) results 1 ulp off, all
//! others bit-identical; ±0, ±∞ and -1 exact.

use super::exp_log::{horner, ln_plus, pow2i, reduce_ln2, EXP_POLY};

/// `expm1` is -1 in `f32` below this (`e^-18 < 2^-25`, half an ulp of 1 from below); the
/// clamp keeps `n ≥ -26`, so `2^(n-1)` is a normal number.
const EXPM1_X_MIN: f32 = -18.0;
/// Above `ln(f32::MAX) ≈ 88.72` the result is +∞; the clamp keeps `n ≤ 128`.
const EXPM1_X_MAX: f32 = 88.8;

/// `e^x - 1` for every `f32` but NaN (see [`expm1_exceptional`]).
///
/// Method: `x` clamped to `[-18, 88.8]`; `x = n ln2 + r` exactly as in
/// [`super::exp_log::exp_lane`] (`|r| ≤ 0.3475`, the reduction's first step exact);
/// `p = e^r - 1 = r + r² P(r)` with `exp_lane`'s polynomial `P`, one fused rounding.
/// - `n = 0` (`|x| < 0.347`): the result is `p`, with `r = x` exact. The terms rounded before
///   the last step (`r²`, the Horner sums) sit in `r² P`, at most a fifth of `|p|`, and the
///   polynomial's own error is `2^-30.3`: about 0.25 ulp before the final rounding, so the
///   result is within 1 ulp of the correctly rounded one. Tiny and subnormal `x` give `x`.
/// - `n ≠ 0`: `e^x - 1 = 2^n p + (2^n - 1) = 2 (h p + (h - 1/2))` with `h = 2^(n-1)`, one fused
///   multiply-add, then an exact doubling (which overflows to +∞ exactly when the result
///   does). `h - 1/2` is exact for `-24 ≤ n ≤ 24`. Outside: for `n ≥ 25` it is off by at most
///   1/2, under half an ulp of a result above `2^24`; for `n ≤ -25` the result is within
///   `2^-24.5` of -1, and dropping `2^n` moves it by at most 1 ulp.
///
/// `±0` return themselves (the reduction would lose the sign of `-0`).
#[inline(always)]
pub(crate) fn expm1_lane(x: f32) -> f32 {
    // `clamp` keeps NaN; NaN lanes are recomputed by the C library anyway.
    let (r, ni) = reduce_ln2(x.clamp(EXPM1_X_MIN, EXPM1_X_MAX));
    let p = (r * r).mul_add(horner(r, &EXP_POLY), r);
    let h = pow2i(ni - 1);
    let scaled = 2.0 * h.mul_add(p, h - 0.5);
    let v = if ni == 0 { p } else { scaled };
    if x == 0.0 {
        x
    } else {
        v
    }
}

/// Lanes [`expm1_lane`] leaves to the C library: NaN (whose sign and payload the C library
/// keeps, as NumPy does).
#[inline(always)]
pub(crate) fn expm1_exceptional(x: f32) -> bool {
    x.is_nan()
}

/// `ln(1 + x)` for `x` in `(-1, +∞)`, other lanes are [`log1p_exceptional`].
///
/// Method: `u = 1 + x` rounded, and its rounding error `d = (1 + x) - u` exactly (Fast2Sum
/// with the larger operand first: `x - (u - 1)` for `|x| ≤ 1`, `1 - (u - x)` above). Then
/// `ln(1 + x) = ln(u) + ln(1 + d/u)`, and `ln(1 + d/u) = d/u` to far below an ulp
/// (`|d/u| ≤ 2^-24`). `ln(u)` is [`super::exp_log::log_lane`]'s method with `d/u` added to
/// its small terms ([`ln_plus`]), so the correction costs no rounding of its own: the error
/// budget is `log_lane`'s (about 0.6 ulp) plus the rounding of `d/u` (relative `2^-24` of a
/// term below an ulp). For `|x| < 2^-25`, `u = 1`, `ln u = 0` and the result is `d = x`
/// itself, subnormals included. `u` is never below `2^-24` (for `x > -1`), so `ln_plus`
/// always sees a positive normal number.
///
/// `±0` return themselves (`ln(1) + (-0)` would round to `+0`).
#[inline(always)]
pub(crate) fn log1p_lane(x: f32) -> f32 {
    let u = 1.0 + x;
    let d = if x.abs() > 1.0 { 1.0 - (u - x) } else { x - (u - 1.0) };
    let v = ln_plus(u, d / u);
    if x == 0.0 {
        x
    } else {
        v
    }
}

/// Lanes for the scalar `f32::ln_1p`: `x ≤ -1` (-∞ at -1, NaN below), +∞ and NaN.
#[inline(always)]
pub(crate) fn log1p_exceptional(x: f32) -> bool {
    !(x > -1.0 && x < f32::INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values() {
        for (x, want) in [
            (0.0f32, 0.0f32),
            (-0.0, -0.0),
            (f32::INFINITY, f32::INFINITY),
            (f32::NEG_INFINITY, -1.0),
            (-18.0, -1.0),
            (88.8, f32::INFINITY),
            (f32::MAX, f32::INFINITY),
            (f32::from_bits(1), f32::from_bits(1)),
        ] {
            assert_eq!(expm1_lane(x).to_bits(), want.to_bits(), "expm1({x:e})");
        }
        for (x, want) in [(0.0f32, 0.0f32), (-0.0, -0.0), (f32::from_bits(1), f32::from_bits(1)), (1e-30, 1e-30)] {
            assert_eq!(log1p_lane(x).to_bits(), want.to_bits(), "log1p({x:e})");
        }
        for x in [-1.0, -2.0, f32::NEG_INFINITY, f32::INFINITY, f32::NAN] {
            assert!(log1p_exceptional(x), "{x:e}");
        }
        assert!(!log1p_exceptional(-0.99999994) && !log1p_exceptional(f32::MAX));
    }
}
