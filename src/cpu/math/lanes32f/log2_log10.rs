//! `log2` and `log10` of `f32` in `f32` lanes with fused multiply-adds (the FMA levels only),
//! on the reduction and polynomial of [`super::exp_log::log_lane`].
//!
//! Method: `x = 2^k (1 + f)` with `1 + f` in `[√½, √2)` ([`exponent_and_fraction`]), and
//! `ln(1 + f) = f + f² Q(f)` with `Q` = [`LOG_POLY`] (relative error below `2^-27.8`). Then
//! - `log2 x = k + (f + f² Q) log2(e)`,
//! - `log10 x = k log10(2) + (f + f² Q) log10(e)`.
//!
//! Error analysis (`u = 2^-24`): the large terms are `a` (`k`, or `k · LG2_HI`, exact: 15 × 8
//! significant bits) and `t = f · C_HI` (the constant's `f32` head), whose rounding error is
//! recovered exactly by a fused multiply-add. `a + t` is summed by Fast2Sum, which needs
//! `|a| ≥ |t|` when `k ≠ 0`: for `log2`, `|t| ≤ 0.414 · 1.443 < 1 ≤ |k|`; for `log10`,
//! `|t| ≤ 0.414 · 0.435 < 0.30 ≤ |k · LG2_HI|` (for `k = 0` the sum is `t` itself). So
//! `hi + e = a + t` exactly. The rest is small next to the result: `f · C_LO`
//! (`C`'s tail, about `2^-25` relative to `t`) and `f² Q · C_HI`, at most a fifth of the
//! result, whose roundings (the square, the polynomial steps, the product with `C_HI`) cost a
//! few `u` relative to it: about 0.15 ulp of the result. The final addition `hi + lo` is the one
//! rounding of full size. `log2(2^k) = k` and `log2(1) = log10(1) = +0` exactly (`f = 0`).
//!
//! Measured on every `f32` input (2026-12-05, `vector_f32_exhaustive` at the AVX-512 and the
//! AVX2 level, the same counts on both) against the C library's `f64` function rounded to
//! `f32`: no result beyond 1 ulp; 2,401,038 (`log2`) and 2,506,801 (`log10`) results 1 ulp
//! off.

use super::exp_log::{exponent_and_fraction, horner, LOG_POLY};

/// `log2(e)` as an `f32` head and its tail.
const LOG2E_HI: f32 = std::f32::consts::LOG2_E;
const LOG2E_LO: f32 = (std::f64::consts::LOG2_E - LOG2E_HI as f64) as f32;
/// `log10(e)` as an `f32` head and its tail.
const LOG10E_HI: f32 = std::f32::consts::LOG10_E;
const LOG10E_LO: f32 = (std::f64::consts::LOG10_E - LOG10E_HI as f64) as f32;
/// `log10(2)` to 15 significant bits (`0x3e9a2000`; its low 9 significand bits are zero), so
/// `k · LG2_HI` is exact for `|k| < 2^9`.
const LG2_HI: f32 = f32::from_bits(0x3e9a_2000);
/// `log10(2) - LG2_HI`, rounded to `f32`.
const LG2_LO: f32 = (std::f64::consts::LOG10_2 - LG2_HI as f64) as f32;

/// `a + a_lo + (f + f² Q(f)) (c_hi + c_lo)` for an exact `a` (0 or `|a| ≥ 0.3`), a tiny `a_lo`
/// and `|f| ≤ √2 - 1` (see the module docs).
#[inline(always)]
fn scaled_ln(a: f32, a_lo: f32, f: f32, c_hi: f32, c_lo: f32) -> f32 {
    let q = horner(f, &LOG_POLY);
    let t = f * c_hi;
    let t_err = f.mul_add(c_hi, -t);
    // Fast2Sum: hi + e = a + t exactly.
    let hi = a + t;
    let e = (a - hi) + t;
    let lo = (f * f).mul_add(q * c_hi, f.mul_add(c_lo, t_err + e + a_lo));
    hi + lo
}

/// `log2 x` for positive normal finite `x` (others go to the C library, as for
/// [`super::exp_log::log_exceptional`]).
#[inline(always)]
pub(crate) fn log2_lane(x: f32) -> f32 {
    let (k, f) = exponent_and_fraction(x);
    scaled_ln(k, 0.0, f, LOG2E_HI, LOG2E_LO)
}

/// `log10 x` for positive normal finite `x`.
#[inline(always)]
pub(crate) fn log10_lane(x: f32) -> f32 {
    let (k, f) = exponent_and_fraction(x);
    scaled_ln(k * LG2_HI, k * LG2_LO, f, LOG10E_HI, LOG10E_LO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants() {
        assert_eq!(LG2_HI.to_bits() & 0x1ff, 0, "k · LG2_HI must be exact");
        assert!((LG2_HI as f64 + LG2_LO as f64 - std::f64::consts::LOG10_2).abs() < 1e-12);
        assert!((LOG2E_HI as f64 + LOG2E_LO as f64 - std::f64::consts::LOG2_E).abs() < 1e-15);
        assert!((LOG10E_HI as f64 + LOG10E_LO as f64 - std::f64::consts::LOG10_E).abs() < 1e-15);
    }

    #[test]
    fn exact_powers() {
        for k in -126..128 {
            assert_eq!(log2_lane(2f32.powi(k)), k as f32, "log2(2^{k})");
        }
        for k in 0..=10 {
            assert_eq!(log10_lane(10f32.powi(k)), k as f32, "log10(10^{k})");
        }
        assert_eq!(log2_lane(1.0).to_bits(), 0, "log2(1) = +0");
        assert_eq!(log10_lane(1.0).to_bits(), 0, "log10(1) = +0");
    }
}
