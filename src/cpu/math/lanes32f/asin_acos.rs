//! `asin` and `acos` of `f32` in `f32` lanes with fused multiply-adds (the FMA levels only).
//!
//! Method, on `a = |x| ≤ 1` (`|x| > 1` and NaN go to the C library): one odd polynomial,
//! `asin t = t + t³ P(t²)` for `0 ≤ t ≤ 1/2` ([`ASIN_POLY`]), at a reduced argument `t`
//! picked per lane by a comparison (selects, no branches):
//!
//! - `a ≤ 1/2`: `t = a`, `z = a²` (rounded);
//! - `a > 1/2`: `asin a = π/2 - 2 asin s` with `s = √z`, `z = (1 - a)/2`, exact (Sterbenz,
//!   then a halving: one fused step). `s` is the rounded square root, `t = s`, and its error
//!   is carried as `s_lo = (z - s²)/(2s)` (the remainder `z - s²` of a correctly rounded
//!   square root is an `f32`, computed exactly by a fused multiply-add), so `s + s_lo = √z`
//!   to about `2^-48` relative. Without it the square root's rounding (up to `2^-25` relative)
//!   reaches the result doubled: 0.58 ulp at `a` just above 1/2.
//!
//! Then `asin(t) = t + q` with `q = s_lo + t z P(z)` (`s_lo = 0` on the first path), and every
//! result is `h + l + k (t + q)`:
//!
//! | function, `x` | `h + l` | `k` |
//! |---|---|---|
//! | `asin`, `a ≤ 1/2` | 0 | 1 |
//! | `asin`, `a > 1/2` | `π/2` | -2 |
//! | `acos`, `a ≤ 1/2` | `π/2` | `-sign(x)` |
//! | `acos`, `x > 1/2` | 0 | 2 |
//! | `acos`, `x < -1/2` | `π` | -2 |
//!
//! (`acos x = π/2 - asin x`, `acos x = 2 asin s` for `x > 0` and `π - 2 asin s` for `x < 0`;
//! `asin`'s sign is OR-ed back in at the end, so `asin(-x) = -asin(x)` bit for bit, `-0`
//! included.) `h` is the constant's nearest `f32` and `l` the rest; `k t` is exact, and
//! `h + k t` is added by Fast2Sum (`|h| ≥ |k t|`: `|k t| ≤ 1`, or `h = 0`), so `hi + e` is
//! that sum exactly and the only rounding of full size is the last addition, `hi + lo` with
//! `lo = (e + l) + k q`.
//!
//! Error analysis (`u = 2^-24`): `q` carries the roundings of `z` (first path only; through
//! `P`'s slope it moves `P` by under `0.1 u`), of `t z` and of `t` itself (second path: `s`
//! stands for `√z` in the cubic term), of the Horner steps (about `0.6 u` of `P`) and of its own
//! fused step: together below `2.5 u` of `q`. `|q| ≤ asin(1/2) - 1/2 ≈ 0.0236`, and `|k q|` is
//! at most 0.09 of the result (`asin` just above 1/2, `2q ≈ 0.047` against `π/6`; 0.045 on the
//! other paths), so these roundings cost at most about 0.12 ulp. The fit's error is below
//! `2^-31.3` of the result (its weight bounds that sensitivity on every path). Where `h = 0`, `e + l = 0`
//! and `lo = k q` exactly; elsewhere `e + l` rounds by under `2^-46` and the fused `lo` by half
//! an ulp of `|lo| < 0.048`, at most 0.025 ulp of the result (`≥ π/6`). The constants' pairs
//! are within `2^-48` of `π/2` and `π`, and `s + s_lo` within about `2^-48` of `√z` (relative).
//! So the value before the last rounding is within about 0.2 ulp of the exact result, and the
//! last addition rounds it (0.5 ulp): under 1 ulp in total, i.e. one of the two `f32` around the
//! exact value, hence at most 1 ulp from the correctly rounded reference.
//! `asin(±1) = ±π/2` and `acos(-1) = π` rounded, `acos(1) = +0` and `asin(±0) = ±0` exactly
//! (`z = s = 0`, and `s_lo = 0/(0 + 2^-126) = 0`).
//!
//! Measured on every `f32` input (2026-12-05, `vector_f32_exhaustive` at the AVX-512 and the
//! AVX2 level, the same counts on both) against the C library's `f64` function rounded to
//! `f32`, the metric of `vector_tests.rs::check32`: no result beyond 1 ulp; 751,820 (`asin`)
//! and 246,309 (`acos`) results 1 ulp off; ±0 and `acos(1) = +0` bit for bit. (The `f64`-lane
//! kernels of `lanes32.rs`, which the SSE2 baseline keeps, are 1 ulp off for 28 and 14 inputs;
//! in a single-threaded probe these took about a third of their time per element at AVX-512
//! and at AVX2.)

use super::exp_log::horner;
use super::{PIO2_HI, PIO2_LO, PI_HI, PI_LO};

/// `(asin t - t)/t³ ≈ Σ ASIN_POLY[j] z^j` in `z = t²` on `[0, 1/4]`, degree 5: a weighted
/// minimax fit (Remez exchange on 3000 Chebyshev-spaced points, mpmath at 50 digits), the weight
/// the result's relative sensitivity to an absolute error in `P` on the paths that use it (`z`,
/// or `2 z^(3/2)/(π/2 - 2 asin √z)` for `asin`'s reduced path), coefficients rounded to `f32`
/// one at a time from `z^0` up with the rest refitted after each rounding
/// (`tools/lanes32f/fit_asin.py`). Weighted error with these coefficients: below
/// `3.7e-10 ≈ 2^-31.3`, i.e. that relative error of the result.
const ASIN_POLY: [f32; 6] = [0.16666658, 0.07500612, 0.044495966, 0.031983707, 0.013775387, 0.03843936];

/// `(big, t, q)` for `a = |x| ≤ 1`: `big` is `a > 1/2`; `asin(t') = t + q` to about `2^-48`
/// (beyond the polynomial's and `q`'s roundings), where `t' = a` (not `big`) or
/// `√((1 - a)/2)` (`big`), and `t` is `t'` rounded (see the module docs).
#[inline(always)]
fn asin_reduced(a: f32) -> (bool, f32, f32) {
    let big = a > 0.5;
    // (1 - a)/2 in one fused step, exact for a in [1/2, 1].
    let zb = a.mul_add(-0.5, 0.5);
    let s = zb.sqrt();
    // The remainder of the rounded square root is exact; `2^-126` keeps `0/0` out at `a = 1`
    // (`z = s = 0`) and vanishes from `2s ≥ 2^-12` otherwise.
    let s_lo = s.mul_add(-s, zb) / (s + s + f32::MIN_POSITIVE);
    let (t, z, t_lo) = if big { (s, zb, s_lo) } else { (a, a * a, 0.0) };
    let q = (t * z).mul_add(horner(z, &ASIN_POLY), t_lo);
    (big, t, q)
}

/// `h + l + k (t + q)`, rounded once at the end: `h + k t` by Fast2Sum (`k` a power of two
/// up to sign, so `k t` is exact; `|h| ≥ |k t|` or `h = 0`).
#[inline(always)]
fn combine(h: f32, l: f32, k: f32, t: f32, q: f32) -> f32 {
    let b = k * t;
    let hi = h + b;
    let e = (h - hi) + b;
    hi + k.mul_add(q, e + l)
}

/// `asin(x)` for `|x| ≤ 1` (see the module docs).
#[inline(always)]
pub(crate) fn asin_lane(x: f32) -> f32 {
    let a = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    let (big, t, q) = asin_reduced(a);
    let (h, l, k) = if big { (PIO2_HI, PIO2_LO, -2.0) } else { (0.0, 0.0, 1.0) };
    let v = combine(h, l, k, t, q);
    f32::from_bits(v.to_bits() | (x.to_bits() & 0x8000_0000))
}

/// `acos(x)` for `|x| ≤ 1` (see the module docs).
#[inline(always)]
pub(crate) fn acos_lane(x: f32) -> f32 {
    let sign = x.to_bits() & 0x8000_0000;
    let a = f32::from_bits(x.to_bits() & 0x7fff_ffff);
    let (big, t, q) = asin_reduced(a);
    // `k` is -1 (small `a`) or 2 (big `a`) with the sign of `x` flipped in.
    let k = f32::from_bits(if big { 2.0f32 } else { -1.0f32 }.to_bits() ^ sign);
    let (h, l) = if !big {
        (PIO2_HI, PIO2_LO)
    } else if sign != 0 {
        (PI_HI, PI_LO)
    } else {
        (0.0, 0.0)
    };
    combine(h, l, k, t, q)
}

/// Lanes [`asin_lane`] and [`acos_lane`] leave to the C library: `|x| > 1` (NaN results) and
/// NaN (whose sign and payload it keeps), as one integer comparison on the magnitude's bits.
#[inline(always)]
pub(crate) fn asin_acos_exceptional(x: f32) -> bool {
    x.to_bits() & 0x7fff_ffff > 0x3f80_0000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(PIO2_HI.to_bits(), 0x3fc9_0fdb);
        assert_eq!(PI_HI.to_bits(), 0x4049_0fdb);
        assert_eq!(PIO2_LO, -4.371_139e-8);
        assert_eq!(PI_LO, 2.0 * PIO2_LO);
        // The fit starts near the Taylor series: 1/6, 3/40, 15/336.
        assert!((ASIN_POLY[0] - 1.0 / 6.0).abs() < 1e-6);
        assert!((ASIN_POLY[1] - 0.075).abs() < 1e-4);
        assert!((ASIN_POLY[2] - 15.0 / 336.0).abs() < 1e-3);
    }

    #[test]
    fn special_values() {
        for x in [0.0f32, -0.0, f32::from_bits(1), -f32::from_bits(1), 1e-30, -f32::MIN_POSITIVE] {
            assert_eq!(asin_lane(x).to_bits(), x.to_bits(), "asin({x:e})");
        }
        let pio2 = std::f32::consts::FRAC_PI_2;
        assert_eq!(asin_lane(1.0), pio2);
        assert_eq!(asin_lane(-1.0), -pio2);
        assert_eq!(acos_lane(1.0).to_bits(), 0);
        assert_eq!(acos_lane(-1.0), std::f32::consts::PI);
        assert_eq!(acos_lane(0.0), pio2);
        assert_eq!(acos_lane(-0.0), pio2);
        // asin(1/2) = π/6, acos(1/2) = π/3, acos(-1/2) = 2π/3, each the nearest f32.
        assert_eq!(asin_lane(0.5), (std::f64::consts::PI / 6.0) as f32);
        assert_eq!(acos_lane(0.5), (std::f64::consts::PI / 3.0) as f32);
        assert_eq!(acos_lane(-0.5), (std::f64::consts::PI * 2.0 / 3.0) as f32);
        for x in [f32::NAN, -f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1.0000001, -1.0000001, 2.0] {
            assert!(asin_acos_exceptional(x), "{x:e}");
        }
        for x in [1.0f32, -1.0, 0.0, -0.0, 0.99999994, f32::from_bits(1)] {
            assert!(!asin_acos_exceptional(x), "{x:e}");
        }
    }

    #[test]
    fn near_one_half_and_one() {
        // Both sides of the switch at 1/2 and the last values before ±1, against the f64
        // functions rounded to f32 (within 1 ulp: faithful results).
        let xs = (0x3f00_0000 - 64..=0x3f00_0000 + 64).chain(0x3f80_0000 - 64..=0x3f80_0000).map(f32::from_bits);
        for x in xs.flat_map(|x| [x, -x]) {
            for (got, want) in [(asin_lane(x), f64::from(x).asin() as f32), (acos_lane(x), f64::from(x).acos() as f32)]
            {
                let d = (got.to_bits() as i64 - want.to_bits() as i64).abs();
                assert!(d <= 1, "x = {x:e}: got {got:e}, want {want:e}");
            }
        }
    }
}
