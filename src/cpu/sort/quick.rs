//! An AVX-512 quicksort of unsigned 32- and 64-bit keys, the value sort's path on CPUs with
//! AVX-512. There NumPy's `np.sort` is an AVX-512 quicksort too, and the radix sort's scatter
//! passes (about 1 ns per key per 8-bit digit in L1) lose to it on one thread (BENCHMARKS.md,
//! "Sorting").
//!
//! The algorithm:
//! - **Short rows.** A row of at most 16 vectors (256 `u32` or 128 `u64` keys) is sorted in
//!   registers by a bitonic network, padded with the largest key. Each merge stage begins by
//!   comparing every key with its mirror in the block, so all later steps put the minimum in
//!   the lower lane and no step needs a direction.
//! - **Splitting.** A longer row is split in place around a pivot, the median of a vector of
//!   keys sampled at even spacing (16 `u32` or 8 `u64`). One vector from each end is held in registers, which leaves one
//!   vector of room at each end to write into. Each next vector is read from the end with less
//!   room. Its keys below the pivot are compressed to the left write cursor and the others to
//!   the right one, with masked stores.
//! - **Equal keys.** A split whose left side is empty means the pivot is the row's minimum. It
//!   is redone as "at most the pivot", whose left side is all equal and done. So every split
//!   makes progress, and a run of equal keys ends after two passes.
//! - **Worst case.** After 2·log2(n) levels the standard library's unstable sort (a
//!   pattern-defeating quicksort, O(n log n)) takes over, so no input is quadratic.
//! - **Threads.** With threads, the two sides of a split of at least [`PAR_SPLIT`] keys are
//!   sorted as two parallel tasks; the pool's work stealing evens out uneven splits.
//!
//! The sort is not stable, and does not need to be: equal keys of the value sort are equal
//! values. Zeros and NaNs are the exceptions, and the caller puts them back.

use super::Key;

/// Splits of at least this many keys sort their two sides as parallel tasks (when threads are
/// given).
const PAR_SPLIT: usize = 1 << 16;

/// Whether [`sort`] runs here: an x86-64 CPU with AVX-512, when the vector level in use
/// (`DEVARRAY_SIMD` may lower it) is AVX-512, and a compiler that has the AVX-512 intrinsics.
pub(super) fn available() -> bool {
    #[cfg(all(target_arch = "x86_64", devarray_avx512))]
    {
        use crate::cpu::math::vector::{level, Level};
        level() == Level::Avx512
    }
    #[cfg(not(all(target_arch = "x86_64", devarray_avx512)))]
    {
        false
    }
}

/// Sorts `keys` ascending (`K` of 4 or 8 bytes; other widths are left unsorted, and the caller
/// does not send them), with up to `threads` threads.
///
/// # Safety
/// [`available`] returned true.
pub(super) unsafe fn sort<K: Key>(keys: &mut [K], threads: usize) {
    #[cfg(all(target_arch = "x86_64", devarray_avx512))]
    {
        let depth = 2 * (usize::BITS - keys.len().leading_zeros());
        let (ptr, len) = (keys.as_mut_ptr(), keys.len());
        match K::BYTES {
            4 => {
                // SAFETY: a 4-byte `Key` is `u32` (the only 4-byte implementation): same size,
                // alignment and valid bit patterns; `keys` is borrowed for the whole call.
                let keys = unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u32>(), len) };
                // SAFETY: the caller checked `available`, so AVX-512F is present.
                unsafe { avx512::sort_par::<avx512::U32s>(keys, depth, threads) }
            }
            8 => {
                // SAFETY: as above, for `u64`.
                let keys = unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u64>(), len) };
                // SAFETY: as above.
                unsafe { avx512::sort_par::<avx512::U64s>(keys, depth, threads) }
            }
            _ => {}
        }
    }
    #[cfg(not(all(target_arch = "x86_64", devarray_avx512)))]
    let _ = (keys, threads);
}

#[cfg(all(target_arch = "x86_64", devarray_avx512))]
#[allow(clippy::incompatible_msrv)] // built only by rustc >= 1.89 (build.rs's devarray_avx512)
mod avx512 {
    use super::PAR_SPLIT;
    use crate::cpu::parallel::{join, SendPtr};
    use std::arch::x86_64::*;

    /// Registers of the largest block the network sorts.
    const BLOCK_REGS: usize = 16;
    /// Whether the split compresses keys straight to memory (`vpcompress` with a memory
    /// operand): on Intel CPUs that is the fastest form (0.16 against 0.23 ns per key for a
    /// split in L1, measured on a Xeon with AVX-512); AMD's Zen 4 runs that form as microcode,
    /// hundreds of cycles each, so there the keys are compressed in a register and written
    /// with a masked store. Read once, from the CPU's vendor.
    fn compress_in_memory() -> bool {
        static IN_MEMORY: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *IN_MEMORY.get_or_init(|| {
            // SAFETY: CPUID leaf 0 exists on every x86-64 CPU.
            #[allow(unused_unsafe)]
            let id = unsafe { __cpuid(0) };
            let amd = (id.ebx, id.edx, id.ecx) == (0x6874_7541, 0x6974_6e65, 0x444d_4163);
            !amd
        })
    }

    /// Vectors a split step reads and writes at a time (and holds from each end).
    const UNROLL: usize = 8;

    /// One vector of unsigned keys: the operations the network and the split need.
    pub(super) trait Lanes: Copy {
        /// The key type.
        type Key: Copy + Ord + Send + Sync + 'static;
        /// Keys per vector.
        const N: usize;
        /// The largest key (the padding of a short block).
        const MAX: Self::Key;
        /// The key after `k` (`k` is not the largest).
        fn next(k: Self::Key) -> Self::Key;
        /// Every lane `k`.
        unsafe fn splat(k: Self::Key) -> Self;
        /// The first `n` (at most `N`) keys at `p`; the other lanes the largest key.
        unsafe fn load_first(p: *const Self::Key, n: usize) -> Self;
        /// `N` keys at `p`.
        unsafe fn load(p: *const Self::Key) -> Self;
        /// Writes the first `n` lanes to `p`.
        unsafe fn store_first(self, p: *mut Self::Key, n: usize);
        /// Lane-wise minimum.
        unsafe fn min(self, o: Self) -> Self;
        /// Lane-wise maximum.
        unsafe fn max(self, o: Self) -> Self;
        /// Lanes in `low` the minimum of `self` and `o`, the others the maximum.
        unsafe fn exchange(self, o: Self, low: u32) -> Self;
        /// The lanes at least `bound`, as a bit mask.
        unsafe fn at_least(self, bound: Self) -> u32;
        /// The lanes in `mask`, in order, moved to the lowest lanes.
        unsafe fn compress(self, mask: u32) -> Self;
        /// Writes the lanes in `mask`, in order, to `p` onwards.
        unsafe fn compress_store(self, p: *mut Self::Key, mask: u32);
        /// Lane `i` takes lane `i ^ m`.
        unsafe fn swap_lanes(self, m: usize) -> Self;
    }

    /// The lanes `i` with `i & j == 0`, for `j` a power of two below 16 (a mask of 16 lanes;
    /// 8-lane vectors use its low bits).
    fn low_lanes(j: usize) -> u32 {
        const LOW: [u32; 4] = [0x5555, 0x3333, 0x0f0f, 0x00ff];
        LOW[j.trailing_zeros() as usize & 3]
    }

    /// Sixteen 32-bit keys.
    #[derive(Clone, Copy)]
    pub(super) struct U32s(__m512i);
    /// Eight 64-bit keys.
    #[derive(Clone, Copy)]
    pub(super) struct U64s(__m512i);

    // SAFETY (of every block in these two implementations): the functions are only called from
    // functions compiled with AVX-512F enabled, on CPUs that have it (`super::available`);
    // loads and stores touch the memory the caller names, with masks where it is shorter.
    impl Lanes for U32s {
        type Key = u32;
        const N: usize = 16;
        const MAX: u32 = u32::MAX;
        #[inline(always)]
        fn next(k: u32) -> u32 {
            k + 1
        }
        #[inline(always)]
        unsafe fn splat(k: u32) -> Self {
            U32s(_mm512_set1_epi32(k as i32))
        }
        #[inline(always)]
        unsafe fn load_first(p: *const u32, n: usize) -> Self {
            let mask = ((1u32 << n) - 1) as __mmask16;
            U32s(unsafe { _mm512_mask_loadu_epi32(_mm512_set1_epi32(-1), mask, p.cast()) })
        }
        #[inline(always)]
        unsafe fn load(p: *const u32) -> Self {
            U32s(unsafe { _mm512_loadu_epi32(p.cast()) })
        }
        #[inline(always)]
        unsafe fn store_first(self, p: *mut u32, n: usize) {
            let mask = ((1u32 << n) - 1) as __mmask16;
            unsafe { _mm512_mask_storeu_epi32(p.cast(), mask, self.0) }
        }
        #[inline(always)]
        unsafe fn min(self, o: Self) -> Self {
            U32s(_mm512_min_epu32(self.0, o.0))
        }
        #[inline(always)]
        unsafe fn max(self, o: Self) -> Self {
            U32s(_mm512_max_epu32(self.0, o.0))
        }
        #[inline(always)]
        unsafe fn exchange(self, o: Self, low: u32) -> Self {
            let lo = _mm512_min_epu32(self.0, o.0);
            U32s(_mm512_mask_max_epu32(lo, !low as __mmask16, self.0, o.0))
        }
        #[inline(always)]
        unsafe fn at_least(self, bound: Self) -> u32 {
            u32::from(_mm512_cmpge_epu32_mask(self.0, bound.0))
        }
        #[inline(always)]
        unsafe fn compress(self, mask: u32) -> Self {
            U32s(_mm512_maskz_compress_epi32(mask as __mmask16, self.0))
        }
        #[inline(always)]
        unsafe fn compress_store(self, p: *mut u32, mask: u32) {
            unsafe { _mm512_mask_compressstoreu_epi32(p.cast(), mask as __mmask16, self.0) }
        }
        #[inline(always)]
        unsafe fn swap_lanes(self, m: usize) -> Self {
            let iota = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
            let idx = _mm512_xor_si512(iota, _mm512_set1_epi32(m as i32));
            U32s(_mm512_permutexvar_epi32(idx, self.0))
        }
    }

    impl Lanes for U64s {
        type Key = u64;
        const N: usize = 8;
        const MAX: u64 = u64::MAX;
        #[inline(always)]
        fn next(k: u64) -> u64 {
            k + 1
        }
        #[inline(always)]
        unsafe fn splat(k: u64) -> Self {
            U64s(_mm512_set1_epi64(k as i64))
        }
        #[inline(always)]
        unsafe fn load_first(p: *const u64, n: usize) -> Self {
            let mask = ((1u32 << n) - 1) as __mmask8;
            U64s(unsafe { _mm512_mask_loadu_epi64(_mm512_set1_epi64(-1), mask, p.cast()) })
        }
        #[inline(always)]
        unsafe fn load(p: *const u64) -> Self {
            U64s(unsafe { _mm512_loadu_epi64(p.cast()) })
        }
        #[inline(always)]
        unsafe fn store_first(self, p: *mut u64, n: usize) {
            let mask = ((1u32 << n) - 1) as __mmask8;
            unsafe { _mm512_mask_storeu_epi64(p.cast(), mask, self.0) }
        }
        #[inline(always)]
        unsafe fn min(self, o: Self) -> Self {
            U64s(_mm512_min_epu64(self.0, o.0))
        }
        #[inline(always)]
        unsafe fn max(self, o: Self) -> Self {
            U64s(_mm512_max_epu64(self.0, o.0))
        }
        #[inline(always)]
        unsafe fn exchange(self, o: Self, low: u32) -> Self {
            let lo = _mm512_min_epu64(self.0, o.0);
            U64s(_mm512_mask_max_epu64(lo, !low as __mmask8, self.0, o.0))
        }
        #[inline(always)]
        unsafe fn at_least(self, bound: Self) -> u32 {
            u32::from(_mm512_cmpge_epu64_mask(self.0, bound.0))
        }
        #[inline(always)]
        unsafe fn compress(self, mask: u32) -> Self {
            U64s(_mm512_maskz_compress_epi64(mask as __mmask8, self.0))
        }
        #[inline(always)]
        unsafe fn compress_store(self, p: *mut u64, mask: u32) {
            unsafe { _mm512_mask_compressstoreu_epi64(p.cast(), mask as __mmask8, self.0) }
        }
        #[inline(always)]
        unsafe fn swap_lanes(self, m: usize) -> Self {
            let iota = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
            let idx = _mm512_xor_si512(iota, _mm512_set1_epi64(m as i64));
            U64s(_mm512_permutexvar_epi64(idx, self.0))
        }
    }

    /// Sorts `keys`, splitting at most `depth` more levels before the fallback sort, with the
    /// sides of long splits as parallel tasks when `threads > 1`.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f,popcnt")]
    pub(super) unsafe fn sort_par<V: Lanes>(keys: &mut [V::Key], depth: u32, threads: usize) {
        let n = keys.len();
        if threads <= 1 || n < PAR_SPLIT || depth == 0 {
            // SAFETY: the caller's contract.
            return unsafe { sort_seq::<V>(keys, depth) };
        }
        // SAFETY: as above.
        let Some((left, right)) = (unsafe { split::<V>(keys) }) else { return };
        let base = SendPtr(keys.as_mut_ptr().cast());
        let side = |start: usize, len: usize| {
            // SAFETY: the two sides are disjoint ranges of `keys`, one per closure; the CPU
            // has AVX-512F (the caller's contract).
            unsafe {
                let part = std::slice::from_raw_parts_mut(base.get().cast::<V::Key>().add(start), len);
                sort_par::<V>(part, depth - 1, threads);
            }
        };
        join(&|| side(0, left), &|| side(n - right, right));
    }

    /// [`sort_par`] on this thread.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn sort_seq<V: Lanes>(keys: &mut [V::Key], depth: u32) {
        if keys.len() <= BLOCK_REGS * V::N {
            // SAFETY: the caller's contract.
            return unsafe { sort_block::<V>(keys) };
        }
        if depth == 0 {
            return keys.sort_unstable();
        }
        let n = keys.len();
        // SAFETY: as above.
        let Some((left, right)) = (unsafe { split::<V>(keys) }) else { return };
        let (head, tail) = keys.split_at_mut(n - right);
        // SAFETY: as above.
        unsafe {
            sort_seq::<V>(&mut head[..left], depth - 1);
            sort_seq::<V>(tail, depth - 1);
        }
    }

    /// Splits `keys` (more than two vectors) around a sampled pivot: the lengths of the part
    /// still to sort at the start and of the one at the end (the keys between are equal and in
    /// place), or `None` when every key is the same.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn split<V: Lanes>(keys: &mut [V::Key]) -> Option<(usize, usize)> {
        let n = keys.len();
        // One vector of keys at even spacing, sorted by the network: its middle lane.
        let mut sample = [V::MAX; 16];
        for (i, s) in sample.iter_mut().take(V::N).enumerate() {
            *s = keys[i * (n / V::N) + n / (2 * V::N)];
        }
        // SAFETY: the caller's contract; `sample` holds 16 >= `V::N` keys.
        let pivot = unsafe {
            let mut v = [V::load(sample.as_ptr())];
            network::<V, 1>(&mut v);
            v[0].store_first(sample.as_mut_ptr(), V::N);
            sample[V::N / 2]
        };
        // SAFETY: the caller's contract; `n` is over two vectors.
        let below = unsafe { partition_by_vendor::<V>(keys, pivot) };
        if below > 0 {
            return Some((below, n - below));
        }
        // The pivot is the minimum: the keys equal to it go first, and are done.
        if pivot == V::MAX {
            return None;
        }
        // SAFETY: as above.
        let equal = unsafe { partition_by_vendor::<V>(keys, V::next(pivot)) };
        Some((0, n - equal))
    }

    /// [`partition`] in the form this CPU's vendor runs fastest ([`compress_in_memory`]).
    ///
    /// # Safety
    /// As for [`partition`].
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn partition_by_vendor<V: Lanes>(keys: &mut [V::Key], bound: V::Key) -> usize {
        // SAFETY: the caller's contract.
        unsafe {
            if compress_in_memory() {
                partition::<V, true>(keys, bound)
            } else {
                partition::<V, false>(keys, bound)
            }
        }
    }

    /// Moves the keys below `bound` to the start of `keys` (at least `2 * UNROLL` vectors
    /// long) and the others to the end, in place; returns how many are below.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f,popcnt")]
    pub(super) unsafe fn partition<V: Lanes, const MEM: bool>(keys: &mut [V::Key], bound: V::Key) -> usize {
        let (n, p, w) = (keys.len(), keys.as_mut_ptr(), UNROLL * V::N);
        let bound = V::splat(bound);
        let all = (1u32 << V::N) - 1;
        // SAFETY (of every load and store below): reads stay in `[read_l, read_r)`, inside the
        // row. Writes go to `[write.0, read_l)` and `[read_r, write.1)`, whose keys are already
        // in registers: the `UNROLL` vectors held from each end leave that much room at each
        // end, every step reads as much as it writes, and it reads from the end with less room,
        // so the end it frees has room for all of the keys it writes there and the other end
        // (at least half of the room) for the rest.
        unsafe {
            let mut held = [V::splat(V::MAX); 2 * UNROLL];
            for (u, h) in held.iter_mut().enumerate() {
                *h = V::load(p.add(if u < UNROLL { u * V::N } else { n - (2 * UNROLL - u) * V::N }));
            }
            let (mut read_l, mut read_r) = (w, n - w);
            // The write cursors: the next left slot, and one past the last free right slot.
            let mut write = (0usize, n);
            // `UNROLL` vectors per step: one data-dependent branch per `w` keys.
            while read_r - read_l >= w {
                let from = if read_l - write.0 <= write.1 - read_r {
                    read_l += w;
                    read_l - w
                } else {
                    read_r -= w;
                    read_r
                };
                // All loads first (the writes may land where this step reads), then every
                // vector written, each by its constant index: with a loop over the array the
                // compiler kept it on the stack and walked it, which cost a store and a reload
                // per vector (perf: a quarter of the split's time).
                let mut vs = [V::splat(V::MAX); UNROLL];
                for (u, v) in vs.iter_mut().enumerate() {
                    *v = V::load(p.add(from + u * V::N));
                }
                macro_rules! put_each {
                    ($($u:literal)*) => { $( put::<V, MEM>(vs[$u], bound, all, p, &mut write); )* };
                }
                const _: () = assert!(UNROLL == 8, "put_each! names every vector");
                put_each!(0 1 2 3 4 5 6 7);
            }
            while read_r - read_l >= V::N {
                let v = if read_l - write.0 <= write.1 - read_r {
                    read_l += V::N;
                    V::load(p.add(read_l - V::N))
                } else {
                    read_r -= V::N;
                    V::load(p.add(read_r))
                };
                put::<V, MEM>(v, bound, all, p, &mut write);
            }
            let rest = read_r - read_l;
            let tail = V::load_first(p.add(read_l), rest);
            put::<V, MEM>(tail, bound, (1u32 << rest) - 1, p, &mut write);
            for &v in &held {
                put::<V, MEM>(v, bound, all, p, &mut write);
            }
            write.0
        }
    }

    /// Writes the lanes of `v` in `valid` below `bound` at the left cursor `write.0` and the
    /// others before the right cursor `write.1`, and moves the cursors past them: compressed
    /// straight to memory when `MEM` (see [`compress_in_memory`]), else compressed in a
    /// register and written with a masked store.
    ///
    /// # Safety
    /// The CPU has AVX-512F; the slots written are free (see [`partition`]).
    #[inline(always)]
    unsafe fn put<V: Lanes, const MEM: bool>(v: V, bound: V, valid: u32, p: *mut V::Key, write: &mut (usize, usize)) {
        // SAFETY: the caller's contract.
        unsafe {
            let high = v.at_least(bound) & valid;
            let low = !high & valid;
            let (nl, nh) = (low.count_ones() as usize, high.count_ones() as usize);
            if MEM {
                v.compress_store(p.add(write.0), low);
                v.compress_store(p.add(write.1 - nh), high);
            } else {
                v.compress(low).store_first(p.add(write.0), nl);
                v.compress(high).store_first(p.add(write.1 - nh), nh);
            }
            write.0 += nl;
            write.1 -= nh;
        }
    }

    /// Sorts at most `BLOCK_REGS` vectors of keys in registers.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn sort_block<V: Lanes>(keys: &mut [V::Key]) {
        // SAFETY (all arms): the caller's contract, and `keys` fits the block.
        unsafe {
            macro_rules! by_registers {
                ($($r:literal)*) => {
                    match keys.len().div_ceil(V::N) {
                        $($r => block::<V, $r>(keys),)*
                        _ => {}
                    }
                };
            }
            by_registers!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
        }
    }

    /// Sorts `keys` (more than `R - 1` and at most `R` vectors) through `R` registers.
    ///
    /// # Safety
    /// The CPU has AVX-512F; `keys.len() <= R * V::N`.
    #[inline(always)]
    unsafe fn block<V: Lanes, const R: usize>(keys: &mut [V::Key]) {
        let (n, p) = (keys.len(), keys.as_mut_ptr());
        // SAFETY: the caller's contract; each vector's loads and stores are masked to the part
        // of it inside `keys`.
        unsafe {
            let mut v = [V::splat(V::MAX); R];
            for (r, reg) in v.iter_mut().enumerate() {
                let count = n.saturating_sub(r * V::N).min(V::N);
                if count > 0 {
                    *reg = V::load_first(p.add(r * V::N), count);
                }
            }
            network::<V, R>(&mut v);
            for (r, reg) in v.iter().enumerate() {
                let count = n.saturating_sub(r * V::N).min(V::N);
                reg.store_first(p.add(r * V::N), count);
            }
        }
    }

    /// A bitonic sorting network over the keys of `v` (register `r` holds keys `r * N ..`),
    /// padded to a power of two of registers with registers of the largest key: for each
    /// merge size `k`, compare every key with its mirror in its block of `k` (`i ^ (k - 1)`),
    /// then with `i ^ j` for `j = k/4, ..., 1`; the smaller key always goes to the lower
    /// index. After every merge stage each block is sorted, so the padding registers stay
    /// at the top, all largest keys, and a comparison with one of them changes nothing: those
    /// are skipped, and the padding is never materialised. Every step is its own instance with
    /// constant sizes, so the whole network unrolls and `v` stays in registers.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[inline(always)]
    unsafe fn network<V: Lanes, const R: usize>(v: &mut [V; R]) {
        let keys = R.next_power_of_two() * V::N;
        macro_rules! stage {
            ($k:literal; $($j:literal),*) => {
                if keys >= $k {
                    // SAFETY: the caller's contract (register operations only).
                    unsafe {
                        mirror::<V, R, $k>(v);
                        $(half::<V, R, $j>(v);)*
                    }
                }
            };
        }
        stage!(2;);
        stage!(4; 1);
        stage!(8; 2, 1);
        stage!(16; 4, 2, 1);
        stage!(32; 8, 4, 2, 1);
        stage!(64; 16, 8, 4, 2, 1);
        stage!(128; 32, 16, 8, 4, 2, 1);
        stage!(256; 64, 32, 16, 8, 4, 2, 1);
    }

    /// The first step of merge size `K`: key `i` against `i ^ (K - 1)`, its mirror in its
    /// block of `K` keys.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[inline(always)]
    unsafe fn mirror<V: Lanes, const R: usize, const K: usize>(v: &mut [V; R]) {
        // SAFETY: the caller's contract (register operations only).
        unsafe {
            if K <= V::N {
                let low = low_lanes(K / 2);
                for r in v.iter_mut() {
                    *r = r.exchange(r.swap_lanes(K - 1), low);
                }
                return;
            }
            // Register `x` of a block of `K / N` registers against the block's `regs - 1 - x`,
            // lane `l` against lane `N - 1 - l`.
            let regs = K / V::N;
            for x in 0..R {
                let y = x - x % regs + regs - 1 - x % regs;
                if x % regs >= regs / 2 || y >= R {
                    continue;
                }
                let (a, mirrored) = (v[x], v[y].swap_lanes(V::N - 1));
                v[x] = a.min(mirrored);
                v[y] = a.max(mirrored).swap_lanes(V::N - 1);
            }
        }
    }

    /// A later step: key `i` against `i ^ J`.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[inline(always)]
    unsafe fn half<V: Lanes, const R: usize, const J: usize>(v: &mut [V; R]) {
        // SAFETY: the caller's contract (register operations only).
        unsafe {
            if J < V::N {
                let low = low_lanes(J);
                for r in v.iter_mut() {
                    *r = r.exchange(r.swap_lanes(J), low);
                }
                return;
            }
            let d = J / V::N;
            for x in 0..R {
                if x & d != 0 || x | d >= R {
                    continue;
                }
                let (a, b) = (v[x], v[x | d]);
                v[x] = a.min(b);
                v[x | d] = a.max(b);
            }
        }
    }
}

#[cfg(test)]
#[path = "quick_tests.rs"]
mod tests;
