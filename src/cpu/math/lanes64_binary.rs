//! `atan2`, `pow` and `logaddexp` of `f64` pairs in `f64` lanes, within 1 ulp of the exact
//! result on every level (the exact products they need are fused multiply-adds where the level
//! has them, Dekker's products where not; `logaddexp`'s cancelling results are the exception
//! below). As in `lanes64_trig`, each keeps the leading part of its result exact and rounds
//! only small corrections, so the one error of full size is the final rounding.
//!
//! - `atan2(x, y)`, the angle of the point `(y, x)`: with `a = |x|`, `b = |y|`, the quotient
//!   `q = min/max` in `[0, 1]` as a pair `qh + ql` (the division's remainder is exact), then
//!   `lanes64_trig`'s `atan` reduction applied to the pair: a breakpoint `c` (0, `tan(π/8)`
//!   or 1), `t = (q - c)/(1 + q c)` with `|t| ≤ tan(π/16)` as a pair, and
//!   `atan q = atan c + th + tl/(1 + th²) + th³ P(th²)`. The quadrant gives
//!   `K ± atan q` with `K` in `{0, π/2, π}` (`π/2 - v` when `a > b`, `π - v` when `y` is
//!   negative, its sign bit, `-0` included, `π/2 + v` for both); `K ± atan c` is summed
//!   exactly (`π`, `π/2` and `atan c` are pairs), `± th` is added by Fast2Sum and the rest,
//!   below 0.3% of the result, rounds. The result takes the sign of `x`.
//! - `pow(x, y) = ±exp(y ln|x|)`: `ln|x|` as a pair to about `2^-67` relatively, from
//!   `|x| = 2^k z` with `z` in `[0.6875, 1.375)` and a table of 128 points: `c ≈ 1/z` on a grid
//!   of `2^-7` (1 on the two intervals next to 1), so `r = z c - 1`, `|r| ≤ 2^-7`, is exact,
//!   and `ln|x| = k ln2 + (-ln c) + r - r²/2 + r³ Q(r)` with `k ln2 - ln c` exact (both parts
//!   on a grid of `2^-42`, their low parts apart), `r²/2` split exactly and `Q` the Taylor
//!   series to `r^10`. Then `y ln|x| = ph + pl` by an exact product, and `exp` of the pair as
//!   `lanes64`'s `exp`: `ph = n ln2 + rh`, the pair's low part folded into the reduced
//!   argument's, `exp(rh + rl) = 1 + rh + (rl + rh² P(rh))`, times `2^n`. A term of `y ln|x|`
//!   off by `ε` moves the result by `ε` relatively; `|y ln x| ≤ 708`, so the logarithm's error
//!   costs below 0.05 ulp. A negative base with an integer exponent gives `-|x|^y` for odd `y`.
//! - `logaddexp(x, y) = m + ln(1 + e^d)`, `m = max(x, y)`, `d = min - max` as an exact pair
//!   (TwoSum): `e^d` as `pow`'s `exp` of a pair, but unrounded and with `r²/2` split exactly
//!   (a pair to about `2^-59`), `1 + e^d` by Fast2Sum, `ln` of its high part by `pow`'s table
//!   (to `2^-67`) plus `low/high`, and `m` added by TwoSum. The logarithm term `L ≤ ln 2` is
//!   thus within about `2^-59` absolutely, which is below 0.25 ulp of the result wherever
//!   `|result| ≥ 2^-5`: within 1 ulp there. Near the curve `eˣ + eʸ = 1` the result cancels
//!   (`m ≈ -L`) and the bound is that absolute error (NumPy's formula, `m + log1p(exp(d))`
//!   rounded step by step, is within about `2^-53` there, and up to 1.5 ulp elsewhere). Pairs
//!   more than 700 apart give `m`.
//!
//! Left to the C library: for `atan2` infinities, NaN, magnitudes beyond `2^990`, and nonzero
//! ones below `2^-1000` (two zeros, or a zero and such a one, included); for `pow` a zero,
//! subnormal or non-finite base, a non-finite exponent or `|y| ≥ 2^64`, a negative base with a
//! non-integer exponent, and results beyond about `2^±1000` (overflow, underflow, subnormals
//! and the range just inside them, judged from a cheap estimate of `y log2|x|`). That covers
//! `pow(x, 0) = 1` for NaN `x`, `pow(1, y) = 1` for NaN `y` and `pow(-1, ±∞) = 1`; for
//! `logaddexp` (to NumPy's scalar formula) infinities, NaN, and pairs more than 700 apart whose
//! larger argument is below `2^-900`.
//!
//! Measured on 2026-12-05 against mpmath (`vector_binary_tests.rs`; 1,164 `atan2` and 1,817
//! `pow` values, 6 and 401 of them through the C library), worst error in ulp at the baseline
//! (split multiply-adds) / AVX2 / AVX-512 level: `atan2` 0.499 on all three, `pow` 0.634 /
//! 0.564 / 0.564. Single-threaded on 2^16 elements, against glibc's scalar functions (a shared
//! two-core machine, so roughly): `atan2` 14.5 (baseline), 5.5 (AVX2), 3.2 (AVX-512) against
//! 26.5 ns per element; `pow` 8.3 (AVX2), 4.5 (AVX-512) against 15.1, but 22.9 at the
//! baseline, which therefore keeps the C library's (`pow` is registered on the FMA levels only).

// `!(x <= limit)`-style tests are the one comparison that also sends NaN to the scalar path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::exp::ROUND;
use super::lanes64::{fast_two_sum, is_fused, two_prod, two_sum, EXP_TAYLOR, LN2_HI, LN2_LO};
use super::lanes64_trig::{
    div_pair, ATAN_PIO8_HI, ATAN_PIO8_LO, ATAN_SPLIT, ATAN_TAYLOR, PIO2_HI, PIO2_LO, PIO4_HI, PIO4_LO, PI_HI, PI_LO,
    TAN_PIO8,
};
use super::vector::{horner, Fma};
use super::vector_binary::Kernel2;
use super::Real;

/// The sign bit of an `f64`.
const SIGN: u64 = 0x8000_0000_0000_0000;

/// `2^990` and `2^-1000`: `atan2`'s lane range for the larger magnitude (Dekker's split needs
/// `|d| < 2^995`) and for the smaller nonzero one (the remainder of `min/max` stays exact to
/// `2^-74` of the quotient).
const ATAN2_BIG: f64 = f64::from_bits((1023 + 990) << 52);
const ATAN2_SMALL: f64 = f64::from_bits((1023 - 1000) << 52);

/// `atan2(x, y)` for `|x|`, `|y|` zero or in `[2^-1000, 2^990]`, not both zero (see the module
/// docs).
#[inline(always)]
fn atan2_64<M: Fma>(x: f64, y: f64) -> f64 {
    let (a, b) = (x.abs(), y.abs());
    let swap = a > b;
    let (n, d) = if swap { (b, a) } else { (a, b) };
    let (qh, ql) = div_pair::<M>(n, 0.0, d, 0.0);
    // t = (q - c)/(1 + q c) for the breakpoint c below q (qh ≤ 1 + 2^-52).
    let (c, hc, lc) = if qh < ATAN_SPLIT[0] {
        (0.0, 0.0, 0.0)
    } else if qh < ATAN_SPLIT[1] {
        (TAN_PIO8, ATAN_PIO8_HI, ATAN_PIO8_LO)
    } else {
        (1.0, PIO4_HI, PIO4_LO)
    };
    let (nh, e) = two_sum(qh, -c);
    let (ph, pl) = two_prod::<M>(c, qh);
    // c qh ≤ 1 + 2^-52: its exponent is at most 1's.
    let (dh, f) = fast_two_sum(1.0, ph);
    let (th, tl) = div_pair::<M>(nh, e + ql, dh, f + M::fma(c, ql, pl));
    let z = th * th;
    // atan q = hc + th + small, and atan(th + tl) = atan(th) + tl/(1 + z) + ... ≈ ... + tl (1 - z).
    let small = M::fma(th * z, horner::<M, 11>(z, &ATAN_TAYLOR), M::fma(-tl, z, tl) + lc);
    // The quadrant: K + s atan q.
    let neg_y = y.is_sign_negative();
    let (kh, kl) = if swap {
        (PIO2_HI, PIO2_LO)
    } else if neg_y {
        (PI_HI, PI_LO)
    } else {
        (0.0, 0.0)
    };
    let s = if swap == neg_y { 1.0 } else { -1.0 };
    // K + s hc exactly; it is 0 or above 0.39 ≥ 2 |th|, so Fast2Sum adds s th exactly.
    let (ch, cl) = two_sum(kh, s * hc);
    let (h, g) = fast_two_sum(ch, s * th);
    let v = h + ((g + cl) + M::fma(s, small, kl));
    f64::from_bits(v.to_bits() | (x.to_bits() & SIGN))
}

/// Whether `atan2(x, y)` goes to the C library: NaN, infinities, magnitudes beyond
/// [`ATAN2_BIG`], a larger magnitude below [`ATAN2_SMALL`] (two zeros included) or a nonzero
/// smaller one below it.
#[inline(always)]
fn atan2_exceptional(x: f64, y: f64) -> bool {
    let (a, b) = (x.abs(), y.abs());
    let (n, d) = if a > b { (b, a) } else { (a, b) };
    !(a <= ATAN2_BIG && b <= ATAN2_BIG && d >= ATAN2_SMALL && (n >= ATAN2_SMALL || n == 0.0))
}

/// `0.6875`'s bits: `|x| = 2^k z` with `z` in `[0.6875, 1.375)`.
const LOG_OFF: u64 = 0x3fe6_0000_0000_0000;

/// `ln 2` to 42 significant bits (a multiple of `2^-42`), so `k LN2_HI42` is exact for
/// `|k| ≤ 2^11` and `k LN2_HI42 + LOG_L_HI[i]` is exact too.
const LN2_HI42: f64 = f64::from_bits(0x3fe6_2e42_fefa_3800); // 0.6931471805598903
/// `ln 2 - LN2_HI42` (mpmath).
const LN2_LO42: f64 = f64::from_bits(0x3d2e_f357_93c7_6730); // 5.497923018708371e-14

/// `(-1)^j / j` for `j = 3..=10`: `(ln(1 + r) - r + r²/2) / r³`; truncation below `2^-72`
/// relative to `r` for `|r| ≤ 2^-7`.
const LOG1P_TAYLOR: [f64; 8] = {
    let mut c = [0.0; 8];
    let mut j = 0;
    while j < 8 {
        let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
        c[j] = sign / (j + 3) as f64;
        j += 1;
    }
    c
};

// `pow`'s logarithm table, from `tools/gen_vector_math_ref.py --pow-table` (mpmath at 200
// bits). Interval `i` of `z`: `[0.6875 + i/256, + 1/256)` for `i < 80`, then
// `[1 + (i - 80)/128, + 1/128)`. `LOG_C[i]`: a multiple of `2^-7` that minimises `|z c - 1|`
// over the interval (1 for the intervals on either side of 1), which stays below `2^-7`, so
// `z c - 1` is an `f64`. `LOG_L_HI[i] + LOG_L_LO[i]` = `-ln LOG_C[i]`, the first part a
// multiple of `2^-42`.
const LOG_C: [f64; 128] = [
    1.453125, 1.4453125, 1.4375, 1.4296875, 1.421875, 1.4140625, 1.40625, 1.3984375, 1.390625, 1.3828125, 1.375,
    1.3671875, 1.359375, 1.3515625, 1.34375, 1.3359375, 1.328125, 1.3203125, 1.3125, 1.3125, 1.3046875, 1.296875,
    1.2890625, 1.28125, 1.2734375, 1.2734375, 1.265625, 1.2578125, 1.25, 1.2421875, 1.2421875, 1.234375, 1.2265625,
    1.21875, 1.21875, 1.2109375, 1.203125, 1.1953125, 1.1953125, 1.1875, 1.1796875, 1.1796875, 1.171875, 1.1640625,
    1.1640625, 1.15625, 1.1484375, 1.1484375, 1.140625, 1.1328125, 1.1328125, 1.125, 1.1171875, 1.1171875, 1.109375,
    1.109375, 1.1015625, 1.09375, 1.09375, 1.0859375, 1.0859375, 1.078125, 1.0703125, 1.0703125, 1.0625, 1.0625,
    1.0546875, 1.0546875, 1.046875, 1.0390625, 1.0390625, 1.03125, 1.03125, 1.0234375, 1.0234375, 1.015625, 1.015625,
    1.0078125, 1.0078125, 1.0, 1.0, 0.9921875, 0.984375, 0.9765625, 0.96875, 0.9609375, 0.953125, 0.9453125, 0.9375,
    0.9296875, 0.921875, 0.9140625, 0.9140625, 0.90625, 0.8984375, 0.890625, 0.8828125, 0.8828125, 0.875, 0.8671875,
    0.859375, 0.859375, 0.8515625, 0.84375, 0.8359375, 0.8359375, 0.828125, 0.8203125, 0.8203125, 0.8125, 0.8046875,
    0.8046875, 0.796875, 0.7890625, 0.7890625, 0.78125, 0.78125, 0.7734375, 0.765625, 0.765625, 0.7578125, 0.7578125,
    0.75, 0.75, 0.7421875, 0.734375, 0.734375, 0.7265625,
];
const LOG_L_HI: [f64; 128] = [
    f64::from_bits(0xbfd7_eaf8_3b82_b000),
    f64::from_bits(0xbfd7_92a5_5fdd_4000),
    f64::from_bits(0xbfd7_39d7_f6bb_d000),
    f64::from_bits(0xbfd6_e08e_aa2b_a000),
    f64::from_bits(0xbfd6_86c8_1e9b_1000),
    f64::from_bits(0xbfd6_2c82_f2b9_c000),
    f64::from_bits(0xbfd5_d1bd_bf58_1000),
    f64::from_bits(0xbfd5_7677_1745_6000),
    f64::from_bits(0xbfd5_1aad_872e_0000),
    f64::from_bits(0xbfd4_be5f_9577_8000),
    f64::from_bits(0xbfd4_618b_c21c_6000),
    f64::from_bits(0xbfd4_0430_8686_a000),
    f64::from_bits(0xbfd3_a64c_5569_4000),
    f64::from_bits(0xbfd3_47dd_9a98_8000),
    f64::from_bits(0xbfd2_e8e2_bae1_2000),
    f64::from_bits(0xbfd2_895a_13de_8000),
    f64::from_bits(0xbfd2_2941_fbcf_8000),
    f64::from_bits(0xbfd1_c898_c169_a000),
    f64::from_bits(0xbfd1_675c_abab_a000),
    f64::from_bits(0xbfd1_675c_abab_a000),
    f64::from_bits(0xbfd1_058b_f9ae_5000),
    f64::from_bits(0xbfd0_a324_e273_9000),
    f64::from_bits(0xbfd0_4025_94b4_d000),
    f64::from_bits(0xbfcf_b918_6d5e_4000),
    f64::from_bits(0xbfce_f0ad_cbdc_6000),
    f64::from_bits(0xbfce_f0ad_cbdc_6000),
    f64::from_bits(0xbfce_2707_6e2b_0000),
    f64::from_bits(0xbfcd_5c21_6b4f_c000),
    f64::from_bits(0xbfcc_8ff7_c79a_a000),
    f64::from_bits(0xbfcb_c286_742d_8000),
    f64::from_bits(0xbfcb_c286_742d_8000),
    f64::from_bits(0xbfca_f3c9_4e80_c000),
    f64::from_bits(0xbfca_23bc_1fe2_c000),
    f64::from_bits(0xbfc9_525a_9cf4_6000),
    f64::from_bits(0xbfc9_525a_9cf4_6000),
    f64::from_bits(0xbfc8_7fa0_6520_c000),
    f64::from_bits(0xbfc7_ab89_0210_e000),
    f64::from_bits(0xbfc6_d60f_e719_e000),
    f64::from_bits(0xbfc6_d60f_e719_e000),
    f64::from_bits(0xbfc5_ff30_70a7_a000),
    f64::from_bits(0xbfc5_26e5_e3a1_c000),
    f64::from_bits(0xbfc5_26e5_e3a1_c000),
    f64::from_bits(0xbfc4_4d2b_6ccb_8000),
    f64::from_bits(0xbfc3_71fc_201e_8000),
    f64::from_bits(0xbfc3_71fc_201e_8000),
    f64::from_bits(0xbfc2_9552_f820_0000),
    f64::from_bits(0xbfc1_b72a_d52f_6000),
    f64::from_bits(0xbfc1_b72a_d52f_6000),
    f64::from_bits(0xbfc0_d77e_7cd0_8000),
    f64::from_bits(0xbfbf_ec91_31dc_0000),
    f64::from_bits(0xbfbf_ec91_31dc_0000),
    f64::from_bits(0xbfbe_2707_6e2b_0000),
    f64::from_bits(0xbfbc_5e54_8f5b_c000),
    f64::from_bits(0xbfbc_5e54_8f5b_c000),
    f64::from_bits(0xbfba_926d_3a4a_c000),
    f64::from_bits(0xbfba_926d_3a4a_c000),
    f64::from_bits(0xbfb8_c345_d631_8000),
    f64::from_bits(0xbfb6_f0d2_8ae5_8000),
    f64::from_bits(0xbfb6_f0d2_8ae5_8000),
    f64::from_bits(0xbfb5_1b07_3f06_0000),
    f64::from_bits(0xbfb5_1b07_3f06_0000),
    f64::from_bits(0xbfb3_41d7_961b_c000),
    f64::from_bits(0xbfb1_6536_eea3_8000),
    f64::from_bits(0xbfb1_6536_eea3_8000),
    f64::from_bits(0xbfaf_0a30_c011_8000),
    f64::from_bits(0xbfaf_0a30_c011_8000),
    f64::from_bits(0xbfab_42dd_7119_8000),
    f64::from_bits(0xbfab_42dd_7119_8000),
    f64::from_bits(0xbfa7_7458_f633_0000),
    f64::from_bits(0xbfa3_9e87_b9fe_8000),
    f64::from_bits(0xbfa3_9e87_b9fe_8000),
    f64::from_bits(0xbf9f_829b_0e78_0000),
    f64::from_bits(0xbf9f_829b_0e78_0000),
    f64::from_bits(0xbf97_b91b_07d6_0000),
    f64::from_bits(0xbf97_b91b_07d6_0000),
    f64::from_bits(0xbf8f_c0a8_b0fc_0000),
    f64::from_bits(0xbf8f_c0a8_b0fc_0000),
    f64::from_bits(0xbf7f_e02a_6b10_0000),
    f64::from_bits(0xbf7f_e02a_6b10_0000),
    f64::from_bits(0x0000_0000_0000_0000),
    f64::from_bits(0x0000_0000_0000_0000),
    f64::from_bits(0x3f80_1015_7588_0000),
    f64::from_bits(0x3f90_2056_5893_0000),
    f64::from_bits(0x3f98_4925_28c9_0000),
    f64::from_bits(0x3fa0_415d_89e7_8000),
    f64::from_bits(0x3fa4_66ae_d42e_0000),
    f64::from_bits(0x3fa8_94aa_149f_8000),
    f64::from_bits(0x3fac_cb73_cddd_8000),
    f64::from_bits(0x3fb0_8598_b59e_4000),
    f64::from_bits(0x3fb2_aa04_a447_0000),
    f64::from_bits(0x3fb4_d311_5d20_8000),
    f64::from_bits(0x3fb7_00d3_0aea_c000),
    f64::from_bits(0x3fb7_00d3_0aea_c000),
    f64::from_bits(0x3fb9_335e_5d59_4000),
    f64::from_bits(0x3fbb_6ac8_8dad_4000),
    f64::from_bits(0x3fbd_a727_6384_4000),
    f64::from_bits(0x3fbf_e891_39db_c000),
    f64::from_bits(0x3fbf_e891_39db_c000),
    f64::from_bits(0x3fc1_178e_8227_e000),
    f64::from_bits(0x3fc2_3d71_2a49_c000),
    f64::from_bits(0x3fc3_65fc_b015_a000),
    f64::from_bits(0x3fc3_65fc_b015_a000),
    f64::from_bits(0x3fc4_913d_8333_c000),
    f64::from_bits(0x3fc5_bf40_6b54_4000),
    f64::from_bits(0x3fc6_f012_8b75_6000),
    f64::from_bits(0x3fc6_f012_8b75_6000),
    f64::from_bits(0x3fc8_23c1_6551_a000),
    f64::from_bits(0x3fc9_5a5a_dcf7_0000),
    f64::from_bits(0x3fc9_5a5a_dcf7_0000),
    f64::from_bits(0x3fca_93ed_3c8a_e000),
    f64::from_bits(0x3fcb_d087_383b_e000),
    f64::from_bits(0x3fcb_d087_383b_e000),
    f64::from_bits(0x3fcd_1037_f265_6000),
    f64::from_bits(0x3fce_530e_ffe7_2000),
    f64::from_bits(0x3fce_530e_ffe7_2000),
    f64::from_bits(0x3fcf_991c_6cb3_c000),
    f64::from_bits(0x3fcf_991c_6cb3_c000),
    f64::from_bits(0x3fd0_7138_604d_6000),
    f64::from_bits(0x3fd1_178e_8227_e000),
    f64::from_bits(0x3fd1_178e_8227_e000),
    f64::from_bits(0x3fd1_bf99_635a_7000),
    f64::from_bits(0x3fd1_bf99_635a_7000),
    f64::from_bits(0x3fd2_6962_1134_e000),
    f64::from_bits(0x3fd2_6962_1134_e000),
    f64::from_bits(0x3fd3_14f1_e1d3_6000),
    f64::from_bits(0x3fd3_c252_7733_3000),
    f64::from_bits(0x3fd3_c252_7733_3000),
    f64::from_bits(0x3fd4_718d_c271_c000),
];
const LOG_L_LO: [f64; 128] = [
    f64::from_bits(0x3cee_4da6_2d0c_25ad),
    f64::from_bits(0xbd3e_89f0_5769_1fea),
    f64::from_bits(0xbcba_7389_314f_eb50),
    f64::from_bits(0xbd1e_38c1_3931_8d71),
    f64::from_bits(0xbd32_bb11_0af8_4054),
    f64::from_bits(0xbd3e_54bd_bd7c_8a98),
    f64::from_bits(0x3d38_d6bd_c9c7_c238),
    f64::from_bits(0x3d36_4ead_9524_d7ca),
    f64::from_bits(0x3d3f_4bd8_db0a_7cc1),
    f64::from_bits(0x3d3d_7c92_cd9a_d824),
    f64::from_bits(0x3d13_d82f_484c_84cc),
    f64::from_bits(0xbd3f_8ef4_3049_f7d3),
    f64::from_bits(0xbd37_a71c_bcd7_35d0),
    f64::from_bits(0x3d25_594d_d4c5_8092),
    f64::from_bits(0x3d26_7b1e_99b7_2bd8),
    f64::from_bits(0xbd3a_8d7a_d24c_13f0),
    f64::from_bits(0x3d3a_6976_f5eb_0963),
    f64::from_bits(0x3d38_1410_e5c6_2aff),
    f64::from_bits(0xbd38_380e_731f_55c4),
    f64::from_bits(0xbd38_380e_731f_55c4),
    f64::from_bits(0x3d34_ab9d_817d_52cd),
    f64::from_bits(0xbd0c_6bee_7ef4_030e),
    f64::from_bits(0xbcf0_36b8_9ef4_2d7f),
    f64::from_bits(0x3d0d_572a_ab99_3c87),
    f64::from_bits(0x3d2b_26b7_9c86_af24),
    f64::from_bits(0x3d2b_26b7_9c86_af24),
    f64::from_bits(0x3d3a_342c_2af0_003c),
    f64::from_bits(0x3d21_ba91_bbca_681b),
    f64::from_bits(0x3d27_794f_689f_8434),
    f64::from_bits(0xbd39_ac53_f39d_121c),
    f64::from_bits(0xbd39_ac53_f39d_121c),
    f64::from_bits(0x3cba_4e63_3fcd_9066),
    f64::from_bits(0x3d35_39cd_91dc_9f0b),
    f64::from_bits(0x3d32_9713_7d9f_158f),
    f64::from_bits(0x3d32_9713_7d9f_158f),
    f64::from_bits(0xbd32_2120_4012_02fc),
    f64::from_bits(0x3d2b_db90_7253_4a58),
    f64::from_bits(0x3d3b_c6e5_5713_4767),
    f64::from_bits(0x3d3b_c6e5_5713_4767),
    f64::from_bits(0x3d38_586f_183b_ebf2),
    f64::from_bits(0x3d37_90ba_37fc_5238),
    f64::from_bits(0x3d37_90ba_37fc_5238),
    f64::from_bits(0x3d17_0cc1_6135_783c),
    f64::from_bits(0xbd3e_e877_9b2d_8abc),
    f64::from_bits(0xbd3e_e877_9b2d_8abc),
    f64::from_bits(0x3d35_b967_f447_1dfc),
    f64::from_bits(0xbd2e_80a4_1811_a396),
    f64::from_bits(0xbd2e_80a4_1811_a396),
    f64::from_bits(0xbd3c_b2cd_2ee2_f482),
    f64::from_bits(0x3d35_4555_d1ae_6607),
    f64::from_bits(0x3d35_4555_d1ae_6607),
    f64::from_bits(0x3d2a_342c_2af0_003c),
    f64::from_bits(0xbd1d_0c57_585f_be06),
    f64::from_bits(0xbd1d_0c57_585f_be06),
    f64::from_bits(0xbd35_6365_0bd2_2a9c),
    f64::from_bits(0xbd35_6365_0bd2_2a9c),
    f64::from_bits(0xbd3b_20f5_acb4_2a66),
    f64::from_bits(0x3d34_b464_1b66_4613),
    f64::from_bits(0x3d34_b464_1b66_4613),
    f64::from_bits(0xbd38_3f69_278e_686a),
    f64::from_bits(0xbd38_3f69_278e_686a),
    f64::from_bits(0xbd31_d092_9983_7610),
    f64::from_bits(0x3d14_7c5e_768f_a309),
    f64::from_bits(0x3d14_7c5e_768f_a309),
    f64::from_bits(0x3d2d_599e_8336_8e91),
    f64::from_bits(0x3d2d_599e_8336_8e91),
    f64::from_bits(0x3d1c_827a_e5d6_704c),
    f64::from_bits(0x3d1c_827a_e5d6_704c),
    f64::from_bits(0x3d31_81dc_e586_af09),
    f64::from_bits(0xbd3e_afd4_80ad_9015),
    f64::from_bits(0xbd3e_afd4_80ad_9015),
    f64::from_bits(0xbd29_8026_7c7e_09e4),
    f64::from_bits(0xbd29_8026_7c7e_09e4),
    f64::from_bits(0x3d33_b955_b602_ace4),
    f64::from_bits(0x3d33_b955_b602_ace4),
    f64::from_bits(0xbcdf_1e7c_f6d3_a69c),
    f64::from_bits(0xbcdf_1e7c_f6d3_a69c),
    f64::from_bits(0xbd19_e23f_0dda_40e4),
    f64::from_bits(0xbd19_e23f_0dda_40e4),
    f64::from_bits(0x0000_0000_0000_0000),
    f64::from_bits(0x0000_0000_0000_0000),
    f64::from_bits(0x3d3b_ce25_1998_b506),
    f64::from_bits(0x3d36_11d2_7c8e_8417),
    f64::from_bits(0xbd2a_a0ba_325a_0c34),
    f64::from_bits(0xbd3d_ddc7_f461_c516),
    f64::from_bits(0xbd2c_1673_75bd_fd28),
    f64::from_bits(0x3d39_a19a_8be9_7661),
    f64::from_bits(0x3d39_65c3_6e09_f5fe),
    f64::from_bits(0xbd17_e5dd_7009_902c),
    f64::from_bits(0x3d37_a48b_a8b1_cb41),
    f64::from_bits(0xbcf5_3a25_82f4_e1ef),
    f64::from_bits(0x3cec_1e8d_a99d_ed32),
    f64::from_bits(0x3cec_1e8d_a99d_ed32),
    f64::from_bits(0x3d23_115c_3abd_47da),
    f64::from_bits(0x3d3b_1bdf_f502_25c7),
    f64::from_bits(0x3d1a_8940_1fa7_1733),
    f64::from_bits(0x3d35_6594_d82f_7a82),
    f64::from_bits(0x3d35_6594_d82f_7a82),
    f64::from_bits(0x3d21_ef78_ce2d_07f2),
    f64::from_bits(0x3d10_0d23_8fd3_df5c),
    f64::from_bits(0xbd3f_d3a0_afb9_691b),
    f64::from_bits(0xbd3f_d3a0_afb9_691b),
    f64::from_bits(0xbd35_3e43_5581_24c4),
    f64::from_bits(0xbd12_7023_eb68_981c),
    f64::from_bits(0x3d35_7739_0d31_ef0f),
    f64::from_bits(0x3d35_7739_0d31_ef0f),
    f64::from_bits(0x3d1e_0ddb_9a63_1e83),
    f64::from_bits(0x3d07_f228_58a0_ff6f),
    f64::from_bits(0x3d07_f228_58a0_ff6f),
    f64::from_bits(0xbd28_7243_5056_2169),
    f64::from_bits(0xbd2d_4bc4_5954_12b6),
    f64::from_bits(0xbd2d_4bc4_5954_12b6),
    f64::from_bits(0xbd08_4a7e_75b6_f6e4),
    f64::from_bits(0xbd3f_dbdb_b13f_7c18),
    f64::from_bits(0xbd3f_dbdb_b13f_7c18),
    f64::from_bits(0xbd39_0d04_cd7c_c834),
    f64::from_bits(0xbd39_0d04_cd7c_c834),
    f64::from_bits(0xbd3e_7632_4e91_2b17),
    f64::from_bits(0x3d31_ef78_ce2d_07f2),
    f64::from_bits(0x3d31_ef78_ce2d_07f2),
    f64::from_bits(0xbd31_ac89_575c_2125),
    f64::from_bits(0xbd31_ac89_575c_2125),
    f64::from_bits(0xbd31_b61f_1052_2625),
    f64::from_bits(0xbd31_b61f_1052_2625),
    f64::from_bits(0xbd28_e27a_d321_3cb8),
    f64::from_bits(0x3d18_3b54_b606_bd5c),
    f64::from_bits(0x3d18_3b54_b606_bd5c),
    f64::from_bits(0x3d30_6c18_fb4c_14c5),
];

/// `ln a` for a positive normal finite `a` as a renormalised pair, to about `2^-67`
/// relatively (see the module docs).
#[inline(always)]
fn ln_pair<M: Fma>(a: f64) -> (f64, f64) {
    // The exponent field of `tmp` is k + 1023 and its significand field is z's offset from
    // 0.6875 (in the units of z's binade); its top 7 bits are the interval.
    let tmp = a.to_bits().wrapping_add(0x3ff0_0000_0000_0000 - LOG_OFF);
    let i = ((tmp >> 45) & 127) as usize;
    let z = f64::from_bits((tmp & 0x000f_ffff_ffff_ffff) + LOG_OFF);
    let k = f64::from_bits(0x4330_0000_0000_0000 | (tmp >> 52)) - (4503599627370496.0 + 1023.0);
    let c = LOG_C[i];
    // r = z c - 1 is an f64: one fused multiply-add, or the exact product's two parts.
    let r = if is_fused::<M>() {
        M::fma(z, c, -1.0)
    } else {
        let (p, e) = two_prod::<M>(z, c);
        (p - 1.0) + e
    };
    let (h, hl) = two_prod::<M>(r, 0.5 * r);
    let tail = (r * (2.0 * h)) * horner::<M, 8>(r, &LOG1P_TAYLOR);
    let t = M::fma(k, LN2_HI42, LOG_L_HI[i]);
    let (s1, e1) = two_sum(t, r);
    // |s1| ≥ 2^-9 > h unless t = 0 and s1 = r, also above h = r²/2.
    let (s2, e2) = fast_two_sum(s1, -h);
    let lo = ((e1 + e2) - hl) + (tail + M::fma(k, LN2_LO42, LOG_L_LO[i]));
    fast_two_sum(s2, lo)
}

/// `ph + pl = n ln2 + (rh + rl)`: `(rh, rl, 2^n)`, as in `lanes64`'s `exp`, for `|ph| ≤ 708`
/// and `|pl|` within an ulp or so of `ph`.
#[inline(always)]
fn reduce_pair<M: Fma>(ph: f64, pl: f64) -> (f64, f64, f64) {
    let shifted = M::fma(ph, std::f64::consts::LOG2_E, ROUND);
    let n = shifted - ROUND;
    // Exact, as in `lanes64`'s `exp`.
    let hi = M::fma(-n, LN2_HI, ph);
    let (rh, rl) = two_sum(hi, M::fma(-n, LN2_LO, pl));
    (rh, rl, f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52))
}

/// `exp(ph + pl)` for `|ph| ≤ 708`, `|pl|` within an ulp or so of `ph`, and a normal result:
/// `lanes64`'s `exp` with `pl` added to the reduced argument's low part.
#[inline(always)]
fn exp_pair<M: Fma>(ph: f64, pl: f64) -> f64 {
    let (rh, rl, scale) = reduce_pair::<M>(ph, pl);
    let tail = M::fma(rh * rh, horner::<M, 13>(rh, &EXP_TAYLOR), rl);
    let s = 1.0 + rh;
    let e = (1.0 - s) + rh; // exact: |rh| < 1
    (s + (e + tail)) * scale
}

/// `Σ r^(k-3) / k!`, `k = 3..=14`: `(exp(r) - 1 - r - r²/2) / r³`.
const EXP_CUBIC: [f64; 12] = {
    let mut c = [0.0; 12];
    let mut i = 0;
    while i < 12 {
        c[i] = EXP_TAYLOR[i + 1];
        i += 1;
    }
    c
};

/// `exp(ph + pl)` as an unevaluated `(s + t) · scale` (`scale` a power of two, `|t|` below an
/// ulp of `s`) to about `2^-59` relatively: [`exp_pair`] with `r²/2` split exactly as well, so
/// the roundings left are the cubic term's (`|r³/6| ≤ 0.007`).
#[inline(always)]
fn exp_pair_fine<M: Fma>(ph: f64, pl: f64) -> (f64, f64, f64) {
    let (rh, rl, scale) = reduce_pair::<M>(ph, pl);
    let (h2, h2l) = two_prod::<M>(rh, 0.5 * rh);
    let cubic = (rh * rh) * (rh * horner::<M, 12>(rh, &EXP_CUBIC));
    let (s, e1) = fast_two_sum(1.0, rh);
    // s ≥ 0.65 > r²/2.
    let (s, e2) = fast_two_sum(s, h2);
    let t = (e1 + e2) + (h2l + M::fma(rl, rh, rl) + cubic);
    let (s, t) = fast_two_sum(s, t);
    (s, t, scale)
}

/// `2^52`: `|y| + 2^52` rounds `|y| < 2^52` to an integer, held in the low significand bits.
const TWO52: f64 = 4503599627370496.0;

/// Whether the finite `y` is an integer.
#[inline(always)]
pub(super) fn is_integer(y: f64) -> bool {
    let b = y.abs();
    b >= TWO52 || (b + TWO52) - TWO52 == b
}

/// Whether the finite integer `y` is odd: the last significand bit of `|y|` (below `2^53`),
/// moved to the units place first when `|y| < 2^52`.
#[inline(always)]
pub(super) fn is_odd(y: f64) -> bool {
    let b = y.abs();
    let t = if b >= TWO52 { b } else { b + TWO52 };
    t < 2.0 * TWO52 && t.to_bits() & 1 == 1
}

/// `|x|^y`, negated for a negative `x` and an odd `y`, where [`pow_exceptional`] is false.
#[inline(always)]
fn pow64<M: Fma>(x: f64, y: f64) -> f64 {
    let (lh, ll) = ln_pair::<M>(x.abs());
    let (ph, pe) = two_prod::<M>(y, lh);
    let v = exp_pair::<M>(ph, M::fma(y, ll, pe));
    let negate = x < 0.0 && is_odd(y);
    f64::from_bits(v.to_bits() | if negate { SIGN } else { 0 })
}

/// `log2(1 + f)` to `f⁴` (Taylor): with `k`, within 1% of `log2|x|` for `f = z - 1`, `z` in
/// `[0.6875, 1.375)` (the worst, 0.5%, at the ends).
const LOG2_ESTIMATE: [f64; 4] = [
    std::f64::consts::LOG2_E,
    -std::f64::consts::LOG2_E / 2.0,
    std::f64::consts::LOG2_E / 3.0,
    -std::f64::consts::LOG2_E / 4.0,
];

/// The lane's results stay within `2^±1020`: an estimate of `|y log2|x||` within 1% below
/// this keeps the true value below 1020.2 (and sends only results beyond `2^±1000` to the C
/// library).
const POW_LIMIT: f64 = 1010.0;

/// `2^64`: beyond, `|x|^y` is 0, 1 or ∞ (and Dekker's split would overflow).
const POW_Y_MAX: f64 = 18446744073709551616.0;

/// Whether `pow(x, y)` goes to the C library (see the module docs).
#[inline(always)]
fn pow_exceptional(x: f64, y: f64) -> bool {
    let a = x.abs();
    let tmp = a.to_bits().wrapping_add(0x3ff0_0000_0000_0000 - LOG_OFF);
    let f = f64::from_bits((tmp & 0x000f_ffff_ffff_ffff) + LOG_OFF) - 1.0;
    let k = f64::from_bits(0x4330_0000_0000_0000 | (tmp >> 52)) - (4503599627370496.0 + 1023.0);
    let estimate = y * (k + f * horner::<super::vector::Split, 4>(f, &LOG2_ESTIMATE));
    let lane = (f64::MIN_POSITIVE..f64::INFINITY).contains(&a) && y.abs() < POW_Y_MAX && estimate.abs() < POW_LIMIT;
    !lane || (x < 0.0 && !is_integer(y))
}

/// `|x - y|` beyond which the lane returns the larger argument: `ln(1 + e^-|x-y|)` is then
/// below `2^-1009`, under half an ulp of any result of magnitude at least [`LOGADDEXP_TINY`].
const LOGADDEXP_FAR: f64 = 700.0;
/// `2^-900`: below, a far pair goes to the scalar formula (its result may be moved by
/// `e^-|x-y|`, and may be subnormal).
const LOGADDEXP_TINY: f64 = f64::from_bits((1023 - 900) << 52);

/// `ln(eˣ + eʸ)` for finite `x`, `y` (see the module docs): `m + ln(1 + e^d)` with `m` the
/// larger argument and `d = min - max` as an exact pair; `e^d` as the pair of
/// [`exp_pair_fine`], `1 + e^d` by Fast2Sum, its logarithm by [`ln_pair`] plus the low part's
/// first-order term, and `m` added by TwoSum: the one rounding of full size is the last.
#[inline(always)]
fn logaddexp64<M: Fma>(x: f64, y: f64) -> f64 {
    let (m, n) = (x.max(y), x.min(y));
    let (dh, dl) = two_sum(n, -m);
    // A select, not a branch: far pairs (an infinite `dh` included) take `m` below, and the
    // clamp keeps their `exp` in its domain meanwhile.
    let far = !(dh >= -LOGADDEXP_FAR);
    let (dh, dl) = if far { (-LOGADDEXP_FAR, 0.0) } else { (dh, dl) };
    let (s, t, scale) = exp_pair_fine::<M>(dh, dl);
    let (eh, el) = (s * scale, t * scale);
    // 1 ≥ e^d: Fast2Sum.
    let (uh, ul) = fast_two_sum(1.0, eh);
    let (lh, ll) = ln_pair::<M>(uh);
    // ln(uh + ul') = ln uh + ul'/uh, the next term (below 2^-106) dropped.
    let ll = ll + (ul + el) / uh;
    let (rh, rl) = two_sum(m, lh);
    let v = rh + (rl + ll);
    if far {
        m
    } else {
        v
    }
}

/// Whether `logaddexp(x, y)` goes to the scalar formula: infinities and NaN, and far pairs with
/// a tiny larger argument.
#[inline(always)]
fn logaddexp_exceptional(x: f64, y: f64) -> bool {
    !(x.is_finite() && y.is_finite()) || (!((x - y).abs() <= LOGADDEXP_FAR) && x.max(y).abs() < LOGADDEXP_TINY)
}

/// Declares a [`Kernel2`] from its lane, exceptional test and scalar function.
macro_rules! kernel2_64 {
    ($name:ident, $doc:literal, $lane:ident, $exceptional:ident, $scalar:expr) => {
        #[doc = $doc]
        pub(crate) struct $name;
        impl Kernel2<f64> for $name {
            #[inline(always)]
            fn lane<M: Fma>(x: f64, y: f64) -> f64 {
                $lane::<M>(x, y)
            }
            #[inline(always)]
            fn exceptional(x: f64, y: f64) -> bool {
                $exceptional(x, y)
            }
            #[inline(always)]
            fn scalar(x: f64, y: f64) -> f64 {
                $scalar(x, y)
            }
        }
    };
}

kernel2_64!(
    Atan2_64,
    "`atan2(x, y)` for `f64` ([`atan2_64`]); two zeros, infinities, NaN and extreme magnitudes \
     go to `atan2`.",
    atan2_64,
    atan2_exceptional,
    f64::atan2
);
kernel2_64!(
    Logaddexp64,
    "`logaddexp` for `f64` ([`logaddexp64`]); infinities, NaN and far pairs with a tiny larger \
     argument go to the scalar formula.",
    logaddexp64,
    logaddexp_exceptional,
    Real::logaddexp
);
kernel2_64!(
    Pow64,
    "`x ** y` for `f64` ([`pow64`]); special and extreme pairs go to `powf` (see the module \
     docs).",
    pow64,
    pow_exceptional,
    f64::powf
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::math::vector::{Fused, Split};

    #[test]
    fn lanes64_binary_log_table() {
        let grid = 2f64.powi(-42);
        assert_eq!(LN2_HI42 % grid, 0.0);
        assert_eq!(LN2_HI42 + LN2_LO42, std::f64::consts::LN_2);
        for i in 0..128 {
            let (lo, width) = if i < 80 {
                (0.6875 + i as f64 / 256.0, 1.0 / 256.0)
            } else {
                (1.0 + (i - 80) as f64 / 128.0, 1.0 / 128.0)
            };
            let c = LOG_C[i];
            assert_eq!(c % 2f64.powi(-7), 0.0, "c[{i}] on the grid");
            for z in [lo, lo + width] {
                assert!((z * c - 1.0).abs() <= 2f64.powi(-7), "|z c - 1| at {i}");
            }
            assert_eq!(LOG_L_HI[i] % grid, 0.0, "L_hi[{i}] on the grid");
            let l = LOG_L_HI[i] + LOG_L_LO[i];
            assert!((l + c.ln()).abs() <= 2.0 * f64::EPSILON * l.abs(), "L[{i}]");
        }
        assert_eq!((LOG_C[79], LOG_C[80], LOG_L_HI[80], LOG_L_LO[79]), (1.0, 1.0, 0.0, 0.0));
    }

    #[test]
    fn lanes64_binary_log_pair_reduces_exactly() {
        // r = z c - 1 is exact both ways, and the pair is ln within 2^-60 for a sweep of bases.
        let mut x = 1e-300;
        while x < 1e300 {
            let (fh, fl) = ln_pair::<Fused>(x);
            let (sh, sl) = ln_pair::<Split>(x);
            assert!(((fh - sh) + (fl - sl)).abs() <= 2f64.powi(-62) * fh.abs(), "ln {x:e}");
            assert!((fh - x.ln()).abs() <= f64::EPSILON * fh.abs(), "ln {x:e}");
            x *= 1.0 + 1.0 / 64.0 + 1e-9;
        }
        assert_eq!(ln_pair::<Fused>(1.0), (0.0, 0.0));
    }

    #[test]
    fn lanes64_binary_parity() {
        for (y, int, odd) in [
            (0.0, true, false),
            (-1.0, true, true),
            (2.5, false, false),
            (3.0, true, true),
            (4503599627370497.0, true, true),
            (4503599627370496.0, true, false),
            (9007199254740991.0, true, true),
            (9007199254740992.0, true, false),
            (1e300, true, false),
            (0.49999999999999994, false, false),
            (-7.0, true, true),
        ] {
            assert_eq!(is_integer(y), int, "{y}");
            if int {
                assert_eq!(is_odd(y), odd, "{y}");
            }
        }
    }

    #[test]
    fn lanes64_binary_pow_estimate_within_one_percent() {
        // The estimate of `log2|x|` in `pow_exceptional`, through `y = 1`.
        let mut x: f64 = 2.3e-308;
        while x < 1.7e308 {
            let l = f64::log2(x).abs();
            if !(990.0..=1021.0).contains(&l) {
                assert!(pow_exceptional(x, 1.0) == (l > 1021.0) && pow_exceptional(-x, 1.0) == (l > 1021.0), "{x:e}");
            }
            let limit = POW_LIMIT / x.log2().abs();
            if 1.01 * limit < POW_Y_MAX {
                assert!(!pow_exceptional(x, 0.99 * limit) && pow_exceptional(x, 1.01 * limit), "{x:e}");
            }
            x *= 1.001_3;
        }
    }

    #[test]
    fn lanes64_binary_exact_cases() {
        for (x, y, want) in [
            (2.0, 10.0, 1024.0),
            (4.0, 0.5, 2.0),
            (-2.0, 3.0, -8.0),
            (-2.0, -2.0, 0.25),
            (10.0, 2.0, 100.0),
            (1.0, 1e18, 1.0),
            (-1.0, 7.0, -1.0),
            (3.0, 1.0, 3.0),
            (0.1, 1.0, 0.1),
            (0.25, -0.5, 2.0),
        ] {
            assert!(!pow_exceptional(x, y), "pow({x}, {y})");
            assert_eq!(pow64::<Fused>(x, y), want, "pow({x}, {y})");
            assert_eq!(pow64::<Split>(x, y), want, "pow({x}, {y})");
        }
        for (x, y) in [(3.0, 4.0), (-3.0, 4.0), (0.0, 1.0), (1.0, 1.0), (-1.0, -0.0), (1e-3, 1.0)] {
            assert_eq!(atan2_64::<Fused>(x, y), f64::atan2(x, y), "atan2({x}, {y})");
            assert_eq!(atan2_64::<Split>(x, y), f64::atan2(x, y), "atan2({x}, {y})");
        }
    }
}
