//! The elementwise drivers every CPU op kernel is built from: `map1`, `map2` and `map3` apply a
//! closure over views (or scalar values) into a fresh contiguous output, through the
//! [`for_each_row`] engine (dimension collapsing, rayon splitting), holding the CPU queue.
//!
//! Row loops take a slice fast path when operands are contiguous (or, for `map2`, when one
//! operand is a broadcast value), so LLVM can vectorise them.

use super::math::vector::at_level;
use super::parallel::PAR_CHUNK;
use super::strided::{as_slice, as_slice_mut, for_each_row, for_each_row_grain, Operand};
use super::{queue, view_ptr, CpuBuffer};
use crate::dtype::Element;
use crate::layout::Layout;
use crate::vocab::Input;
use std::borrow::Cow;

/// One input resolved to a pointer and element strides; a scalar lives in a box that stays put
/// for the duration of the call and is read through zero strides. A view's strides are
/// borrowed, so binding allocates nothing but a scalar's box (this is on every op's path).
pub(super) struct Bound<'a, R> {
    ptr: *mut u8,
    strides: Cow<'a, [isize]>,
    _scalar: Option<Box<R>>,
}

/// Zero strides for a scalar operand of up to this many dimensions, without allocating.
const ZERO_STRIDES: [isize; 16] = [0; 16];

pub(super) fn bind<'a, T: Element>(input: &Input<'a, CpuBuffer>, ndim: usize) -> Bound<'a, T::Repr> {
    match *input {
        Input::View(buf, layout) => {
            debug_assert_eq!(layout.ndim(), ndim, "inputs are broadcast to the output's shape first");
            let ptr = view_ptr(buf, layout, T::DTYPE.itemsize());
            Bound { ptr, strides: Cow::Borrowed(layout.strides()), _scalar: None }
        }
        Input::Scalar(s) => {
            let value = Box::new(T::from_scalar(s).to_repr());
            let strides = match ZERO_STRIDES.get(..ndim) {
                Some(zeros) => Cow::Borrowed(zeros),
                None => Cow::Owned(vec![0; ndim]),
            };
            Bound { ptr: &*value as *const T::Repr as *mut u8, strides, _scalar: Some(value) }
        }
    }
}

impl<R> Bound<'_, R> {
    pub(super) fn operand(&self, itemsize: usize) -> Operand<'_> {
        Operand { ptr: self.ptr, strides: &self.strides, itemsize }
    }
}

pub(super) fn out_operand<'a, O: Element>(dst: (&CpuBuffer, &'a Layout)) -> Operand<'a> {
    Operand {
        ptr: view_ptr(dst.0, dst.1, O::DTYPE.itemsize()),
        strides: dst.1.strides(),
        itemsize: O::DTYPE.itemsize(),
    }
}

/// Reads element `i` of a strided row.
///
/// # Safety
/// `p + i * stride` must address a valid element.
#[inline(always)]
pub(super) unsafe fn load<T: Element>(p: *mut u8, stride: isize, i: usize) -> T {
    // SAFETY: the caller's contract.
    T::from_repr(unsafe { (p.offset(i as isize * stride) as *const T::Repr).read() })
}

/// Writes element `i` of a strided row.
///
/// # Safety
/// `p + i * stride` must address a valid element nobody else accesses.
#[inline(always)]
pub(super) unsafe fn store<T: Element>(p: *mut u8, stride: isize, i: usize, v: T) {
    // SAFETY: the caller's contract.
    unsafe { (p.offset(i as isize * stride) as *mut T::Repr).write(v.to_repr()) }
}

/// `dst[i] = f(src[i])` for a view `src` of `I` into the fresh contiguous `dst` of `O`.
pub(crate) fn map1<I: Element, O: Element>(
    src: (&CpuBuffer, &Layout),
    dst: (&CpuBuffer, &Layout),
    f: impl Fn(I) -> O + Sync,
) {
    map1_grain(src, dst, PAR_CHUNK, f)
}

/// [`map1`] with `grain` elements per parallel task (see [`for_each_row_grain`]).
pub(crate) fn map1_grain<I: Element, O: Element>(
    src: (&CpuBuffer, &Layout),
    dst: (&CpuBuffer, &Layout),
    grain: usize,
    f: impl Fn(I) -> O + Sync,
) {
    let shape = dst.1.shape();
    let a = bind::<I>(&Input::View(src.0, src.1), shape.len());
    let out = out_operand::<O>(dst);
    let _q = queue();
    // SAFETY: `src` lies in its buffer (an Array invariant) and `dst` is a fresh buffer that
    // overlaps no input; the queue excludes other access.
    unsafe {
        for_each_row_grain(shape, [out, a.operand(I::DTYPE.itemsize())], grain, |[po, pa], [so, sa], len| {
            match (as_slice_mut::<O::Repr>(po, so, len), as_slice::<I::Repr>(pa, sa, len)) {
                (Some(o), Some(x)) => o.iter_mut().zip(x).for_each(|(o, &x)| *o = f(I::from_repr(x)).to_repr()),
                _ => (0..len).for_each(|i| store(po, so, i, f(load::<I>(pa, sa, i)))),
            }
        });
    }
}

/// `dst[i] = f(a[i], b[i])` where each input is a view broadcast to `dst`'s shape or a value.
pub(crate) fn map2<A: Element, B: Element, O: Element>(
    a: Input<'_, CpuBuffer>,
    b: Input<'_, CpuBuffer>,
    dst: (&CpuBuffer, &Layout),
    f: impl Fn(A, B) -> O + Sync,
) {
    map2_grain(a, b, dst, PAR_CHUNK, f)
}

/// [`map2`] with `grain` elements per parallel task (see [`for_each_row_grain`]).
pub(crate) fn map2_grain<A: Element, B: Element, O: Element>(
    a: Input<'_, CpuBuffer>,
    b: Input<'_, CpuBuffer>,
    dst: (&CpuBuffer, &Layout),
    grain: usize,
    f: impl Fn(A, B) -> O + Sync,
) {
    map2_rows::<false, A, B, O>(a, b, dst, grain, f)
}

/// [`map2_grain`] with each row compiled for the run-time SIMD level ([`at_level`]), for
/// element types whose conversions vectorise well only with wide registers (bfloat16's
/// rounding narrow: bfloat16 `add` 1.55x faster on AVX-512 than in SSE2). Not the default: every
/// loop would exist three times over for ops that are memory-bound anyway.
pub(crate) fn map2_grain_at_level<A: Element, B: Element, O: Element>(
    a: Input<'_, CpuBuffer>,
    b: Input<'_, CpuBuffer>,
    dst: (&CpuBuffer, &Layout),
    grain: usize,
    f: impl Fn(A, B) -> O + Sync,
) {
    map2_rows::<true, A, B, O>(a, b, dst, grain, f)
}

/// The body of [`map2_grain`] (`AT_LEVEL` false) and [`map2_grain_at_level`]; a const, so the
/// plain loops carry no SIMD-level copies.
fn map2_rows<const AT_LEVEL: bool, A: Element, B: Element, O: Element>(
    a: Input<'_, CpuBuffer>,
    b: Input<'_, CpuBuffer>,
    dst: (&CpuBuffer, &Layout),
    grain: usize,
    f: impl Fn(A, B) -> O + Sync,
) {
    let shape = dst.1.shape();
    let (a, b) = (bind::<A>(&a, shape.len()), bind::<B>(&b, shape.len()));
    let out = out_operand::<O>(dst);
    let ops = [out, a.operand(A::DTYPE.itemsize()), b.operand(B::DTYPE.itemsize())];
    let _q = queue();
    // SAFETY: as in `map1`; scalar inputs are boxed values read through zero strides.
    unsafe {
        for_each_row_grain(shape, ops, grain, |p, s, len| {
            if AT_LEVEL {
                at_level(
                    #[inline(always)]
                    || row2(&f, p, s, len),
                )
            } else {
                row2(&f, p, s, len)
            }
        })
    }
}

/// One row of [`map2`], with slice loops for the contiguous and broadcast-value cases.
///
/// # Safety
/// [`for_each_row`]'s row contract.
#[inline(always)]
unsafe fn row2<A: Element, B: Element, O: Element>(
    f: &impl Fn(A, B) -> O,
    [po, pa, pb]: [*mut u8; 3],
    [so, sa, sb]: [isize; 3],
    len: usize,
) {
    // SAFETY (whole body): the caller's contract; slices are only formed for unit strides.
    unsafe {
        let Some(o) = as_slice_mut::<O::Repr>(po, so, len) else {
            return (0..len).for_each(|i| store(po, so, i, f(load::<A>(pa, sa, i), load::<B>(pb, sb, i))));
        };
        match (as_slice::<A::Repr>(pa, sa, len), as_slice::<B::Repr>(pb, sb, len)) {
            (Some(x), Some(y)) => {
                for ((o, &x), &y) in o.iter_mut().zip(x).zip(y) {
                    *o = f(A::from_repr(x), B::from_repr(y)).to_repr();
                }
            }
            (Some(x), None) if sb == 0 => {
                let y = load::<B>(pb, 0, 0);
                o.iter_mut().zip(x).for_each(|(o, &x)| *o = f(A::from_repr(x), y).to_repr());
            }
            (None, Some(y)) if sa == 0 => {
                let x = load::<A>(pa, 0, 0);
                o.iter_mut().zip(y).for_each(|(o, &y)| *o = f(x, B::from_repr(y)).to_repr());
            }
            _ => o.iter_mut().enumerate().for_each(|(i, o)| *o = f(load(pa, sa, i), load(pb, sb, i)).to_repr()),
        }
    }
}

/// `dst[i] = f(a[i], b[i], c[i])` where each input is a view broadcast to `dst`'s shape or a
/// value.
pub(crate) fn map3<A: Element, B: Element, C: Element, O: Element>(
    inputs: [Input<'_, CpuBuffer>; 3],
    dst: (&CpuBuffer, &Layout),
    f: impl Fn(A, B, C) -> O + Sync,
) {
    let shape = dst.1.shape();
    let [a, b, c] = inputs;
    let (a, b, c) = (bind::<A>(&a, shape.len()), bind::<B>(&b, shape.len()), bind::<C>(&c, shape.len()));
    let out = out_operand::<O>(dst);
    let ops = [out, a.operand(A::DTYPE.itemsize()), b.operand(B::DTYPE.itemsize()), c.operand(C::DTYPE.itemsize())];
    let _q = queue();
    // SAFETY: as in `map2`.
    unsafe { for_each_row(shape, ops, |p, s, len| row3(&f, p, s, len)) }
}

/// Elements per chunk of [`row3`]'s slice loop (the size of its splat buffers).
const SPLAT: usize = 256;

/// A run of `n` elements from `start` of a row: the row itself when contiguous, else the splat
/// buffer holding a zero-stride input's value.
///
/// # Safety
/// Without a splat buffer, `p` must be valid for `start + n` contiguous elements.
#[inline(always)]
unsafe fn run_of<R: Copy>(splat: &Option<[R; SPLAT]>, p: *mut u8, start: usize, n: usize) -> &[R] {
    match splat {
        Some(values) => &values[..n],
        // SAFETY: the caller's contract.
        None => unsafe { std::slice::from_raw_parts((p as *const R).add(start), n) },
    }
}

/// One row of [`map3`]: when every input is contiguous or a broadcast value, a slice loop over
/// chunks, with broadcast values copied into splat buffers so the loop still vectorises.
///
/// # Safety
/// [`for_each_row`]'s row contract.
#[inline(always)]
unsafe fn row3<A: Element, B: Element, C: Element, O: Element>(
    f: &impl Fn(A, B, C) -> O,
    [po, pa, pb, pc]: [*mut u8; 4],
    [so, sa, sb, sc]: [isize; 4],
    len: usize,
) {
    let unit_or_zero = |s: isize, size: usize| s == 0 || s == size as isize;
    let sliceable = unit_or_zero(sa, size_of::<A::Repr>())
        && unit_or_zero(sb, size_of::<B::Repr>())
        && unit_or_zero(sc, size_of::<C::Repr>());
    // SAFETY (whole body): the caller's contract; runs are formed only for unit strides.
    unsafe {
        let Some(o) = as_slice_mut::<O::Repr>(po, so, len).filter(|_| sliceable) else {
            return (0..len).for_each(|i| store(po, so, i, f(load(pa, sa, i), load(pb, sb, i), load(pc, sc, i))));
        };
        let splat_a = (sa == 0).then(|| [(pa as *const A::Repr).read(); SPLAT]);
        let splat_b = (sb == 0).then(|| [(pb as *const B::Repr).read(); SPLAT]);
        let splat_c = (sc == 0).then(|| [(pc as *const C::Repr).read(); SPLAT]);
        for (k, o) in o.chunks_mut(SPLAT).enumerate() {
            let (start, n) = (k * SPLAT, o.len());
            let (x, y, z) =
                (run_of(&splat_a, pa, start, n), run_of(&splat_b, pb, start, n), run_of(&splat_c, pc, start, n));
            for (((o, &x), &y), &z) in o.iter_mut().zip(x).zip(y).zip(z) {
                *o = f(A::from_repr(x), B::from_repr(y), C::from_repr(z)).to_repr();
            }
        }
    }
}
