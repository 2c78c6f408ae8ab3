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
    let small = (t * z).mul_add(horner(z, &ATAN_TAYLOR), lo);
    // Fast2Sum: s + e = hi + t exactly.
    let s = hi + t;
    let e = (hi - s) + t;
    let v = s + (e + small);
    f32::from_bits(v.to_bits() | (x.to_bits() & 0x8000_0000))
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
}
