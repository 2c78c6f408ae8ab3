//! Inclusive scans (cumulative sums and products) on the CPU over a contiguous input viewed as
//! `outer × r × inner`, scanning along `r`.
//!
//! The work is cut into segments (one per outer index and block of up to [`COLS`] inner
//! columns), each scanned row by row in order with a carry row (vectorised across columns;
//! `inner == 1` is a plain running loop). With few segments and long rows, a blocked parallel
//! scan: every segment's rows are cut into pieces of about [`PIECE`] elements, whose totals are
//! computed in parallel (pass 1), chained in order (pass 2), then every piece is scanned from its
//! carry in parallel (pass 3). The split depends on the shape only, so results are
//! deterministic; within a piece the order is NumPy's (sequential), so float error matches it.

use super::parallel::{self, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr, CpuBuffer};
use crate::dtype::{DType, Element};
use crate::error::Result;
use crate::layout::Layout;
use crate::vocab::{ReduceDims, ScanOp};
use half::{bf16, f16};

mod complex;

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// Elements per piece of a long row (pass 1 and 3 task size).
const PIECE: usize = 1 << 15;
/// Columns per segment when `inner > 1`: the carry row stays in L1.
const COLS: usize = 1024;
/// With at least this many segments, each is one task (no blocked scan).
const MANY_SEGMENTS: usize = 64;

/// An element type the scans combine: `ident` and `comb` for a sum (`PROD = false`) or a
/// product. Integers wrap, `bool` uses or/and, float sums start from `-0.0` (so `-0.0` stays).
trait Scannable: Element {
    fn ident<const PROD: bool>() -> Self;
    fn comb<const PROD: bool>(self, o: Self) -> Self;
}

macro_rules! scannable_int {
    ($($t:ty),*) => {$(
        impl Scannable for $t {
            #[inline(always)]
            fn ident<const PROD: bool>() -> $t { if PROD { 1 } else { 0 } }
            #[inline(always)]
            fn comb<const PROD: bool>(self, o: $t) -> $t {
                if PROD { self.wrapping_mul(o) } else { self.wrapping_add(o) }
            }
        }
    )*};
}
scannable_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! scannable_float {
    ($($t:ty),*) => {$(
        impl Scannable for $t {
            #[inline(always)]
            fn ident<const PROD: bool>() -> $t { if PROD { 1.0 } else { -0.0 } }
            #[inline(always)]
            fn comb<const PROD: bool>(self, o: $t) -> $t { if PROD { self * o } else { self + o } }
        }
    )*};
}
scannable_float!(f32, f64);

macro_rules! scannable_half {
    ($($t:ty),*) => {$(
        impl Scannable for $t {
            #[inline(always)]
            fn ident<const PROD: bool>() -> $t { <$t>::from_f32(f32::ident::<PROD>()) }
            #[inline(always)]
            fn comb<const PROD: bool>(self, o: $t) -> $t { <$t>::from_f32(self.to_f32().comb::<PROD>(o.to_f32())) }
        }
    )*};
}
scannable_half!(f16, bf16);

impl Scannable for bool {
    #[inline(always)]
    fn ident<const PROD: bool>() -> bool {
        PROD
    }
    #[inline(always)]
    fn comb<const PROD: bool>(self, o: bool) -> bool {
        if PROD {
            self & o
        } else {
            self | o
        }
    }
}

/// `out` = the inclusive scan `op` of `src` along `dims.r` (see [`crate::backend::Backend::scan`]).
pub(crate) fn scan(op: ScanOp, dtype: DType, src: View<'_>, dims: ReduceDims, dst: View<'_>) -> Result<()> {
    debug_assert!(src.1.is_c_contiguous() && dst.1.is_c_contiguous());
    if dtype.is_complex() {
        return complex::scan(op, dtype, src, dims, dst);
    }
    crate::dtype::dispatch_real!(dtype, T => match op {
        ScanOp::Sum => run::<T, false>(src, dims, dst),
        ScanOp::Prod => run::<T, true>(src, dims, dst),
    }, else return Err(crate::error::Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }));
    Ok(())
}

/// The problem as the passes see it.
struct Plan<'a, T: Element> {
    input: &'a [T::Repr],
    out: SendPtr,
    dims: ReduceDims,
    /// Column blocks per outer index.
    col_blocks: usize,
    /// Rows of `r` per piece.
    piece_rows: usize,
    /// Pieces per segment.
    pieces: usize,
}

impl<T: Scannable> Plan<'_, T> {
    /// Columns `c0..c1` of segment `seg`, and its outer index.
    fn segment(&self, seg: usize) -> (usize, usize, usize) {
        let (o, cb) = (seg / self.col_blocks, seg % self.col_blocks);
        let c0 = cb * COLS;
        (o, c0, (c0 + COLS).min(self.dims.inner))
    }

    /// Scans rows `k0..k1` of segment `seg` from `carry` (one value per column), writing the
    /// results when `write`; leaves the running values in `carry`.
    fn run_piece<const PROD: bool>(&self, seg: usize, k0: usize, k1: usize, carry: &mut [T], write: bool) {
        let (o, c0, c1) = self.segment(seg);
        let ReduceDims { r, inner, .. } = self.dims;
        let out = self.out.get().cast::<T::Repr>();
        if inner == 1 {
            let base = o * r;
            let mut acc = carry[0];
            for k in k0..k1 {
                acc = acc.comb::<PROD>(T::from_repr(self.input[base + k]));
                if write {
                    // SAFETY: `base + k < outer * r`, the output's length; every output
                    // element belongs to exactly one piece, so tasks write disjoint elements.
                    unsafe { out.add(base + k).write(acc.to_repr()) };
                }
            }
            carry[0] = acc;
            return;
        }
        for k in k0..k1 {
            let at = (o * r + k) * inner + c0;
            let row = &self.input[at..at + (c1 - c0)];
            for (j, (c, x)) in carry.iter_mut().zip(row).enumerate() {
                *c = c.comb::<PROD>(T::from_repr(*x));
                if write {
                    // SAFETY: as above: `at + j` indexes the output, written by this task only.
                    unsafe { out.add(at + j).write(c.to_repr()) };
                }
            }
        }
    }

    /// The rows of piece `p`.
    fn rows(&self, p: usize) -> (usize, usize) {
        let k0 = p * self.piece_rows;
        (k0, (k0 + self.piece_rows).min(self.dims.r))
    }
}

fn run<T: Scannable, const PROD: bool>(src: View<'_>, dims: ReduceDims, dst: View<'_>) {
    let n = dims.outer * dims.r * dims.inner;
    if n == 0 {
        return;
    }
    let _q = queue();
    // SAFETY: `src` is a contiguous view of `n` initialised elements inside its buffer (an Array
    // invariant); the queue excludes writers while the slice lives; `dst` is a fresh buffer.
    let input: &[T::Repr] =
        unsafe { std::slice::from_raw_parts(view_ptr(src.0, src.1, T::DTYPE.itemsize()) as *const T::Repr, n) };
    let col_blocks = dims.inner.div_ceil(COLS);
    let width = dims.inner.min(COLS);
    let segments = dims.outer * col_blocks;
    let seg_elems = dims.r * width;
    let piece_rows = if segments >= MANY_SEGMENTS || seg_elems < 2 * PIECE { dims.r } else { (PIECE / width).max(1) };
    let plan = Plan::<T> {
        input,
        out: SendPtr(view_ptr(dst.0, dst.1, T::DTYPE.itemsize())),
        dims,
        col_blocks,
        piece_rows,
        pieces: dims.r.div_ceil(piece_rows).max(1),
    };
    if plan.pieces == 1 {
        scan_whole_segments::<T, PROD>(&plan, segments, seg_elems);
    } else {
        scan_blocked::<T, PROD>(&plan, segments, width);
    }
}

/// Every segment scanned whole, consecutive segments grouped into tasks of about
/// [`PAR_CHUNK`] elements.
fn scan_whole_segments<T: Scannable, const PROD: bool>(plan: &Plan<'_, T>, segments: usize, seg_elems: usize) {
    let group = (PAR_CHUNK / seg_elems.max(1)).max(1);
    let tasks = segments.div_ceil(group);
    let parallel = worth_parallel(tasks, segments * seg_elems, PAR_CHUNK);
    parallel::for_tasks(tasks, parallel, |t| {
        let mut carry = Vec::new();
        for seg in t * group..((t + 1) * group).min(segments) {
            let (_, c0, c1) = plan.segment(seg);
            carry.clear();
            carry.resize(c1 - c0, T::ident::<PROD>());
            plan.run_piece::<PROD>(seg, 0, plan.dims.r, &mut carry, true);
        }
    });
}

/// The blocked parallel scan of the module doc (pass 1 totals, pass 2 chaining, pass 3 scans).
fn scan_blocked<T: Scannable, const PROD: bool>(plan: &Plan<'_, T>, segments: usize, width: usize) {
    let units = segments * plan.pieces;
    let n = segments * plan.dims.r * width;
    let parallel = worth_parallel(units, n, PAR_CHUNK);
    let seg_width = |seg: usize| {
        let (_, c0, c1) = plan.segment(seg);
        c1 - c0
    };
    // Pass 1: the total of every piece but each segment's last.
    let totals: Vec<Vec<T>> = parallel::map_tasks(units, parallel, |u| {
        let (seg, p) = (u / plan.pieces, u % plan.pieces);
        let mut carry = vec![T::ident::<PROD>(); seg_width(seg)];
        if p + 1 < plan.pieces {
            let (k0, k1) = plan.rows(p);
            plan.run_piece::<PROD>(seg, k0, k1, &mut carry, false);
        }
        carry
    });
    // Pass 2: piece p starts from the totals of pieces 0..p, combined in order.
    let mut carries = Vec::with_capacity(units);
    for seg in 0..segments {
        let mut run = vec![T::ident::<PROD>(); seg_width(seg)];
        for p in 0..plan.pieces {
            carries.push(run.clone());
            for (c, t) in run.iter_mut().zip(&totals[seg * plan.pieces + p]) {
                *c = c.comb::<PROD>(*t);
            }
        }
    }
    // Pass 3.
    parallel::for_tasks(units, parallel, |u| {
        let (seg, p) = (u / plan.pieces, u % plan.pieces);
        let mut carry = carries[u].clone();
        let (k0, k1) = plan.rows(p);
        plan.run_piece::<PROD>(seg, k0, k1, &mut carry, true);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference<T: Scannable, const PROD: bool>(x: &[T], dims: ReduceDims) -> Vec<T> {
        let mut out = x.to_vec();
        for o in 0..dims.outer {
            for i in 0..dims.inner {
                let mut acc = T::ident::<PROD>();
                for k in 0..dims.r {
                    let at = (o * dims.r + k) * dims.inner + i;
                    acc = acc.comb::<PROD>(x[at]);
                    out[at] = acc;
                }
            }
        }
        out
    }

    fn check(outer: usize, r: usize, inner: usize) {
        let dims = ReduceDims { outer, r, inner };
        let n = outer * r * inner;
        let x: Vec<i64> = (0..n as i64).map(|v| (v * 7919) % 1001 - 500).collect();
        let src = CpuBuffer::alloc(n * 8).unwrap();
        let dst = CpuBuffer::alloc(n * 8).unwrap();
        // SAFETY: both buffers hold `n` i64s.
        unsafe { std::ptr::copy_nonoverlapping(x.as_ptr().cast::<u8>(), src.as_ptr(), n * 8) };
        let layout = Layout::contiguous(&[n]);
        scan(ScanOp::Sum, DType::I64, (&src, &layout), dims, (&dst, &layout)).unwrap();
        let mut got = vec![0i64; n];
        // SAFETY: as above.
        unsafe { std::ptr::copy_nonoverlapping(dst.as_ptr(), got.as_mut_ptr().cast::<u8>(), n * 8) };
        assert_eq!(got, reference::<i64, false>(&x, dims), "{outer}x{r}x{inner}");
    }

    #[test]
    fn every_split_matches_the_sequential_scan() {
        check(1, 5 * PIECE + 3, 1); // blocked, rows
        check(3, 2 * PIECE + 1, 1);
        check(2, 300, COLS + 5); // blocked, column blocks
        check(1, 100, 3); // one segment, short
        check(1000, 3, 1); // many short rows, grouped
        check(70, 5, 2);
        check(1, 1, 1);
    }

    #[test]
    fn float_sums_keep_negative_zero_and_bool_uses_or_and() {
        assert_eq!(f64::ident::<false>().comb::<false>(-0.0).to_bits(), (-0.0f64).to_bits());
        assert!(false.comb::<false>(true) && !true.comb::<true>(false));
        assert_eq!(i8::MAX.comb::<false>(1), i8::MIN);
    }
}
