//! Tests of the value sort against the reference: a stable comparison sort of the raw bits by
//! [`KeyMap::key`], compared bit for bit (the order of `-0.0`/`+0.0` and of NaN payloads
//! included), on every path: comparison leaves, LSD leaves, one and several MSD levels, the
//! parallel passes, descending, every key width.

use super::*;
use crate::dtype::DType;

/// The stable sort by key of `raw` (each element `K`-wide), as raw bits (bools as 0 or 1, the
/// sort's normal form).
fn reference<K: Key>(map: KeyMap, raw: &[K]) -> Vec<K> {
    let bool_ = map.kind == KeyKind::Bool;
    let mut v: Vec<K> = raw.iter().map(|&b| if bool_ && b != K::zero() { K::one() } else { b }).collect();
    v.sort_by_key(|b| map.key(b.bits()));
    v
}

/// The value sort of `raw` with `threads`, by the AVX-512 quicksort when `quick`, else by the
/// radix sort.
fn sorted<K: Key>(map: KeyMap, raw: &[K], threads: usize, quick: bool) -> Vec<K> {
    let mut out = vec![K::zero(); raw.len()];
    let mut scratch = vec![K::zero(); raw.len()];
    let (src, dst, len) = (raw.as_ptr().cast(), out.as_mut_ptr().cast(), raw.len());
    // SAFETY: `raw` and `out` hold `raw.len()` elements each; `out` is aligned and unaliased;
    // `quick` only where `quick::available()`.
    unsafe { sort_values_by::<K>(map, src, dst, len, threads, &mut scratch, quick) };
    out
}

/// The sorts to check: the radix sort, and the AVX-512 quicksort where this CPU has it.
fn paths() -> Vec<bool> {
    if quick::available() {
        vec![false, true]
    } else {
        eprintln!("skipped (AVX-512 quicksort path only): this CPU or build has no AVX-512");
        vec![false]
    }
}

/// A deterministic pseudo-random sequence (splitmix64).
fn noise(seed: u64, n: usize) -> Vec<u64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
        .collect()
}

/// Checks every dtype of width `K` on `raw`, both directions, one and two threads.
fn check<K: Key>(dtypes: &[DType], raw: &[K], what: &str) {
    for &dtype in dtypes {
        for descending in [false, true] {
            let map = KeyMap::new(dtype, descending);
            let want = reference(map, raw);
            for (threads, quick) in [1, 2].into_iter().flat_map(|t| paths().into_iter().map(move |q| (t, q))) {
                let got = sorted(map, raw, threads, quick);
                let bad = got.iter().zip(&want).position(|(g, w)| g != w);
                assert!(
                    bad.is_none(),
                    "{what}: {dtype} desc={descending} threads={threads} quick={quick} len={} first diff at {bad:?}",
                    raw.len()
                );
            }
        }
    }
}

/// Lengths around the comparison/LSD boundary, the leaf size of each width and the parallel
/// threshold.
fn lengths(bytes: usize) -> Vec<usize> {
    let leaf = LEAF_BYTES / bytes;
    let mut v = vec![0, 1, 2, 3, SMALL - 1, SMALL, SMALL + 1, 255, 256, 257, 4096];
    v.extend([leaf - 1, leaf, leaf + 1, 2 * leaf + 3]);
    v
}

/// Floats with many signed zeros and NaNs of different signs and payloads among ordinary
/// values (`exp_mask`: the exponent bits; `bits`: the width).
fn floats_with_specials(n: usize, seed: u64, bits: u32, exp_mask: u64) -> Vec<u64> {
    let sign = 1u64 << (bits - 1);
    let all = u64::MAX >> (64 - bits);
    noise(seed, n)
        .into_iter()
        .map(|r| match r % 16 {
            0 => 0,
            1 => sign,
            2 => exp_mask | (r >> 20 & (all >> 2) & !exp_mask).max(1),
            3 => sign | exp_mask | (r >> 24 & (all >> 2) & !exp_mask).max(1),
            4 => exp_mask,
            5 => (r >> 8) & 0xff,
            _ => (r >> 7) & all,
        })
        .collect()
}

#[test]
fn floats_with_zeros_and_nans_match_the_stable_sort() {
    for n in lengths(4) {
        let raw: Vec<u32> = floats_with_specials(n, n as u64, 32, 0x7f80_0000).into_iter().map(|b| b as u32).collect();
        check(&[DType::F32], &raw, "f32 specials");
    }
    for n in lengths(8) {
        let raw: Vec<u64> = floats_with_specials(n, 7 + n as u64, 64, 0x7ff0_0000_0000_0000);
        check(&[DType::F64], &raw, "f64 specials");
    }
    for n in lengths(2) {
        let raw: Vec<u16> = floats_with_specials(n, 3, 16, 0x7c00).into_iter().map(|b| b as u16).collect();
        check(&[DType::F16], &raw, "f16 specials");
        let raw: Vec<u16> = floats_with_specials(n, 5, 16, 0x7f80).into_iter().map(|b| b as u16).collect();
        check(&[DType::BF16], &raw, "bf16 specials");
    }
}

#[test]
fn integers_of_every_width_match() {
    for n in lengths(8) {
        let r = noise(n as u64, n);
        check(&[DType::I64, DType::U64], &r, "64-bit");
        // Small values in a wide type: the high digits are constant and skipped.
        let small: Vec<u64> = r.iter().map(|x| x % 1000).collect();
        check(&[DType::I64], &small, "64-bit few distinct");
        let r32: Vec<u32> = r.iter().map(|&x| (x >> 13) as u32).collect();
        check(&[DType::I32, DType::U32, DType::F32], &r32, "32-bit");
        let r16: Vec<u16> = r.iter().map(|&x| (x >> 40) as u16).collect();
        check(&[DType::I16, DType::U16], &r16, "16-bit");
        let r8: Vec<u8> = r.iter().map(|&x| (x >> 50) as u8).collect();
        check(&[DType::I8, DType::U8, DType::Bool], &r8, "8-bit");
    }
}

#[test]
fn all_equal_and_two_valued_rows() {
    for n in [1usize, SMALL + 5, LEAF_BYTES / 4 + 9] {
        check(&[DType::I32, DType::F32], &vec![0x8000_0000u32; n], "equal");
        check(&[DType::I32, DType::F32], &vec![7u32; n], "equal");
        let zeros: Vec<u32> = (0..n).map(|i| if i % 3 == 0 { 0x8000_0000 } else { 0 }).collect();
        check(&[DType::F32], &zeros, "signed zeros only");
        let nans: Vec<u32> = (0..n as u32).map(|i| 0x7fc0_0000 | (i & 0xff) | ((i & 1) << 31)).collect();
        check(&[DType::F32], &nans, "NaNs only");
    }
}

#[test]
fn long_rows_take_the_parallel_path() {
    // Over PAR_MIN and over 2^20 + 1: parallel key pass, parallel MSD passes, nested ones.
    for n in [PAR_MIN + 1, (1 << 20) + 1] {
        let raw: Vec<u32> = floats_with_specials(n, 11, 32, 0x7f80_0000).into_iter().map(|b| b as u32).collect();
        check(&[DType::F32], &raw, "long f32");
        let r = noise(13, n);
        check(&[DType::I64], &r, "long i64");
        // Skewed: most keys share their top digits (a few huge buckets split again).
        let skew: Vec<u64> = r.iter().map(|x| if x % 8 != 0 { x % 5 } else { *x }).collect();
        check(&[DType::U64], &skew, "long skewed");
    }
}
