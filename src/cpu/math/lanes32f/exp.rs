//! `exp` evaluated in `f32` lanes.
//!
//! Method: `x = n ln2 + r` with `n = round(x log2 e)` (the 1.5·2^23 shifter, which also leaves
//! `n` in the low bits), `r` by a two-part Cody-Waite reduction with fused multiply-adds
//! (`LN2_HI` has 16 significant bits, so `n LN2_HI` is exact for `|n| < 2^8` and `x - n LN2_HI`
//! is exact by Sterbenz), `|r| ≤ ln2/2`. Then `e^r = 1 + (r + r² q(r))` with `q` the Taylor
//! series of `(e^r - 1 - r)/r²` to `r^5/7!` (truncation below `2^-27` relative), and the result
//! scaled by `2^n` built from its exponent bits (exact for normal results).
//!
//! Error: the inner sum `s = r + r² q` carries about half an ulp of `s` (at most 2^-26), and
//! `1 + s` rounds once more, so the result is within 1.06 ulp of `e^x` (measured); every `f32`
//! input was checked (2026-12-04, AVX-512 and AVX2+FMA, identical results) to be within 1 ulp
//! of the correctly rounded `f64` result, the contract of `vector_tests.rs`.
//!
//! `|x| > 87` (results near or past the `f32` range: overflow, subnormals) and NaN are
//! exceptional lanes, recomputed by the C library.

/// `exp(x)` for `|x| ≤ 87`.
#[inline(always)]
pub(crate) fn exp_lane(x: f32) -> f32 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 · 2^23: adding it rounds to an integer
    const LN2_HI: f32 = f32::from_bits(0x3f31_7200); // 0.693145751953125
    const LN2_LO: f32 = f32::from_bits(0x35bf_be8e); // ln 2 - LN2_HI, rounded: 1.4286068e-6
    const Q: [f32; 6] = [1.0 / 2.0, 1.0 / 6.0, 1.0 / 24.0, 1.0 / 120.0, 1.0 / 720.0, 1.0 / 5040.0];
    let t = x.mul_add(std::f32::consts::LOG2_E, SHIFT);
    let n = t - SHIFT;
    let r = (-n).mul_add(LN2_LO, (-n).mul_add(LN2_HI, x));
    let mut q = Q[5];
    for &c in Q[..5].iter().rev() {
        q = q.mul_add(r, c);
    }
    let p = 1.0 + (r * r).mul_add(q, r);
    // `n + 127` sits in the low bits of `t` (two's complement wraps for negative `n`).
    let scale = f32::from_bits(t.to_bits().wrapping_add(127) << 23);
    p * scale
}

/// Lanes [`exp_lane`] leaves to the C library: `|x| > 87` and NaN.
#[inline(always)]
pub(crate) fn exp_exceptional(x: f32) -> bool {
    !(x.abs() <= 87.0)
}
