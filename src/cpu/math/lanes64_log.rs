//! `log2` and `log10` of `f64` in `f64` lanes, within 1 ulp on every level (the exact products
//! they need are fused multiply-adds where the level has them, Dekker's products where not).
//!
//! Method: `x = 2^k (1 + f)` with `1 + f` in `[√½, √2)` as in `lanes64`'s `ln`, and
//! `ln(1 + f) = f - f²/2 + s (f²/2 + R(s²))` with `s = f / (2 + f)`, kept as a pair `lh + ll`:
//! `f` is exact, `f²/2` is split exactly into two terms, `f - hh` is added by Fast2Sum, and only
//! the small correction `s (f²/2 + R)` (at most 5% of the sum) rounds, so the pair is within
//! about `2^-57` of `ln(1 + f)` relatively. It is multiplied by `1/ln 2` (`1/ln 10`) held as a
//! pair, the leading product split exactly, and `k` (`k log10 2`, with `log10 2` in 42 + 53
//! bits so that `k` times the first part is exact) is added by Fast2Sum: the leading sum is
//! exact and the one large error is the final rounding. `log2(2^k) = k` exactly (`f = 0`), and
//! `log10(10^k) = k` for the exactly representable powers (the error is far below half an ulp
//! of the integer `k`), as in glibc.
//!
//! Zero, negative, subnormal and non-finite arguments go to the C library.
//!
//! Measured on 2026-12-05 against mpmath (`vector_tests.rs`, 1,243 values each, powers of 2
//! and 10 and the reduction's ends included): worst 0.500 ulp for both, at every level
//! (`log2` with split multiply-adds too, though the baseline keeps glibc's, which is faster
//! there: 11 against 8 ns per element). Single-threaded on 2^16 elements at the AVX-512
//! level: `log2` 1.7 against glibc's 5 ns per element, `log10` 1.7 against 10.

use super::lanes64::{exponent_and_fraction, fast_two_sum, kernel64, two_prod, LOG_TAYLOR};
use super::vector::{horner, Fma};

/// `1 / ln 2` as a pair (mpmath).
const INV_LN2_HI: f64 = f64::from_bits(0x3ff7_1547_652b_82fe); // 1.4426950408889634
const INV_LN2_LO: f64 = f64::from_bits(0x3c77_77d0_ffda_0d24); // 2.0355273740931033e-17
/// `1 / ln 10` as a pair (mpmath).
const INV_LN10_HI: f64 = f64::from_bits(0x3fdb_cb7b_1526_e50e); // 0.4342944819032518
const INV_LN10_LO: f64 = f64::from_bits(0x3c69_5355_baaa_fad3); // 1.098319650216765e-17
/// `log10 2` to 42 significant bits (its low 11 significand bits are zero), so `k LG2_HI` is
/// exact for `|k| < 2^11`.
const LG2_HI: f64 = f64::from_bits(0x3fd3_4413_509f_7800); // 0.30102999566395283
/// `log10 2 - LG2_HI` (mpmath).
const LG2_LO: f64 = f64::from_bits(0x3d1f_ef31_1f12_b358); // 2.8363394551044964e-14

/// `x = 2^k (1 + f)` for a positive normal finite `x`: `(k, lh, ll)` with `lh + ll = ln(1 + f)`
/// to about `2^-57` relatively and `|lh| ≤ 0.35`.
#[inline(always)]
fn ln_pair<M: Fma>(x: f64) -> (f64, f64, f64) {
    let (k, f) = exponent_and_fraction(x);
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * horner::<M, 11>(z, &LOG_TAYLOR);
    // f²/2 = hh + hl exactly; `f - hh` by Fast2Sum (`|hh| < |f|`).
    let (hh, hl) = two_prod::<M>(f, 0.5 * f);
    let (lh, e) = fast_two_sum(f, -hh);
    (k, lh, e + M::fma(s, hh + r, -hl))
}

/// `(lh + ll) (ch + cl)` as a pair, the leading product split exactly.
#[inline(always)]
fn times_pair<M: Fma>(lh: f64, ll: f64, ch: f64, cl: f64) -> (f64, f64) {
    let (ph, pl) = two_prod::<M>(lh, ch);
    (ph, pl + M::fma(lh, cl, ll * ch))
}

/// `log2(x)` for a positive normal finite `x`: `k + ln(1 + f) / ln 2`.
#[inline(always)]
fn log2_64<M: Fma>(x: f64) -> f64 {
    let (k, lh, ll) = ln_pair::<M>(x);
    let (yh, yl) = times_pair::<M>(lh, ll, INV_LN2_HI, INV_LN2_LO);
    // |yh| ≤ 1/2 ≤ |k| unless k = 0.
    let (s, e) = fast_two_sum(k, yh);
    s + (e + yl)
}

/// `log10(x)` for a positive normal finite `x`: `k log10 2 + ln(1 + f) / ln 10`.
#[inline(always)]
fn log10_64<M: Fma>(x: f64) -> f64 {
    let (k, lh, ll) = ln_pair::<M>(x);
    let (yh, yl) = times_pair::<M>(lh, ll, INV_LN10_HI, INV_LN10_LO);
    // |yh| ≤ 0.151 < 0.301 ≤ |k LG2_HI| unless k = 0.
    let (s, e) = fast_two_sum(k * LG2_HI, yh);
    s + (e + M::fma(k, LG2_LO, yl))
}

/// The arguments left to the C library: zero, negative, subnormal, `+∞` and NaN.
#[inline(always)]
fn log_exceptional(x: f64) -> bool {
    !(f64::MIN_POSITIVE..f64::INFINITY).contains(&x)
}

kernel64!(
    Log2_64,
    "`log2`; zero, negative, subnormal and non-finite arguments through the C library.",
    |x| log2_64::<M>(x),
    |x| log_exceptional(x),
    f64::log2
);
kernel64!(
    Log10_64,
    "`log10`; zero, negative, subnormal and non-finite arguments through the C library.",
    |x| log10_64::<M>(x),
    |x| log_exceptional(x),
    f64::log10
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::math::vector::{Fused, Split};

    #[test]
    fn lanes64_log_constants() {
        assert_eq!(LG2_HI.to_bits() & 0x7ff, 0);
        assert_eq!(INV_LN2_HI, std::f64::consts::LOG2_E);
        assert_eq!(INV_LN10_HI, std::f64::consts::LOG10_E);
        assert_eq!(LG2_HI + LG2_LO, std::f64::consts::LOG10_2);
    }

    #[test]
    fn lanes64_log_exact_powers() {
        for k in -1022..=1023 {
            let x = 2f64.powi(k);
            assert_eq!(log2_64::<Fused>(x), f64::from(k), "log2(2^{k})");
            assert_eq!(log2_64::<Split>(x), f64::from(k), "log2(2^{k})");
        }
        let mut x = 1.0;
        for k in 0..=22 {
            assert_eq!(log10_64::<Fused>(x), f64::from(k), "log10(1e{k})");
            assert_eq!(log10_64::<Split>(x), f64::from(k), "log10(1e{k})");
            assert_eq!(log10_64::<Fused>(x), x.log10());
            x *= 10.0;
        }
        assert_eq!(log2_64::<Fused>(1.0).to_bits(), 0);
        assert_eq!(log10_64::<Split>(1.0).to_bits(), 0);
    }
}
