//! float16 ⇄ float32 slice conversions with the widest conversion instructions the CPU has.
//!
//! Every float16 op on the CPU computes in float32, so these two loops carry the whole cost of
//! the dtype: `half`'s slice conversions run 4 lanes per F16C instruction behind a call each,
//! about 0.2 ns per element, which made a float16 `add` cost five float32 ones. Here AVX-512
//! converts 16 lanes and AVX2's F16C 8 per instruction in an inlined loop; other CPUs keep
//! `half`'s conversions. All of them round to nearest even and give the same bits, NaNs
//! included (the hardware instructions are what `half` itself uses when F16C is present); the
//! tests compare every float16 pattern and a dense sample of float32 patterns.

use super::vector::{level, Level};
use half::f16;
use half::slice::HalfFloatSliceExt;

/// `h as f32` from float16 bits in integer and float operations that LLVM vectorises inside a
/// loop (`half`'s `to_f32` is a call per element). Exact for every value:
/// - normal numbers: the 15 bits of exponent and mantissa move into float32's fields and the
///   exponent is rebiased by 127 - 15 = 112;
/// - subnormals (and zero): `2^-14 * (1 + m/1024) - 2^-14`, a subtraction of two normal float32
///   values whose result `m * 2^-24` is exact and normal, so no float32 subnormal is involved
///   and a denormals-are-zero mode set by some other library in the process cannot change it;
/// - infinities and NaNs (exponent 31): float32's all-ones exponent, NaNs quieted as the
///   hardware conversion does.
#[inline(always)]
pub(crate) fn f16_to_f32(h: f16) -> f32 {
    const MIN_NORMAL_F32: u32 = 113 << 23; // 2^-14, float16's smallest normal, as float32 bits
    let bits = u32::from(h.to_bits());
    let magnitude = bits & 0x7fff;
    let shifted = magnitude << 13;
    let normal = shifted + (112 << 23);
    let subnormal = f32::from_bits(shifted + MIN_NORMAL_F32) - f32::from_bits(MIN_NORMAL_F32);
    let special = shifted | 0x7f80_0000 | if magnitude > 0x7c00 { 0x0040_0000 } else { 0 };
    let value = if magnitude >= 0x7c00 {
        special
    } else if magnitude < 0x0400 {
        subnormal.to_bits()
    } else {
        normal
    };
    f32::from_bits(value | (bits & 0x8000) << 16)
}

/// `dst[i] = src[i] as f32` (equal lengths).
pub(crate) fn widen_f16(src: &[f16], dst: &mut [f32]) {
    assert_eq!(src.len(), dst.len(), "widen_f16: length mismatch");
    #[cfg(target_arch = "x86_64")]
    {
        let level = level();
        #[cfg(devarray_avx512)]
        if level == Level::Avx512 {
            // SAFETY: the level is only reported when the CPU has AVX-512F.
            return unsafe { x86::widen_avx512(src, dst) };
        }
        if level >= Level::Avx2 && is_x86_feature_detected!("f16c") {
            // SAFETY: AVX2 (so AVX) is present, and F16C is checked here.
            return unsafe { x86::widen_f16c(src, dst) };
        }
    }
    src.convert_to_f32_slice(dst);
}

/// `dst[i] = f16::from_f32(src[i])`, rounding to nearest even (equal lengths).
pub(crate) fn narrow_f16(src: &[f32], dst: &mut [f16]) {
    assert_eq!(src.len(), dst.len(), "narrow_f16: length mismatch");
    #[cfg(target_arch = "x86_64")]
    {
        let level = level();
        #[cfg(devarray_avx512)]
        if level == Level::Avx512 {
            // SAFETY: the level is only reported when the CPU has AVX-512F.
            return unsafe { x86::narrow_avx512(src, dst) };
        }
        if level >= Level::Avx2 && is_x86_feature_detected!("f16c") {
            // SAFETY: AVX2 (so AVX) is present, and F16C is checked here.
            return unsafe { x86::narrow_f16c(src, dst) };
        }
    }
    dst.convert_from_f32_slice(src);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use half::f16;
    use half::slice::HalfFloatSliceExt;
    use std::arch::x86_64::*;

    /// Round to nearest even, the rounding of `f16::from_f32` (floating-point exceptions are
    /// masked in MXCSR, as Rust leaves them).
    const NEAREST: i32 = _MM_FROUND_TO_NEAREST_INT;

    /// # Safety
    /// The CPU must have AVX-512F; the slices have equal lengths.
    #[cfg(devarray_avx512)]
    #[allow(clippy::incompatible_msrv)] // built only by rustc >= 1.89 (build.rs's devarray_avx512)
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn widen_avx512(src: &[f16], dst: &mut [f32]) {
        let whole = src.len() / 16 * 16;
        for i in (0..whole).step_by(16) {
            // SAFETY: i + 16 <= len for both slices; unaligned loads and stores.
            unsafe {
                let h = _mm256_loadu_si256(src.as_ptr().add(i).cast());
                _mm512_storeu_ps(dst.as_mut_ptr().add(i), _mm512_cvtph_ps(h));
            }
        }
        src[whole..].convert_to_f32_slice(&mut dst[whole..]);
    }

    /// # Safety
    /// The CPU must have AVX-512F; the slices have equal lengths.
    #[cfg(devarray_avx512)]
    #[allow(clippy::incompatible_msrv)] // built only by rustc >= 1.89 (build.rs's devarray_avx512)
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn narrow_avx512(src: &[f32], dst: &mut [f16]) {
        let whole = src.len() / 16 * 16;
        for i in (0..whole).step_by(16) {
            // SAFETY: i + 16 <= len for both slices; unaligned loads and stores.
            unsafe {
                let x = _mm512_loadu_ps(src.as_ptr().add(i));
                _mm256_storeu_si256(dst.as_mut_ptr().add(i).cast(), _mm512_cvtps_ph::<NEAREST>(x));
            }
        }
        dst[whole..].convert_from_f32_slice(&src[whole..]);
    }

    /// # Safety
    /// The CPU must have AVX and F16C; the slices have equal lengths.
    #[target_feature(enable = "avx,f16c")]
    pub(super) unsafe fn widen_f16c(src: &[f16], dst: &mut [f32]) {
        let whole = src.len() / 8 * 8;
        for i in (0..whole).step_by(8) {
            // SAFETY: i + 8 <= len for both slices; unaligned loads and stores.
            unsafe {
                let h = _mm_loadu_si128(src.as_ptr().add(i).cast());
                _mm256_storeu_ps(dst.as_mut_ptr().add(i), _mm256_cvtph_ps(h));
            }
        }
        src[whole..].convert_to_f32_slice(&mut dst[whole..]);
    }

    /// # Safety
    /// The CPU must have AVX and F16C; the slices have equal lengths.
    #[target_feature(enable = "avx,f16c")]
    pub(super) unsafe fn narrow_f16c(src: &[f32], dst: &mut [f16]) {
        let whole = src.len() / 8 * 8;
        for i in (0..whole).step_by(8) {
            // SAFETY: i + 8 <= len for both slices; unaligned loads and stores.
            unsafe {
                let x = _mm256_loadu_ps(src.as_ptr().add(i));
                _mm_storeu_si128(dst.as_mut_ptr().add(i).cast(), _mm256_cvtps_ph::<NEAREST>(x));
            }
        }
        dst[whole..].convert_from_f32_slice(&src[whole..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Widen = fn(&[f16], &mut [f32]);
    type Narrow = fn(&[f32], &mut [f16]);

    /// Every conversion loop this CPU can run, whatever `DEVARRAY_SIMD` picks for the process:
    /// `half`'s, F16C's and AVX-512's.
    fn variants() -> Vec<(&'static str, Widen, Narrow)> {
        let mut v: Vec<(&'static str, Widen, Narrow)> =
            vec![("half", |s, d| s.convert_to_f32_slice(d), |s, d| d.convert_from_f32_slice(s))];
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx") && is_x86_feature_detected!("f16c") {
                // SAFETY (both closures): the features were just detected.
                v.push(("f16c", |s, d| unsafe { x86::widen_f16c(s, d) }, |s, d| unsafe { x86::narrow_f16c(s, d) }));
            }
            #[cfg(devarray_avx512)]
            if is_x86_feature_detected!("avx512f") {
                // SAFETY (both closures): the feature was just detected.
                v.push((
                    "avx512",
                    |s, d| unsafe { x86::widen_avx512(s, d) },
                    |s, d| unsafe { x86::narrow_avx512(s, d) },
                ));
            }
        }
        v.push(("dispatched", widen_f16, narrow_f16));
        v
    }

    #[test]
    fn widening_matches_half_for_every_float16() {
        let src: Vec<f16> = (0..=u16::MAX).map(f16::from_bits).collect();
        for (name, widen, _) in variants() {
            // Odd lengths and offsets exercise the vector body and the tail.
            for (start, end) in [(0, src.len()), (3, src.len() - 5), (7, 7), (1, 16), (2, 19)] {
                let s = &src[start..end];
                let mut got = vec![0f32; s.len()];
                widen(s, &mut got);
                for (h, g) in s.iter().zip(&got) {
                    let want = h.to_f32();
                    let same_nan = want.is_nan() && g.is_nan() && want.is_sign_negative() == g.is_sign_negative();
                    assert!(
                        want.to_bits() == g.to_bits() || same_nan,
                        "{name}: {:#06x}: {want:?} vs {g:?}",
                        h.to_bits()
                    );
                }
            }
        }
    }

    #[test]
    fn inline_widening_matches_half_for_every_float16() {
        for bits in 0..=u16::MAX {
            let h = f16::from_bits(bits);
            let (want, got) = (h.to_f32(), f16_to_f32(h));
            if want.is_nan() {
                assert!(got.is_nan() && got.is_sign_negative() == want.is_sign_negative(), "{bits:#06x}");
            } else {
                assert_eq!(got.to_bits(), want.to_bits(), "{bits:#06x}: {want:e} vs {got:e}");
            }
        }
    }

    #[test]
    fn narrowing_matches_half_over_a_dense_sample_and_the_edges() {
        // Every 4099th float32 pattern (a prime stride, so every exponent and low-bit pattern
        // is hit), plus the rounding edges around float16's range and subnormals. The
        // exhaustive check over all 2^32 is `staged::tests` (ignored; run in release).
        let mut src: Vec<f32> = (0..=u32::MAX).step_by(4099).map(f32::from_bits).collect();
        for edge in [65504.0f32, 65519.99, 65520.0, 6.1035156e-5, 5.9604645e-8, 2.9802322e-8, 2.9802326e-8, 1e-10] {
            for x in [edge, -edge, f32::from_bits(edge.to_bits() + 1), f32::from_bits(edge.to_bits() - 1)] {
                src.push(x);
            }
        }
        src.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN, 1.0, 0.1, 2049.0, 2051.0]);
        for (name, _, narrow) in variants() {
            for (start, end) in [(0, src.len()), (5, src.len() - 3), (1, 16), (2, 11)] {
                let s = &src[start..end];
                let mut got = vec![f16::ZERO; s.len()];
                narrow(s, &mut got);
                for (x, g) in s.iter().zip(&got) {
                    if x.is_nan() {
                        assert!(
                            g.is_nan() && g.is_sign_negative() == x.is_sign_negative(),
                            "{name}: {:#010x}",
                            x.to_bits()
                        );
                    } else {
                        assert_eq!(g.to_bits(), f16::from_f32(*x).to_bits(), "{name}: {x:e} ({:#010x})", x.to_bits());
                    }
                }
            }
        }
    }
}
