//! `sin` and `cos` of `f32`, evaluated in `f32` lanes (16 per AVX-512 vector, 8 per AVX2 one)
//! with fused multiply-adds: for the FMA levels only (AVX2+FMA, AVX-512, aarch64); the SSE2
//! baseline keeps the `f64`-lane functions of `lanes32.rs`.
//!
//! # Method
//!
//! 1. **Quadrant.** `n = round(x · RN(2/π))` with the shifter trick in one FMA
//!    (`x · 2/π + 1.5·2^23`, valid while `|x · 2/π| < 2^22`); `n mod 4` is the low two bits of
//!    the shifted value's bits. Because `RN(2/π)` is off by `2^-24.6` relative, `n` can be one
//!    off the nearest integer near half-way points: `|r| ≤ π/4 + |x| · 2^-24.6 · π/2`, which is
//!    0.87 at the limit `|x| = 2^21`.
//! 2. **Reduction** `r = x - n·π/2` as an unevaluated pair `h + l` (`|l| ≤ ulp(h)/2`), with
//!    `π/2 = P1 + P2 + P3 + 2^-76.0` (each part the `f32` nearest the remainder):
//!    - `r1 = x - n·P1` in one FMA is **exact**: for `|x| ≥ 1`, `x` and `n·P1` are multiples of
//!      `2^-23` and `|r1| < 1`; for `|x| < 1`, `n ∈ {0, ±1}` and `r1` is a multiple of
//!      `2^-24` below 1 (or `x` itself).
//!    - `n·P2 = p + pe` exactly (`pe = fma(n, P2, -p)`), and `r1 - p = s + e` exactly by
//!      Fast2Sum (`s = r1 - p`, `e = -(p + (s - r1))`). Exact also when `|r1| < |p|` (which
//!      happens when `r` is small): `r1` is then a multiple of `2^-23` (`|x| ≥ 1`), hence of
//!      `ulp(p)` (`|p| < 2^-4`), so `s - r1` (a multiple of `ulp(p)` at most `|p| + ulp(p)`)
//!      and `p + (s - r1)` (minus the rounding error of `s`) are exact; for `|x| < 1`,
//!      `|r1| > 0.5 > |p|`. This is where the cancellation near multiples of `π/2` happens,
//!      and it is exact.
//!    - `l = e - (pe + n·P3)`, then `h + l` renormalised with Fast2Sum. The only roundings
//!      are in `l`'s small terms (`|pe|, |n·P3| ≤ n·2^-48`), so the absolute error of
//!      `h + l` is below about `n·2^-70` (with the truncation `n·2^-76`).
//!    - The `f32` closest to a multiple of `π/2` in `[1, 2^21]` is `252.89821`
//!      (`0x437ce5f1`), `|r| = 2^-27.8`; there `n = 161` and the relative error of `r` is
//!      about `2^-35`.
//! 3. **Polynomials** in `z = h²` (minimax, relative error, fitted on `|r| ≤ 0.8` by a
//!    Remez exchange in mpmath at 50 digits, coefficients rounded to `f32`; the rounded
//!    polynomials measure `2^-26.7` (sin) and `2^-31.1` (cos) relative on `|r| ≤ 0.8`, and
//!    `2^-24.3` / `2^-27.8` at the far end of the reach, `|r| = 0.87`, which only `|x|` near
//!    `2^21` can produce):
//!    - `sin(h + l) ≈ h + z·(h·(S0 + S1 z + S2 z²) - l/2) + l`: the `l·cos h ≈ l (1 - z/2)`
//!      term matters (`l z/2` is up to 0.3 ulp of `h`), `l·z²/24` does not;
//!    - `cos(h + l) ≈ 1 + (z·(-1/2 + z (C0 + C1 z + C2 z²)) - h·l)`.
//! 4. **Selection.** `sin x = (sin r, cos r, -sin r, -cos r)[n mod 4]`, `cos` is the same a
//!    quadrant on: both polynomials are computed and a blend picks one, the sign is an XOR of
//!    bit 1 of the quadrant into the sign bit (no branches, no tables). `sin(±0)` returns its
//!    argument (the reduction would turn `-0` into `+0`); tiny `x` have `n = 0`, `h = x`,
//!    `l = 0` and `sin x` rounds to `x`; `cos 0 = 1` exactly.
//!
//! # Accuracy
//!
//! Why it is within 1 ulp: with `t` the exact value and `a` the value before the final
//! rounding, `|a - t| < 1 ulp` already guarantees the metric (`got` within 1.5 ulp of `t`,
//! `want` within 0.5, both on the `f32` grid, so at most 1 apart). The budget is spent on the
//! reduction (far below 0.1 ulp), the polynomials (below 0.11 ulp for `|r| ≤ 0.8`), the
//! rounding of `z` and of the inner sums (about 0.3 ulp for `cos`, less for `sin`).
//!
//! Measured, every `f32` input (exhaustive, proto crate `/work/proto/sincos`, AVX-512 and AVX2
//! drivers, identical bits), against the C library's `f64` function rounded to `f32`: at most
//! 1 ulp (see the report for the number of 1-ulp results). Without the exceptional escape the
//! lane first fails at `|x| = 2421895.5` (`0x4a13d21e`, `sin`), where `n` is one off and
//! `|r| = 0.88` is past the polynomial's reach -- not the reduction; [`TRIG_LIMIT`] = `2^21`
//! stays below it.

// `!(x <= limit)`-style tests are the one comparison that also sends NaN to the scalar path.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

/// `1.5 · 2^23`: adding it rounds an `f32` below `2^22` in magnitude to an integer (ties to
/// even), which then sits in the low significand bits (two's complement for negative `n`).
const SHIFT: f32 = 12582912.0;
/// `2/π` rounded to `f32` (relative error `2^-24.6`).
const FRAC_2_PI: f32 = f32::from_bits(0x3f22_f983); // 0.63661975
/// `π/2 = P1 + P2 + P3 + 1.06e-23`: each part is the `f32` nearest the remainder.
const P1: f32 = f32::from_bits(0x3fc9_0fdb); // 1.5707964
const P2: f32 = f32::from_bits(0xb33b_bd2e); // -4.371139e-8
const P3: f32 = f32::from_bits(0xa6f7_2ced); // -1.7151245e-15

/// `(sin r - r) / r³ ≈ S0 + S1 z + S2 z²` (minimax relative to `sin r`, `|r| ≤ 0.8`).
const S0: f32 = f32::from_bits(0xbe2a_aaa2); // -0.16666654
const S1: f32 = f32::from_bits(0x3c08_82f9); // 0.008332008
const S2: f32 = f32::from_bits(0xb94c_61d9); // -0.00019491407
/// `(cos r - 1 + r²/2) / r⁴ ≈ C0 + C1 z + C2 z²` (minimax relative to `cos r`, `|r| ≤ 0.8`).
const C0: f32 = f32::from_bits(0x3d2a_aaa7); // 0.041666653
const C1: f32 = f32::from_bits(0xbab6_06ec); // -0.0013887561
const C2: f32 = f32::from_bits(0x37cd_1ca8); // 2.4451248e-5

/// Largest `|x|` of the lane path: `2^21`. Beyond, `n` (rounded from `x · RN(2/π)`) can leave
/// `|r|` past the polynomials' reach; the first failure of the bare lane is at `2421895.5`.
/// Everyday arguments (`|x|` up to 10^6) never reach the scalar escape.
pub(crate) const TRIG_LIMIT: f32 = 2097152.0;

/// `x = n·π/2 + h + l`: `(h, l, bits of the shifted n)`; `n mod 4` is the low two bits.
#[inline(always)]
fn reduce(x: f32) -> (f32, f32, u32) {
    let q = x.mul_add(FRAC_2_PI, SHIFT);
    let n = q - SHIFT;
    // Exact (module doc): the big cancellation costs nothing.
    let r1 = (-n).mul_add(P1, x);
    // n·P2 = p + pe exactly.
    let p = n * P2;
    let pe = n.mul_add(P2, -p);
    // Fast2Sum: r1 - p = s - (p + z) exactly, also when |r1| < |p| (module doc).
    let s = r1 - p;
    let z = s - r1;
    // Minus the low part: the Fast2Sum error and the small terms; then renormalise (it is
    // far below |s| here) so that |l| ≤ ulp(h)/2.
    let neg_lo = (p + z) + n.mul_add(P3, pe);
    let h = s - neg_lo;
    let l = (s - h) - neg_lo;
    (h, l, q.to_bits())
}

/// `sin(h + l)` for `|h| ≤ 0.87`, `z = h²`.
#[inline(always)]
fn sin_poly(h: f32, l: f32, z: f32) -> f32 {
    let ps = z.mul_add(z.mul_add(S2, S1), S0);
    // h³·ps + l·(1 - z/2), added to h last so that h is the one large term.
    let u = h.mul_add(ps, -0.5 * l);
    h + z.mul_add(u, l)
}

/// `cos(h + l)` for `|h| ≤ 0.87`, `z = h²`.
#[inline(always)]
fn cos_poly(h: f32, l: f32, z: f32) -> f32 {
    let pc = z.mul_add(z.mul_add(C2, C1), C0);
    let w = z.mul_add(pc, -0.5);
    // -h·l: the first-order term of l (up to 0.6 ulp of the result, so it is kept).
    1.0 + z.mul_add(w, -h * l)
}

/// `sin(x + shift·π/2)`: both polynomials, then a blend and a sign flip by the quadrant.
#[inline(always)]
fn sin_quadrant(x: f32, shift: u32) -> f32 {
    let (h, l, q) = reduce(x);
    let z = h * h;
    let s = sin_poly(h, l, z);
    let c = cos_poly(h, l, z);
    let q = q.wrapping_add(shift);
    let v = if q & 1 == 1 { c } else { s };
    // Quadrants 2 and 3 negate: bit 1 of q into the sign bit.
    f32::from_bits(v.to_bits() ^ ((q & 2) << 30))
}

/// `sin(x)` for `|x| ≤ 2^21` (see the module doc); other lanes are [`sin_exceptional`].
#[inline(always)]
pub(crate) fn sin_lane(x: f32) -> f32 {
    let v = sin_quadrant(x, 0);
    // ±0 keeps its sign (the reduction turns -0 into +0). A blend, not a branch.
    if x == 0.0 {
        x
    } else {
        v
    }
}

/// `cos(x)` for `|x| ≤ 2^21` (see the module doc); other lanes are [`cos_exceptional`].
#[inline(always)]
pub(crate) fn cos_lane(x: f32) -> f32 {
    sin_quadrant(x, 1)
}

/// Lanes left to the scalar `f32::sin`: `|x| > 2^21`, ±∞ and NaN.
#[inline(always)]
pub(crate) fn sin_exceptional(x: f32) -> bool {
    !(x.abs() <= TRIG_LIMIT)
}

/// Lanes left to the scalar `f32::cos`: the same set as [`sin_exceptional`].
#[inline(always)]
pub(crate) fn cos_exceptional(x: f32) -> bool {
    sin_exceptional(x)
}
