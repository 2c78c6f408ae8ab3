//! Tests of the AVX-512 quicksort against the standard library's sort: every block size of the
//! network (every length up to 300), lengths around the split and parallel thresholds, and
//! the inputs that stress a quicksort (equal keys, few distinct keys, the largest key, sorted,
//! reversed and organ-pipe rows, and the fallback after the depth limit).

use super::*;

use crate::test_rng::xorshift_bits as noise;

/// Rows of length `n` that stress a quicksort, as 64-bit values (cut to 32 bits for `u32`).
fn shapes(n: usize, seed: u64) -> Vec<(&'static str, Vec<u64>)> {
    let r = noise(seed, n);
    let idx = 0..n as u64;
    vec![
        ("random", r.clone()),
        ("few distinct", r.iter().map(|x| x % 7).collect()),
        ("all equal", vec![42; n]),
        ("largest key", r.iter().map(|x| if x % 3 == 0 { u64::MAX } else { *x }).collect()),
        ("zeros and largest", r.iter().map(|x| if x % 2 == 0 { 0 } else { u64::MAX }).collect()),
        ("sorted", idx.clone().collect()),
        ("reversed", idx.clone().rev().collect()),
        ("organ pipe", idx.clone().map(|i| i.min(n as u64 - i)).collect()),
        ("sawtooth", idx.map(|i| i % 64).collect()),
    ]
}

/// Checks `sort` (and the split depths `depths`) on `K` keys of `raw`.
fn check<K: Key + std::fmt::Debug>(raw: &[u64], what: &str, threads: usize) {
    let keys: Vec<K> = raw.iter().map(|&x| K::from_u64(if K::BYTES == 4 { x >> 32 ^ x } else { x })).collect();
    let mut want = keys.clone();
    want.sort_unstable();
    let mut got = keys.clone();
    // SAFETY: the callers checked `available`.
    unsafe { sort(&mut got, threads) };
    let bad = got.iter().zip(&want).position(|(g, w)| g != w);
    assert!(
        bad.is_none(),
        "{what}: {}-byte keys, len {}, threads {threads}: first diff at {bad:?}",
        K::BYTES,
        raw.len()
    );
}

/// Whether to run: prints why not when this CPU or build has no AVX-512.
fn runs_here() -> bool {
    let ok = available();
    if !ok {
        eprintln!("skipped: this CPU or build has no AVX-512 (the radix sort runs instead)");
    }
    ok
}

#[test]
fn every_block_size_and_short_row() {
    if !runs_here() {
        return;
    }
    for n in 0..=300 {
        for (what, raw) in shapes(n.max(1), n as u64).into_iter().take(if n == 0 { 1 } else { 9 }) {
            let raw = &raw[..n];
            check::<u32>(raw, what, 1);
            check::<u64>(raw, what, 1);
        }
    }
}

#[test]
fn split_lengths_and_hostile_rows() {
    if !runs_here() {
        return;
    }
    for n in [511, 512, 513, 4095, 4096, 4097, 10_000] {
        for (what, raw) in shapes(n, 3 + n as u64) {
            check::<u32>(&raw, what, 1);
            check::<u64>(&raw, what, 1);
        }
    }
}

#[test]
fn parallel_splits() {
    if !runs_here() {
        return;
    }
    for n in [PAR_SPLIT - 1, PAR_SPLIT, 3 * PAR_SPLIT + 17, (1 << 20) + 1] {
        for (what, raw) in shapes(n, 5 + n as u64) {
            check::<u32>(&raw, what, 2);
            check::<u64>(&raw, what, 3);
        }
    }
}

#[test]
fn the_depth_limit_falls_back_to_a_full_sort() {
    if !runs_here() {
        return;
    }
    #[cfg(all(target_arch = "x86_64", devarray_avx512))]
    for depth in [0, 1, 2, 3] {
        let raw = noise(9, 5000);
        let mut got: Vec<u32> = raw.iter().map(|&x| x as u32).collect();
        let mut want = got.clone();
        want.sort_unstable();
        // SAFETY: `runs_here` checked for AVX-512.
        unsafe { avx512::sort_par::<avx512::U32s>(&mut got, depth, 2) };
        assert_eq!(got, want, "depth {depth}");
    }
}

/// Checks one split of `keys` around `bound`: the count returned, every key on its side, and
/// the same keys as before.
#[cfg(all(target_arch = "x86_64", devarray_avx512))]
fn check_split<K: Key + std::fmt::Debug>(keys: &[K], bound: K, split: impl Fn(&mut [K]) -> usize, what: &str) {
    let mut got = keys.to_vec();
    let below = split(&mut got);
    let want = keys.iter().filter(|&&k| k < bound).count();
    assert_eq!(below, want, "{what}: keys below the bound, len {}", keys.len());
    assert!(got[..below].iter().all(|&k| k < bound), "{what}: a key at or above the bound on the left");
    assert!(got[below..].iter().all(|&k| k >= bound), "{what}: a key below the bound on the right");
    let (mut a, mut b) = (keys.to_vec(), got);
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "{what}: the split lost or duplicated keys");
}

#[test]
fn both_split_forms_keep_every_key_on_its_side() {
    if !runs_here() {
        return;
    }
    // Both forms run here, whatever the vendor: the memory compress (Intel) and the register
    // compress with masked stores (AMD). Lengths from two unrolled steps up, odd tails included.
    #[cfg(all(target_arch = "x86_64", devarray_avx512))]
    for n in [256usize, 257, 300, 1000, 4099] {
        let raw = noise(17 + n as u64, n);
        for bound in [0u64, 1, u64::MAX / 3, u64::MAX / 2, u64::MAX] {
            let k64 = raw.clone();
            let k32: Vec<u32> = raw.iter().map(|&x| (x >> 32) as u32).collect();
            let b32 = (bound >> 32) as u32;
            // SAFETY (all four): `runs_here` checked for AVX-512; `n` is at least two unrolled
            // steps of either width.
            unsafe {
                check_split(&k64, bound, |k| avx512::partition::<avx512::U64s, true>(k, bound), "u64 memory");
                check_split(&k64, bound, |k| avx512::partition::<avx512::U64s, false>(k, bound), "u64 register");
                check_split(&k32, b32, |k| avx512::partition::<avx512::U32s, true>(k, b32), "u32 memory");
                check_split(&k32, b32, |k| avx512::partition::<avx512::U32s, false>(k, b32), "u32 register");
            }
        }
    }
}
