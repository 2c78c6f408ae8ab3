//! Lane functions of two arguments for [`super::vector_binary`].
//!
//! `f32` pairs are widened to `f64` and evaluated with a relative error far below an `f32` ulp,
//! then rounded once, as in [`super::lanes32`]:
//! - `pow` on the FMA levels ([`pow32f_lane`]): `2^(y log2|x|)` with `log2` from a division-free
//!   polynomial on two intervals and `2^r` from a short one, both fitted for this budget
//!   (`tools/fit_pow32.py`): within 0.65 ulp of the exact value (the analysis is at the lane).
//!   1.6-1.8x the speed of the baseline's lanes below at AVX-512 and AVX2 (single thread,
//!   2^16 and 2^20 pairs with results in range, 2026-12-05), which it replaces there.
//! - `pow` on the SSE2 baseline (and aarch64): `exp(y ln|x|)` with the `f64` cores of
//!   [`super::lanes32`] (`ln` within `2^-33` relative, `exp` within `2^-37`). The product's
//!   error is at most `2^-33 |y ln x|`; it matters only where the `f32` result is finite and
//!   nonzero (`|y ln x| < 104`), so the result's relative error stays below `2^-26.3`, a fifth
//!   of an `f32` ulp, before its one rounding: within 0.7 ulp of the exact value. (The
//!   full-precision `f64` lanes of [`super::lanes64`] cost twice as much for bits the rounding
//!   drops.) A negative base with an integer exponent gives `±|x|^y` by the exponent's parity.
//! - `atan2`: `atan` of the quotient of magnitudes (one rounding in `f64`), placed in its
//!   quadrant; the `f64` arctangent core of `lanes32` (relative error below `2^-36`). The SSE2
//!   baseline only: the FMA levels take [`lanes32f::atan2_lane`], in `f32` lanes.
//! - `hypot`: `√(x² + y²)`; `x²` and `y²` are exact in `f64` and the sum cannot overflow.
//! - `logaddexp`: `max + ln(1 + e^-|x-y|)` on the `f64` lanes, NumPy's formula.
//!
//! `f64` `hypot` scales by a power of two, takes the sum of squares as an exact pair with fused
//! multiply-adds, and corrects the square root by the pair's remainder: one rounding of full
//! size, so within 1 ulp (the FMA levels only).

use super::exp::ROUND;
use super::lanes32::{atan_core, exp_core, ln_core};
use super::lanes32f;
use super::lanes64::{exp64, log1p64};
use super::lanes64_binary::{is_integer, is_odd};
use super::vector::{horner, Fma};
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
    "`x ** y` for `f32` ([`pow32_lane`], the SSE2 baseline and aarch64); zeros, infinities, NaN \
     and negative bases with a non-integer exponent go to `powf`.",
    |x, y| pow32_lane::<M>(x, y),
    |x, y| !(x.is_finite() && y.is_finite() && x != 0.0) || (x < 0.0 && !is_integer(f64::from(y))),
    f32::powf
);

/// Bits of the `f32` `A = 0.84306997`: [`pow32f_lane`] writes `|x| = 2^k m` with `m` in
/// `[A, 2A)`, and scales `m` by `2^-1/2` when `m ≥ 2A - 1/2 = 1.18613994` (bit 22 of
/// `bits(|x|) - bits(A)`). `A` balances the two intervals: every scaled significand lies in
/// `[0.838728, 1.192281]`, within `2^±0.2538` of 1 (`tools/fit_pow32.py`).
const POW_A_BITS: u32 = 0x3f57_d36f;

/// `2 log2(1 + f) ≈ f Q(f)` for `f` in `[-0.161274, 0.192283]` (the scaled significands minus 1,
/// with a margin), degree 8: minimax in relative error, fitted with mpmath
/// (`tools/fit_pow32.py`, Lawson's reweighted least squares); with the coefficients rounded to
/// `f64`, relative error below `2^-33.92`.
const POW_LOG2X2: [f64; 9] = [
    2.8853900816607823,
    -1.4426950339855167,
    0.961796841580739,
    -0.7213506191007721,
    0.5770503757139948,
    -0.48051116899361634,
    0.41373415861743545,
    -0.3789907221538454,
    0.30115749887899973,
];

/// `2^r ≈ E(r)` on `[-1/2, 1/2]`, degree 6: minimax in relative error (`tools/fit_pow32.py`),
/// relative error below `2^-29.01` with the coefficients rounded to `f64`.
const POW_EXP2: [f64; 7] = [
    1.000000000554213,
    0.6931472057371113,
    0.2402264689028914,
    0.05550328777217318,
    0.00961848899445095,
    0.0013399931138233414,
    0.00015345801959743466,
];

/// Bound on `2 y log2|x|` in [`pow32f_lane`]: `2^±200` is 0 or ∞ in `f32` and keeps `2^n` a
/// normal `f64`.
const POW2_CLAMP: f64 = 400.0;

/// `1.5 · 2^23`: for an integer `|y| < 2^22`, `y + POW_SHIFT` is exact and its last significand
/// bit is `y`'s parity (the sum lies in `[2^23, 2^24)`, where the last bit is the units bit).
const POW_SHIFT: f32 = 12_582_912.0;

/// `|x|^y` with the sign of `x` when `y` is odd, for the pairs where [`pow32f_exceptional`] is
/// false (FMA levels: the error analysis counts fused roundings).
///
/// Method: `|x| = 2^k m` with `m` in `[A, 2A)` from the bits ([`POW_A_BITS`]); with `h` the
/// interval bit and `c = 2^(-h/2)`, `2 log2|x| = (2k + h) + 2 log2(1 + f)`, `f = m c - 1`, the
/// last term `f Q(f)` ([`POW_LOG2X2`]); `p = y log2|x| = n + r` with `n` the nearest integer
/// (`|r| ≤ 1/2`), and `2^p = 2^n E(r)` ([`POW_EXP2`]), `2^n` added to the exponent field; one
/// rounding to `f32` (subnormal or not). No division, no table.
///
/// Error (relative, before that rounding; `u = 2^-24`, below an `f32` ulp):
/// - reduction: `k`, `h` and `m` are exact (integer operations; `bits(|x|) - bits(A)` shifted
///   right arithmetically by 22 is `2k + h`, since `A > 3/4`); `f` is exact for `h = 0` and
///   rounded once for `h = 1` (with `c`'s own rounding, `2^-52` absolute, next to
///   `|2 log2 x| ≥ 0.49` there);
/// - `log2`: the polynomial's `2^-33.92` plus Horner roundings near `2^-51`; adding `2k + h`
///   (one rounding) keeps the relative error below `2^-33.8`, since `|f Q| ≤ 0.508` is at most
///   `1.04` times the sum when `2k + h ≠ 0`, and `2 log2 x → 0` as `x → 1` with `f` exact;
/// - `p = y log2|x|` (one more rounding) is off by at most `2^-33.8 |p|`; where the result is
///   finite and nonzero, `-150 < p < 128`, so by under `2^-26.57` (`2^-26.8` for normal
///   results, `|p| ≤ 128`), which moves `2^p` by `ln2` times that: `2^-27.1` (`2^-27.3`);
/// - `n` and `r` are exact (the shifter's sum rounds `p` to an integer; `p - n` is a multiple
///   of `p`'s ulp below `1/2`); `E(r)` adds `2^-29.01` and `2^-52` of roundings; scaling by
///   `2^n` is exact.
///
/// So the value before the rounding to `f32` is within `2^-26.8` of `|x|^y` relatively for
/// normal results (about `0.14 u`; subnormal results round an absolute error far below their
/// ulp): within 0.65 ulp after the rounding, so at most 1 ulp from the correctly rounded value.
/// Measured (`pow_f32_dense`, 2^28 pairs concentrated where results are finite and nonzero,
/// 2026-12-05): worst 0.610 ulp at AVX-512 and AVX2, 1.25% of the results 1 ulp off the
/// reference (the baseline's lanes: 0.565 ulp, 0.01%).
///
/// Negative bases: `y + POW_SHIFT` holds the parity of an integer `|y| < 2^22` in its last bit,
/// moved to the sign bit and kept where `x`'s sign bit is set (positive `x` ignore it).
#[inline(always)]
fn pow32f_lane<M: Fma>(x: f32, y: f32) -> f32 {
    // Wrapping: exceptional lanes (zeros, subnormals, ∞, NaN) pass through too.
    let ix = (x.to_bits() & 0x7fff_ffff).wrapping_sub(POW_A_BITS);
    let m = f32::from_bits((ix & 0x007f_ffff).wrapping_add(POW_A_BITS));
    let k2h = f64::from((ix as i32) >> 22); // 2k + h
    let c = if ix & 0x0040_0000 != 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
    let f = M::fma(f64::from(m), c, -1.0);
    // `2p = y · 2 log2|x|`: the halving folds into the two steps below.
    let p2 = f64::from(y) * M::fma(f, horner::<M, 9>(f, &POW_LOG2X2), k2h);
    let p2 = p2.clamp(-POW2_CLAMP, POW2_CLAMP);
    // `n + ROUND`: `n` in the low bits of the significand (two's complement).
    let shifted = M::fma(p2, 0.5, ROUND);
    let n = shifted - ROUND;
    let r = M::fma(p2, 0.5, -n);
    let e = horner::<M, 7>(r, &POW_EXP2);
    // `2^n E(r)`: `n` added to the exponent field (the shift drops `shifted`'s high bits).
    let v = f64::from_bits(e.to_bits().wrapping_add(shifted.to_bits() << 52)) as f32;
    let odd = (y + POW_SHIFT).to_bits() << 31;
    f32::from_bits(v.to_bits() | (odd & x.to_bits()))
}

/// Pairs [`pow32f_lane`] leaves to `powf`: a zero, subnormal, infinite or NaN base, an infinite
/// or NaN exponent, and a negative base unless the exponent is an integer of magnitude below
/// `2^22` (non-integers give NaN; larger integers, rare, give 0, ±1 or ±∞ anyway).
#[inline(always)]
fn pow32f_exceptional(x: f32, y: f32) -> bool {
    let ax = x.to_bits() & 0x7fff_ffff;
    let ay = y.to_bits() & 0x7fff_ffff;
    // Below `MIN_POSITIVE` wraps around to the top, with ∞ and NaN.
    let bad_x = ax.wrapping_sub(0x0080_0000) >= 0x7f00_0000;
    let bad_y = ay >= 0x7f80_0000;
    // `|y| < 2^22` and an integer: the shifter's sum rounds `y` and gives it back unchanged.
    let small_integer = ay < 0x4a80_0000 && (y + POW_SHIFT) - POW_SHIFT == y;
    bad_x | bad_y | (x.is_sign_negative() & !small_integer)
}

/// `x ** y` for `f32` on the FMA levels ([`pow32f_lane`]); the pairs of
/// [`pow32f_exceptional`] go to `powf`. The test runs in the lane loop: it shares `|x|`, `|y|`
/// and the shifter's sum with the lane.
pub(crate) struct PowF32;
impl Kernel2<f32> for PowF32 {
    const TEST_IN_LANE_LOOP: bool = true;
    #[inline(always)]
    fn lane<M: Fma>(x: f32, y: f32) -> f32 {
        pow32f_lane::<M>(x, y)
    }
    #[inline(always)]
    fn exceptional(x: f32, y: f32) -> bool {
        pow32f_exceptional(x, y)
    }
    #[inline(always)]
    fn scalar(x: f32, y: f32) -> f32 {
        x.powf(y)
    }
}

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
