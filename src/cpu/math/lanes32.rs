//! `f32` lane functions for the vector loops of [`super::vector`]: each widens to `f64`,
//! evaluates with a relative error far below `2^-25` (Taylor polynomials with a truncation
//! below `2^-36` after an argument reduction that is exact or nearly so), and rounds once to
//! `f32`. An `f64` value within half an `f32` ulp of the exact result rounds to one of the two
//! `f32` values around it: at most 1 ulp. `vector_tests.rs` checks every function on
//! dense samples (exhaustively with `--ignored`, in release) against the C library's `f64`
//! function rounded to `f32`, on both the fused and the split multiply-add levels.
//!
//! The `f64` cores shared here: `expm1` (for `tanh`, `sinh`, `expm1`), `ln` of a positive
//! normal `f64` (for `log`, `log1p`, `log2`, `log10`), the reduction modulo `π/2` (for `sin`,
//! `cos`, `tan`), `atan` of a magnitude (for `atan` and `atan2`) and the `asin` series (for
//! `asin`, `acos`).

// `!(x <= limit)`-style tests are the one comparison that also sends NaN to the scalar path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use super::exp::{exp_f32_with, inv_factorial, LN2_HI, LN2_LO, ROUND};
use super::lanes64::exponent_and_fraction;
use super::vector::{horner, Fma, Kernel};

/// `±(2/π)`, `±1/k!` and friends: Taylor coefficients, each rounded once.
const fn taylor<const N: usize>(first: u32, step: u32, alternate: bool, scale: f64) -> [f64; N] {
    let mut c = [0.0; N];
    let mut i = 0;
    while i < N {
        let sign = if alternate && i % 2 == 1 { -1.0 } else { 1.0 };
        c[i] = sign * scale * inv_factorial(first + step * i as u32);
        i += 1;
    }
    c
}

/// `(expm1(r) - r) / r² = Σ r^(k-2) / k!` for `k = 2..=10`: truncation below `2^-38` relative
/// for `|r| ≤ ln2/2`.
const EXPM1_TAYLOR: [f64; 9] = taylor(2, 1, false, 1.0);

/// `expm1(y)` for `y` in `[-60, 110]` (NaN stays NaN), relative error below `2^-37`:
/// `y = n ln2 + r`, `expm1(y) = 2^n expm1(r) + (2^n - 1)`. For `n = 0` that is `expm1(r)`
/// itself (no cancellation); otherwise `|y| > 0.34` and the result is at least 0.29 in
/// magnitude, so the two terms' roundings stay relative.
#[inline(always)]
pub(super) fn expm1_core<M: Fma>(y: f64) -> f64 {
    let shifted = M::fma(y, std::f64::consts::LOG2_E, ROUND);
    let n = shifted - ROUND;
    let r = M::fma(-n, LN2_LO, M::fma(-n, LN2_HI, y));
    let em = M::fma(r * r, horner::<M, 9>(r, &EXPM1_TAYLOR), r);
    // `n + 1023` (in [936, 1182]) is the low bits of `shifted`: the exponent of `2^n`.
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    M::fma(em, scale, scale - 1.0)
}

/// `e^p` for `p` in `[-300, 300]` (NaN stays NaN), relative error below `2^-37`:
/// `p = n ln2 + r`, `e^p = 2^n (1 + expm1(r))` (`2^n` normal for `|n| ≤ 433`). For `f32`
/// `pow`, whose `f64` results beyond the `f32` range round to 0 or ∞ anyway.
#[inline(always)]
pub(super) fn exp_core<M: Fma>(p: f64) -> f64 {
    let shifted = M::fma(p, std::f64::consts::LOG2_E, ROUND);
    let n = shifted - ROUND;
    let r = M::fma(-n, LN2_LO, M::fma(-n, LN2_HI, p));
    let em = M::fma(r * r, horner::<M, 9>(r, &EXPM1_TAYLOR), r);
    let scale = f64::from_bits(shifted.to_bits().wrapping_add(1023) << 52);
    M::fma(em, scale, scale)
}

/// `2 Σ s^(2j) / (2j + 1)` for `j = 0..=5`: `ln((1 + s)/(1 - s)) / s`, truncation below `2^-34`
/// relative for `|s| ≤ 0.1716`.
const ATANH2_TAYLOR: [f64; 6] = {
    let mut c = [0.0; 6];
    let mut j = 0;
    while j < 6 {
        c[j] = 2.0 / (2 * j + 1) as f64;
        j += 1;
    }
    c
};

/// `ln(x)` for a positive normal finite `f64`, relative error below `2^-33`: `x = 2^k m` with
/// `m` in `[√½, √2)`, `f = m - 1` (exact), `s = f / (2 + f)`, `ln(m) = 2 atanh(s)`.
/// For `k ≠ 0` the result exceeds 0.34 in magnitude, so adding `k ln2` stays relative.
#[inline(always)]
pub(super) fn ln_core<M: Fma>(x: f64) -> f64 {
    let (k, ln_m) = ln_parts::<M>(x);
    M::fma(k, std::f64::consts::LN_2, ln_m)
}

/// `(k, ln m)` with `x = 2^k m`, `m` in `[√½, √2)`, for a positive normal finite `x`: the parts
/// of [`ln_core`], which `log2` and `log10` scale separately (`log2(2^k)` comes out exact).
#[inline(always)]
fn ln_parts<M: Fma>(x: f64) -> (f64, f64) {
    let (k, f) = exponent_and_fraction(x);
    let s = f / (2.0 + f);
    (k, s * horner::<M, 6>(s * s, &ATANH2_TAYLOR))
}

/// `π/2` in three parts (from the digits of `π/2`, as bits): 33 + 33 + 53 significant bits, so `n P1` and
/// `n P2` are exact for `|n| < 2^20` and the sum is `π/2` to within `2^-120`.
pub(super) const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000); // 1.5707963267341256
pub(super) const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000); // 6.077100506303966e-11
pub(super) const PIO2_2T: f64 = f64::from_bits(0x3ba3_198a_2e03_7073); // 2.0222662487959506e-21

/// Largest `|x|` of the `f32` trigonometric vector path: `|n| < 2^20`, so `x - n P1` is exact
/// (a multiple of `2^-32` below 1 in magnitude) and the reduced argument keeps a relative error
/// near `2^-53` even for the `f32` closest to a multiple of `π/2`.
const TRIG_LIMIT_F32: f32 = 1048576.0;

/// `x = n π/2 + r`, `|r| ≤ π/4 + ε`: `(r, n mod 4)`.
#[inline(always)]
fn reduce_pio2_f32<M: Fma>(x: f64) -> (f64, u64) {
    let shifted = M::fma(x, std::f64::consts::FRAC_2_PI, ROUND);
    let n = shifted - ROUND;
    let r = M::fma(-n, PIO2_2T, M::fma(-n, PIO2_2, M::fma(-n, PIO2_1, x)));
    (r, shifted.to_bits() & 3)
}

/// `(sin(r) - r) / r³ = Σ (-1)^j r^(2j-2) / (2j+1)!`, `j = 1..=5`: truncation below
/// `2^-36` relative for `|r| ≤ π/4` (an `f32` ulp is `2^-24`).
const SIN_TAYLOR: [f64; 5] = taylor(3, 2, true, -1.0);
/// `(cos(r) - 1) / r² = Σ (-1)^j r^(2j-2) / (2j)!`, `j = 1..=6` (truncation below `2^-41`).
const COS_TAYLOR: [f64; 6] = taylor(2, 2, true, -1.0);

/// `(sin r, cos r)` for `|r| ≤ π/4 + ε`.
#[inline(always)]
fn sincos_f32<M: Fma>(r: f64) -> (f64, f64) {
    let z = r * r;
    let s = M::fma(r * z, horner::<M, 5>(z, &SIN_TAYLOR), r);
    let c = M::fma(z, horner::<M, 6>(z, &COS_TAYLOR), 1.0);
    (s, c)
}

/// `v` with its sign flipped when bit 1 of `q` is set (a quadrant of the reduction).
#[inline(always)]
fn negate_if_bit1(v: f64, q: u64) -> f64 {
    f64::from_bits(v.to_bits() ^ ((q & 2) << 62))
}

/// `sin(x)` (`cos` when `shift` is 1): quadrant `q + shift` picks `±sin r` or `±cos r`.
#[inline(always)]
fn sin_shifted<M: Fma>(x: f32, shift: u64) -> f32 {
    let (r, q) = reduce_pio2_f32::<M>(x as f64);
    let (s, c) = sincos_f32::<M>(r);
    let q = q + shift;
    let v = if q & 1 == 1 { c } else { s };
    let v = negate_if_bit1(v, q);
    (if shift == 0 { keep_zero(x as f64, v) } else { v }) as f32
}

/// Arguments the trigonometric vector path leaves to the C library: huge ones and non-finite.
#[inline(always)]
fn trig_exceptional(x: f32) -> bool {
    !(x.abs() <= TRIG_LIMIT_F32)
}

/// `x` itself when it is ±0, else `v`: for the odd functions, whose reductions can turn -0
/// into +0 (a sum `-0 + +0`). A blend, not a branch.
#[inline(always)]
pub(super) fn keep_zero(x: f64, v: f64) -> f64 {
    if x == 0.0 {
        x
    } else {
        v
    }
}

macro_rules! kernel32 {
    ($name:ident, $doc:literal, |$x:ident| $lane:expr, |$e:ident| $exceptional:expr, $scalar:expr) => {
        #[doc = $doc]
        pub(crate) struct $name;
        impl Kernel<f32> for $name {
            #[inline(always)]
            fn lane<M: Fma>($x: f32) -> f32 {
                $lane
            }
            #[inline(always)]
            fn exceptional($e: f32) -> bool {
                $exceptional
            }
            #[inline(always)]
            fn scalar(x: f32) -> f32 {
                $scalar(x)
            }
        }
    };
}

kernel32!(Exp32, "`exp`: [`exp_f32_with`] (no exceptions).", |x| exp_f32_with::<M>(x), |_x| false, f32::exp);
kernel32!(
    Expm1_32,
    "`expm1`: [`expm1_core`] on `x` clamped to `[-60, 100]` (beyond, the `f32` result is -1 or +∞).",
    |x| keep_zero(x as f64, expm1_core::<M>((x as f64).clamp(-60.0, 100.0))) as f32,
    |x| x.is_nan(),
    f32::exp_m1
);
kernel32!(
    Log32,
    "`ln`: [`ln_core`] for positive finite `x` (`f32` subnormals are normal in `f64`).",
    |x| ln_core::<M>(x as f64) as f32,
    |x| !(x > 0.0 && x < f32::INFINITY),
    f32::ln
);
kernel32!(
    Log1p32,
    "`ln_1p`: `ln(1 + x)`, exact sum in `f64` for `|x| ≥ 2^-29`; below, `x - x²/2 + x³/3`.",
    |x| {
        let xd = x as f64;
        let series = xd * (1.0 - xd * (0.5 - xd * (1.0 / 3.0)));
        let ln = ln_core::<M>(1.0 + xd);
        (if xd.abs() < 1.0 / 536870912.0 { series } else { ln }) as f32
    },
    |x| !(x > -1.0 && x < f32::INFINITY),
    f32::ln_1p
);
kernel32!(
    Sin32,
    "`sin`, reduced modulo `π/2` in `f64`.",
    |x| sin_shifted::<M>(x, 0),
    |x| trig_exceptional(x),
    f32::sin
);
kernel32!(Cos32, "`cos`: `sin` a quadrant on.", |x| sin_shifted::<M>(x, 1), |x| trig_exceptional(x), f32::cos);
kernel32!(
    Tan32,
    "`tan`: `sin r / cos r`, or `-cos r / sin r` in odd quadrants.",
    |x| {
        let (r, q) = reduce_pio2_f32::<M>(x as f64);
        let (s, c) = sincos_f32::<M>(r);
        keep_zero(x as f64, if q & 1 == 1 { -c / s } else { s / c }) as f32
    },
    |x| trig_exceptional(x),
    f32::tan
);
kernel32!(
    Sinh32,
    "`sinh`: `(e + e/(e + 1)) / 2` with `e = expm1(|x|)` (no cancellation near 0), sign restored.",
    |x| {
        let a = (x as f64).abs().min(100.0);
        let e = expm1_core::<M>(a);
        let v = 0.5 * (e + e / (e + 1.0));
        (v.copysign(x as f64)) as f32
    },
    |x| x.is_nan(),
    f32::sinh
);
kernel32!(
    Cosh32,
    "`cosh`: `(e + 1/e) / 2` with `e = exp(|x|)`.",
    |x| {
        let a = (x as f64).abs().min(100.0);
        let e = expm1_core::<M>(a) + 1.0;
        (0.5 * (e + 1.0 / e)) as f32
    },
    |x| x.is_nan(),
    f32::cosh
);
kernel32!(
    Tanh32,
    "`tanh`: `e / (e + 2)` with `e = expm1(2|x|)`, `|x|` clamped to 10 (`tanh` rounds to 1 there).",
    |x| {
        let a = (x as f64).abs().min(10.0);
        let e = expm1_core::<M>(2.0 * a);
        (e / (e + 2.0)).copysign(x as f64) as f32
    },
    |x| x.is_nan(),
    f32::tanh
);

/// `Σ (-1)^j u^(2j) / (2j + 1)`, `j = 0..=12`: `atan(u) / u`, truncation below `2^-36` relative
/// for `|u| ≤ tan(π/8)`.
const ATAN_TAYLOR: [f64; 13] = {
    let mut c = [0.0; 13];
    let mut j = 0;
    while j < 13 {
        c[j] = if j % 2 == 0 { 1.0 } else { -1.0 } / (2 * j + 1) as f64;
        j += 1;
    }
    c
};

/// `atan(a)` in `[0, π/2]` for `a ≥ 0` (`+∞` included), relative error below `2^-35`:
/// `a > 1` through `π/2 - atan(1/a)`, then `t > tan(π/8)` through `π/4 + atan((t - 1)/(t + 1))`,
/// a Taylor series on `|u| ≤ tan(π/8)`. Shared by `atan` and `atan2`.
#[inline(always)]
pub(super) fn atan_core<M: Fma>(a: f64) -> f64 {
    let inv = a > 1.0;
    let t = if inv { 1.0 / a } else { a };
    let shift = t > std::f64::consts::SQRT_2 - 1.0;
    let u = if shift { (t - 1.0) / (t + 1.0) } else { t };
    let z = u * u;
    let v = u * horner::<M, 13>(z, &ATAN_TAYLOR);
    let v = if shift { std::f64::consts::FRAC_PI_4 + v } else { v };
    if inv {
        std::f64::consts::FRAC_PI_2 - v
    } else {
        v
    }
}

kernel32!(
    Atan32,
    "`atan`: [`atan_core`] of `|x|`, sign restored.",
    |x| atan_core::<M>((x as f64).abs()).copysign(x as f64) as f32,
    |x| x.is_nan(),
    f32::atan
);

kernel32!(
    Log2_32,
    "`log2`: `k + ln(m) log2(e)` from [`ln_parts`] (exact for powers of two).",
    |x| {
        let (k, ln_m) = ln_parts::<M>(x as f64);
        M::fma(ln_m, std::f64::consts::LOG2_E, k) as f32
    },
    |x| !(x > 0.0 && x < f32::INFINITY),
    f32::log2
);
kernel32!(
    Log10_32,
    "`log10`: `k log10(2) + ln(m) log10(e)` from [`ln_parts`].",
    |x| {
        let (k, ln_m) = ln_parts::<M>(x as f64);
        M::fma(k, std::f64::consts::LOG10_2, ln_m * std::f64::consts::LOG10_E) as f32
    },
    |x| !(x > 0.0 && x < f32::INFINITY),
    f32::log10
);

/// `asin(r) / r = Σ c_n r^(2n)`, `c_n = (2n)! / (4^n (n!)² (2n + 1))`, `n = 0..=15`: truncation
/// below `2^-39` relative for `|r| ≤ 1/2`.
const ASIN_TAYLOR: [f64; 16] = {
    let mut c = [0.0; 16];
    // a_n = (2n)! / (4^n (n!)²) by a_n = a_(n-1) (2n - 1) / (2n).
    let mut a = 1.0;
    let mut n = 0;
    while n < 16 {
        if n > 0 {
            a = a * (2 * n - 1) as f64 / (2 * n) as f64;
        }
        c[n] = a / (2 * n + 1) as f64;
        n += 1;
    }
    c
};

/// `(big, p)` for `a = |x| ≤ 1`: `p = asin(a)` when `a ≤ 1/2` (`big` false), else
/// `p = asin(√((1 - a)/2))`, with `asin(a) = π/2 - 2p` (`1 - a` is exact: Sterbenz).
#[inline(always)]
fn asin_parts<M: Fma>(a: f64) -> (bool, f64) {
    let big = a > 0.5;
    let r = if big { ((1.0 - a) * 0.5).sqrt() } else { a };
    (big, r * horner::<M, 16>(r * r, &ASIN_TAYLOR))
}

kernel32!(
    Asin32,
    "`asin`: [`asin_parts`] of `|x|`, sign restored; `|x| > 1` and NaN go to the C library.",
    |x| {
        let (big, p) = asin_parts::<M>((x as f64).abs());
        let v = if big { M::fma(-2.0, p, std::f64::consts::FRAC_PI_2) } else { p };
        v.copysign(x as f64) as f32
    },
    |x| !(x.abs() <= 1.0),
    f32::asin
);
kernel32!(
    Acos32,
    "`acos`: `π/2 - asin(x)` for `|x| ≤ 1/2`, else `2p` (`x > 0`) or `π - 2p` from \
     [`asin_parts`]; `|x| > 1` and NaN go to the C library.",
    |x| {
        let xd = x as f64;
        let (big, p) = asin_parts::<M>(xd.abs());
        let v = if !big {
            std::f64::consts::FRAC_PI_2 - p.copysign(xd)
        } else if xd > 0.0 {
            2.0 * p
        } else {
            M::fma(-2.0, p, std::f64::consts::PI)
        };
        v as f32
    },
    |x| !(x.abs() <= 1.0),
    f32::acos
);
