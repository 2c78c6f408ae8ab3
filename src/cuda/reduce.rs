//! Reduction launches (ABI.md "Reduction ABI"): the input is contiguous and viewed as
//! `(outer, r, inner)`; the output holds `outer * inner` values.
//!
//! Kernel choice:
//! - one output (`outer == inner == 1`): `_inner` with a single block when `r` is small (one
//!   launch, no scratch), else `_full1` (one partial per block, into a stream-ordered temporary)
//!   then `_full2` (one block folds the partials in a fixed order: deterministic, no atomics);
//! - `inner == 1`: `_inner`, one block per output row, rows grid-strided;
//! - `inner > 1`: `_outer`, one thread per output column, coalesced along `inner`.

use super::api::LaunchDims;
use super::context::{CudaBuffer, CudaDevice};
use super::launch::{grid_size, kernel_name, RedArgs, RED_BLOCK};
use crate::dtype::{DType, DTypeKind};
use crate::error::{Error, Result};
use std::sync::Arc;

/// The family holding the reduction kernels.
const REDUCE_FAMILY: &str = "reduce";

/// Up to this many elements, a full reduction runs as one `_inner` block: a second launch and
/// a scratch allocation would cost more than they save.
pub(crate) const SINGLE_BLOCK_MAX: usize = 16 * 1024;

/// Elements each `_full1` thread should get per grid-stride step (4 accumulators, each fed by
/// 128-bit loads): sizes the grid of small full reductions.
const FULL_ITEMS_PER_THREAD: u64 = 16;

/// Bytes of one partial in a full reduction's scratch: the widest accumulator the op's kernels
/// use (the 16-byte `{value, i64 index}` pair of `arg*`, the `{sum, compensation}` pair of a
/// float `sum` — 16 bytes for f64 — else an 8-byte `f64`/`i64`/`u64`); complex: a
/// `{sum, compensation}` pair per part (32 bytes for c128), or the element for `prod`.
fn partial_bytes(op: &str, dtype: DType) -> usize {
    if dtype.is_complex() && (op == "sum" || op == "prod") {
        let part = dtype.itemsize() / 2;
        return if op == "sum" { 4 * part } else { 2 * part };
    }
    if op.starts_with("arg") || op == "sum" {
        16
    } else {
        8
    }
}

/// One reduction to launch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reduction<'a> {
    /// The op as named in kernels: `sum prod min max argmin argmax all any` (a mean is `sum`
    /// with `divisor`).
    pub(crate) op: &'a str,
    /// The input dtype: selects the module (`reduce/<tag>`) and the kernel name.
    pub(crate) dtype: DType,
    /// The contiguous input, starting `input_offset_bytes` into `input`.
    pub(crate) input: &'a CudaBuffer,
    /// Byte offset of the first input element.
    pub(crate) input_offset_bytes: usize,
    /// Leading (kept) extent.
    pub(crate) outer: usize,
    /// Reduced extent.
    pub(crate) r: usize,
    /// Trailing (kept) extent.
    pub(crate) inner: usize,
    /// Where the `outer * inner` results go, contiguous, of dtype [`reduction_out_dtype`].
    pub(crate) out: &'a CudaBuffer,
    /// Byte offset of the first result.
    pub(crate) out_offset_bytes: usize,
    /// `0`: none; else each result is `acc / divisor` (mean; integer division for integer
    /// accumulators).
    pub(crate) divisor: u64,
}

/// The dtype a reduction kernel writes (ABI.md): `sum`/`prod` keep float dtypes and widen
/// integers and `bool` to `i64` (unsigned: `u64`); `min`/`max` keep the dtype; `arg*` write
/// `i64`; `all`/`any` write `bool`.
pub(crate) fn reduction_out_dtype(op: &str, dtype: DType) -> Result<DType> {
    Ok(match op {
        "sum" | "prod" if dtype.is_float() || dtype.is_complex() => dtype,
        "min" | "max" | "argmin" | "argmax" if dtype.is_complex() => {
            return Err(Error::UnsupportedDType {
                op: "reduction",
                dtype,
                hint: format!("; {op} needs an order, and complex numbers have none"),
            })
        }
        "sum" | "prod" if dtype.kind() == DTypeKind::UnsignedInt => DType::U64,
        "sum" | "prod" => DType::I64,
        "min" | "max" => dtype,
        "argmin" | "argmax" => DType::I64,
        "all" | "any" => DType::Bool,
        _ => {
            return Err(Error::invalid(
                "reduction",
                format!("unknown reduction {op:?}; expected sum, prod, min, max, argmin, argmax, all or any"),
            ))
        }
    })
}

/// Rows at least this long, when there are at most [`FEW_ROWS`] of them, are reduced one at a
/// time by the full (whole-GPU) kernels: `_inner` would give each row one SM, leaving most of the
/// GPU idle for the ~100 µs a 4 MiB row takes on one SM, while two launches per row cost ~5 µs.
const LONG_ROW: usize = 1 << 20;
/// See [`LONG_ROW`].
const FEW_ROWS: usize = 16;

/// Which kernel(s) a reduction uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RedPath {
    /// `_full1` + `_full2` over everything (one output).
    Full,
    /// `_full1` + `_full2` once per row (`inner == 1`, a few long rows).
    FullPerRow,
    /// `_inner`.
    Inner,
    /// `_outer`.
    Outer,
}

/// The kernel(s) for an `(outer, r, inner)` problem with at least one output.
pub(crate) fn reduction_path(outer: usize, r: usize, inner: usize) -> RedPath {
    if inner > 1 {
        RedPath::Outer
    } else if outer == 1 && r > SINGLE_BLOCK_MAX {
        RedPath::Full
    } else if outer <= FEW_ROWS && r >= LONG_ROW {
        RedPath::FullPerRow
    } else {
        RedPath::Inner
    }
}

/// Threads' worth of work for `_inner`/`_outer` grids, mirroring the kernels' mapping: `_inner`
/// gives each row a warp when `r < 2048` and a block otherwise; `_outer` gives a block 256
/// columns when `r < 64` and 32 columns × 8 row slices otherwise.
fn row_kernel_threads(path: RedPath, rows_or_cols: u64, r: u64) -> u64 {
    match path {
        RedPath::Inner if r < 2048 => rows_or_cols * 32,
        RedPath::Inner => rows_or_cols * u64::from(RED_BLOCK),
        RedPath::Outer if r >= 64 => rows_or_cols * 8,
        _ => rows_or_cols,
    }
}

/// Launches a reduction. Empty inputs (`r == 0`) give the op's identity (the caller refuses
/// empty `min`/`max`/`arg*`); no outputs is a no-op.
///
/// **Errors**: an unknown op, views outside their buffers or on another device, overflowing
/// sizes ([`Error::InvalidArgument`], [`Error::DeviceMismatch`]); kernel and launch failures.
pub(crate) fn launch_reduction(dev: &Arc<CudaDevice>, red: &Reduction<'_>) -> Result<()> {
    const OP: &str = "reduction";
    let out_dtype = reduction_out_dtype(red.op, red.dtype)?;
    let overflow = || Error::invalid(OP, format!("sizes {}×{}×{} overflow", red.outer, red.r, red.inner));
    let n_out = red.outer.checked_mul(red.inner).ok_or_else(overflow)?;
    let n_in = n_out.checked_mul(red.r).ok_or_else(overflow)?;
    let input = check_range(OP, dev, red.input, red.input_offset_bytes, n_in, red.dtype.itemsize())?;
    let out = check_range(OP, dev, red.out, red.out_offset_bytes, n_out, out_dtype.itemsize())?;
    if n_out == 0 {
        return Ok(());
    }
    let args = RedArgs {
        input,
        out,
        partials: 0,
        outer: red.outer as u64,
        r: red.r as u64,
        inner: red.inner as u64,
        divisor: red.divisor,
    };
    let path = reduction_path(red.outer, red.r, red.inner);
    match path {
        RedPath::Inner | RedPath::Outer => {
            let threads = row_kernel_threads(path, n_out as u64, red.r as u64);
            let name = if path == RedPath::Inner { "inner" } else { "outer" };
            launch(dev, red, name, grid_size(threads, RED_BLOCK, dev.grid_limits()), &args)
        }
        RedPath::Full => launch_full(dev, red, &args),
        RedPath::FullPerRow => {
            let (in_row, out_row) = ((red.r * red.dtype.itemsize()) as u64, out_dtype.itemsize() as u64);
            for row in 0..red.outer as u64 {
                let one = RedArgs { input: input + row * in_row, out: out + row * out_row, outer: 1, ..args };
                launch_full(dev, red, &one)?;
            }
            Ok(())
        }
    }
}

/// `_full1` (one partial per block into a scratch buffer) then, with more than one block,
/// `_full2` folding the partials into `out[0]`. `args` describes a single output.
fn launch_full(dev: &Arc<CudaDevice>, red: &Reduction<'_>, args: &RedArgs) -> Result<()> {
    debug_assert!(args.outer == 1 && args.inner == 1);
    let n = args.outer * args.r * args.inner;
    let grid = grid_size(n.div_ceil(FULL_ITEMS_PER_THREAD), RED_BLOCK, dev.grid_limits());
    let scratch = dev.alloc(grid as usize * partial_bytes(red.op, red.dtype))?;
    let partials = scratch.device_ptr();
    launch(dev, red, "full1", grid, &RedArgs { partials, ..*args })?;
    if grid > 1 {
        // With one block, `_full1` has already written the result.
        let pass2 = RedArgs { partials, outer: 1, r: u64::from(grid), inner: 1, ..*args };
        launch(dev, red, "full2", 1, &pass2)?;
    }
    Ok(()) // `scratch` is freed here, in stream order after the launches.
}

/// Checks that `count` elements of `itemsize` bytes from `offset` lie in `buf` on `dev`;
/// returns the device address of the first.
pub(crate) fn check_range(
    op: &'static str,
    dev: &Arc<CudaDevice>,
    buf: &CudaBuffer,
    offset: usize,
    count: usize,
    itemsize: usize,
) -> Result<u64> {
    if !Arc::ptr_eq(buf.device(), dev) {
        return Err(Error::DeviceMismatch { op, lhs: dev.device(), rhs: buf.device().device() });
    }
    let end = count.checked_mul(itemsize).and_then(|b| b.checked_add(offset));
    match end {
        Some(end) if end <= buf.len_bytes() => {
            // The launch that follows uses `buf` on the current stream: order its free after it.
            buf.record_use();
            Ok(buf.device_ptr().wrapping_add(offset as u64))
        }
        _ => Err(Error::invalid(
            op,
            format!(
                "{count} elements of {itemsize} bytes at byte {offset} exceed a buffer of {} bytes",
                buf.len_bytes()
            ),
        )),
    }
}

/// One reduction kernel launch, `{op}_{tag}_{path}` with `grid` blocks of [`RED_BLOCK`].
fn launch(dev: &Arc<CudaDevice>, red: &Reduction<'_>, path: &str, grid: u32, args: &RedArgs) -> Result<()> {
    let name = kernel_name(red.op, &[red.dtype.tag(), path]);
    let f = dev.function(REDUCE_FAMILY, red.dtype, &name)?;
    // SAFETY: `f` has the reduction ABI (one RedArgs); `check_range` verified that the whole
    // input and output ranges lie in live buffers on this device, and `args` (the whole problem,
    // or one row of it) stays inside them; a full reduction's scratch holds a 16- or 8-byte slot
    // (the widest partial) per block of pass 1, which is what pass 2 reads; all buffers are
    // freed only in stream order after these launches.
    unsafe { dev.launch(f, LaunchDims::linear(grid, RED_BLOCK), &[bytemuck::bytes_of(args)]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_abi() {
        assert_eq!(reduction_path(1, 10, 1), RedPath::Inner);
        assert_eq!(reduction_path(1, SINGLE_BLOCK_MAX + 1, 1), RedPath::Full);
        assert_eq!(reduction_path(7, 1 << 30, 1), RedPath::FullPerRow);
        assert_eq!(reduction_path(FEW_ROWS + 1, 1 << 30, 1), RedPath::Inner);
        assert_eq!(reduction_path(7, LONG_ROW - 1, 1), RedPath::Inner);
        assert_eq!(reduction_path(1, 5, 3), RedPath::Outer);
        assert_eq!(reduction_path(4, 0, 2), RedPath::Outer);
    }

    #[test]
    fn grids_mirror_the_kernels_thread_mapping() {
        assert_eq!(row_kernel_threads(RedPath::Inner, 10, 100), 320, "a warp per short row");
        assert_eq!(row_kernel_threads(RedPath::Inner, 10, 4096), 2560, "a block per long row");
        assert_eq!(row_kernel_threads(RedPath::Outer, 512, 10), 512, "a thread per column");
        assert_eq!(row_kernel_threads(RedPath::Outer, 512, 100), 4096, "8 row slices per column");
    }

    #[test]
    fn scratch_holds_the_widest_partial() {
        assert_eq!(partial_bytes("sum", DType::F64), 16);
        assert_eq!(partial_bytes("argmax", DType::I8), 16);
        assert_eq!(partial_bytes("argmin", DType::F32), 16);
        assert_eq!(partial_bytes("sum", DType::C128), 32);
        assert_eq!(partial_bytes("prod", DType::C64), 8);
    }

    #[test]
    fn output_dtypes_follow_the_abi() {
        let out = |op, d| reduction_out_dtype(op, d).unwrap();
        assert_eq!(out("sum", DType::F16), DType::F16);
        assert_eq!(out("prod", DType::I8), DType::I64);
        assert_eq!(out("sum", DType::Bool), DType::I64);
        assert_eq!(out("sum", DType::U16), DType::U64);
        assert_eq!(out("max", DType::BF16), DType::BF16);
        assert_eq!(out("argmin", DType::F64), DType::I64);
        assert_eq!(out("any", DType::F32), DType::Bool);
        assert!(reduction_out_dtype("mean", DType::F32).is_err());
    }
}
