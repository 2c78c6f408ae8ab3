//! Scan launches (ABI.md "Scan ABI"): cumulative sums and products of a contiguous input viewed
//! as `(outer, r, inner)`, scanned along `r` into a contiguous output of the same dtype.
//!
//! Kernel choice (a three-phase reduce-then-scan design, not a single-pass decoupled look-back:
//! no block ever waits on another, so there is no inter-block protocol to get wrong):
//! - `inner > 1`: `_cols`, a thread per `(o, i)` column walking `r` in order (NumPy's order);
//! - `inner == 1`, a few long rows: `_up` (one total per chunk of [`CHUNK`] elements into a
//!   stream-ordered scratch), `_mid` (those totals scanned exclusively, one block per row), `_down`
//!   (every chunk scanned from its total's prefix), so a 2^24-element row uses the whole GPU;
//! - otherwise `_rows`, one block per row.
//!
//! Every split depends on the shape only (never the device), so float results are reproducible
//! across GPUs; no atomics.

use super::api::LaunchDims;
use super::context::{CudaBuffer, CudaDevice};
use super::launch::{grid_size, kernel_name};
use super::reduce::check_range;
use crate::dtype::DType;
use crate::error::{Error, Result};
use bytemuck::{Pod, Zeroable};
use std::sync::Arc;

/// The family holding the scan kernels.
const SCAN_FAMILY: &str = "scan";
/// Threads per block of every scan kernel (`DA_SCAN_BLOCK`).
pub(crate) const SCAN_BLOCK: u32 = 256;
/// Elements a block scans per step (`DA_SCAN_TILE`).
pub(crate) const SCAN_TILE: usize = 2048;
/// Elements per chunk of the three-phase path: a multiple of the tile.
pub(crate) const CHUNK: usize = 4 * SCAN_TILE;
/// Rows shorter than this stay on `_rows` (one block per row).
const LONG_ROW: usize = 2 * CHUNK;
/// With this many rows or more, `_rows` already fills the GPU.
const MANY_ROWS: usize = 128;

/// `struct ScanArgs` of `kernels/scan.cu`, the kernels' only parameter.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct ScanArgs {
    pub(crate) input: u64,
    pub(crate) out: u64,
    pub(crate) partials: u64,
    pub(crate) outer: u64,
    pub(crate) r: u64,
    pub(crate) inner: u64,
    pub(crate) chunk: u64,
}

const _: () = assert!(std::mem::size_of::<ScanArgs>() == 56);

/// Which kernels a scan uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScanPath {
    /// `_cols`.
    Cols,
    /// `_rows`.
    Rows,
    /// `_up`, `_mid`, `_down`.
    ThreePhase,
}

/// The kernels for an `(outer, r, inner)` problem with at least one element.
pub(crate) fn scan_path(outer: usize, r: usize, inner: usize) -> ScanPath {
    if inner > 1 {
        ScanPath::Cols
    } else if r >= LONG_ROW && outer < MANY_ROWS {
        ScanPath::ThreePhase
    } else {
        ScanPath::Rows
    }
}

/// One scan to launch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scan<'a> {
    /// `cumsum` or `cumprod`.
    pub(crate) op: &'a str,
    /// The dtype of input and output (not float16/bfloat16: the op layer scans those in f32).
    pub(crate) dtype: DType,
    /// The contiguous input and the byte offset of its first element.
    pub(crate) input: (&'a CudaBuffer, usize),
    /// The contiguous output and the byte offset of its first element.
    pub(crate) out: (&'a CudaBuffer, usize),
    /// `(outer, r, inner)`.
    pub(crate) dims: (usize, usize, usize),
}

/// Launches a scan. No elements is a no-op.
///
/// **Errors**: an unsupported dtype, views outside their buffers or on another device,
/// overflowing sizes; kernel and launch failures.
pub(crate) fn launch_scan(dev: &Arc<CudaDevice>, scan: &Scan<'_>) -> Result<()> {
    const OP: &str = "scan";
    if matches!(scan.dtype, DType::F16 | DType::BF16) {
        return Err(Error::UnsupportedDType {
            op: OP,
            dtype: scan.dtype,
            hint: "; 16-bit floats are scanned in float32 (the op layer converts)".into(),
        });
    }
    let (outer, r, inner) = scan.dims;
    let overflow = || Error::invalid(OP, format!("sizes {outer}×{r}×{inner} overflow"));
    let n = outer.checked_mul(r).and_then(|v| v.checked_mul(inner)).ok_or_else(overflow)?;
    let item = scan.dtype.itemsize();
    let input = check_range(OP, dev, scan.input.0, scan.input.1, n, item)?;
    let out = check_range(OP, dev, scan.out.0, scan.out.1, n, item)?;
    if n == 0 {
        return Ok(());
    }
    if item == 16 && (input % 16 != 0 || out % 16 != 0) {
        return scan_staged(dev, scan, n);
    }
    let args = ScanArgs {
        input,
        out,
        partials: 0,
        outer: outer as u64,
        r: r as u64,
        inner: inner as u64,
        chunk: CHUNK as u64,
    };
    let limits = dev.grid_limits();
    match scan_path(outer, r, inner) {
        ScanPath::Cols => launch(dev, scan, "cols", grid_size((outer * inner) as u64, SCAN_BLOCK, limits), &args),
        ScanPath::Rows => {
            let grid = grid_size(outer as u64 * u64::from(SCAN_BLOCK), SCAN_BLOCK, limits);
            launch(dev, scan, "rows", grid, &args)
        }
        ScanPath::ThreePhase => {
            let units = outer * r.div_ceil(CHUNK);
            let scratch = dev.alloc(units * item)?;
            let with = ScanArgs { partials: scratch.device_ptr(), ..args };
            let per_unit = |count: usize| grid_size(count as u64 * u64::from(SCAN_BLOCK), SCAN_BLOCK, limits);
            launch(dev, scan, "up", per_unit(units), &with)?;
            launch(dev, scan, "mid", per_unit(outer), &with)?;
            launch(dev, scan, "down", per_unit(units), &with)
            // `scratch` is freed here, in stream order after the launches.
        }
    }
}

/// [`launch_scan`] for 16-byte elements (complex128) not 16-byte aligned (an 8-byte aligned
/// import): the kernels access them as 16-byte values, so the scan runs on aligned copies (fresh
/// allocations), copied in and out in stream order.
fn scan_staged(dev: &Arc<CudaDevice>, scan: &Scan<'_>, n: usize) -> Result<()> {
    let bytes = n * 16;
    let (tmp_in, tmp_out) = (dev.alloc(bytes)?, dev.alloc(bytes)?);
    let at = |(buf, off): (&CudaBuffer, usize)| buf.device_ptr() + off as u64;
    // SAFETY: `launch_scan` checked that `n` elements from each view's offset lie in its live
    // buffer; the temporaries are fresh allocations of `n` elements; the copies are queued on
    // the current stream, in order with the launches, and the buffers are freed in stream order.
    unsafe { dev.api().copy_dtod(tmp_in.device_ptr(), at(scan.input), bytes, dev.current_stream()) }?;
    let staged = Scan { input: (&tmp_in, 0), out: (&tmp_out, 0), ..*scan };
    launch_scan(dev, &staged)?;
    // SAFETY: as above.
    unsafe { dev.api().copy_dtod(at(scan.out), tmp_out.device_ptr(), bytes, dev.current_stream()) }?;
    Ok(())
}

/// One scan kernel launch, `{op}_{tag}_{path}` with `grid` blocks of [`SCAN_BLOCK`].
fn launch(dev: &Arc<CudaDevice>, scan: &Scan<'_>, path: &str, grid: u32, args: &ScanArgs) -> Result<()> {
    let name = kernel_name(scan.op, &[scan.dtype.tag(), path]);
    let f = dev.function(SCAN_FAMILY, scan.dtype, &name)?;
    // SAFETY: `f` has the scan ABI (one ScanArgs); `check_range` verified that the whole input
    // and output lie in live buffers on this device; the three-phase scratch holds one element
    // per chunk of every row (`outer * ceil(r / chunk)`), which is what `_up`, `_mid` and `_down`
    // touch; every buffer is freed only in stream order after these launches.
    unsafe { dev.launch(f, LaunchDims::linear(grid, SCAN_BLOCK), &[bytemuck::bytes_of(args)]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_shape_only() {
        assert_eq!(scan_path(1, 10, 3), ScanPath::Cols);
        assert_eq!(scan_path(1, LONG_ROW, 1), ScanPath::ThreePhase);
        assert_eq!(scan_path(1, LONG_ROW - 1, 1), ScanPath::Rows);
        assert_eq!(scan_path(MANY_ROWS, 1 << 24, 1), ScanPath::Rows);
        assert_eq!(CHUNK % SCAN_TILE, 0, "chunks are whole tiles");
    }
}
