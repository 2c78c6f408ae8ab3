//! `tan`, `atan`, `asin` and `acos` of `f64` in `f64` lanes, within 1 ulp on every level (the
//! exact products they need are fused multiply-adds where the level has them, Dekker's
//! products where not). Each keeps the leading term of its result exact and rounds only small
//! corrections, so the one error of full size is the final rounding.
//!
//! - `tan`: `x = n π/2 + (r + y)` (`lanes64`'s reduction), `|r| ≤ π/4`. The sine and cosine of
//!   `r + y` are built as pairs: with `z = r²` split exactly, `sin = r - r z/6 + r z² S(z)`
//!   where `r z` and `r z / 6` are split exactly too (`1/6` as a pair), and
//!   `cos = 1 - z/2 + z² C(z)` (Taylor series, truncated below `2^-62`). Then
//!   `tan = sin/cos` (`-cos/sin` for odd `n`) as one division whose remainder is computed
//!   exactly and divided again by multiplying with the same reciprocal.
//! - `atan`: on `a = |x|` (the sign OR-ed back in), a breakpoint `c = tan(jπ/8)`, `j = 0..=4`
//!   (rounded; `c = ∞` for `j = 4`), picked by comparisons, so that `t = (a - c)/(1 + a c)`
//!   (`-1/a` for `c = ∞`) has `|t| ≤ tan(π/16) ≈ 0.199`. Numerator and denominator are exact
//!   pairs, and `t = th + tl` with the division's remainder, as for `tan`. Then
//!   `atan a = atan c + th + tl/(1 + th²) + th³ P(th²)` with `atan c` a pair (mpmath) and `P`
//!   the Taylor series to `t^23` (truncation below `2^-60`); `atan c + th` by Fast2Sum.
//! - `asin`, `acos`: on `a = |x|`: `asin a = a + a³ G(a²)` for `a ≤ 1/2`, and
//!   `asin a = π/2 - 2 asin w` with `w = √((1 - a)/2)` otherwise (`1 - a` is exact), `w` as a
//!   pair from the square root's exact remainder; `acos x = π/2 ∓ asin a` (`|x| ≤ 1/2`),
//!   `2 asin w` (`x > 1/2`), `π - 2 asin w` (`x < -1/2`). `G` approximates
//!   `(asin √z - √z)/z^{3/2}` on `[0, 1/4]` to `2^-58` relatively: `mpmath.chebyfit` with 14
//!   coefficients, at 200 bits, rounded to `f64`; its first term, `1/6`, times `u³` (up to 5%
//!   of the result) is kept as an exact pair, like `u³` itself, so only the smaller terms
//!   round. `π/2` and `π` are pairs and are added by Fast2Sum.
//!
//! Arguments left to the C library: NaN (all four), `|x| > 2^19` and `±∞` (`tan`), `|x| > 1`
//! (`asin`, `acos`: NaN, with the C library's bits).
//!
//! Measured on 2026-12-05 against mpmath (`vector_tests.rs`; about 1,600-1,800 values each,
//! hard cases included), worst error in ulp at the baseline (split multiply-adds) / AVX2 /
//! AVX-512 level: `tan` 0.557 / 0.553 / 0.553, `atan` 0.500 on all three, `asin`
//! 0.540 / 0.530 / 0.530, `acos` 0.516 on all three. Single-threaded on 2^16 elements at the
//! AVX-512 level, against glibc's scalar functions (a shared two-core machine, so roughly):
//! `tan` 3.4 against 30 ns per element, `atan` 2.2 against 16, `asin` 2.1 against 22, `acos`
//! 2.5 against 23.

// `!(x <= limit)`-style tests are the one comparison that also sends NaN to the scalar path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::lanes32::keep_zero;
use super::lanes64::{fast_two_sum, kernel64, reduce_pio2_f64, two_prod, two_sum, COS_TAIL, SIN_TAIL, TRIG_LIMIT_F64};
use super::vector::{horner, Fma};

/// `1/6` as a pair.
const SIXTH_HI: f64 = f64::from_bits(0x3fc5_5555_5555_5555); // 0.16666666666666666
const SIXTH_LO: f64 = f64::from_bits(0x3c65_5555_5555_5555); // 9.25185853854297e-18
/// `π/2`, `π`, `π/4` as pairs (mpmath).
pub(super) const PIO2_HI: f64 = f64::from_bits(0x3ff9_21fb_5444_2d18); // 1.5707963267948966
pub(super) const PIO2_LO: f64 = f64::from_bits(0x3c91_a626_3314_5c07); // 6.123233995736766e-17
pub(super) const PI_HI: f64 = f64::from_bits(0x4009_21fb_5444_2d18); // 3.141592653589793
pub(super) const PI_LO: f64 = f64::from_bits(0x3ca1_a626_3314_5c07); // 1.2246467991473532e-16
pub(super) const PIO4_HI: f64 = f64::from_bits(0x3fe9_21fb_5444_2d18); // 0.7853981633974483
pub(super) const PIO4_LO: f64 = f64::from_bits(0x3c81_a626_3314_5c07); // 3.061616997868383e-17

/// `(ah + al) / (bh + bl)` for pairs with `|al|`, `|bl|` below an ulp or so of the heads, as
/// `q + rem/bh` with the remainder of `q = ah/bh` exact: the only large error is the final
/// rounding. One division (the reciprocal), used for the quotient and the remainder's.
#[inline(always)]
pub(super) fn div_pair<M: Fma>(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let inv = 1.0 / bh;
    let q = ah * inv;
    // q bh is within a few ulps of ah, so `ah - m` is exact (Sterbenz).
    let (m, ml) = two_prod::<M>(q, bh);
    let rem = ((ah - m) - ml) + (al - q * bl);
    (q, rem * inv)
}

/// `tan(x)` for `|x| ≤ 2^19` (see the module docs).
#[inline(always)]
fn tan64<M: Fma>(x: f64) -> f64 {
    let (r, y, n) = reduce_pio2_f64::<M>(x);
    // z = (r + y)² = zh + zl (y² is below 2^-106 z).
    let (zh, zl) = two_prod::<M>(r, r);
    let zl = M::fma(2.0 * r, y, zl);
    // sin(r + y) = (r + y) - p/6 + p z S(z) with p = (r + y) z = ph + pl.
    let (ph, pl) = two_prod::<M>(r, zh);
    let pl = pl + M::fma(r, zl, y * zh);
    let (th, tl) = two_prod::<M>(ph, -SIXTH_HI);
    let tl = tl - M::fma(ph, SIXTH_LO, pl * SIXTH_HI);
    let (sh, e) = fast_two_sum(r, th);
    let sl = e + (y + M::fma(ph * zh, horner::<M, 7>(zh, &SIN_TAIL), tl));
    // cos(r + y) = 1 - z/2 + z² C(z).
    let (ch, e) = fast_two_sum(1.0, -0.5 * zh);
    let cl = e + M::fma(zh * zh, horner::<M, 8>(zh, &COS_TAIL), -0.5 * zl);
    // The tails hold terms up to 0.01 of the heads: renormalise for the divisor's sake.
    let ((sh, sl), (ch, cl)) = (fast_two_sum(sh, sl), fast_two_sum(ch, cl));
    let (ah, al, bh, bl) = if n & 1 == 1 { (-ch, -cl, sh, sl) } else { (sh, sl, ch, cl) };
    let (q, ql) = div_pair::<M>(ah, al, bh, bl);
    keep_zero(x, q + ql)
}

/// Breakpoints of [`atan64`]: `tan(jπ/16)` for odd `j`, between the `c` of two ranges.
pub(super) const ATAN_SPLIT: [f64; 4] = [0.198912367379658, 0.6681786379192989, 1.496605762665489, 5.027339492125848];
/// `tan(π/8)` and `tan(3π/8)`, rounded, ...
pub(super) const TAN_PIO8: f64 = f64::from_bits(0x3fda_8279_99fc_ef32); // 0.41421356237309503
const TAN_3PIO8: f64 = f64::from_bits(0x4003_504f_333f_9de6); // 2.414213562373095
/// ... and the `atan` of those `f64` as pairs (mpmath).
pub(super) const ATAN_PIO8_HI: f64 = f64::from_bits(0x3fd9_21fb_5444_2d18); // 0.39269908169872414
pub(super) const ATAN_PIO8_LO: f64 = f64::from_bits(0x3c4c_3988_61b7_8b55); // 3.060132146563891e-18
const ATAN_3PIO8_HI: f64 = f64::from_bits(0x3ff2_d97c_7f33_21d2); // 1.1780972450961724
const ATAN_3PIO8_LO: f64 = f64::from_bits(0x3c7f_c774_dbe2_87a0); // 2.7563998718653792e-17

/// `(atan t - t) / t³ = Σ (-1)^j t^(2j-2) / (2j + 1)`, `j = 1..=11`, in `z = t²`: truncation
/// below `2^-60` relative for `|t| ≤ 0.2`.
pub(super) const ATAN_TAYLOR: [f64; 11] = {
    let mut c = [0.0; 11];
    let mut j = 0;
    while j < 11 {
        let sign = if j % 2 == 0 { -1.0 } else { 1.0 };
        c[j] = sign / (2 * j + 3) as f64;
        j += 1;
    }
    c
};

/// `atan(x)` for non-NaN `x` (see the module docs).
#[inline(always)]
fn atan64<M: Fma>(x: f64) -> f64 {
    // Beyond 2^100 atan rounds to π/2; the clamp keeps ∞ out of the products.
    let a = x.abs().min(1.2676506002282294e30);
    // t = (p a - c)/(c a + p): (c, p) = (c, 1) for a finite breakpoint, (1, 0) for ∞.
    let (c, p, hc, lc) = if a < ATAN_SPLIT[0] {
        (0.0, 1.0, 0.0, 0.0)
    } else if a < ATAN_SPLIT[1] {
        (TAN_PIO8, 1.0, ATAN_PIO8_HI, ATAN_PIO8_LO)
    } else if a < ATAN_SPLIT[2] {
        (1.0, 1.0, PIO4_HI, PIO4_LO)
    } else if a < ATAN_SPLIT[3] {
        (TAN_3PIO8, 1.0, ATAN_3PIO8_HI, ATAN_3PIO8_LO)
    } else {
        (1.0, 0.0, PIO2_HI, PIO2_LO)
    };
    let (nh, nl) = two_sum(p * a, -c);
    let (ph, pl) = two_prod::<M>(c, a);
    let (dh, e) = two_sum(ph, p);
    let (th, tl) = div_pair::<M>(nh, nl, dh, e + pl);
    let z = th * th;
    // atan(th + tl) = atan(th) + tl/(1 + z) + ..., and 1/(1 + z) ≈ 1 - z (z² tl is negligible).
    let small = M::fma(th * z, horner::<M, 11>(z, &ATAN_TAYLOR), M::fma(-tl, z, tl) + lc);
    let (s, e) = fast_two_sum(hc, th);
    let v = s + (e + small);
    f64::from_bits(v.to_bits() | (x.to_bits() & 0x8000_0000_0000_0000))
}

/// `(G(z) - 1/6)/z` for `G(z) ≈ (asin √z - √z)/z^{3/2}` on `[0, 1/4]` (see the module docs),
/// lowest degree first: `G`'s coefficients but the first (`1/6` rounded, taken as a pair).
const ASIN_FIT: [f64; 13] = [
    0.07500000000000118,
    0.044642857142551895,
    0.03038194447553234,
    0.02237215744350722,
    0.017352816540325496,
    0.01396378001220357,
    0.011566459612121669,
    0.009621842970100282,
    0.009319560794767446,
    0.0030448799094556773,
    0.019554513336123378,
    -0.01924167174674304,
    0.02961201126495512,
];

/// For `a = |x| ≤ 1`: `(big, uh, th, rest)` with `asin a = asin u` (`a ≤ 1/2`) or
/// `π/2 - 2 asin u` (`big`: `a > 1/2`, `u = √((1 - a)/2)`), and `asin u = uh + th + rest`,
/// `uh` and `th ≈ u³/6` exact.
#[inline(always)]
fn asin_parts<M: Fma>(a: f64) -> (bool, f64, f64, f64) {
    let big = a > 0.5;
    let h = 0.5 * (1.0 - a);
    let wh = h.sqrt();
    // w = wh + wl: the square root's remainder is exact, and `h - sq` too (Sterbenz).
    let (sq, sql) = two_prod::<M>(wh, wh);
    let twice = if wh == 0.0 { 1.0 } else { 2.0 * wh };
    let wl = ((h - sq) - sql) / twice;
    let (uh, ul) = if big { (wh, wl) } else { (a, 0.0) };
    // asin u = u + p/6 + p z F(z) with z = uh² and p = uh z, both split exactly, and p/6 as a
    // pair (`1/6` too): the correction is up to 5% of the result, too much to round once.
    let (zh, zl) = two_prod::<M>(uh, uh);
    let (ph, pl) = two_prod::<M>(uh, zh);
    let pl = M::fma(uh, zl, pl);
    let (th, tl) = two_prod::<M>(ph, SIXTH_HI);
    let tl = tl + M::fma(ph, SIXTH_LO, pl * SIXTH_HI);
    // asin(uh + ul) = asin(uh) + ul/√(1 - z) + ..., with 1/√(1 - z) ≈ 1 + z/2.
    let rest = M::fma(ph * zh, horner::<M, 13>(zh, &ASIN_FIT), M::fma(0.5 * zh, ul, ul) + tl);
    (big, uh, th, rest)
}

/// `kh + kl + m (uh + th + rest)` for the pair `kh + kl` (zero or above `2 |uh|`) and `m` a
/// power of two (so `m uh`, `m th` are exact): `kh + m uh` exactly by Fast2Sum, then the rest.
#[inline(always)]
fn combine<M: Fma>(kh: f64, kl: f64, m: f64, (uh, th, rest): (f64, f64, f64)) -> f64 {
    let (s, e) = fast_two_sum(kh, m * uh);
    s + ((e + m * th) + M::fma(m, rest, kl))
}

/// `asin(x)` for `|x| ≤ 1`.
#[inline(always)]
fn asin64<M: Fma>(x: f64) -> f64 {
    let (big, uh, th, rest) = asin_parts::<M>(x.abs());
    let (kh, kl, m) = if big { (PIO2_HI, PIO2_LO, -2.0) } else { (0.0, 0.0, 1.0) };
    let v = combine::<M>(kh, kl, m, (uh, th, rest));
    f64::from_bits(v.to_bits() | (x.to_bits() & 0x8000_0000_0000_0000))
}

/// `acos(x)` for `|x| ≤ 1`.
#[inline(always)]
fn acos64<M: Fma>(x: f64) -> f64 {
    let (big, uh, th, rest) = asin_parts::<M>(x.abs());
    let (kh, kl, m) = if !big {
        (PIO2_HI, PIO2_LO, if x < 0.0 { 1.0 } else { -1.0 })
    } else if x > 0.0 {
        (0.0, 0.0, 2.0)
    } else {
        (PI_HI, PI_LO, -2.0)
    };
    combine::<M>(kh, kl, m, (uh, th, rest))
}

kernel64!(
    Tan64,
    "`tan`; `|x| > 2^19` and non-finite through the C library.",
    |x| tan64::<M>(x),
    |x| !(x.abs() <= TRIG_LIMIT_F64),
    f64::tan
);
kernel64!(Atan64, "`atan`; NaN through the C library.", |x| atan64::<M>(x), |x| x.is_nan(), f64::atan);
kernel64!(
    Asin64,
    "`asin`; `|x| > 1` and NaN through the C library.",
    |x| asin64::<M>(x),
    |x| !(x.abs() <= 1.0),
    f64::asin
);
kernel64!(
    Acos64,
    "`acos`; `|x| > 1` and NaN through the C library.",
    |x| acos64::<M>(x),
    |x| !(x.abs() <= 1.0),
    f64::acos
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::math::vector::{Fused, Split};

    #[test]
    fn lanes64_trig_constants() {
        assert_eq!(PIO2_HI, std::f64::consts::FRAC_PI_2);
        assert_eq!(PI_HI, std::f64::consts::PI);
        assert_eq!(PIO4_HI, std::f64::consts::FRAC_PI_4);
        assert_eq!(ATAN_TAYLOR[0], -1.0 / 3.0);
        assert_eq!(ATAN_TAYLOR[10], -1.0 / 23.0);
        assert_eq!(SIXTH_HI, 1.0 / 6.0);
        for (c, hi) in [(TAN_PIO8, ATAN_PIO8_HI), (TAN_3PIO8, ATAN_3PIO8_HI)] {
            assert!((c.atan() - hi).abs() <= f64::EPSILON * hi, "atan({c})");
        }
    }

    #[test]
    fn lanes64_trig_special_values() {
        for x in [0.0f64, -0.0, 5e-324, -1e-300] {
            assert_eq!(tan64::<Fused>(x).to_bits(), x.to_bits(), "tan({x:e})");
            assert_eq!(tan64::<Split>(x).to_bits(), x.to_bits(), "tan({x:e})");
            assert_eq!(atan64::<Fused>(x).to_bits(), x.to_bits(), "atan({x:e})");
            assert_eq!(atan64::<Split>(x).to_bits(), x.to_bits(), "atan({x:e})");
            assert_eq!(asin64::<Fused>(x).to_bits(), x.to_bits(), "asin({x:e})");
            assert_eq!(asin64::<Split>(x).to_bits(), x.to_bits(), "asin({x:e})");
            assert_eq!(acos64::<Split>(x), std::f64::consts::FRAC_PI_2, "acos({x:e})");
        }
        for (x, want) in [
            (f64::INFINITY, std::f64::consts::FRAC_PI_2),
            (1e300, std::f64::consts::FRAC_PI_2),
            (1.0, std::f64::consts::FRAC_PI_4),
        ] {
            assert_eq!(atan64::<Fused>(x), want, "atan({x:e})");
            assert_eq!(atan64::<Split>(-x), -want, "atan({:e})", -x);
        }
        assert_eq!(asin64::<Fused>(1.0), std::f64::consts::FRAC_PI_2);
        assert_eq!(asin64::<Split>(-1.0), -std::f64::consts::FRAC_PI_2);
        assert_eq!(acos64::<Fused>(1.0).to_bits(), 0);
        assert_eq!(acos64::<Split>(1.0).to_bits(), 0);
        assert_eq!(acos64::<Fused>(-1.0), std::f64::consts::PI);
        assert_eq!(acos64::<Split>(0.5), 0.5f64.acos());
    }
}
