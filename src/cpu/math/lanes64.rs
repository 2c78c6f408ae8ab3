//! `f64` lane functions for the vector loops of [`super::vector`], within 1 ulp of the exact
//! result: the reductions keep the reduced argument as an unevaluated sum of two `f64`
//! (`hi + lo`), and the last step adds a small correction to a leading term computed exactly,
//! so the only large error is the final rounding (half an ulp) plus a few hundredths of an ulp.
//! `vector_tests.rs` checks them on dense samples against the C library and against
//! reference values computed with mpmath at 200 bits (`tools/gen_vector_math_ref.py`).

// `!(x <= limit)`-style tests are the one comparison that also sends NaN to the scalar path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::exp::{inv_factorial, ROUND};
use super::lanes32::{keep_zero, PIO2_1, PIO2_2};
use super::vector::{horner, Fma};

/// `ln 2` to 32 significant bits (the same split as [`super::exp`]): `n LN2_HI` is exact for
/// `|n| < 2^21`.
pub(super) const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 0.6931471803691238
/// `ln 2 - LN2_HI`, from the digits of `ln 2` (not from the rounded `f64` `ln 2`).
pub(super) const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.9082149292705877e-10

/// `(a + b)` and its rounding error, exactly (Knuth's two-sum: no ordering needed).
#[inline(always)]
pub(super) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// `a + b` and its rounding error, exactly, when `|a| ≥ |b|` or `a = 0` (Dekker's Fast2Sum).
#[inline(always)]
pub(super) fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, (a - s) + b)
}

/// Whether `M` rounds a multiply-add once. A constant once inlined: `1 + 2^-29` is the rounded
/// square of `1 + 2^-30`, which exceeds it by `2^-60`, a fused multiply-add's answer.
#[inline(always)]
pub(super) fn is_fused<M: Fma>() -> bool {
    const A: f64 = 1.0 + 1.0 / 1073741824.0;
    M::fma(A, A, -(A * A)) != 0.0
}

/// `a`'s high half (26 significant bits) and the rest, exactly (Veltkamp), for `|a| < 2^995`.
#[inline(always)]
fn veltkamp(a: f64) -> (f64, f64) {
    let c = 134217729.0 * a; // 2^27 + 1
    let hi = c - (c - a);
    (hi, a - hi)
}

/// `a b` and its rounding error, exactly (for products and errors that neither overflow nor
/// underflow, and `|a|, |b| < 2^995`): one fused multiply-add where `M` is fused, Dekker's
/// product of the Veltkamp halves where it is split (which one is chosen when compiling).
#[inline(always)]
pub(super) fn two_prod<M: Fma>(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    if is_fused::<M>() {
        (p, M::fma(a, b, -p))
    } else {
        let (ah, al) = veltkamp(a);
        let (bh, bl) = veltkamp(b);
        (p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl)
    }
}

/// `Σ r^(k-2) / k!`, `k = 2..=14`: `(exp(r) - 1 - r) / r²`, truncation below `2^-63` for
/// `|r| ≤ ln2/2`.
pub(super) const EXP_TAYLOR: [f64; 13] = {
    let mut c = [0.0; 13];
    let mut i = 0;
    while i < 13 {
        c[i] = inv_factorial(i as u32 + 2);
        i += 1;
    }
    c
};

/// `exp(x)` for `|x| < 708` (normal results): `x = n ln2 + r` with `r = rh + rl` to about
/// `2^-75`, `exp(r) = 1 + rh + (rl + rh² P(rh))` with `1 + rh` split exactly, then `· 2^n`
/// (exact).
#[inline(always)]
pub(super) fn exp64<M: Fma>(x: f64) -> f64 {
    let shifted = M::fma(x, std::f64::consts::LOG2_E, ROUND);
    let n = shifted - ROUND;
    // Exact: `n LN2_HI` has at most 43 bits, and `x - n LN2_HI` is a multiple of `ulp(x)`
    // below 0.35 in magnitude when `n ≠ 0` (`|x| > 0.34`).
    let hi = M::fma(-n, LN2_HI, x);
    let (rh, rl) = two_sum(hi, -n * LN2_LO);
    let tail = M::fma(rh * rh, horner::<M, 13>(rh, &EXP_TAYLOR), rl);
    let s = 1.0 + rh;
    let e = (1.0 - s) + rh; // exact: |rh| < 1
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    (s + (e + tail)) * scale
}

/// `2 / (2j + 1)` for `j = 1..=11`: `(2 atanh(s) - 2s) / s³` in `z = s²`; truncation below
/// `2^-60` relative for `|s| ≤ 0.1716`.
pub(super) const LOG_TAYLOR: [f64; 11] = {
    let mut c = [0.0; 11];
    let mut j = 0;
    while j < 11 {
        c[j] = 2.0 / (2 * j + 3) as f64;
        j += 1;
    }
    c
};

/// `√½`'s bits.
const SQRT_HALF_BITS: u64 = 0x3fe6_a09e_667f_3bcd;

/// `ln(x)` for a positive normal finite `x`: `x = 2^k (1 + f)` with `1 + f` in `[√½, √2)`,
/// `s = f / (2 + f)`, `ln(1 + f) = f - f²/2 + s (f²/2 + R(s²))` (since `2s = f - s f` and
/// `s f = f²/2 - s f²/2`), so the leading `f` is exact and the rest is a small correction;
/// `k ln2` is added in two parts.
#[inline(always)]
pub(super) fn log64<M: Fma>(x: f64) -> f64 {
    log_plus::<M>(x, 0.0)
}

/// `(k, f)` with `x = 2^k (1 + f)` and `1 + f` in `[√½, √2)`, for a positive normal finite
/// `x`; `f` is exact. The bits are shifted so that significands at or above `√½` carry into
/// the next exponent; `k` is read as an `f64` without an integer conversion (none exists in
/// AVX2 for 64-bit lanes) by placing the biased exponent in the significand of `2^52`.
#[inline(always)]
pub(super) fn exponent_and_fraction(x: f64) -> (f64, f64) {
    let ix = x.to_bits().wrapping_add(0x3ff0_0000_0000_0000 - SQRT_HALF_BITS);
    let m = f64::from_bits((ix & 0x000f_ffff_ffff_ffff) + SQRT_HALF_BITS);
    let k = f64::from_bits(0x4330_0000_0000_0000 | (ix >> 52)) - (4503599627370496.0 + 1023.0);
    (k, m - 1.0)
}

/// `ln(x) + c` for a positive normal finite `x` and a correction `|c| ≤ 2^-52`, added with the
/// small terms of [`log64`] (`log1p` passes the rounding error of `1 + x` this way).
#[inline(always)]
fn log_plus<M: Fma>(x: f64, c: f64) -> f64 {
    let (k, f) = exponent_and_fraction(x);
    let s = f / (2.0 + f);
    let z = s * s;
    let hfsq = 0.5 * f * f;
    let r = z * horner::<M, 11>(z, &LOG_TAYLOR);
    let corr = M::fma(s, hfsq + r, M::fma(k, LN2_LO, c));
    M::fma(k, LN2_HI, f - (hfsq - corr))
}

/// `ln(1 + x)` for `-1 < x < ∞`: `u = 1 + x` and its rounding error `d` exactly, then
/// `ln u + d/u` (the next term, `(d/u)²/2`, is below `2^-106`).
#[inline(always)]
pub(super) fn log1p64<M: Fma>(x: f64) -> f64 {
    let (u, d) = two_sum(1.0, x);
    keep_zero(x, log_plus::<M>(u, d / u))
}

/// The third and fourth parts of `π/2` (after [`PIO2_1`], [`PIO2_2`], 33 bits each): 33 and 53
/// significant bits, so the four sum to `π/2` within `2^-150`.
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000); // 2.0222662487111665e-21
const PIO2_4: f64 = f64::from_bits(0x397b_839a_2520_49c1); // 8.4784276603689e-32

/// Largest `|x|` of the `f64` trigonometric vector path: `|n| < 2^19`, so `n PIO2_{1,2,3}` are
/// exact and `x - n PIO2_1` is too.
pub(super) const TRIG_LIMIT_F64: f64 = 524288.0;

/// `x = n π/2 + (hi + lo)`: `(hi, lo, n mod 4)`, with `hi + lo` within about `2^-100` of the
/// exact reduced argument plus `2^-106` of it relatively (each subtraction's error is kept).
#[inline(always)]
pub(super) fn reduce_pio2_f64<M: Fma>(x: f64) -> (f64, f64, u64) {
    let shifted = M::fma(x, std::f64::consts::FRAC_2_PI, ROUND);
    let n = shifted - ROUND;
    let t1 = M::fma(-n, PIO2_1, x);
    let (t2, e2) = two_sum(t1, -n * PIO2_2);
    let (t3, e3) = two_sum(t2, -n * PIO2_3);
    let (hi, e4) = two_sum(t3, M::fma(-n, PIO2_4, e2 + e3));
    (hi, e4, shifted.to_bits() & 3)
}

/// `sin` Taylor terms after `x - x³/6`: `(-1)^j / (2j + 1)!` for `j = 2..=8`.
pub(super) const SIN_TAIL: [f64; 7] = {
    let mut c = [0.0; 7];
    let mut i = 0;
    while i < 7 {
        let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
        c[i] = sign * inv_factorial(2 * i as u32 + 5);
        i += 1;
    }
    c
};

/// `cos` Taylor terms after `1 - x²/2`: `(-1)^j / (2j)!` for `j = 2..=9`.
pub(super) const COS_TAIL: [f64; 8] = {
    let mut c = [0.0; 8];
    let mut i = 0;
    while i < 8 {
        let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
        c[i] = sign * inv_factorial(2 * i as u32 + 4);
        i += 1;
    }
    c
};

/// `sin(x + y)` for `|x| ≤ π/4 + ε`, `|y|` below an ulp of `x`: `x` plus a small correction
/// (`sin(x + y) ≈ sin x + y cos x`, with `cos x ≈ 1 - x²/2` enough for `y`).
#[inline(always)]
fn sin_kernel<M: Fma>(x: f64, y: f64) -> f64 {
    let z = x * x;
    let v = z * x;
    let r = horner::<M, 7>(z, &SIN_TAIL);
    x - ((z * (0.5 * y - v * r) - y) + v * (1.0 / 6.0))
}

/// `cos(x + y)` for `|x| ≤ π/4 + ε`: `w = 1 - x²/2` rounded, its error recovered exactly, plus
/// the small terms (`cos(x + y) ≈ cos x - x y`).
#[inline(always)]
fn cos_kernel<M: Fma>(x: f64, y: f64) -> f64 {
    let z = x * x;
    let r = z * horner::<M, 8>(z, &COS_TAIL);
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + M::fma(z, r, -(x * y)))
}

/// `sin(x)` (`cos(x)` when `shift` is 1): quadrant `q + shift` picks `±sin` or `±cos` of the
/// reduced argument.
#[inline(always)]
fn sin_shifted<M: Fma>(x: f64, shift: u64) -> f64 {
    let (hi, lo, q) = reduce_pio2_f64::<M>(x);
    let q = q + shift;
    let (s, c) = (sin_kernel::<M>(hi, lo), cos_kernel::<M>(hi, lo));
    let v = if q & 1 == 1 { c } else { s };
    let v = f64::from_bits(v.to_bits() ^ ((q & 2) << 62));
    if shift == 0 {
        keep_zero(x, v)
    } else {
        v
    }
}

/// `|y|` up to which [`expm1_pair`] uses its unreduced series (just below `ln2 / 2`, so the
/// reduced branch never sees `n = 0` with a large `r`).
const EXPM1_SMALL: f64 = 0.3465;

/// `e^y - 1` as an unevaluated sum `hi + lo`, to about `2^-56` relative, for `|y| < 708`.
///
/// Small `|y|`: `y + y² P(y)` with `y²` split exactly. Otherwise `y = n ln2 + r` (as in
/// [`exp64`]) and `e^y - 1 = 2^n ((1 - 2^-n) + (e^r - 1))`, where `1 - 2^-n` is taken exactly
/// as a pair `c_hi + c_lo` (one term when `|n| ≤ 53`), added to the leading `rh` with its
/// rounding error kept, and scaled by `2^n` (exact).
#[inline(always)]
fn expm1_pair<M: Fma>(y: f64) -> (f64, f64) {
    let p = horner::<M, 13>(y, &EXP_TAYLOR);
    let y2h = y * y;
    let y2l = M::fma(y, y, -y2h);
    let small = (y, M::fma(y2h, p, y2l * p));

    let shifted = M::fma(y, std::f64::consts::LOG2_E, ROUND);
    let n = shifted - ROUND;
    let hi = M::fma(-n, LN2_HI, y);
    let (rh, rl) = two_sum(hi, -n * LN2_LO);
    let tail = M::fma(rh * rh, horner::<M, 13>(rh, &EXP_TAYLOR), rl);
    // ROUND's low 12 bits are zero, so the low bits of `shifted` are `n` in two's complement.
    let pow_n = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    let pow_minus_n = f64::from_bits(1023u64.wrapping_sub(shifted.to_bits()) << 52);
    let (c_hi, c_lo) = if n > 53.0 {
        (1.0, -pow_minus_n)
    } else if n < -53.0 {
        (-pow_minus_n, 1.0)
    } else {
        (1.0 - pow_minus_n, 0.0)
    };
    let (s, e) = two_sum(c_hi, rh);
    let reduced = (s * pow_n, ((e + c_lo) + tail) * pow_n);

    // Both tails are up to a sixth of the leading term: renormalise, so that `lo` is below
    // half an ulp of `hi` (the quotient in `tanh64` needs a leading term that is the value).
    let (hi, lo) = if y.abs() <= EXPM1_SMALL { small } else { reduced };
    two_sum(hi, lo)
}

/// `N / (N + k)` as a pair, for `N = nh + nl ≥ 0` (a renormalised pair) and `k` 1 or 2: the
/// leading quotient and its remainder's quotient. The remainder is exact only when `M` is fused,
/// so the kernels built on this are registered on the FMA levels alone.
#[inline(always)]
fn ratio<M: Fma>(nh: f64, nl: f64, k: f64) -> (f64, f64) {
    let (dh, dl) = two_sum(nh, k);
    let dl = dl + nl;
    let q0 = nh / dh;
    let r = M::fma(-q0, dh, nh) + M::fma(-q0, dl, nl);
    (q0, r / dh)
}

/// `sinh(x)` for `|x| < 708`: with `N = e^|x| - 1` as a pair, `sinh|x| = (N + N/(N + 1)) / 2`,
/// a sum of two positive terms (no cancellation at any size).
#[inline(always)]
fn sinh64<M: Fma>(x: f64) -> f64 {
    let (nh, nl) = expm1_pair::<M>(x.abs());
    let (qh, ql) = ratio::<M>(nh, nl, 1.0);
    let (s, e) = two_sum(nh, qh);
    ((s + (e + (nl + ql))) * 0.5).copysign(x)
}

/// `cosh(x)` for `|x| < 708`: with `N = e^|x| - 1` as a pair, `cosh x = 1 + N (N/(N + 1)) / 2`,
/// the product kept as a pair, so small `|x|` lose nothing to the leading 1.
#[inline(always)]
fn cosh64<M: Fma>(x: f64) -> f64 {
    let (nh, nl) = expm1_pair::<M>(x.abs());
    let (qh, ql) = ratio::<M>(nh, nl, 1.0);
    let ph = nh * qh;
    let pl = M::fma(nh, qh, -ph) + M::fma(nh, ql, nl * qh);
    let (s, e) = two_sum(1.0, 0.5 * ph);
    s + (e + 0.5 * pl)
}

/// `tanh(x)` for non-NaN `x`: with `N = e^(2|x|) - 1` as a pair, `tanh|x| = N / (N + 2)`,
/// divided with the remainder of the leading quotient folded back in, so the one large error
/// is the final rounding. `|x|` is clamped to 20, where `tanh` rounds to 1.
#[inline(always)]
fn tanh64<M: Fma>(x: f64) -> f64 {
    let a = x.abs().min(20.0);
    let (nh, nl) = expm1_pair::<M>(2.0 * a);
    let (qh, ql) = ratio::<M>(nh, nl, 2.0);
    (qh + ql).copysign(x)
}

macro_rules! kernel64 {
    ($name:ident, $doc:literal, |$x:ident| $lane:expr, |$e:ident| $exceptional:expr, $scalar:expr) => {
        #[doc = $doc]
        pub(crate) struct $name;
        impl $crate::cpu::math::vector::Kernel<f64> for $name {
            #[inline(always)]
            fn lane<M: $crate::cpu::math::vector::Fma>($x: f64) -> f64 {
                $lane
            }
            #[inline(always)]
            fn exceptional($e: f64) -> bool {
                $exceptional
            }
            #[inline(always)]
            fn scalar(x: f64) -> f64 {
                $scalar(x)
            }
        }
    };
}
// For the kernels of `lanes64_trig` and `lanes64_log`.
pub(super) use kernel64;

kernel64!(
    Exp64,
    "`exp`; `|x| ≥ 708` and NaN through the C library.",
    |x| exp64::<M>(x),
    |x| !(x.abs() < 708.0),
    f64::exp
);
kernel64!(
    Expm1_64,
    "`expm1`; `|x| ≥ 708` and NaN through the C library.",
    |x| keep_zero(x, expm1_pair::<M>(x).0),
    |x| !(x.abs() < 708.0),
    f64::exp_m1
);
kernel64!(Tanh64, "`tanh`; NaN through the C library.", |x| tanh64::<M>(x), |x| x.is_nan(), f64::tanh);
kernel64!(
    Sinh64,
    "`sinh`; `|x| ≥ 708` and NaN through the C library.",
    |x| sinh64::<M>(x),
    |x| !(x.abs() < 708.0),
    f64::sinh
);
kernel64!(
    Cosh64,
    "`cosh`; `|x| ≥ 708` and NaN through the C library.",
    |x| cosh64::<M>(x),
    |x| !(x.abs() < 708.0),
    f64::cosh
);
kernel64!(
    Log1p64,
    "`log1p`; `x ≤ -1`, `+∞` and NaN through the C library.",
    |x| log1p64::<M>(x),
    |x| !(x > -1.0 && x < f64::INFINITY),
    f64::ln_1p
);
kernel64!(
    Log64,
    "`ln`; zero, negative, subnormal and non-finite arguments through the C library.",
    |x| log64::<M>(x),
    |x| !(f64::MIN_POSITIVE..f64::INFINITY).contains(&x),
    f64::ln
);
kernel64!(
    Sin64,
    "`sin`; `|x| > 2^19` and non-finite through the C library.",
    |x| sin_shifted::<M>(x, 0),
    |x| !(x.abs() <= TRIG_LIMIT_F64),
    f64::sin
);
kernel64!(Cos64, "`cos`, as `sin`.", |x| sin_shifted::<M>(x, 1), |x| !(x.abs() <= TRIG_LIMIT_F64), f64::cos);
