//! Reductions on the CPU over a contiguous input viewed as `outer × r × inner` (reducing `r`).
//!
//! Two loop shapes:
//! - `inner == 1` (reduced axes innermost): each output reduces one contiguous row with NumPy's
//!   pairwise scheme (8 interleaved accumulators over blocks of ≤ 128, halves combined
//!   recursively), so LLVM vectorises it and float error grows as O(log n). Long rows are cut
//!   into fixed-size pieces reduced in parallel, their partials combined pairwise in order.
//! - `inner > 1`: accumulator rows over column blocks, fed by whole input rows (vectorised
//!   across columns); blocks of rows are combined pairwise (a binary-counter cascade), so
//!   accuracy matches the first shape. Tall inputs are cut into fixed row ranges reduced in
//!   parallel and combined pairwise.
//!
//! Work is split by the shape only, never by the thread count, and partials are combined in a
//! fixed order: results are deterministic.

use super::math::vector::at_level;
use super::math::{Classify, FloatElem};
use super::parallel::{self, worth_parallel_loop, SendPtr, PAR_CHUNK};
use super::staged::CHUNK;
use super::{queue, view_ptr, CpuBuffer};
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::ReduceDims;
use crate::vocab::ReduceOp;
use half::{bf16, f16};

mod complex;
mod deviation;
mod lanes;

use lanes::{fold_halves, fold_lanes, lanes8, pairwise_wide, pairwise_wide_staged};

pub(crate) use deviation::squared_deviation_sum;

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// Elements one task handles: long rows are cut into pieces of this length.
const PIECE: usize = 1 << 14;
/// Pieces of long rows for reducers whose order of absorption is free ([`Reducer::LANES`]).
const LONG_PIECE: usize = 1 << 16;
/// Elements beyond which a reduction streams from memory rather than the caches (16 MiB of
/// float32), where row groups grow to a long piece.
const STREAMING: usize = 1 << 22;
/// Rows per block in the column shape: the unit of the pairwise cascade.
const BLOCK_ROWS: usize = 128;
/// Columns per accumulator row in the column shape: wide enough that a task streams whole
/// contiguous input rows (hardware prefetchers lose track of short strided pieces), small
/// enough that the accumulator row stays in L1/L2 (32 KiB of 8-byte accumulators).
const COLS: usize = 4096;

/// One reduction: how to start, absorb an element, merge two partials (`a` covers earlier
/// indices than `b`) and produce the output element.
trait Reducer: Sync + Clone {
    type In: Element;
    type Acc: Copy + Send + Sync;
    type Out: Element;
    /// Whether elements may be absorbed in interleaved lanes (false when the element index
    /// matters, as for argmin/argmax).
    const LANES: bool = true;
    fn init(&self) -> Self::Acc;
    /// The reducer for the outputs from flat index `first` on (a row's one output, or a column
    /// block's outputs). Reducers whose work depends on the output (the squared deviations
    /// from a per-output mean) narrow themselves here; the others are the same everywhere.
    fn at(&self, _first: usize) -> Self {
        self.clone()
    }
    fn step(&self, acc: Self::Acc, x: Self::In, index: usize) -> Self::Acc;
    fn combine(&self, a: Self::Acc, b: Self::Acc) -> Self::Acc;
    fn finish(&self, acc: Self::Acc) -> Self::Out;
    /// Reduces a contiguous run whose first element has index `base` (NumPy's pairwise scheme
    /// unless a reducer knows better).
    fn reduce_run(&self, xs: &[Repr<Self>], base: usize) -> Self::Acc
    where
        Self: Sized,
    {
        reduce_slice(self, xs, base)
    }
    /// A leaf of the pairwise scheme: `xs` (8 to 128 elements, order-free) absorbed in 8
    /// interleaved lanes.
    fn leaf(&self, xs: &[Repr<Self>]) -> Self::Acc {
        lanes8(self.init(), xs, |a, x| self.step(a, Self::In::from_repr(*x), 0), |a, b| self.combine(a, b))
    }
    /// Absorbs input row `k` (`xs`) into the accumulator row `accs` (same length).
    fn absorb_row(&self, accs: &mut [Self::Acc], xs: &[Repr<Self>], k: usize) {
        for (acc, x) in accs.iter_mut().zip(xs) {
            *acc = self.step(*acc, Self::In::from_repr(*x), k);
        }
    }
    /// Absorbs input rows `rows`, in order, into `accs`: row `k` is
    /// `strip[k * stride..][..accs.len()]`.
    fn absorb_rows(&self, accs: &mut [Self::Acc], strip: &[Repr<Self>], stride: usize, rows: std::ops::Range<usize>) {
        absorb_each_row(self, accs, strip, stride, rows);
    }
}

/// [`Reducer::absorb_rows`] as one [`Reducer::absorb_row`] per row.
fn absorb_each_row<R: Reducer>(
    r: &R,
    accs: &mut [R::Acc],
    strip: &[Repr<R>],
    stride: usize,
    rows: std::ops::Range<usize>,
) {
    for k in rows {
        r.absorb_row(accs, &strip[k * stride..][..accs.len()], k);
    }
}

type Repr<R> = <<R as Reducer>::In as Element>::Repr;

/// `out = op over r of src`, see the module doc. `divisor` (non-zero only for `Mean`) divides
/// the sum in the accumulator type.
pub(crate) fn reduce(
    op: ReduceOp,
    dtype: DType,
    src: View<'_>,
    dims: ReduceDims,
    divisor: u64,
    dst: View<'_>,
) -> Result<()> {
    debug_assert!(src.1.is_c_contiguous() && dst.1.is_c_contiguous());
    let empty_needs_identity = matches!(op, ReduceOp::Min | ReduceOp::Max | ReduceOp::Argmin | ReduceOp::Argmax);
    if dims.r == 0 && empty_needs_identity {
        return Err(Error::EmptyReduction { op: op.name(), what: "extreme value" });
    }
    if dtype.is_complex() {
        return complex::reduce(op, dtype, src, dims, divisor, dst);
    }
    crate::dtype::dispatch_real!(dtype, T => match op {
        ReduceOp::Sum => run(&Sum::<T> { divisor: 0, _t: Default::default() }, src, dims, dst),
        ReduceOp::Mean => run(&Sum::<T> { divisor, _t: Default::default() }, src, dims, dst),
        ReduceOp::Prod => run(&Prod::<T>(Default::default()), src, dims, dst),
        ReduceOp::Min => run(&Extreme::<T, false>(Default::default()), src, dims, dst),
        ReduceOp::Max => run(&Extreme::<T, true>(Default::default()), src, dims, dst),
        ReduceOp::Argmin => run(&ArgExtreme::<T, false>(Default::default()), src, dims, dst),
        ReduceOp::Argmax => run(&ArgExtreme::<T, true>(Default::default()), src, dims, dst),
        ReduceOp::All => run(&Truth::<T, true>(Default::default()), src, dims, dst),
        ReduceOp::Any => run(&Truth::<T, false>(Default::default()), src, dims, dst),
    }, else return Err(Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }));
    Ok(())
}

fn run<R: Reducer>(r: &R, src: View<'_>, dims: ReduceDims, dst: View<'_>) {
    let n_out = dims.outer * dims.inner;
    if n_out == 0 {
        return;
    }
    let _q = queue();
    // SAFETY: `src` is a contiguous view of `outer * r * inner` initialised elements inside its
    // buffer (an Array invariant); the queue excludes writers while the slice lives.
    let input: &[Repr<R>] = unsafe {
        std::slice::from_raw_parts(
            view_ptr(src.0, src.1, R::In::DTYPE.itemsize()) as *const Repr<R>,
            dims.outer * dims.r * dims.inner,
        )
    };
    let out = SendPtr(view_ptr(dst.0, dst.1, R::Out::DTYPE.itemsize()));
    // Every output index is written by exactly one task, and `dst` is a fresh buffer.
    let write = |i: usize, v: R::Out| {
        let out = &out;
        // SAFETY: `i < n_out`, the output's length; indices are disjoint across tasks.
        unsafe { (out.0 as *mut <R::Out as Element>::Repr).add(i).write(v.to_repr()) }
    };
    if dims.r == 1 {
        // Each output is one input element (e.g. `max` over a length-1 axis, which the op
        // layer passes as `inner == 1` rows of length 1): a per-row scan's setup would cost
        // far more than the element.
        for_tasks(n_out.div_ceil(PIECE), n_out, |t| {
            let lo = t * PIECE;
            for (i, x) in input[lo..(lo + PIECE).min(n_out)].iter().enumerate() {
                let r = r.at(lo + i);
                write(lo + i, r.finish(r.step(r.init(), R::In::from_repr(*x), 0)));
            }
        });
    } else if dims.inner == 1 {
        reduce_rows(r, input, dims.outer, dims.r, &write);
    } else {
        reduce_columns(r, input, dims, &write);
    }
}

/// Runs `f(t)` for `t in 0..tasks`, in parallel when the total `work` is worth it.
fn for_tasks(tasks: usize, work: usize, f: impl Fn(usize) + Sync) {
    parallel::for_tasks(tasks, worth_parallel_loop(tasks, work, PAR_CHUNK), f);
}

/// `f(t)` for `t in 0..tasks` collected in order, in parallel when worth it.
fn map_tasks<T: Send>(tasks: usize, work: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    parallel::map_tasks(tasks, worth_parallel_loop(tasks, work, PAR_CHUNK), f)
}

/// Combines partials pairwise (recursive halving), in index order.
fn combine_tree<R: Reducer>(r: &R, parts: &[R::Acc]) -> R::Acc {
    match parts {
        [] => r.init(),
        [one] => *one,
        _ => {
            let mid = parts.len() / 2;
            r.combine(combine_tree(r, &parts[..mid]), combine_tree(r, &parts[mid..]))
        }
    }
}

/// NumPy's pairwise reduction of a contiguous run whose first element has index `base`.
fn reduce_slice<R: Reducer>(r: &R, xs: &[Repr<R>], base: usize) -> R::Acc {
    let load = |x: &Repr<R>| R::In::from_repr(*x);
    if !R::LANES || xs.len() < 8 {
        return xs.iter().enumerate().fold(r.init(), |acc, (i, x)| r.step(acc, load(x), base + i));
    }
    if xs.len() > 128 {
        let half = (xs.len() / 2) & !7;
        return r.combine(reduce_slice(r, &xs[..half], base), reduce_slice(r, &xs[half..], base + half));
    }
    r.leaf(xs)
}

/// `inner == 1`: output `o` reduces the contiguous row `input[o * len..][..len]`.
fn reduce_rows<R: Reducer>(
    r: &R,
    input: &[Repr<R>],
    outer: usize,
    len: usize,
    write: &(impl Fn(usize, R::Out) + Sync),
) {
    let row = |o: usize| &input[o * len..(o + 1) * len];
    // Order-free reducers stream longer runs (fewer partials, longer prefetch runs: 10-25 %
    // faster at 2^20-2^24 elements); argmin/argmax keep pieces that fit in L2 for their
    // second pass.
    let piece = if R::LANES { LONG_PIECE } else { PIECE };
    if len <= PIECE {
        // Short rows: tasks are groups of whole rows. Beyond the caches they are as long as a
        // piece: the threads take tasks in turn, and each jump to a task's rows restarts the
        // hardware prefetcher (rows of 1024 float32, 2^24 elements, summed 15-25 % slower than
        // the same data as one run with 16-row tasks). In cache, more tasks balance better.
        let group = if outer * len >= STREAMING { piece } else { PIECE };
        let rows_per_task = (group / len.max(1)).max(1);
        for_tasks(outer.div_ceil(rows_per_task), outer * len, |t| {
            for o in t * rows_per_task..((t + 1) * rows_per_task).min(outer) {
                write(o, r.finish(r.at(o).reduce_run(row(o), 0)));
            }
        });
        return;
    }
    // Long rows: fixed pieces reduced in parallel, then combined per row in order.
    let pieces = len.div_ceil(piece);
    let partials = map_tasks(outer * pieces, outer * len, |t| {
        let (o, p) = (t / pieces, t % pieces);
        let lo = p * piece;
        r.at(o).reduce_run(&row(o)[lo..(lo + piece).min(len)], lo)
    });
    for (o, parts) in partials.chunks(pieces).enumerate() {
        write(o, r.finish(combine_tree(r, parts)));
    }
}

/// `inner > 1`: output `(o, i)` reduces `input[(o * r + k) * inner + i]` over `k`.
fn reduce_columns<R: Reducer>(r: &R, input: &[Repr<R>], dims: ReduceDims, write: &(impl Fn(usize, R::Out) + Sync)) {
    let ReduceDims { outer, r: len, inner } = dims;
    let width = inner.min(COLS);
    let col_blocks = inner.div_ceil(width);
    // Rows per task: a multiple of the cascade block, large enough to amortise a task.
    let rows_per_task = (PIECE / width).div_ceil(BLOCK_ROWS).max(1) * BLOCK_ROWS;
    let row_ranges = len.div_ceil(rows_per_task).max(1);
    let task = |t: usize| {
        let (oc, rr) = (t / row_ranges, t % row_ranges);
        let (o, cb) = (oc / col_blocks, oc % col_blocks);
        let cols = cb * width..((cb + 1) * width).min(inner);
        let rows = rr * rows_per_task..((rr + 1) * rows_per_task).min(len);
        let slab = &input[o * len * inner..(o + 1) * len * inner];
        cascade_columns(&r.at(o * inner + cols.start), slab, inner, cols, rows)
    };
    let work = outer * len * inner;
    if row_ranges == 1 {
        for_tasks(outer * col_blocks, work, |t| write_columns(r, t, col_blocks, width, inner, task(t), write));
        return;
    }
    let partials = map_tasks(outer * col_blocks * row_ranges, work, task);
    for_tasks(outer * col_blocks, work, |t| {
        let accs = combine_rows_pairwise(r, &partials[t * row_ranges..(t + 1) * row_ranges]);
        write_columns(r, t, col_blocks, width, inner, accs, write);
    });
}

fn write_columns<R: Reducer>(
    r: &R,
    t: usize,
    col_blocks: usize,
    width: usize,
    inner: usize,
    accs: Vec<R::Acc>,
    write: &impl Fn(usize, R::Out),
) {
    let (o, cb) = (t / col_blocks, t % col_blocks);
    for (j, acc) in accs.into_iter().enumerate() {
        write(o * inner + cb * width + j, r.finish(acc));
    }
}

/// Combines equal-length accumulator rows pairwise (recursive halving), elementwise, in order.
fn combine_rows_pairwise<R: Reducer>(r: &R, rows: &[Vec<R::Acc>]) -> Vec<R::Acc> {
    match rows {
        [one] => one.clone(),
        _ => {
            let mid = rows.len() / 2;
            let (mut a, b) = (combine_rows_pairwise(r, &rows[..mid]), combine_rows_pairwise(r, &rows[mid..]));
            a.iter_mut().zip(b).for_each(|(a, b)| *a = r.combine(*a, b));
            a
        }
    }
}

/// Reduces `rows` of one `(r, inner)` slab over the column range `cols`: blocks of
/// [`BLOCK_ROWS`] rows are absorbed into an accumulator row, and block results merge through a
/// binary counter (level k holds 2^k earlier blocks), which is a pairwise tree in row order.
fn cascade_columns<R: Reducer>(
    r: &R,
    slab: &[Repr<R>],
    inner: usize,
    cols: std::ops::Range<usize>,
    rows: std::ops::Range<usize>,
) -> Vec<R::Acc> {
    let width = cols.len();
    let mut levels: Vec<Option<Vec<R::Acc>>> = Vec::new();
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + BLOCK_ROWS).min(rows.end);
        let mut block = vec![r.init(); width];
        r.absorb_rows(&mut block, &slab[cols.start..], inner, start..end);
        let mut carry = block;
        for level in levels.iter_mut() {
            match level.take() {
                Some(mut earlier) => {
                    earlier.iter_mut().zip(&carry).for_each(|(a, b)| *a = r.combine(*a, *b));
                    carry = earlier;
                }
                None => {
                    *level = Some(std::mem::take(&mut carry));
                    break;
                }
            }
        }
        if !carry.is_empty() {
            levels.push(Some(carry));
        }
        start = end;
    }
    // Highest level first: it covers the earliest rows.
    let mut acc: Option<Vec<R::Acc>> = None;
    for level in levels.into_iter().rev().flatten() {
        acc = Some(match acc {
            None => level,
            Some(mut a) => {
                a.iter_mut().zip(level).for_each(|(a, b)| *a = r.combine(*a, b));
                a
            }
        });
    }
    acc.unwrap_or_else(|| vec![r.init(); width])
}

/// Accumulator arithmetic: `i64`/`u64` wrap, floats are IEEE.
trait AccNum: Copy + Send + Sync + 'static {
    const ZERO: Self;
    const ONE: Self;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// `self / n` (used for `mean`, which the op layer only asks of floats).
    fn div_count(self, n: u64) -> Self;
}

macro_rules! impl_acc_num {
    ($($t:ty: $zero:expr, $one:expr, $add:ident, $mul:ident);*) => {$(
        impl AccNum for $t {
            const ZERO: $t = $zero;
            const ONE: $t = $one;
            #[inline(always)] fn add(self, o: $t) -> $t { self.$add(o) }
            #[inline(always)] fn mul(self, o: $t) -> $t { self.$mul(o) }
            #[inline(always)] fn div_count(self, n: u64) -> $t { self / (n as $t) }
        }
    )*};
}
impl_acc_num!(
    i64: 0, 1, wrapping_add, wrapping_mul; u64: 0, 1, wrapping_add, wrapping_mul;
    f32: 0.0, 1.0, add_float, mul_float; f64: 0.0, 1.0, add_float, mul_float
);

trait FloatOps {
    fn add_float(self, o: Self) -> Self;
    fn mul_float(self, o: Self) -> Self;
}
impl<T: std::ops::Add<Output = T> + std::ops::Mul<Output = T>> FloatOps for T {
    #[inline(always)]
    fn add_float(self, o: T) -> T {
        self + o
    }
    #[inline(always)]
    fn mul_float(self, o: T) -> T {
        self * o
    }
}

/// The accumulator and output types of `sum`/`prod` (`kernels/ABI.md`): 16-bit floats in
/// `f32` (output in their own type), other floats in themselves, signed integers and `bool` in
/// `i64`, unsigned in `u64`.
trait Accumulate: Element {
    type Acc: AccNum;
    type Out: Element;
    /// Whether runs should be widened into an accumulator buffer first (the 16-bit floats,
    /// see [`FloatElem::STAGED`]).
    const STAGED: bool = false;
    fn to_acc(self) -> Self::Acc;
    fn to_out(acc: Self::Acc) -> Self::Out;
    /// `dst[i] = from_repr(src[i]).to_acc()` (the lengths are equal).
    fn widen(src: &[Self::Repr], dst: &mut [Self::Acc]) {
        dst.iter_mut().zip(src).for_each(|(d, s)| *d = Self::from_repr(*s).to_acc());
    }
}

/// Staged [`Reducer::leaf`] for `prod` (`op` is the accumulator's mul; `sum` reduces runs
/// through `pairwise_wide_staged` instead): the block widened at once, then the same lanes as
/// the default leaf.
#[inline(always)]
fn staged_leaf<T: Accumulate>(init: T::Acc, xs: &[T::Repr], op: impl Fn(T::Acc, T::Acc) -> T::Acc) -> T::Acc {
    let mut buf = [T::Acc::ZERO; 128];
    let buf = &mut buf[..xs.len()];
    T::widen(xs, buf);
    lanes8(init, buf, |a, w| op(a, *w), &op)
}

/// Staged [`Reducer::absorb_row`] for `sum`/`prod`: the row widened a chunk at a time.
#[inline(always)]
fn staged_absorb<T: Accumulate>(accs: &mut [T::Acc], xs: &[T::Repr], op: impl Fn(T::Acc, T::Acc) -> T::Acc) {
    let mut buf = [T::Acc::ZERO; CHUNK];
    for (accs, xs) in accs.chunks_mut(CHUNK).zip(xs.chunks(CHUNK)) {
        let buf = &mut buf[..xs.len()];
        T::widen(xs, buf);
        accs.iter_mut().zip(&*buf).for_each(|(a, w)| *a = op(*a, *w));
    }
}

macro_rules! impl_accumulate {
    ($($t:ty => $acc:ty, $out:ty, $to:expr, $from:expr);* $(;)?) => {$(
        impl Accumulate for $t {
            type Acc = $acc;
            type Out = $out;
            #[inline(always)]
            fn to_acc(self) -> $acc {
                let f: fn($t) -> $acc = $to;
                f(self)
            }
            #[inline(always)]
            fn to_out(acc: $acc) -> $out {
                let f: fn($acc) -> $out = $from;
                f(acc)
            }
        }
    )*};
}
impl_accumulate! {
    bool => i64, i64, |x| x as i64, |a| a;
    i8 => i64, i64, |x| x as i64, |a| a;
    i16 => i64, i64, |x| x as i64, |a| a;
    i32 => i64, i64, |x| x as i64, |a| a;
    i64 => i64, i64, |x| x, |a| a;
    u8 => u64, u64, |x| x as u64, |a| a;
    u16 => u64, u64, |x| x as u64, |a| a;
    u32 => u64, u64, |x| x as u64, |a| a;
    u64 => u64, u64, |x| x, |a| a;
    f32 => f32, f32, |x| x, |a| a;
    f64 => f64, f64, |x| x, |a| a;
}

macro_rules! impl_accumulate_half {
    ($($t:ident),*) => {$(
        impl Accumulate for $t {
            type Acc = f32;
            type Out = $t;
            const STAGED: bool = <$t as FloatElem>::STAGED;
            #[inline(always)]
            fn to_acc(self) -> f32 {
                FloatElem::to_c(self)
            }
            #[inline(always)]
            fn to_out(acc: f32) -> $t {
                FloatElem::from_c(acc)
            }
            #[inline(always)]
            fn widen(src: &[$t], dst: &mut [f32]) {
                FloatElem::widen(src, dst)
            }
        }
    )*};
}
impl_accumulate_half!(f16, bf16);

/// `sum`, or `mean` when `divisor != 0`.
#[derive(Clone)]
struct Sum<T> {
    divisor: u64,
    _t: std::marker::PhantomData<T>,
}

impl<T: Accumulate> Reducer for Sum<T> {
    type In = T;
    type Acc = T::Acc;
    type Out = T::Out;
    fn init(&self) -> T::Acc {
        T::Acc::ZERO
    }
    #[inline(always)]
    fn step(&self, acc: T::Acc, x: T, _: usize) -> T::Acc {
        acc.add(x.to_acc())
    }
    #[inline(always)]
    fn combine(&self, a: T::Acc, b: T::Acc) -> T::Acc {
        a.add(b)
    }
    fn finish(&self, acc: T::Acc) -> T::Out {
        T::to_out(if self.divisor == 0 { acc } else { acc.div_count(self.divisor) })
    }
    /// [`pairwise_wide`] compiled for the run-time SIMD level; float16 widened a leaf at a time.
    /// The lanes are folded outside that call, at the baseline level: folded inside it, they
    /// were kept in memory instead of registers (3x slower on rows of 1024; with
    /// [`fold_halves`] 1.3-1.6x slower, 2026-12-06), and a second SIMD-level call for the fold
    /// measured no faster.
    fn reduce_run(&self, xs: &[T::Repr], _base: usize) -> T::Acc {
        let lanes = if T::STAGED {
            at_level(
                #[inline(always)]
                || pairwise_wide_staged(self.init(), xs, T::widen, AccNum::add),
            )
        } else {
            at_level(
                #[inline(always)]
                || pairwise_wide(self.init(), xs, |a, x| a.add(T::from_repr(*x).to_acc()), AccNum::add),
            )
        };
        fold_halves(lanes, AccNum::add)
    }
    fn absorb_row(&self, accs: &mut [T::Acc], xs: &[T::Repr], _: usize) {
        if !T::STAGED {
            return at_level(
                #[inline(always)]
                || accs.iter_mut().zip(xs).for_each(|(a, x)| *a = a.add(T::from_repr(*x).to_acc())),
            );
        }
        at_level(
            #[inline(always)]
            || staged_absorb::<T>(accs, xs, AccNum::add),
        )
    }
}

#[derive(Clone)]
struct Prod<T>(std::marker::PhantomData<T>);

impl<T: Accumulate> Reducer for Prod<T> {
    type In = T;
    type Acc = T::Acc;
    type Out = T::Out;
    fn init(&self) -> T::Acc {
        T::Acc::ONE
    }
    #[inline(always)]
    fn step(&self, acc: T::Acc, x: T, _: usize) -> T::Acc {
        acc.mul(x.to_acc())
    }
    #[inline(always)]
    fn combine(&self, a: T::Acc, b: T::Acc) -> T::Acc {
        a.mul(b)
    }
    fn finish(&self, acc: T::Acc) -> T::Out {
        T::to_out(acc)
    }
    fn leaf(&self, xs: &[T::Repr]) -> T::Acc {
        if !T::STAGED {
            return lanes8(self.init(), xs, |a, x| self.step(a, T::from_repr(*x), 0), |a, b| a.mul(b));
        }
        staged_leaf::<T>(self.init(), xs, AccNum::mul)
    }
    fn absorb_row(&self, accs: &mut [T::Acc], xs: &[T::Repr], _: usize) {
        if !T::STAGED {
            return accs.iter_mut().zip(xs).for_each(|(a, x)| *a = a.mul(T::from_repr(*x).to_acc()));
        }
        at_level(
            #[inline(always)]
            || staged_absorb::<T>(accs, xs, AccNum::mul),
        )
    }
}

/// `min` (`MAX = false`) or `max`, propagating NaN like NumPy.
#[derive(Clone)]
struct Extreme<T, const MAX: bool>(std::marker::PhantomData<T>);

/// Whether `x` replaces `best` in a min/max scan: a NaN sticks, a NaN wins, else strictly better.
#[inline(always)]
fn better<T: Classify, const MAX: bool>(x: T::Key, best: T::Key) -> bool {
    !T::key_is_nan(best) && (T::key_is_nan(x) || if MAX { x > best } else { x < best })
}

impl<T: Classify, const MAX: bool> Reducer for Extreme<T, MAX> {
    type In = T;
    type Acc = T::Key;
    type Out = T;
    fn init(&self) -> T::Key {
        if MAX {
            T::KEY_LOWEST
        } else {
            T::KEY_HIGHEST
        }
    }
    #[inline(always)]
    fn step(&self, acc: T::Key, x: T, _: usize) -> T::Key {
        self.combine(acc, x.key())
    }
    /// A select that vectorises (see [`Extreme::skip_nan_step`]): a NaN `a` stays unless `b`
    /// is NaN too (no comparison with NaN is true), a NaN `b` is taken, else the strictly
    /// better value.
    #[inline(always)]
    fn combine(&self, a: T::Key, b: T::Key) -> T::Key {
        let beats = if MAX { b > a } else { b < a };
        select_unpredictable(beats | T::key_is_nan(b), b, a)
    }
    fn finish(&self, acc: T::Key) -> T {
        T::from_key(acc)
    }
    /// Order does not matter for min/max, so [`SCAN_LANES`] independent accumulators (no
    /// pairwise tree) keep the vector units busy instead of waiting on one compare chain.
    /// Runs shorter than the lanes fold directly (the same result: unused lanes hold the
    /// start value); 16-bit floats are widened a chunk (a multiple of the lanes) at a time.
    fn reduce_run(&self, xs: &[Repr<Self>], _base: usize) -> T::Key {
        let key = |x: &Repr<Self>| T::from_repr(*x).key();
        if xs.len() < SCAN_LANES {
            return xs.iter().fold(self.init(), |a, x| self.combine(a, key(x)));
        }
        let body = &xs[..xs.len() - xs.len() % SCAN_LANES];
        let acc = match self.extreme_without_nan(body) {
            Some(acc) => acc,
            // A NaN is rare: only then rescan, propagating it exactly as `combine` does.
            None => fold_lanes(self.lanes_with_nan(body), |a, b| self.combine(a, b)),
        };
        xs[body.len()..].iter().fold(acc, |a, x| self.combine(a, key(x)))
    }
    fn absorb_rows(&self, accs: &mut [T::Key], strip: &[Repr<Self>], stride: usize, rows: std::ops::Range<usize>) {
        if T::STAGED_KEYS {
            return absorb_each_row(self, accs, strip, stride, rows);
        }
        at_level(
            #[inline(always)]
            || self.absorb_rows_in_registers(accs, strip, stride, rows),
        )
    }
    /// Keys converted a chunk at a time (16-bit floats, which [`Reducer::absorb_rows`] hands
    /// over row by row; keys read in place take [`Extreme::absorb_rows_in_registers`]).
    fn absorb_row(&self, accs: &mut [T::Key], xs: &[Repr<Self>], _: usize) {
        at_level(
            #[inline(always)]
            || {
                let mut buf = [self.init(); CHUNK];
                for (accs, xs) in accs.chunks_mut(CHUNK).zip(xs.chunks(CHUNK)) {
                    let keys = &mut buf[..xs.len()];
                    T::keys(xs, keys);
                    accs.iter_mut().zip(&*keys).for_each(|(a, k)| *a = self.combine(*a, *k));
                }
            },
        )
    }
}

impl<T: Classify, const MAX: bool> Extreme<T, MAX> {
    /// [`Reducer::absorb_rows`] for keys read in place: up to [`ROW_GROUP`] rows go through
    /// each chunk of [`SCAN_LANES`] accumulators while it sits in registers, scanned as
    /// [`Extreme::extreme_without_nan`] scans (strictly better keys only, NaN keys noted off
    /// the chain). The rows' NaN keys, if any, are put in afterwards, row by row: a NaN
    /// accumulator never leaves, so this gives [`Reducer::combine`]'s result. (Written as one
    /// select per element and row, the update compiled to masked stores, `vmaskmovps`, which
    /// AMD's cores run microcoded: max over the outer axis took seven times as long as `sum`
    /// on a Zen 2.)
    #[inline(always)]
    fn absorb_rows_in_registers(
        &self,
        accs: &mut [T::Key],
        strip: &[Repr<Self>],
        stride: usize,
        rows: std::ops::Range<usize>,
    ) {
        let key = |x: &Repr<Self>| T::from_repr(*x).key();
        let width = accs.len();
        let full = width - width % SCAN_LANES;
        let mut nans = [self.init(); SCAN_LANES];
        let mut group = rows.start;
        while group < rows.end {
            let group_end = (group + ROW_GROUP).min(rows.end);
            for c in (0..full).step_by(SCAN_LANES) {
                let chunk = &mut accs[c..c + SCAN_LANES];
                let mut lanes = [self.init(); SCAN_LANES];
                lanes.copy_from_slice(chunk);
                for k in group..group_end {
                    self.scan_skipping_nan(&mut lanes, &mut nans, &strip[k * stride + c..][..SCAN_LANES], key);
                }
                chunk.copy_from_slice(&lanes);
            }
            for k in group..group_end {
                let xs = &strip[k * stride + full..k * stride + width];
                accs[full..].iter_mut().zip(xs).for_each(|(a, x)| *a = self.combine(*a, key(x)));
            }
            group = group_end;
        }
        if nans.iter().any(|&k| T::key_is_nan(k)) {
            for k in rows {
                let xs = &strip[k * stride..k * stride + full];
                for (a, x) in accs[..full].iter_mut().zip(xs) {
                    if T::key_is_nan(key(x)) && !T::key_is_nan(*a) {
                        *a = key(x);
                    }
                }
            }
        }
    }

    /// The extreme of `xs` (a multiple of [`SCAN_LANES`] long), or `None` if `xs` holds a NaN.
    /// The lanes take `x` only when it is strictly better (one max instruction per vector: a
    /// NaN never enters), while a separate set of lanes records whether a NaN went by; that
    /// set is off the lanes' dependency chain, so the scan runs at memory speed where the
    /// NaN-propagating select chain (compare, test, blend) did not. Without a NaN the lanes,
    /// and so the result, are exactly those of [`Extreme::lanes_with_nan`]. The scan, the test
    /// and the fold share one SIMD-level closure: on short rows they are all of the work.
    #[inline(always)]
    fn extreme_without_nan(&self, xs: &[Repr<Self>]) -> Option<T::Key> {
        let start = || ([self.init(); SCAN_LANES], [self.init(); SCAN_LANES]);
        if T::STAGED_KEYS {
            return at_level(
                #[inline(always)]
                || {
                    let (mut lanes, mut nans) = start();
                    let mut buf = [self.init(); CHUNK];
                    for chunk in xs.chunks(CHUNK) {
                        let keys = &mut buf[..chunk.len()];
                        T::keys(chunk, keys);
                        self.scan_skipping_nan(&mut lanes, &mut nans, keys, |k| *k);
                    }
                    self.fold_unless_nan(lanes, nans)
                },
            );
        }
        at_level(
            #[inline(always)]
            || {
                let (mut lanes, mut nans) = start();
                self.scan_skipping_nan(&mut lanes, &mut nans, xs, |x| T::from_repr(*x).key());
                self.fold_unless_nan(lanes, nans)
            },
        )
    }

    /// The lanes folded, or `None` if a lane of `nans` holds a NaN.
    #[inline(always)]
    fn fold_unless_nan(&self, lanes: [T::Key; SCAN_LANES], nans: [T::Key; SCAN_LANES]) -> Option<T::Key> {
        let nan = nans.iter().fold(false, |seen, &k| seen | T::key_is_nan(k));
        // Without NaN, `combine` is this plain select, which compiles to one max instruction.
        let strictly_better = |a: T::Key, b: T::Key| if MAX { b > a } else { b < a };
        (!nan).then(|| fold_lanes(lanes, |a, b| if strictly_better(a, b) { b } else { a }))
    }

    /// The lanes of a scan of `xs` (a multiple of [`SCAN_LANES`] long) that propagates NaN
    /// through [`Reducer::combine`].
    #[inline(always)]
    fn lanes_with_nan(&self, xs: &[Repr<Self>]) -> [T::Key; SCAN_LANES] {
        if T::STAGED_KEYS {
            return at_level(
                #[inline(always)]
                || {
                    let mut lanes = [self.init(); SCAN_LANES];
                    let mut buf = [self.init(); CHUNK];
                    for chunk in xs.chunks(CHUNK) {
                        let keys = &mut buf[..chunk.len()];
                        T::keys(chunk, keys);
                        self.scan(&mut lanes, keys, |k| *k);
                    }
                    lanes
                },
            );
        }
        // The lanes live inside the closure and leave it by value, so in the AVX2/AVX-512
        // copy they stay in registers. (An earlier version scanned into an array owned by the
        // caller, which the copy could only reach through memory: 2-4x slower.)
        at_level(
            #[inline(always)]
            || {
                let mut lanes = [self.init(); SCAN_LANES];
                self.scan(&mut lanes, xs, |x| T::from_repr(*x).key());
                lanes
            },
        )
    }

    /// Absorbs `xs` (a multiple of [`SCAN_LANES`] long) into the lanes, taking a key only
    /// when strictly better, and keeps in `nans` the last NaN key of each lane.
    #[inline(always)]
    fn scan_skipping_nan<V>(
        &self,
        lanes: &mut [T::Key; SCAN_LANES],
        nans: &mut [T::Key; SCAN_LANES],
        xs: &[V],
        key: impl Fn(&V) -> T::Key,
    ) {
        for block in xs.chunks_exact(SCAN_LANES) {
            for ((lane, nan), x) in lanes.iter_mut().zip(nans.iter_mut()).zip(block) {
                (*lane, *nan) = Self::skip_nan_step(*lane, *nan, key(x));
            }
        }
    }

    /// One lane of [`Extreme::scan_skipping_nan`]: `(lane, nan)` after key `k`. The selects are
    /// `select_unpredictable`, so that they stay selects: written `if beats { k } else { lane }`
    /// and stored back through a reference, MIR made each a conditional store, and depending
    /// on what else was inlined LLVM then kept the lanes in memory behind masked stores
    /// (`vmaskmovps`, microcoded on AMD's cores: `max` of 2^20 `f32` took 620 instead of
    /// 40 us in the wheel's LTO build of 2026-12-06).
    #[inline(always)]
    fn skip_nan_step(lane: T::Key, nan: T::Key, k: T::Key) -> (T::Key, T::Key) {
        let beats = if MAX { k > lane } else { k < lane };
        (select_unpredictable(beats, k, lane), select_unpredictable(T::key_is_nan(k), k, nan))
    }

    /// Absorbs `xs` (a multiple of [`SCAN_LANES`] long) into the lanes, element `j` into lane
    /// `j % SCAN_LANES`.
    #[inline(always)]
    fn scan<V>(&self, lanes: &mut [T::Key; SCAN_LANES], xs: &[V], key: impl Fn(&V) -> T::Key) {
        for block in xs.chunks_exact(SCAN_LANES) {
            for (lane, x) in lanes.iter_mut().zip(block) {
                *lane = self.combine(*lane, key(x));
            }
        }
    }
}

/// `if c { a } else { b }`, kept a select for LLVM (see [`Extreme::skip_nan_step`]) where the
/// compiler has `std::hint::select_unpredictable` (1.88; `build.rs` sets the cfg).
#[inline(always)]
fn select_unpredictable<V>(c: bool, a: V, b: V) -> V {
    #[cfg(devarray_select_hint)]
    #[allow(clippy::incompatible_msrv)] // the cfg is set only where the hint is stable
    return std::hint::select_unpredictable(c, a, b);
    #[cfg(not(devarray_select_hint))]
    if c {
        a
    } else {
        b
    }
}

/// Independent accumulators in the min/max/argmin/argmax scans.
const SCAN_LANES: usize = 32;
/// Rows min/max absorb per load and store of an accumulator chunk (over an outer axis).
const ROW_GROUP: usize = 4;
/// Elements per branch-free test in argmin/argmax's search for the extreme's first position.
const FIND_CHUNK: usize = 64;

/// `argmin`/`argmax`: the first index of the extreme (the first NaN if any). The accumulator
/// holds `(value, index)`, index -1 before the first element.
#[derive(Clone)]
struct ArgExtreme<T, const MAX: bool>(std::marker::PhantomData<T>);

impl<T: Classify, const MAX: bool> Reducer for ArgExtreme<T, MAX> {
    type In = T;
    type Acc = (T::Key, i64);
    type Out = i64;
    const LANES: bool = false;
    fn init(&self) -> (T::Key, i64) {
        (if MAX { T::KEY_LOWEST } else { T::KEY_HIGHEST }, -1)
    }
    #[inline(always)]
    fn step(&self, acc: (T::Key, i64), x: T, index: usize) -> (T::Key, i64) {
        let x = x.key();
        if acc.1 < 0 || better::<T, MAX>(x, acc.0) {
            (x, index as i64)
        } else {
            acc
        }
    }
    fn combine(&self, a: (T::Key, i64), b: (T::Key, i64)) -> (T::Key, i64) {
        if a.1 < 0 || (b.1 >= 0 && better::<T, MAX>(b.0, a.0)) {
            b
        } else {
            a
        }
    }
    fn finish(&self, acc: (T::Key, i64)) -> i64 {
        acc.1
    }
    /// Two passes over the run (at most [`PIECE`] elements, so the second reads from cache):
    /// the extreme by the vectorised min/max scan, then the first element equal to it (the
    /// first NaN when it is NaN), searched a chunk at a time.
    fn reduce_run(&self, xs: &[Repr<Self>], base: usize) -> (T::Key, i64) {
        if xs.is_empty() {
            return self.init();
        }
        let extreme = Extreme::<T, MAX>(Default::default()).reduce_run(xs, 0);
        let nan = T::key_is_nan(extreme);
        let is_extreme = |x: &Repr<Self>| {
            let k = T::from_repr(*x).key();
            if nan {
                T::key_is_nan(k)
            } else {
                k == extreme
            }
        };
        let found = at_level(
            #[inline(always)]
            || {
                for (c, chunk) in xs.chunks(FIND_CHUNK).enumerate() {
                    // A branch-free test of the whole chunk first, so the common miss vectorises.
                    if chunk.iter().fold(false, |hit, x| hit | is_extreme(x)) {
                        return chunk.iter().position(is_extreme).map(|pos| c * FIND_CHUNK + pos);
                    }
                }
                None
            },
        );
        let pos = found.expect("the extreme is an element of the run");
        (extreme, (base + pos) as i64)
    }
}

/// An element's truth for `all`/`any`: non-zero (NaN is non-zero; a complex number is non-zero
/// when either part is).
trait Truthy: Element {
    fn is_true(self) -> bool;
}

impl<T: Classify> Truthy for T {
    #[inline(always)]
    fn is_true(self) -> bool {
        self.truthy()
    }
}

/// `all` (`ALL = true`) or `any`.
#[derive(Clone)]
struct Truth<T, const ALL: bool>(std::marker::PhantomData<T>);

impl<T: Truthy, const ALL: bool> Reducer for Truth<T, ALL> {
    type In = T;
    type Acc = bool;
    type Out = bool;
    fn init(&self) -> bool {
        ALL
    }
    #[inline(always)]
    fn step(&self, acc: bool, x: T, _: usize) -> bool {
        if ALL {
            acc & x.is_true()
        } else {
            acc | x.is_true()
        }
    }
    #[inline(always)]
    fn combine(&self, a: bool, b: bool) -> bool {
        if ALL {
            a & b
        } else {
            a | b
        }
    }
    fn finish(&self, acc: bool) -> bool {
        acc
    }
}
