//! Gather and scatter launches (`gather_*`/`scatter_*` of `kernels/gather.cu`): every position
//! `i` of the shared shape reads (gather) or writes (scatter) the element at
//! `base + basic(i) + table[i]`, `table` an `i64` view of element offsets.
//!
//! The host checks the views and, from the range the table's values lie in, that every element
//! the kernel can reach lies inside the indexed buffer.

use super::context::{CudaBuffer, CudaDevice};
use super::elementwise::{check_view, launch_with_paths, tag_for_itemsize, EwInput};
use super::launch::kernel_name;
use crate::error::{Error, Result};
use crate::layout::Layout;
use std::sync::Arc;

/// The family holding `gather_*` and `scatter_*`.
const FAMILY: &str = "gather";

/// One view taking part: its buffer and its layout.
pub(crate) type View<'a> = (&'a CudaBuffer, &'a Layout);

/// Checks that `view` shifted by any table value in `reach` (elements) stays in its buffer.
fn check_reach(op: &'static str, dev: &Arc<CudaDevice>, view: View<'_>, reach: (i64, i64), isz: usize) -> Result<()> {
    let (_, lo, hi) = check_view(op, dev, view.0, view.1, isz)?;
    if view.1.numel() == 0 {
        return Ok(());
    }
    let start = view.0.device_ptr() as i128;
    let end = start + view.0.len_bytes() as i128;
    let (first, last) = (lo as i128 + reach.0 as i128 * isz as i128, hi as i128 + reach.1 as i128 * isz as i128);
    if first < start || last > end {
        return Err(Error::invalid(op, format!("offsets {}..={} reach outside the buffer", reach.0, reach.1)));
    }
    Ok(())
}

/// `out[i] = src[src_basic(i) + table[i]]` over `out`'s shape.
///
/// # Safety
/// Every value of `table` lies in `reach` (the element range checked against `src`'s buffer);
/// `out` does not overlap `src` or `table`.
pub(crate) unsafe fn gather(
    src: View<'_>,
    table: View<'_>,
    reach: (i64, i64),
    out: View<'_>,
    itemsize: usize,
) -> Result<()> {
    const OP: &str = "gather";
    let dev = out.0.device().clone();
    check_reach(OP, &dev, src, reach, itemsize)?;
    let tag = tag_for_itemsize(OP, itemsize)?;
    let kernel = kernel_name("gather", &[tag.tag()]);
    let inputs = [EwInput::Array(src.0, src.1, itemsize), EwInput::Array(table.0, table.1, 8)];
    launch_with_paths(&dev, (FAMILY, tag, &kernel), (out.0, out.1, itemsize), &inputs, false)
}

/// `dst[dst_basic(i) + table[i]] = values[i]` over `dst`'s shape. With repeated offsets, one of
/// the values is written (unspecified which).
///
/// # Safety
/// As [`gather`], with `dst` in the role of `src`; `values` and `table` do not overlap `dst`.
pub(crate) unsafe fn scatter(
    values: View<'_>,
    table: View<'_>,
    reach: (i64, i64),
    dst: View<'_>,
    itemsize: usize,
) -> Result<()> {
    const OP: &str = "scatter";
    let dev = dst.0.device().clone();
    check_reach(OP, &dev, dst, reach, itemsize)?;
    let tag = tag_for_itemsize(OP, itemsize)?;
    let kernel = kernel_name("scatter", &[tag.tag()]);
    let inputs = [EwInput::Array(values.0, values.1, itemsize), EwInput::Array(table.0, table.1, 8)];
    launch_with_paths(&dev, (FAMILY, tag, &kernel), (dst.0, dst.1, itemsize), &inputs, false)
}
