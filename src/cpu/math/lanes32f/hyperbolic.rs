//! `sinh` and `cosh` of `f32` in `f32` lanes with fused multiply-adds (the FMA levels only).
//! `tanh` has its own method (`tanh.rs`).
//!
//! Method, on `a = |x|` (`sinh` puts the sign of `x` back by OR-ing it into the sign bit, so
//! `sinh(-x) = -sinh(x)` bit for bit, `-0` included); both branches are computed and one is
//! selected per lane:
//! - `a ≤ 1`: the Taylor series in `z = a²`, `sinh a = a + a z S(z)` and
//!   `cosh a = 1 + z C(z)`, with six terms each (truncation below `1/14! < 2^-36` relative).
//!   The rounded terms (`z`, the Horner sums) sit in the correction, at most a sixth of the
//!   result for `sinh` and 0.55 of it for `cosh` (whose correction rounds relative to a
//!   result at least 1), and the last step is one fused rounding.
//! - `a > 1`: `e^a = 2^n (S + L)` as an unevaluated pair ([`exp_pair`]), `1/(S + L)` by one
//!   division and a Newton step on the pair, and
//!   `(e^a ± e^-a)/2 = 2 (2^(n-2) (S + L) ± 2^(-n-2)/(S + L))` with one fused rounding
//!   before an exact doubling (so `2^(n-2)` stays finite for `a` up to the clamp 89.5, past
//!   which both are +∞). For `sinh` the subtracted term is at most 0.135 of the result
//!   (at `a = 1`), so the pair's errors are barely amplified.
//!
//! Measured on every `f32` input (2026-12-05, `vector_f32_exhaustive` at the AVX-512 and the
//! AVX2 level, the same counts on both, and a prototype's checker before it) against the C
//! library's `f64` function rounded to `f32`, the metric of `vector_tests.rs::check32`: no
//! result beyond 1 ulp; 3,178,758 (`sinh`) and 4,001,312 (`cosh`) results 1 ulp off, all others
//! bit-identical; ±0 and ±∞ exact.

use super::exp_log::{horner, pow2i, EXP_LN2_HI, EXP_LN2_LO, EXP_POLY, LOG2_E, SHIFTER, SHIFTER_BITS};

/// `1/(2k+1)!` for `k = 1..=6`: `(sinh a - a) / a³` in `z = a²`.
const SINH_TAYLOR: [f32; 6] = taylor(3);
/// `1/(2k)!` for `k = 1..=6`: `(cosh a - 1) / a²` in `z = a²`.
const COSH_TAYLOR: [f32; 6] = taylor(2);

/// `1/first!, 1/(first+2)!, …`: the factorial (exact in `f64`) rounded to `f32`, then an `f32`
/// division.
const fn taylor(first: u32) -> [f32; 6] {
    let mut c = [0.0; 6];
    let mut i = 0;
    while i < 6 {
        let mut fact = 1.0f64;
        let mut k = 2;
        while k <= first + 2 * i as u32 {
            fact *= k as f64;
            k += 1;
        }
        c[i] = 1.0 / fact as f32;
        i += 1;
    }
    c
}

/// Above this `|x|` both functions are +∞ in `f32` (`ln(2 f32::MAX) ≈ 89.42`); the clamp keeps
/// `n ≤ 129`, so `2^(n-2)` is finite.
const HYPER_A_MAX: f32 = 89.5;

/// `e^a` for `0 ≤ a ≤ 89.5` as `2^n (hi + lo)`, `|lo| ≤ ulp(hi)/2`, relative error far below
/// `2^-24`: [`super::exp_log::exp_lane`]'s reduction with `r = rh + rl` kept apart (`rh` is
/// exact), `1 + rh` split exactly, and the polynomial's small terms gathered in `lo`.
#[inline(always)]
fn exp_pair(a: f32) -> (f32, f32, i32) {
    let shifted = a.mul_add(LOG2_E, SHIFTER);
    let n = shifted - SHIFTER;
    let rh = (-n).mul_add(EXP_LN2_HI, a);
    let rl = -n * EXP_LN2_LO;
    let s = 1.0 + rh;
    let e = (1.0 - s) + rh; // exact: |rh| < 1
    let r = rh + rl;
    let lo = (r * r).mul_add(horner(r, &EXP_POLY), e + rl);
    // Renormalise (Fast2Sum, |s| > |lo|): the Newton step below needs |lo| ≤ ulp(hi)/2.
    let hi = s + lo;
    let lo = (s - hi) + lo;
    (hi, lo, (shifted.to_bits() as i32).wrapping_sub(SHIFTER_BITS))
}

/// `(e^a + e^-a)/2` or, with `MINUS`, `(e^a - e^-a)/2`, for `a > 1` (see the module docs).
#[inline(always)]
fn exp_halves<const MINUS: bool>(a: f32) -> f32 {
    // A select, so NaN is kept (NaN lanes go to the C library anyway).
    let a = if a > HYPER_A_MAX { HYPER_A_MAX } else { a };
    let (hi, lo, n) = exp_pair(a);
    let rc = 1.0 / hi;
    let residual = (-rc).mul_add(hi, 1.0) - rc * lo;
    let inv = rc.mul_add(residual, rc);
    // `2^(-n-2)` underflows to a subnormal or 0 for large `n`, where the term is negligible.
    let small = pow2i((-n - 2).max(-126)) * inv;
    let small = if MINUS { -small } else { small };
    let h = pow2i(n - 2);
    2.0 * h.mul_add(hi, h.mul_add(lo, small))
}

/// `sinh(x)` for every `f32` but NaN (see the module docs).
#[inline(always)]
pub(crate) fn sinh_lane(x: f32) -> f32 {
    let a = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    let z = a * a;
    let series = (a * z).mul_add(horner(z, &SINH_TAYLOR), a);
    let v = if a <= 1.0 { series } else { exp_halves::<true>(a) };
    f32::from_bits(v.to_bits() | (x.to_bits() & 0x8000_0000))
}

/// `cosh(x)` for every `f32` but NaN (see the module docs).
#[inline(always)]
pub(crate) fn cosh_lane(x: f32) -> f32 {
    let a = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    let z = a * a;
    let series = z.mul_add(horner(z, &COSH_TAYLOR), 1.0);
    if a <= 1.0 {
        series
    } else {
        exp_halves::<false>(a)
    }
}

/// Lanes [`sinh_lane`] and [`cosh_lane`] leave to the C library: NaN (the C library keeps its
/// sign and payload, as NumPy does; the lanes would not always).
#[inline(always)]
pub(crate) fn hyperbolic_exceptional(x: f32) -> bool {
    x.is_nan()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taylor_coefficients() {
        assert_eq!(SINH_TAYLOR[0], 1.0 / 6.0);
        assert_eq!(SINH_TAYLOR[1], 1.0 / 120.0);
        assert_eq!(COSH_TAYLOR[0], 0.5);
        assert_eq!(COSH_TAYLOR[5], 1.0 / 479_001_600.0f32);
    }

    #[test]
    fn special_values() {
        for x in [0.0f32, -0.0, f32::from_bits(1), -f32::from_bits(1)] {
            assert_eq!(sinh_lane(x).to_bits(), x.to_bits(), "sinh({x:e})");
            assert_eq!(cosh_lane(x), 1.0, "cosh({x:e})");
        }
        for x in [f32::INFINITY, 89.5, f32::MAX] {
            assert_eq!(sinh_lane(x), f32::INFINITY);
            assert_eq!(sinh_lane(-x), f32::NEG_INFINITY);
            assert_eq!(cosh_lane(-x), f32::INFINITY);
        }
        // Finite just below the overflow threshold, where e^a alone would overflow.
        assert!(cosh_lane(89.0).is_finite() && sinh_lane(89.0).is_finite());
    }
}
