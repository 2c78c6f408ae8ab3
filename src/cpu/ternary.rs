//! `where` and `clip` on the CPU, driven by [`map3`](super::elementwise::map3).

use super::elementwise::map3;
use super::math::{dispatch_float, dispatch_int, FloatElem, Real};
use super::CpuBuffer;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::Layout;
use crate::vocab::Input;

type Args<'a> = [Input<'a, CpuBuffer>; 3];
type View<'a> = (&'a CpuBuffer, &'a Layout);

/// `dst = cond ? a : b` with `cond` of `bool` and `a`, `b` of `dtype`.
pub(crate) fn where_(dtype: DType, inputs: Args<'_>, dst: View<'_>) -> Result<()> {
    crate::dispatch_dtype!(dtype, T => map3(inputs, dst, |c: bool, x: T, y: T| if c { x } else { y }));
    Ok(())
}

/// `dst = min(max(x, lo), hi)` with NumPy's `clip` rules: NaN in any operand propagates, and
/// `lo > hi` gives `hi`.
pub(crate) fn clip(dtype: DType, inputs: Args<'_>, dst: View<'_>) -> Result<()> {
    dispatch_float!(dtype, T => map3(inputs, dst, |x: T, lo: T, hi: T| {
        T::from_c(clip_float(x.to_c(), lo.to_c(), hi.to_c()))
    }), else dispatch_int!(dtype, T => map3(inputs, dst, |x: T, lo: T, hi: T| x.max(lo).min(hi)), else {
        map3(inputs, dst, |x: bool, lo: bool, hi: bool| (x | lo) & hi)
    }));
    Ok(())
}

/// NumPy's `clip` for floats: a bound replaces `x` only when strictly beyond it (so
/// `clip(-0.0, 0.0, …)` stays `-0.0`), and a NaN anywhere gives NaN.
#[inline(always)]
fn clip_float<C: Real>(x: C, lo: C, hi: C) -> C {
    let m = if lo.is_nan() || lo > x { lo } else { x };
    if hi.is_nan() || hi < m {
        hi
    } else {
        m
    }
}
