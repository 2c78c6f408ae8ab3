//! `exp` for `f32`, evaluated in `f64` and rounded once: branch-free, so loops over slices
//! vectorise, and faithful (within 1 ulp of the exact value, correctly rounded except when the
//! exact value lies within 2^-16 ulp of a rounding midpoint) for every `f32` input.
//!
//! Method, for `x` clamped to `[-110, 100]` (outside, the `f32` result is 0 or +∞ already):
//! `n = round(x / ln 2)`, `r = x - n ln 2` (`|r| ≤ ln2/2 + 2^-40`), `exp(x) = 2^n exp(r)`, with
//! `exp(r)` from its Taylor polynomial of degree 10 and `2^n` built from exponent bits.
//!
//! Error bound (relative, before the final rounding to `f32`):
//! - reduction: `n ln2_hi` is exact (`ln2_hi` has 32 significant bits, `|n| ≤ 159`) and so
//!   is `x - n ln2_hi` (a multiple of 2^-32 below 1/2 in magnitude, since `|x| ≥ 1/3` when
//!   `n ≠ 0`); subtracting `n ln2_lo` rounds once: `|Δr| ≤ 2^-54 |r| + 2^-76`, so
//!   `exp(r + Δr) = exp(r)(1 + δ)`, `|δ| < 2^-53`;
//! - truncation: the Lagrange remainder `e^|r| |r|^11 / 11!`, relative to `exp(r) ≥ e^-|r|`,
//!   is below `2^-41.06` for `|r| ≤ ln2/2 + 2^-40`;
//! - evaluation: the rounded coefficients `1/k!` and the 20 Horner roundings add below
//!   `2^-48` (each partial sum is within a factor 2 of its leading term, `|r| < 0.35`);
//! - scaling by `2^n` (a normal `f64` for `-159 ≤ n ≤ 145`) is exact, and so the product
//!   stays normal: `f64` covers the `f32` subnormal range, so the one rounding to `f32`
//!   (subnormal or not) is the only other error.
//!
//! So the `f64` value is within `2^-40.9` of `exp(x)` relatively, that is within `2^-16.9` ulp
//! of the `f32` result, and rounding it to `f32` gives at most `0.5 + 2^-16.9` ulp: one of the
//! two `f32` values around `exp(x)`. `tests` checks this for every `f32`.

use super::vector::{horner, Fma, Split};

/// `1.5 · 2^52`: adding it rounds an `f64` of magnitude below `2^51` to an integer, which then
/// sits in the low bits of the sum's significand.
pub(super) const ROUND: f64 = 6755399441055744.0;
/// `ln 2` to 32 significant bits (its low 21 significand bits are zero), so `n · LN2_HI` is
/// exact for `|n| < 2^21` (`tests` checks the bits).
pub(super) const LN2_HI: f64 = 0.6931471803691238;
/// `ln 2 - LN2_HI`, rounded.
pub(super) const LN2_LO: f64 = std::f64::consts::LN_2 - LN2_HI;
/// Below this `exp` is under 2^-150 (≈ e^-103.97): the `f32` result is 0.
const X_MIN: f64 = -110.0;
/// Above this `exp` exceeds `f32::MAX` (≈ e^88.72): the `f32` result is +∞.
const X_MAX: f64 = 100.0;

/// `1/k!` for `k = 0..=10`: the Taylor polynomial of `exp`.
const EXP_TAYLOR: [f64; 11] = {
    let mut c = [0.0; 11];
    let mut k = 0;
    while k < 11 {
        c[k] = inv_factorial(k as u32);
        k += 1;
    }
    c
};

/// Taylor coefficient `1/k!`, rounded once (division of exact integers).
pub(super) const fn inv_factorial(k: u32) -> f64 {
    let mut f = 1.0;
    let mut i = 2;
    while i <= k {
        f *= i as f64;
        i += 1;
    }
    1.0 / f
}

/// `exp(x)` to within 1 ulp (see the module documentation); NaN stays NaN.
#[inline(always)]
pub(crate) fn exp_f32(x: f32) -> f32 {
    exp_f32_with::<Split>(x)
}

/// [`exp_f32`] with its polynomial steps through `M`: fused steps round once where split ones
/// round twice, so the evaluation bound above holds for both (the vector loops use this).
#[inline(always)]
pub(crate) fn exp_f32_with<M: Fma>(x: f32) -> f32 {
    // `clamp` keeps NaN, which then flows through the arithmetic.
    let x = (x as f64).clamp(X_MIN, X_MAX);
    let shifted = x * std::f64::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = horner::<M, 11>(r, &EXP_TAYLOR);
    // The low 12 bits of `shifted`'s bits are `n` modulo 2^12 (`ROUND`'s are zero), so
    // `n + 1023`, in [864, 1168], lands exactly in the exponent field.
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    (p * scale) as f32
}

#[cfg(test)]
mod tests {
    use super::exp_f32;

    /// `f32` bits as integers ordered like the values, so adjacent floats differ by 1 (±0 both
    /// map to 0, +∞ follows `f32::MAX`).
    fn ordered(v: f32) -> i64 {
        let b = v.to_bits();
        let mag = i64::from(b & 0x7fff_ffff);
        if b >> 31 == 1 {
            -mag
        } else {
            mag
        }
    }

    /// Compares `exp_f32` on the inputs `bits` with `f64::exp` rounded to `f32` (correctly
    /// rounded unless that double rounding hits a near-halfway case): panics beyond 1 ulp,
    /// returns how many differ by 1 ulp.
    fn check(bits: impl Iterator<Item = u32>) -> u64 {
        let mut off_by_one = 0;
        for b in bits {
            let x = f32::from_bits(b);
            let (got, want) = (exp_f32(x), f64::from(x).exp() as f32);
            if want.is_nan() {
                assert!(got.is_nan(), "exp({x:e}) = {got:e}, want NaN");
                continue;
            }
            match (ordered(got) - ordered(want)).abs() {
                0 => {}
                1 => off_by_one += 1,
                d => panic!("exp({x:e} = {b:#010x}) = {got:e}, want {want:e}: {d} ulp"),
            }
        }
        off_by_one
    }

    #[test]
    fn ln2_split_is_exact_and_short() {
        // `LN2_HI` is `ln 2` with its low 21 significand bits cleared.
        let bits = std::f64::consts::LN_2.to_bits() & !((1 << 21) - 1);
        assert_eq!(super::LN2_HI.to_bits(), bits);
    }

    #[test]
    fn exp_f32_special_values_are_exact() {
        let cases = [
            (0.0, 1.0),
            (-0.0, 1.0),
            (f32::INFINITY, f32::INFINITY),
            (f32::NEG_INFINITY, 0.0),
            (f32::MAX, f32::INFINITY),
            (f32::MIN, 0.0),
            (88.72284, f32::INFINITY),
            (-103.98, 0.0),
            (f32::MIN_POSITIVE, 1.0),
            (-f32::from_bits(1), 1.0),
        ];
        for (x, want) in cases {
            assert_eq!(exp_f32(x).to_bits(), f32::to_bits(want), "exp({x:e})");
        }
        assert!(exp_f32(f32::NAN).is_nan() && exp_f32(-f32::NAN).is_nan());
        // The last finite result and the subnormal range are rounded once, like the reference.
        let edges = [0x42b1_7218u32, 0x42b1_7217, 0xc2ae_ac50, 0xc2ae_ac4f, 0xc2c8_0000, 0xc2cf_f1b5, 0xc2cf_f1b4];
        assert_eq!(check(edges.into_iter()), 0);
    }

    #[test]
    fn exp_f32_within_one_ulp_on_strided_samples() {
        // About four million patterns spread over all signs, exponents and significands, plus
        // every pattern in the ranges with subnormal results and near overflow.
        let strided = (0..u32::MAX / 1021).map(|i| i * 1021 + (i % 7));
        let tails = (0xc2ae_0000u32..0xc2d0_0000).step_by(3).chain(0x42b1_0000..0x42b2_0000);
        let off = check(strided.chain(tails));
        // Faithful results are correctly rounded except near midpoints: a tiny share.
        assert!(off < 100, "{off} results 1 ulp off");
    }

    /// Every `f32` (release build: `cargo test --release --lib -- --ignored exp_f32_exhaustive`).
    #[test]
    #[ignore = "2^32 inputs: about a minute in release"]
    fn exp_f32_exhaustive() {
        let off: u64 = std::thread::scope(|s| {
            let parts: Vec<_> =
                (0..4u32).map(|k: u32| s.spawn(move || check((k << 30)..=(k << 30 | ((1 << 30) - 1))))).collect();
            parts.into_iter().map(|h| h.join().unwrap()).sum()
        });
        println!("exp_f32: every f32 within 1 ulp; {off} not bit-identical to the reference");
    }
}
