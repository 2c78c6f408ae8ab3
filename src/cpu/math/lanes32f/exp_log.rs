//! `exp` and `ln` for `f32`, evaluated in `f32` lanes (16 per AVX-512 vector, 8 per AVX2
//! vector): branch-free, no tables, no integer division and no library calls, so a loop over a
//! slice vectorises. Meant for the FMA levels only: every `mul_add` must be one fused
//! instruction (the error analysis relies on single roundings and on the exactness of fused
//! steps).
//!
//! Accuracy contract (checked for every `f32` input on both the AVX-512 and the AVX2 loops
//! by the exhaustive checker in the prototype crate `/work/proto/explog`): within 1 ulp of the
//! C library's `f64` function rounded to `f32`, with identical bits where that reference is ±0
//! or ±∞. Both functions keep their total error below 1 ulp of the exact value (analyses
//! below), so they agree with the (nearly always correctly rounded) reference or differ from
//! it by one ulp.
//!
//! Coefficients: derived for this file with mpmath (40-50 digits) and NumPy, not taken from
//! any library: `exp` by Chebyshev interpolation (`fit.py` in the prototype crate
//! `/work/proto/explog`), `ln` by a weighted minimax fit (`fitlog.py`); see each table. The
//! quoted polynomial errors are measured on fine grids with the coefficients rounded to `f32`.

/// `1.5 · 2^23`: adding it rounds an `f32` of magnitude below `2^22` to an integer, which then
/// sits in the low bits of the sum's significand: a round-to-nearest-even that also hands over
/// the integer without a conversion instruction.
pub(super) const SHIFTER: f32 = 12_582_912.0;
/// Bits of [`SHIFTER`]: subtracting them from the bits of `x + SHIFTER` leaves the integer.
pub(super) const SHIFTER_BITS: i32 = 0x4b40_0000;

/// `1/ln 2` rounded to `f32`.
pub(super) const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// `ln 2` rounded to `f32` (`0x3f317218`): for `exp`, `x - n·EXP_LN2_HI` in one fused step is
/// exact (see [`exp_lane`]).
pub(super) const EXP_LN2_HI: f32 = std::f32::consts::LN_2;
/// `ln 2 - EXP_LN2_HI`, rounded to `f32` (about `-1.9e-9`).
pub(super) const EXP_LN2_LO: f32 = (std::f64::consts::LN_2 - EXP_LN2_HI as f64) as f32;

/// `(e^r - 1 - r) / r²` ≈ `Σ EXP_POLY[j] r^j` on `|r| ≤ 0.3475` (Chebyshev interpolation of
/// degree 5, 6 nodes, coefficients rounded to `f32`). With the exact `1 + r` in front, the
/// degree-7 polynomial for `e^r` has relative error below `7.4e-10 ≈ 2^-30.3`.
pub(super) const EXP_POLY: [f32; 6] =
    [0.5, 0.166_666_67, 0.041_666_463, 0.008_333_310_5, 0.001_393_388_1, 0.000_198_912_47];

/// Clamp bounds for `exp`'s argument: below -104 the result is 0 (`e^-104 < 2^-150`, half the
/// smallest subnormal), above 89 it is +∞ (`e^88.73 > f32::MAX`); the clamp keeps `n` within
/// `[-150, 128]`, where the two-step scaling below is exact up to its one final rounding.
const EXP_X_MIN: f32 = -104.0;
const EXP_X_MAX: f32 = 89.0;

/// `c[0] + x (c[1] + x (c[2] + ...))`, unrolled, fused steps.
#[inline(always)]
pub(super) fn horner<const N: usize>(x: f32, c: &[f32; N]) -> f32 {
    let mut p = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        p = p.mul_add(x, c[i]);
    }
    p
}

/// `2^e` for `e` in `[-126, 127]`, built from exponent bits.
#[inline(always)]
pub(super) fn pow2i(e: i32) -> f32 {
    f32::from_bits(((e + 127) << 23) as u32)
}

/// `e^x` for every `f32`, all in-lane: NaN stays NaN, `-∞ → +0`, `+∞ → +∞`, overflow gives
/// +∞ and underflow gives the subnormal (rounded once) or +0.
///
/// Method: `x` clamped to `[-104, 89]`; `n = round(x · log2 e)` by the shifter trick;
/// `r = x - n ln2` in two fused steps; `e^r = 1 + r + r² P(r)` with `P` from [`EXP_POLY`];
/// `e^x = (e^r · 2^n1) · 2^n2`, `n1 = n >> 1`, `n2 = n - n1`.
///
/// Error analysis (relative, `u = 2^-24`):
/// - `n` may be off by one from `round(x/ln2)` near midpoints (rounded `LOG2_E`, fused
///   rounding), so `|r| ≤ ln2/2 + 2^-17 < 0.3475`, the fitted interval.
/// - `r_hi = x - n·EXP_LN2_HI` is exact: if `n ≠ 0` then `|x| > 0.34`, so `x` is a multiple
///   of `2^-25`, and so is `n·EXP_LN2_HI` (a multiple of `2^-24`); the exact difference is a
///   multiple of `2^-25` below `1/2` in magnitude: at most 24 significant bits. The fused
///   multiply-add computes it exactly.
/// - `r = r_hi - n·EXP_LN2_LO` rounds once: `|Δr| ≤ u/2 · |r| + 150·2^-53`, which changes
///   `e^r` relatively by at most `0.35 · u/2 ≈ 0.17 u` (plus a negligible constant part).
/// - polynomial: `2^-30.3 ≈ 0.016 u`; Horner roundings: the partial sums of `P` are
///   relative-`u/2` each but are multiplied by `r²` (`≤ 0.121`), so their effect on `e^r` is
///   below `0.05 u`; `1 + r P` rounds once (`u/2` relative, times `|r| ≤ 0.35` in the result:
///   `0.17 u`); the final fused `(1 + r P)·r + 1` rounds once (`u/2` of a value in
///   `[0.70, 1.42]`).
/// - scaling: `e^r · 2^n1` is exact (a normal `f32`, `n1 ≥ -75`), and the multiplication by
///   `2^n2` is the single rounding into the subnormal range (or to +∞), as the reference's.
///
/// So the value before the last rounding is within about `0.4 u` relative of `e^x` (below
/// 0.6 ulp even where the result is just above a power of two), plus the final rounding:
/// under 1 ulp in total, hence at most 1 ulp from the correctly rounded reference.
/// Exhaustively (every `f32`, AVX-512 and AVX2 loops, bit-identical to each other): no result
/// beyond 1 ulp, 10,101,329 results 1 ulp off the reference, all ±0/±∞ bits exact.
#[inline(always)]
pub(crate) fn exp_lane(x: f32) -> f32 {
    // `clamp` keeps NaN (its comparisons are false), which then flows through the arithmetic.
    let (r, ni) = reduce_ln2(x.clamp(EXP_X_MIN, EXP_X_MAX));
    // e^r = 1 + r (1 + r P(r)): the last step is one fused rounding of a value near 1.
    let p = horner(r, &EXP_POLY).mul_add(r, 1.0);
    let p = p.mul_add(r, 1.0);
    // `n` in [-150, 128]: split it so that both factors are normal powers of two.
    let n1 = ni >> 1;
    let n2 = ni - n1;
    p * pow2i(n1) * pow2i(n2)
}

/// [`exp_lane_in_range`]'s domain: `|x| ≤ 86`, so `|n| ≤ 125` (`86 · log2 e < 124.1`, and `n`
/// is at most one off its nearest integer). `e^x` is then a normal `f32` far from overflow.
const EXP_IN_RANGE_MAX: f32 = 86.0;

/// Whether `x` is in [`exp_lane_in_range`]'s domain (false for NaN).
#[inline(always)]
pub(crate) fn exp_in_range(x: f32) -> bool {
    x.abs() <= EXP_IN_RANGE_MAX
}

/// [`exp_lane`] for `|x| ≤ 86` ([`exp_in_range`]), bit for bit, in 8 fewer vector operations:
/// no clamp, and `2^n` applied by adding `n` to the exponent field of `p` (an integer add)
/// instead of two multiplications by powers of two.
///
/// Why the bits agree: `p = e^r` lies in `[0.70, 1.42]` (binary exponent -1 or 0) and
/// `|n| ≤ 125`, so `p · 2^n` has a biased exponent in `[1, 252]`: a normal number, which the
/// integer add produces exactly, as [`exp_lane`]'s exact multiplications do.
#[inline(always)]
pub(crate) fn exp_lane_in_range(x: f32) -> f32 {
    let (r, ni) = reduce_ln2(x);
    let p = horner(r, &EXP_POLY).mul_add(r, 1.0);
    let p = p.mul_add(r, 1.0);
    f32::from_bits((p.to_bits() as i32).wrapping_add(ni << 23) as u32)
}

/// `x = n ln2 + r` for `|x| ≤ 104` (clamped by the caller): `(r, n)`, `n` the nearest integer
/// to `x log2 e` (or one off near midpoints), `|r| < 0.3475`, the first step exact and the
/// second rounded once ([`exp_lane`]'s analysis).
#[inline(always)]
pub(super) fn reduce_ln2(x: f32) -> (f32, i32) {
    let shifted = x.mul_add(LOG2_E, SHIFTER);
    let n = shifted - SHIFTER;
    let r = (-n).mul_add(EXP_LN2_HI, x);
    let r = (-n).mul_add(EXP_LN2_LO, r);
    (r, (shifted.to_bits() as i32).wrapping_sub(SHIFTER_BITS))
}

/// Lanes [`exp_lane`] leaves to the C library: NaN only. The lane handles ±∞, overflow and
/// underflow, and gives NaN for NaN, but the negations in the reduction can flip a NaN's sign;
/// the C library returns the input NaN unchanged (sign and payload), as NumPy does, and the
/// 16-bit paths are checked bit for bit against it.
#[inline(always)]
pub(crate) fn exp_exceptional(x: f32) -> bool {
    x.is_nan()
}

/// Bits of `√½` rounded to `f32` (`0x3f3504f3`): significands are taken in `[√½, √2)` so that
/// `ln m` is small and centred on zero.
const SQRT_HALF_BITS: u32 = 0x3f35_04f3;
/// `ln 2` to 15 significant bits (`0x3f317200`): `k · LOG_LN2_HI` is exact for `|k| < 2^9`.
const LOG_LN2_HI: f32 = f32::from_bits(0x3f31_7200);
/// `ln 2 - LOG_LN2_HI`, rounded to `f32` (about `1.43e-6`).
const LOG_LN2_LO: f32 = (std::f64::consts::LN_2 - LOG_LN2_HI as f64) as f32;
/// `(ln(1 + f) - f) / f²` ≈ `Σ LOG_POLY[j] f^j` on `f ∈ [√½ - 1, √2 - 1]`, degree 8: a
/// weighted minimax fit (Lawson's iteratively reweighted least squares on 3000 Chebyshev-spaced
/// points, weight `f²/|ln(1 + f)|` so that the error measured is that of `ln(1 + f)` relative),
/// coefficients rounded to `f32` one at a time from `f^0` up with the remaining ones refitted
/// after each rounding (`fitlog.py` in the prototype). The resulting `ln(1 + f) = f + f² Q(f)`
/// has relative error below `4.2e-9 ≈ 2^-27.8` with the rounded coefficients.
pub(super) const LOG_POLY: [f32; 9] = [
    -0.499_999_88,
    0.333_333_25,
    -0.250_016_1,
    0.200_020_13,
    -0.166_084_3,
    0.141_805_96,
    -0.132_475,
    0.129_147_29,
    -0.076_231_7,
];

/// `ln x` for positive normal finite `x` (other inputs are [`log_exceptional`] and go to the
/// scalar function).
///
/// Method: `x = 2^k m` with `m ∈ [√½, √2)` by adding `1 - √½` to the bits (significands at or
/// above `√½` carry into the exponent), `f = m - 1` (exact by Sterbenz), and
/// `ln x = k ln2 + f + f² Q(f)` with `Q` from [`LOG_POLY`]. No division, no table.
///
/// Error analysis (`u = 2^-24`): the big terms `k·LOG_LN2_HI` (exact: 15 × 8 significant
/// bits) and `f` are added with Fast2Sum (`|k·LOG_LN2_HI| ≥ 0.69 > |f|` whenever `k ≠ 0`; for
/// `k = 0` the sum is `f` itself), so `hi + e = k·LOG_LN2_HI + f` exactly. Everything else is
/// small next to the result: `|f² Q| ≤ 0.2 |ln(1 + f)|`, so the roundings inside it (`f²` and
/// the Horner steps, a few `u` relative to `f² Q` at most) and the polynomial's `2^-27.8` cost
/// about 0.1 ulp of the result, and `k·LOG_LN2_LO` (relative error `u/2` on a value below
/// `2^-19 |k|`) is negligible. Near `x = 1` (`k = 0`) the result is `f + f² Q` with `f`
/// exact: the relative error stays bounded as `x → 1`, and `ln 1 = +0` exactly. The final
/// addition `hi + lo` is the one rounding of full size: about 0.6 ulp in total, hence at most
/// 1 ulp from the reference (exhaustive results in the prototype's report).
#[inline(always)]
pub(crate) fn log_lane(x: f32) -> f32 {
    // `e + (-0.0)` is `e` for every `e`, signed zeros included: the correction vanishes.
    ln_plus(x, -0.0)
}

/// `(k, f)` with `x = 2^k (1 + f)` and `1 + f` in `[√½, √2)`, for a positive normal finite
/// `x`: adding `1 - √½` to the bits makes significands at or above `√½` carry into the
/// exponent; `f` is exact (Sterbenz).
#[inline(always)]
pub(super) fn exponent_and_fraction(x: f32) -> (f32, f32) {
    let ix = x.to_bits().wrapping_add(0x3f80_0000 - SQRT_HALF_BITS);
    // The biased exponent is at most 255, so the `i32` conversion is exact.
    let k = (((ix >> 23) as i32) - 127) as f32;
    let m = f32::from_bits((ix & 0x007f_ffff) + SQRT_HALF_BITS);
    (k, m - 1.0)
}

/// `ln x + c` for positive normal finite `x` and a correction `c` far below an ulp of `ln x`
/// (or `c = -0.0`): [`log_lane`]'s method with `c` added to the small terms, so that it costs
/// no rounding of its own. [`super::expm1_log1p::log1p_lane`] passes the rounding error of
/// `1 + x` this way.
#[inline(always)]
pub(super) fn ln_plus(x: f32, c: f32) -> f32 {
    let (k, f) = exponent_and_fraction(x);
    let q = horner(f, &LOG_POLY);
    // Fast2Sum of the two large terms `a = k·LOG_LN2_HI` (exact) and `f`: `hi + e` is their
    // exact sum. The fused steps form `a + f` and `a - hi` without rounding `a` separately
    // (it is exact anyway), saving the multiplication.
    let hi = k.mul_add(LOG_LN2_HI, f);
    let e = k.mul_add(LOG_LN2_HI, -hi) + f;
    let lo = k.mul_add(LOG_LN2_LO, (f * f).mul_add(q, e + c));
    hi + lo
}

/// Lanes for the scalar `f32::ln`: ±0, subnormals, negatives, +∞ and NaN, i.e. everything
/// outside `[f32::MIN_POSITIVE, ∞)`. One integer test: subtracting the bits of `MIN_POSITIVE`
/// wraps zero and subnormals around to huge values and leaves negatives (sign bit set), +∞ and
/// NaN at or above `0x7f00_0000`. Subnormal inputs could be scaled by `2^23` in-lane, but
/// that costs five vector operations per vector on every call for inputs that are rare.
#[inline(always)]
pub(crate) fn log_exceptional(x: f32) -> bool {
    x.to_bits().wrapping_sub(0x0080_0000) >= 0x7f00_0000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_constants() {
        assert_eq!(EXP_LN2_HI.to_bits(), 0x3f31_7218);
        assert_eq!(EXP_LN2_LO, -1.904_654_2e-9);
        assert_eq!(LOG_LN2_LO, 1.428_606_8e-6);
        // `LOG_LN2_HI` has its low 9 significand bits clear: `k · LOG_LN2_HI` is exact.
        assert_eq!(LOG_LN2_HI.to_bits() & 0x1ff, 0);
    }

    #[test]
    fn special_values() {
        let exp = [
            (0.0, 1.0),
            (-0.0, 1.0),
            (f32::INFINITY, f32::INFINITY),
            (f32::NEG_INFINITY, 0.0),
            (f32::MAX, f32::INFINITY),
            (f32::MIN, 0.0),
            (-104.0, 0.0),
        ];
        for (x, want) in exp {
            assert_eq!(exp_lane(x).to_bits(), f32::to_bits(want), "exp({x:e})");
        }
        assert!(exp_lane(f32::NAN).is_nan());
        for x in [f32::NAN, -f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 86.000_01, -86.000_01] {
            assert!(!exp_in_range(x), "{x:e}");
        }
        assert_eq!(log_lane(1.0).to_bits(), 0);
        for x in [0.0, -0.0, -1.0, f32::from_bits(1), f32::INFINITY, f32::NAN] {
            assert!(log_exceptional(x), "{x:e}");
        }
        for x in [f32::MIN_POSITIVE, 1.0, f32::MAX] {
            assert!(!log_exceptional(x), "{x:e}");
        }
    }

    #[test]
    fn the_range_lane_gives_the_full_lanes_bits() {
        // Every 509th `f32` of magnitude up to 86, both signs, and the range's ends: the
        // integer exponent add must agree with `exp_lane`'s two exact multiplications. (A
        // scaling that dropped `p`'s exponent carry or mis-signed `n` fails here; every `f32`
        // of the range takes 2 s in release with `step_by(1)`.)
        let top = 86.0f32.to_bits();
        let bits = (0..=top).step_by(509).chain([top, top - 1, 0x3eb1_7218, 0x3f31_7218]);
        for b in bits {
            for x in [f32::from_bits(b), -f32::from_bits(b)] {
                assert!(exp_in_range(x), "{x:e}");
                assert_eq!(exp_lane_in_range(x).to_bits(), exp_lane(x).to_bits(), "exp({x:e} = {:#010x})", x.to_bits());
            }
        }
    }
}
