//! Sorting on the CPU (the CPU side of `kernels/sort.cu`): every row of a contiguous
//! `(rows, len)` array is sorted stably by an order-preserving unsigned key of the element's
//! width, the same key the CUDA kernels use, so both devices agree bit for bit on the order,
//! on ties and on NaNs:
//!
//! - `bool`: 0/1; unsigned integers: their bits; signed integers: the sign bit flipped;
//! - floats: the sign bit set for positive values, every bit inverted for negative ones,
//!   `-0.0` given `+0.0`'s key and every NaN (any sign, any payload) all ones, so NaNs sort last
//!   and, like `-0.0` and `+0.0`, keep their original order among themselves (NumPy's stable
//!   sort gives the same result);
//! - descending: every key inverted (the exact reverse order: NaNs first, ties still stable).
//!
//! Rows run in parallel when there are several. `sort` of values (the [`values`] module) sorts
//! the keys alone, with no positions: MSD passes into cache-sized buckets, then an in-cache LSD
//! radix sort per bucket, the first passes of a single long row on parallel chunks. `argsort`
//! carries positions through a stable LSD radix sort (per-chunk histograms, one prefix over
//! chunks, per-chunk scatters: the GPU algorithm); its short rows use the standard library's
//! stable merge sort on the keys.

use super::buffer::CpuBuffer;
use super::parallel::{for_tasks, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::SortSpec;

/// One view taking part: its buffer and its layout.
pub(crate) type View<'a> = (&'a CpuBuffer, &'a Layout);

/// Rows shorter than this are sorted by comparison (a radix pass costs 256 counters).
const RADIX_MIN: usize = 256;

mod quick;
mod values;

/// An unsigned key of one element width.
trait Key: num_traits::PrimInt + Send + Sync + 'static {
    /// Width in bytes (the number of 8-bit digits).
    const BYTES: usize;
    /// The low `BYTES` bytes of `v`.
    fn from_u64(v: u64) -> Self;
    /// The key's bits.
    fn bits(self) -> u64;
}

macro_rules! impl_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn from_u64(v: u64) -> Self { v as $t }
            #[inline(always)]
            fn bits(self) -> u64 { self as u64 }
        }
    )*};
}
impl_key!(u8, u16, u32, u64);

/// How the raw bits of a dtype become its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyMap {
    /// Element width in bits.
    bits: u32,
    kind: KeyKind,
    descending: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    Bool,
    Unsigned,
    Signed,
    /// A float whose `+inf` has these bits (the exponent mask).
    Float(u64),
}

impl KeyMap {
    /// The key map of `dtype`, reversed when `descending`.
    pub(crate) fn new(dtype: DType, descending: bool) -> KeyMap {
        let kind = match dtype {
            DType::Bool => KeyKind::Bool,
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => KeyKind::Signed,
            DType::F16 => KeyKind::Float(0x7c00),
            DType::BF16 => KeyKind::Float(0x7f80),
            DType::F32 => KeyKind::Float(0x7f80_0000),
            DType::F64 => KeyKind::Float(0x7ff0_0000_0000_0000),
            _ => KeyKind::Unsigned,
        };
        KeyMap { bits: 8 * dtype.itemsize() as u32, kind, descending }
    }

    /// The key of an element whose raw bits (zero-extended) are `b`.
    #[inline(always)]
    pub(crate) fn key(self, b: u64) -> u64 {
        let all = u64::MAX >> (64 - self.bits);
        let sign = 1u64 << (self.bits - 1);
        let k = match self.kind {
            KeyKind::Bool => u64::from(b != 0),
            KeyKind::Unsigned => b,
            KeyKind::Signed => b ^ sign,
            KeyKind::Float(inf) => {
                let mag = b & !sign;
                if mag > inf {
                    all
                } else if mag == 0 {
                    sign
                } else if b & sign != 0 {
                    !b & all
                } else {
                    b | sign
                }
            }
        };
        if self.descending {
            !k & all
        } else {
            k
        }
    }
}

/// Sorts every row of the contiguous `(spec.rows, spec.len)` view `src` of `dtype` into the
/// contiguous `out`: values of `dtype`, or `int64` indices within the row (`spec.indices`).
pub(crate) fn sort(dtype: DType, src: View<'_>, spec: SortSpec, out: View<'_>) -> Result<()> {
    let n = spec.rows.checked_mul(spec.len).ok_or_else(|| Error::invalid("sort", "rows * len overflows"))?;
    if src.1.numel() != n || out.1.numel() != n || !src.1.is_c_contiguous() || !out.1.is_c_contiguous() {
        return Err(Error::invalid("sort", format!("src and out must be contiguous ({}, {})", spec.rows, spec.len)));
    }
    if u32::try_from(spec.len).is_err() {
        return Err(Error::invalid(
            "sort",
            format!("rows of {} elements: the CPU sort handles rows of up to 2^32 - 1 elements", spec.len),
        ));
    }
    if n == 0 {
        return Ok(());
    }
    let isz = dtype.itemsize();
    let job = Job {
        src: SendPtr(view_ptr(src.0, src.1, isz)),
        out: SendPtr(view_ptr(out.0, out.1, if spec.indices { 8 } else { isz })),
        map: KeyMap::new(dtype, spec.descending),
        spec,
        isz,
    };
    let _q = queue();
    match isz {
        1 => job.run::<u8>(),
        2 => job.run::<u16>(),
        4 => job.run::<u32>(),
        _ => job.run::<u64>(),
    }
    Ok(())
}

/// `out[i]` = the insertion point of `values[i]` in the sorted 1-D `sorted` (left: first
/// position whose key is `>=` the value's key, right: `>`), in parallel over the values.
pub(crate) fn searchsorted(dtype: DType, sorted: View<'_>, values: View<'_>, right: bool, out: View<'_>) -> Result<()> {
    let (n, len) = (values.1.numel(), sorted.1.numel());
    if out.1.numel() != n || !values.1.is_c_contiguous() || !sorted.1.is_c_contiguous() || !out.1.is_c_contiguous() {
        return Err(Error::invalid(
            "searchsorted",
            "sorted, values and out must be contiguous, out as large as values",
        ));
    }
    let isz = dtype.itemsize();
    let (s, v, o) = (
        SendPtr(view_ptr(sorted.0, sorted.1, isz)),
        SendPtr(view_ptr(values.0, values.1, isz)),
        SendPtr(view_ptr(out.0, out.1, 8)),
    );
    let map = KeyMap::new(dtype, false);
    let _q = queue();
    let search = move |i: usize| -> i64 {
        // SAFETY: `i < n` and `mid < len`: elements of the contiguous views checked above.
        let key = |p: *mut u8, j: usize| map.key(unsafe { read_bits_sized(p, j, isz) });
        let k = key(v.get(), i);
        let (mut lo, mut hi) = (0usize, len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let m = key(s.get(), mid);
            if if right { m <= k } else { m < k } {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo as i64
    };
    let tasks = n.div_ceil(PAR_CHUNK / 16).max(1);
    let per = n.div_ceil(tasks);
    for_tasks(tasks, worth_parallel(tasks, n * 16, PAR_CHUNK), |t| {
        for i in t * per..((t + 1) * per).min(n) {
            // SAFETY: `out` is a contiguous int64 view of `n` elements; each `i` written once.
            unsafe { o.get().cast::<i64>().add(i).write_unaligned(search(i)) };
        }
    });
    Ok(())
}

/// The raw bits of element `i` of the `isz`-byte elements at `p`, zero-extended.
///
/// # Safety
/// Element `i` lies in readable memory.
#[inline(always)]
unsafe fn read_bits_sized(p: *const u8, i: usize, isz: usize) -> u64 {
    // SAFETY: the caller's contract.
    unsafe {
        match isz {
            1 => read_bits::<u8>(p, i),
            2 => read_bits::<u16>(p, i),
            4 => read_bits::<u32>(p, i),
            _ => read_bits::<u64>(p, i),
        }
    }
}

/// One sort: where the rows are and what to write.
#[derive(Clone, Copy)]
struct Job {
    src: SendPtr,
    out: SendPtr,
    map: KeyMap,
    spec: SortSpec,
    isz: usize,
}

impl Job {
    fn run<K: Key>(self) {
        let (rows, len) = (self.spec.rows, self.spec.len);
        let threads = rayon::current_num_threads();
        if rows < threads && len >= 4 * PAR_CHUNK && threads > 1 {
            if self.spec.indices || !values::needs_scratch::<K>() {
                return self.rows_with_vec::<K>(0..rows, threads);
            }
            // Long rows: the radix scratch comes from the buffer cache (a fresh allocation of
            // this size costs its page faults, as much as a radix pass).
            let Ok(buf) = CpuBuffer::alloc(len * K::BYTES) else {
                return Self::rows_with_vec::<K>(self, 0..rows, threads);
            };
            // SAFETY: the buffer is 64-byte aligned, initialised and `len` keys long, and
            // nothing else refers to it.
            let scratch = unsafe { std::slice::from_raw_parts_mut(buf.as_ptr().cast::<K>(), len) };
            (0..rows).for_each(|r| self.row::<K>(r, threads, scratch));
            return;
        }
        let per_task = PAR_CHUNK.div_ceil(len).max(1);
        let tasks = rows.div_ceil(per_task);
        for_tasks(tasks, worth_parallel(tasks, rows * len, PAR_CHUNK), |t| {
            self.rows_with_vec::<K>(t * per_task..((t + 1) * per_task).min(rows), 1);
        });
    }

    /// Sorts `rows` with `threads` threads each, with one scratch vector for all of them (when
    /// the sort needs one).
    fn rows_with_vec<K: Key>(self, rows: std::ops::Range<usize>, threads: usize) {
        let scratch_len = if self.spec.indices || !values::needs_scratch::<K>() { 0 } else { self.spec.len };
        let mut scratch = vec![K::zero(); scratch_len];
        rows.for_each(|r| self.row::<K>(r, threads, &mut scratch));
    }

    /// Sorts row `r` with `threads` threads, and writes it (`scratch`: `len` keys to reuse for
    /// values; argsort makes its own buffers).
    fn row<K: Key>(self, r: usize, threads: usize, scratch: &mut [K]) {
        let len = self.spec.len;
        let row = self.src.get().wrapping_add(r * len * self.isz);
        let out = self.out.get().wrapping_add(r * len * if self.spec.indices { 8 } else { self.isz });
        if !self.spec.indices {
            if out.align_offset(std::mem::align_of::<K>()) == 0 {
                // SAFETY: `sort` checked that `src` and `out` are contiguous (rows, len) views of
                // `K`-wide elements, so row `r` of each holds `len` of them; `out` is a fresh,
                // initialised buffer (not `src`), written only by this row's task, and aligned.
                unsafe { values::sort_values::<K>(self.map, row, out, len, threads, scratch) };
            } else {
                let mut own = vec![K::zero(); len];
                // SAFETY: as above, with `own` as the aligned output.
                unsafe { values::sort_values::<K>(self.map, row, own.as_mut_ptr().cast(), len, threads, scratch) };
                for (j, v) in own.into_iter().enumerate() {
                    // SAFETY: `out` is row `r` of a contiguous (rows, len) view; `j < len`.
                    unsafe { write_bits::<K>(out, j, v.bits()) };
                }
            }
            return;
        }
        // SAFETY: `sort` checked that `src` is a contiguous (rows, len) view of `isz`-byte
        // elements; row `r < rows` lies inside it, and elements are read with unaligned loads.
        let keys: Vec<K> = (0..len).map(|i| K::from_u64(self.map.key(unsafe { read_bits::<K>(row, i) }))).collect();
        let order = argsort_keys(keys, threads);
        for (j, &i) in order.iter().enumerate() {
            // SAFETY: `out` is row `r` of a contiguous (rows, len) view of int64 indices,
            // `j < len`.
            unsafe { out.cast::<i64>().add(j).write_unaligned(i64::from(i)) };
        }
    }
}

/// The raw bits of element `i` of the `K`-wide elements at `row`, zero-extended.
///
/// # Safety
/// Element `i` lies in memory readable for `K::BYTES` bytes.
#[inline(always)]
unsafe fn read_bits<K: Key>(row: *const u8, i: usize) -> u64 {
    // SAFETY: the caller's contract.
    unsafe {
        match K::BYTES {
            1 => u64::from(row.add(i).read()),
            2 => u64::from(row.add(2 * i).cast::<u16>().read_unaligned()),
            4 => u64::from(row.add(4 * i).cast::<u32>().read_unaligned()),
            _ => row.add(8 * i).cast::<u64>().read_unaligned(),
        }
    }
}

/// Writes the low `K::BYTES` bytes of `v` as element `i` of the `K`-wide elements at `row`.
///
/// # Safety
/// Element `i` lies in memory writable for `K::BYTES` bytes.
#[inline(always)]
unsafe fn write_bits<K: Key>(row: *mut u8, i: usize, v: u64) {
    // SAFETY: the caller's contract.
    unsafe {
        match K::BYTES {
            1 => row.add(i).write(v as u8),
            2 => row.add(2 * i).cast::<u16>().write_unaligned(v as u16),
            4 => row.add(4 * i).cast::<u32>().write_unaligned(v as u32),
            _ => row.add(8 * i).cast::<u64>().write_unaligned(v),
        }
    }
}

/// The stable sorted order of `keys` (positions of the elements, smallest key first).
fn argsort_keys<K: Key>(keys: Vec<K>, threads: usize) -> Vec<u32> {
    let len = keys.len();
    if len < RADIX_MIN {
        let mut order: Vec<u32> = (0..len as u32).collect();
        order.sort_by_key(|&i| keys[i as usize]);
        return order;
    }
    let order: Vec<u32> = (0..len as u32).collect();
    radix_sort(keys, order, threads).1
}

/// Bits per digit: 8 (256 buckets: a scatter pass writes 256 streams per chunk, which the
/// caches and TLB follow on large arrays, where 2048 streams of 11-bit digits measured slower).
fn digit_bits<K: Key>() -> u32 {
    8
}

/// A stable LSD radix sort of `(keys, vals)` by key ([`digit_bits`] per pass); a pass whose
/// digit is the same for every key is skipped. With `threads > 1`, each pass splits the array
/// into chunks: per-chunk histograms in parallel, one prefix over (digit, chunk), per-chunk
/// scatters in parallel (every chunk writes its own disjoint slots).
fn radix_sort<K: Key, V: Copy + Send + Sync>(mut keys: Vec<K>, mut vals: Vec<V>, threads: usize) -> (Vec<K>, Vec<V>) {
    let len = keys.len();
    let chunks = if threads > 1 { (threads * 4).min(len.div_ceil(PAR_CHUNK)).max(1) } else { 1 };
    let chunk = len.div_ceil(chunks);
    let bits = digit_bits::<K>();
    let buckets = 1usize << bits;
    let mut tmp_k = keys.clone();
    let mut tmp_v = vals.clone();
    for shift in (0..8 * K::BYTES as u32).step_by(bits as usize) {
        let digit = move |k: K| ((k.bits() >> shift) as usize) & (buckets - 1);
        let hists: Vec<Vec<usize>> = super::parallel::map_tasks(chunks, chunks > 1, |c| {
            let mut h = vec![0usize; buckets];
            keys[c * chunk..((c + 1) * chunk).min(len)].iter().for_each(|&k| h[digit(k)] += 1);
            h
        });
        let total = |d: usize| hists.iter().map(|h| h[d]).sum::<usize>();
        if (0..buckets).any(|d| total(d) == len) {
            continue;
        }
        let mut offsets = vec![vec![0usize; buckets]; chunks];
        let mut run = 0;
        for d in 0..buckets {
            for c in 0..chunks {
                offsets[c][d] = run;
                run += hists[c][d];
            }
        }
        scatter_pass((&keys, &vals), (&mut tmp_k, &mut tmp_v), &offsets, chunk, digit);
        std::mem::swap(&mut keys, &mut tmp_k);
        std::mem::swap(&mut vals, &mut tmp_v);
    }
    (keys, vals)
}

/// One radix pass's scatter: chunk `c` of `src` goes to the slots `offsets[c]` start, by digit.
fn scatter_pass<K: Key, V: Copy + Send + Sync>(
    src: (&[K], &[V]),
    dst: (&mut [K], &mut [V]),
    offsets: &[Vec<usize>],
    chunk: usize,
    digit: impl Fn(K) -> usize + Sync,
) {
    let len = src.0.len();
    let (ko, vo) = (SendPtr(dst.0.as_mut_ptr().cast()), SendPtr(dst.1.as_mut_ptr().cast()));
    for_tasks(offsets.len(), offsets.len() > 1, |c| {
        let mut at = offsets[c].clone();
        let range = c * chunk..((c + 1) * chunk).min(len);
        for (&k, &v) in src.0[range.clone()].iter().zip(&src.1[range]) {
            let slot = &mut at[digit(k)];
            // SAFETY: the prefix gives every (digit, chunk) pair a disjoint range of slots
            // inside `0..len` sized by its count, so each slot is written once, by one task.
            unsafe {
                ko.get().cast::<K>().add(*slot).write(k);
                vo.get().cast::<V>().add(*slot).write(v);
            }
            *slot += 1;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_keys_order_nan_last_and_merge_signed_zeros() {
        let m = KeyMap::new(DType::F32, false);
        let k = |x: f32| m.key(u64::from(x.to_bits()));
        let xs = [f32::NEG_INFINITY, -1.0, -1e-45, 0.0, 1e-45, 1.0, f32::INFINITY];
        assert!(xs.windows(2).all(|w| k(w[0]) < k(w[1])));
        assert_eq!(k(-0.0), k(0.0));
        assert_eq!(k(f32::NAN), k(-f32::NAN));
        assert!(k(f32::NAN) > k(f32::INFINITY));
        let d = KeyMap::new(DType::F32, true);
        assert!(d.key(u64::from(f32::NAN.to_bits())) < d.key(u64::from(f32::INFINITY.to_bits())));
    }

    #[test]
    fn integer_keys_follow_the_values() {
        let m = KeyMap::new(DType::I8, false);
        let k = |x: i8| m.key(u64::from(x as u8));
        assert!(k(i8::MIN) < k(-1) && k(-1) < k(0) && k(0) < k(i8::MAX));
        let b = KeyMap::new(DType::Bool, false);
        assert_eq!((b.key(0), b.key(1), b.key(7)), (0, 1, 1));
    }

    #[test]
    fn radix_sort_is_stable_and_parallel_agrees() {
        let keys: Vec<u16> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 20) as u16).collect();
        let order: Vec<u32> = (0..keys.len() as u32).collect();
        let (k1, v1) = radix_sort(keys.clone(), order.clone(), 1);
        let (k4, v4) = radix_sort(keys.clone(), order, 4);
        assert_eq!((&k1, &v1), (&k4, &v4));
        let mut expect: Vec<u32> = (0..keys.len() as u32).collect();
        expect.sort_by_key(|&i| keys[i as usize]);
        assert_eq!(v1, expect);
    }
}
