//! Sorting values (`sort`, not `argsort`) on the CPU: the keys alone are sorted, with no
//! positions carried, and turned back into values. The result is bit for bit the stable sort
//! by [`KeyMap::key`] of the parent module:
//!
//! - integers and `bool`: equal keys are equal values, so order among equals is invisible;
//! - floats: the key of every value but a zero or a NaN is invertible. The zeros (`-0.0` and
//!   `+0.0` share one key) and the NaNs (one key for every sign and payload) form one block
//!   each in the sorted output, whose position follows from their counts and the count of
//!   negative values; when there are any, one pass over the input writes them into their
//!   block in their original order, which is exactly where the stable sort puts them.
//!
//! The algorithm: one pass computes the keys (into the output buffer itself, which is
//! reused as one of the two radix buffers), their OR and AND (which bits vary at all) and the
//! counts above. A most-significant-digit radix pass then splits the row into 256 buckets by
//! the highest varying 8 bits, out of cache, and recursively so while a bucket is larger than
//! the cache ([`LEAF_BYTES`]); every bucket that fits is sorted by an LSD radix sort in cache,
//! all of its digit histograms counted in one read, constant digits skipped, and its keys are
//! turned back into values on the way out. With several threads, the first passes of a long
//! row run on chunks in parallel (per-chunk histograms, per-chunk scatters into disjoint
//! slots) and the buckets are sorted in parallel. Keys of integers with few distinct high bits
//! (small values in a wide type) need no pass over those bits.

use super::quick;
use super::{Key, KeyKind, KeyMap};
use crate::cpu::math::vector::at_level;
use crate::cpu::parallel::{for_tasks, map_tasks, SendPtr, PAR_CHUNK};

/// Bits per radix digit.
const DIGIT: u32 = 8;
/// Buckets per radix pass.
const BUCKETS: usize = 1 << DIGIT;
/// A bucket of at most this many bytes of keys is sorted by an LSD radix sort in cache (its two
/// buffers then fit in a core's L2 cache); larger ones are split by their top digit first.
const LEAF_BYTES: usize = 1 << 16;
/// Below this many keys, a comparison sort (an LSD pass costs a 256-entry prefix per digit).
const SMALL: usize = 192;
/// Buckets of at least this many keys are split with parallel passes when threads are given.
const PAR_MIN: usize = 1 << 17;

/// What one pass over a row learned about its keys and values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Summary {
    /// Bitwise OR and AND of all keys: their XOR is the set of bits that vary.
    or: u64,
    and: u64,
    /// Floats: zeros (either sign), NaNs (any sign and payload), negatives (neither).
    zeros: usize,
    nans: usize,
    negs: usize,
}

impl Summary {
    const EMPTY: Summary = Summary { or: 0, and: u64::MAX, zeros: 0, nans: 0, negs: 0 };

    fn merge(self, o: Summary) -> Summary {
        Summary {
            or: self.or | o.or,
            and: self.and & o.and,
            zeros: self.zeros + o.zeros,
            nans: self.nans + o.nans,
            negs: self.negs + o.negs,
        }
    }
}

/// Turns a key back into the raw bits of its value (any value but a float zero or NaN):
/// undo the descending flip, then XOR with `if_set` or `if_clear` by the key's top bit
/// (floats: a set top bit marks a positive value, whose key only gained it; a negative
/// value's key is its inverse). One branch-free form for every dtype, so the code sorting
/// buckets is instantiated once per key width.
#[derive(Clone, Copy, Debug)]
struct Unkey<K> {
    flip: K,
    top: K,
    if_set: K,
    if_clear: K,
}

impl<K: Key> Unkey<K> {
    fn new(map: KeyMap) -> Unkey<K> {
        let all = K::from_u64(u64::MAX);
        let top = K::from_u64(1u64 << (map.bits - 1));
        let flip = if map.descending { all } else { K::zero() };
        match map.kind {
            KeyKind::Float(_) => Unkey { flip, top, if_set: top, if_clear: all },
            KeyKind::Signed => Unkey { flip, top, if_set: top, if_clear: top },
            KeyKind::Bool | KeyKind::Unsigned => Unkey { flip, top, if_set: K::zero(), if_clear: K::zero() },
        }
    }

    #[inline(always)]
    fn apply(self, k: K) -> K {
        let k = k ^ self.flip;
        k ^ if k & self.top != K::zero() { self.if_set } else { self.if_clear }
    }
}

/// Sorts `len` values of `map`'s dtype at `src` (read unaligned) into `out` (distinct from
/// `src`): values, bit for bit as the stable sort by key orders them. `scratch` (at least `len`
/// long, any contents, or empty when not [`needs_scratch`]) is the second radix buffer;
/// `threads > 1` runs the first passes of a long row in parallel.
///
/// # Safety
/// `src` is readable for `len` elements of `K`; `out` is writable for `len` elements of `K`,
/// initialised, not aliased by anything else during the call, and aligned for `K`.
pub(crate) unsafe fn sort_values<K: Key>(
    map: KeyMap,
    src: *const u8,
    out: *mut u8,
    len: usize,
    threads: usize,
    scratch: &mut [K],
) {
    // SAFETY: the caller's contract.
    unsafe { sort_values_by(map, src, out, len, threads, scratch, quick::available()) }
}

/// Whether [`sort_values`] of `K` keys uses its `scratch` (the radix sort does; the AVX-512
/// quicksort sorts in place).
pub(crate) fn needs_scratch<K: Key>() -> bool {
    !takes_quick::<K>(quick::available())
}

/// Whether `K` keys go to the AVX-512 quicksort when it is `available`: 4- and 8-byte keys.
fn takes_quick<K: Key>(available: bool) -> bool {
    available && matches!(K::BYTES, 4 | 8)
}

/// [`sort_values`], with 4- and 8-byte keys sorted by the AVX-512 quicksort when `quick` (the
/// caller checked [`quick::available`]), every other case by the radix sort.
///
/// # Safety
/// As for [`sort_values`].
unsafe fn sort_values_by<K: Key>(
    map: KeyMap,
    src: *const u8,
    out: *mut u8,
    len: usize,
    threads: usize,
    scratch: &mut [K],
    quick: bool,
) {
    let quick = takes_quick::<K>(quick);
    // SAFETY: the caller's contract: `out` holds `len` initialised, aligned, unaliased `K`s.
    let keys = unsafe { std::slice::from_raw_parts_mut(out.cast::<K>(), len) };
    let (sum, first) = make_keys(map, src, keys, threads, !quick);
    let varying = sum.or ^ sum.and;
    if quick {
        if varying != 0 {
            // SAFETY: the caller checked `quick::available`.
            unsafe { quick::sort(keys, threads) };
        }
        unkey(keys, Unkey::new(map), threads);
    } else {
        let top = 64 - varying.leading_zeros();
        // The key pass counted the top 8 bits: the first split's histogram, when they vary most.
        let first = (top == 8 * K::BYTES as u32).then_some(first);
        sort_keys(keys, &mut scratch[..len], top, true, Unkey::new(map), threads, first);
    }
    if let KeyKind::Float(inf) = map.kind {
        if sum.zeros + sum.nans > 0 {
            // SAFETY: as above, `src` readable for `len` `K`s.
            unsafe { place_specials(map, inf, src, keys, sum) };
        }
    }
}

/// Turns the sorted keys back into values in place (in parallel chunks when `threads > 1` and
/// the row is long).
fn unkey<K: Key>(keys: &mut [K], un: Unkey<K>, threads: usize) {
    let len = keys.len();
    let (chunks, per) = chunking(len, threads);
    let base = SendPtr(keys.as_mut_ptr().cast());
    for_tasks(chunks, chunks > 1, |c| {
        let start = (c * per).min(len);
        // SAFETY: chunks are disjoint ranges of `keys`, one per task.
        let chunk = unsafe { std::slice::from_raw_parts_mut(base.get().cast::<K>().add(start), per.min(len - start)) };
        at_level(
            #[inline(always)]
            || chunk.iter_mut().for_each(|k| *k = un.apply(*k)),
        );
    });
}

/// How many chunks the passes over `len` keys with `threads` threads take, and their length.
fn chunking(len: usize, threads: usize) -> (usize, usize) {
    let chunks = if threads > 1 && len >= PAR_MIN { (threads * 2).min(len / PAR_CHUNK).max(1) } else { 1 };
    (chunks, len.div_ceil(chunks))
}

/// Per-chunk histograms of one digit (chunks as [`chunking`] makes them).
type Hists = Vec<[usize; BUCKETS]>;

/// Writes the keys of the values at `src` into `keys` (in parallel chunks when `threads > 1`
/// and the row is long), summarises them and, when `count_top`, counts their top 8 bits per
/// chunk (the radix sort's first histogram).
fn make_keys<K: Key>(map: KeyMap, src: *const u8, keys: &mut [K], threads: usize, count_top: bool) -> (Summary, Hists) {
    let len = keys.len();
    let (chunks, per) = chunking(len, threads);
    let (src, dst) = (SendPtr(src.cast_mut()), SendPtr(keys.as_mut_ptr().cast()));
    let parts = map_tasks(chunks, chunks > 1, |c| {
        let start = (c * per).min(len);
        let n = per.min(len - start);
        // SAFETY: chunks are disjoint ranges of the row: `dst` is the caller's `keys` and
        // `src` is readable for `len` elements (the contract of `sort_values`).
        let chunk = unsafe { std::slice::from_raw_parts_mut(dst.get().cast::<K>().add(start), n) };
        let from = src.get().cast::<K>().wrapping_add(start);
        let mut hist = [0usize; BUCKETS];
        // The key loops vectorise (all but the radix histogram's counting) at the CPU's level.
        let sum = at_level(
            #[inline(always)]
            || match map.kind {
                // SAFETY: as above.
                KeyKind::Float(inf) if count_top => unsafe { float_keys::<K, true>(map, inf, from, chunk, &mut hist) },
                // SAFETY: as above.
                KeyKind::Float(inf) => unsafe { float_keys::<K, false>(map, inf, from, chunk, &mut hist) },
                // SAFETY: as above.
                _ if count_top => unsafe { int_keys::<K, true>(map, from, chunk, &mut hist) },
                // SAFETY: as above.
                _ => unsafe { int_keys::<K, false>(map, from, chunk, &mut hist) },
            },
        );
        (sum, hist)
    });
    let sum = parts.iter().fold(Summary::EMPTY, |s, p| s.merge(p.0));
    (sum, parts.into_iter().map(|p| p.1).collect())
}

/// The top 8 bits of a key.
#[inline(always)]
fn top_byte<K: Key>(k: K) -> usize {
    (k.bits() >> (8 * K::BYTES - 8)) as usize & 0xff
}

/// The keys of integers or bools: the value's bits XOR a constant (bools: 0 or 1 first);
/// `COUNT`: count their top bytes in `hist`.
///
/// # Safety
/// `src` is readable for `keys.len()` unaligned `K`s.
#[inline(always)]
unsafe fn int_keys<K: Key, const COUNT: bool>(
    map: KeyMap,
    src: *const K,
    keys: &mut [K],
    hist: &mut [usize; BUCKETS],
) -> Summary {
    let xor = K::from_u64(map.key(0));
    let (mut or, mut and) = (K::zero(), !K::zero());
    let bool_ = map.kind == KeyKind::Bool;
    for (i, k) in keys.iter_mut().enumerate() {
        // SAFETY: `i < keys.len()`, the caller's contract.
        let b = unsafe { src.add(i).read_unaligned() };
        let b = if bool_ && b != K::zero() { K::one() } else { b };
        *k = b ^ xor;
        if COUNT {
            hist[top_byte(*k)] += 1;
        }
        or = or | *k;
        and = and & *k;
    }
    Summary { or: or.bits(), and: and.bits(), ..Summary::EMPTY }
}

/// The keys of floats ([`KeyMap::key`], branch free) and the counts of zeros, NaNs and
/// negative values; `COUNT`: count the keys' top bytes in `hist`.
///
/// # Safety
/// `src` is readable for `keys.len()` unaligned `K`s.
#[inline(always)]
unsafe fn float_keys<K: Key, const COUNT: bool>(
    map: KeyMap,
    inf: u64,
    src: *const K,
    keys: &mut [K],
    hist: &mut [usize; BUCKETS],
) -> Summary {
    let all = !K::zero();
    let sign = K::from_u64(1u64 << (map.bits - 1));
    let inf = K::from_u64(inf);
    let flip = if map.descending { all } else { K::zero() };
    let (mut or, mut and) = (K::zero(), all);
    let (mut zeros, mut nans, mut negs) = (0usize, 0usize, 0usize);
    for (i, k) in keys.iter_mut().enumerate() {
        // SAFETY: `i < keys.len()`, the caller's contract.
        let b = unsafe { src.add(i).read_unaligned() };
        let mag = b & !sign;
        let neg = b & sign != K::zero();
        let (zero, nan) = (mag == K::zero(), mag > inf);
        let key = if neg { !b } else { b | sign };
        let key = if zero { sign } else { key };
        let key = if nan { all } else { key };
        *k = key ^ flip;
        if COUNT {
            hist[top_byte(*k)] += 1;
        }
        or = or | *k;
        and = and & *k;
        zeros += usize::from(zero);
        nans += usize::from(nan);
        negs += usize::from(neg & !zero & !nan);
    }
    Summary { or: or.bits(), and: and.bits(), zeros, nans, negs }
}

/// Rewrites the zero block and the NaN block of the sorted floats `out` with the input's zeros
/// and NaNs, each in their original order (what the stable sort by key leaves there).
///
/// # Safety
/// `src` is readable for `out.len()` unaligned `K`s.
unsafe fn place_specials<K: Key>(map: KeyMap, inf: u64, src: *const u8, out: &mut [K], sum: Summary) {
    let len = out.len();
    let sign = K::from_u64(1u64 << (map.bits - 1));
    let inf = K::from_u64(inf);
    // Ascending: negatives, zeros, positives, NaNs; descending: the exact reverse of blocks.
    let (mut zero_at, mut nan_at) =
        if map.descending { (len - sum.zeros - sum.negs, 0) } else { (sum.negs, len - sum.nans) };
    let (zero_end, nan_end) = (zero_at + sum.zeros, nan_at + sum.nans);
    for i in 0..len {
        // SAFETY: `i < len`, the caller's contract.
        let b = unsafe { src.cast::<K>().add(i).read_unaligned() };
        let mag = b & !sign;
        if mag == K::zero() && zero_at < zero_end {
            out[zero_at] = b;
            zero_at += 1;
        } else if mag > inf && nan_at < nan_end {
            out[nan_at] = b;
            nan_at += 1;
        }
    }
}

/// Sorts the keys in `a` (scratch `b`, as long) by the bits below `top` (the bits above are
/// the same for all) and writes their values to `a` when `home_a`, else to `b`. `first`: the
/// per-chunk histograms of the top 8 bits of the key, if already counted.
fn sort_keys<K: Key>(
    a: &mut [K],
    b: &mut [K],
    top: u32,
    home_a: bool,
    un: Unkey<K>,
    threads: usize,
    first: Option<Hists>,
) {
    let first = first.filter(|_| top == 8 * K::BYTES as u32);
    if threads > 1 && a.len() >= PAR_MIN {
        split_parallel(a, b, top, home_a, un, threads, first);
    } else {
        let first = first.map(|h| h.iter().fold([0usize; BUCKETS], |s, h| std::array::from_fn(|d| s[d] + h[d])));
        split(a, b, top, home_a, un, first);
    }
}

/// The number of keys in each bucket of the digit `(k >> shift) & mask`.
fn histogram<K: Key>(keys: &[K], shift: u32, mask: usize) -> [usize; BUCKETS] {
    let mut h = [0usize; BUCKETS];
    keys.iter().for_each(|k| h[(k.bits() >> shift) as usize & mask] += 1);
    h
}

/// The digit below `top`: its shift and mask.
fn digit_below(top: u32) -> (u32, usize) {
    let shift = top.saturating_sub(DIGIT);
    (shift, (1usize << (top - shift)) - 1)
}

/// [`sort_keys`] on one thread: an MSD pass into buckets while the keys do not fit in cache,
/// then [`leaf`]. `first`: the histogram of the digit below `top`, if counted already.
fn split<K: Key>(
    a: &mut [K],
    b: &mut [K],
    mut top: u32,
    home_a: bool,
    un: Unkey<K>,
    mut first: Option<[usize; BUCKETS]>,
) {
    if a.len() * K::BYTES <= LEAF_BYTES {
        return leaf(a, b, top, home_a, un);
    }
    while top > 0 {
        let (shift, mask) = digit_below(top);
        let hist = first.take().unwrap_or_else(|| histogram(a, shift, mask));
        if hist.contains(&a.len()) {
            top = shift;
            continue;
        }
        let mut at = [0usize; BUCKETS];
        let mut run = 0;
        for (slot, &n) in at.iter_mut().zip(&hist) {
            *slot = run;
            run += n;
        }
        // SAFETY: `at` is the exclusive prefix of `a`'s digit counts and `b` is as long as `a`.
        unsafe { scatter_raw(a, b.as_mut_ptr(), &mut at, shift, mask, |k| k) };
        let mut start = 0;
        for &n in &hist {
            let r = start..start + n;
            // Each bucket's keys now lie in `b`; the result still has to end in the home.
            split(&mut b[r.clone()], &mut a[r], shift, !home_a, un, None);
            start += n;
        }
        return;
    }
    finish(a, b, false, home_a, un);
}

/// [`split`] with the pass over a long bucket on parallel chunks and its buckets sorted in
/// parallel. `first`: the per-chunk histograms of the digit below `top`, if counted already.
fn split_parallel<K: Key>(
    a: &mut [K],
    b: &mut [K],
    mut top: u32,
    home_a: bool,
    un: Unkey<K>,
    threads: usize,
    mut first: Option<Hists>,
) {
    let len = a.len();
    let (chunks, per) = chunking(len, threads);
    let part = |c: usize| (c * per).min(len)..((c + 1) * per).min(len);
    while top > 0 {
        let (shift, mask) = digit_below(top);
        let hists = first.take().unwrap_or_else(|| map_tasks(chunks, true, |c| histogram(&a[part(c)], shift, mask)));
        let mut sizes = [0usize; BUCKETS];
        hists.iter().for_each(|h| sizes.iter_mut().zip(h).for_each(|(s, n)| *s += n));
        if sizes.contains(&len) {
            top = shift;
            continue;
        }
        // Chunk `c`'s keys of digit `d` go after those of every smaller digit and of the
        // chunks before `c` with digit `d`: the stable order, and disjoint slots per chunk.
        let mut at = vec![[0usize; BUCKETS]; chunks];
        let mut run = 0;
        for d in 0..BUCKETS {
            for (c, h) in hists.iter().enumerate() {
                at[c][d] = run;
                run += h[d];
            }
        }
        let dst = SendPtr(b.as_mut_ptr().cast());
        let src: &[K] = a;
        for_tasks(chunks, true, |c| {
            let mut slots = at[c];
            // SAFETY: the slots of chunk `c` are disjoint from every other chunk's and lie in
            // `0..len` (`b` is as long as `a`), so each element of `b` is written once.
            unsafe { scatter_raw(&src[part(c)], dst.get().cast::<K>(), &mut slots, shift, mask, |k| k) };
        });
        let starts: Vec<usize> = sizes
            .iter()
            .scan(0, |s, &n| {
                *s += n;
                Some(*s - n)
            })
            .collect();
        let (pa, pb) = (SendPtr(a.as_mut_ptr().cast()), SendPtr(b.as_mut_ptr().cast()));
        for_tasks(BUCKETS, true, |d| {
            let (start, n) = (starts[d], sizes[d]);
            // SAFETY: the buckets are disjoint ranges of `a` and `b` (both `len` long), each
            // handed to exactly one task.
            let (ba, bb) = unsafe {
                (
                    std::slice::from_raw_parts_mut(pa.get().cast::<K>().add(start), n),
                    std::slice::from_raw_parts_mut(pb.get().cast::<K>().add(start), n),
                )
            };
            sort_keys(bb, ba, shift, !home_a, un, threads, None);
        });
        return;
    }
    finish(a, b, false, home_a, un);
}

/// Moves `src` to `dst` by the digit `(k >> shift) & mask`, stably, from the start slots `at`
/// (for every digit `d`, its keys go to `at[d]`, `at[d] + 1`, ...), writing `f(k)` for `k`.
///
/// # Safety
/// For every digit `d`, the slots from `at[d]` on, as many as `src` has keys of digit `d`, are
/// writable and written by nobody else during the call.
#[inline(always)]
unsafe fn scatter_raw<K: Key>(
    src: &[K],
    dst: *mut K,
    at: &mut [usize; BUCKETS],
    shift: u32,
    mask: usize,
    f: impl Fn(K) -> K,
) {
    for &k in src {
        let slot = &mut at[(k.bits() >> shift) as usize & mask];
        // SAFETY: the caller's contract.
        unsafe { dst.add(*slot).write(f(k)) };
        *slot += 1;
    }
}

/// Sorts the keys in `a` (scratch `b`) in cache by the bits below `top`, by an LSD radix sort
/// over the digits that are not constant (all histograms from one read), or a comparison sort
/// when short; the values go to the home buffer (by the last pass itself when it writes there).
fn leaf<K: Key>(a: &mut [K], b: &mut [K], top: u32, home_a: bool, un: Unkey<K>) {
    let len = a.len();
    if len <= SMALL {
        a.sort_unstable();
        return finish(a, b, false, home_a, un);
    }
    let mut hist = [[0u32; BUCKETS]; 8];
    let hist = &mut hist[..(top.div_ceil(8) as usize).min(K::BYTES)];
    for k in a.iter() {
        let v = k.bits();
        for (p, h) in hist.iter_mut().enumerate() {
            h[(v >> (8 * p)) as usize & 0xff] += 1;
        }
    }
    let first = a[0].bits();
    let live = |p: usize| hist[p][(first >> (8 * p)) as usize & 0xff] as usize != len;
    let mut left = (0..hist.len()).filter(|&p| live(p)).count();
    let mut in_b = false;
    for p in (0..hist.len()).filter(|&p| live(p)) {
        let mut at = [0usize; BUCKETS];
        let mut run = 0usize;
        for (slot, &n) in at.iter_mut().zip(&hist[p]) {
            *slot = run;
            run += n as usize;
        }
        let (src, dst) = if in_b { (&*b, a.as_mut_ptr()) } else { (&*a, b.as_mut_ptr()) };
        left -= 1;
        // The last pass writes values straight to the home buffer when it is its destination
        // (the destination is `a` when the keys are in `b`).
        let last_home = left == 0 && in_b == home_a;
        // SAFETY: `at` is the exclusive prefix of the digit counts of all `len` keys (the
        // same multiset in either buffer), and `dst` is the other buffer, `len` long.
        unsafe {
            if last_home {
                scatter_raw(src, dst, &mut at, 8 * p as u32, 0xff, |k| un.apply(k));
                return;
            }
            scatter_raw(src, dst, &mut at, 8 * p as u32, 0xff, |k| k);
        }
        in_b = !in_b;
    }
    finish(a, b, in_b, home_a, un);
}

/// Writes the values of the sorted keys (in `b` when `in_b`, else in `a`) to the home buffer.
fn finish<K: Key>(a: &mut [K], b: &mut [K], in_b: bool, home_a: bool, un: Unkey<K>) {
    match (in_b, home_a) {
        (false, true) => a.iter_mut().for_each(|k| *k = un.apply(*k)),
        (true, false) => b.iter_mut().for_each(|k| *k = un.apply(*k)),
        (false, false) => b.iter_mut().zip(a.iter()).for_each(|(o, &k)| *o = un.apply(k)),
        (true, true) => a.iter_mut().zip(b.iter()).for_each(|(o, &k)| *o = un.apply(k)),
    }
}

#[cfg(test)]
#[path = "values_tests.rs"]
mod tests;
