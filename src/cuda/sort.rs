//! Sort launches (`kernels/sort.cu`, ABI.md "Sort ABI"): a stable LSD radix sort, 8 bits per
//! pass, of order-preserving keys carrying each element's flat position.
//!
//! Segmented sorting: all rows are sorted in one sequence of passes. The key passes sort the
//! whole `(rows, len)` array stably by key; then passes over the digits of the row number
//! (`position / len`, only as many bytes as `rows - 1` needs) sort it stably by row. The result
//! is every row sorted by key, equal keys in their original order: the same order the CPU
//! backend's per-row stable sorts give. One sequence of launches serves one long row and many
//! short ones alike (no per-row launches), at the cost of `ceil(log256(rows))` extra passes.
//!
//! Rows of at most [`BLOCK_SORT_MAX`] elements take one launch instead: `sortprep_{T}_block`
//! sorts each row in a block's shared memory (a bitonic network over (key, position) pairs, so
//! the order is the stable one) and writes the values or indices directly. That is one read and
//! one write of the data, where the passes below read and write keys and 8-byte positions
//! `sizeof(key) + row digits` times, several launches each. PyTorch sorts rows of up to 4096
//! elements within one block too.
//!
//! Each pass is `_hist` (a 256-bin histogram per 2048-element tile), an exclusive scan of the
//! digit-major histograms, and `_scatter` (per tile, in order, each element to its digit's
//! running offset plus its rank among equal digits: warp ballots, then a prefix over the
//! block's warps). The scan is the scan family's `cumsum_u64` ([`launch_scan`]), written one
//! element on into a buffer whose first element stays 0. It spreads over many blocks when the
//! counts are many: a 2^24-key pass has 2 M of them, which the one-block scan kernel this
//! replaced walked 2048 at a time (a thousand steps of 16 barriers each, on one SM). No
//! kernel needs blocks to communicate within a launch, so any grid size is correct and the
//! emulator's one-block-at-a-time order is exact.

use super::context::{CudaBuffer, CudaDevice};
use super::elementwise::check_view;
use super::launch::{grid_size, kernel_name, max_grid_override};
use super::scan::{launch_scan, Scan};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::SortSpec;
use bytemuck::{Pod, Zeroable};
use std::sync::Arc;

/// The family holding `sortprep_*` and `radix_*`.
const FAMILY: &str = "sort";
/// Threads per block of every sort kernel (`DA_SORT_BLOCK`).
pub(crate) const SORT_BLOCK: u32 = 256;
/// Elements per histogram/scatter tile (`DA_SORT_TILE`).
pub(crate) const SORT_TILE: u64 = 2048;
/// `flags` bit: invert the keys (descending order).
const DESCENDING: u32 = 1;
/// `flags` bit: the digit comes from the row number (`position / len`), not the key.
const ROW_DIGIT: u32 = 2;
/// `flags` bit: the block sort writes `int64` indices within the row, not values.
const INDICES: u32 = 4;
/// Rows of at most this many elements are sorted by one block each in shared memory
/// (`DA_BSORT_TILE`); longer rows take the radix passes.
pub(crate) const BLOCK_SORT_MAX: usize = 4096;

/// One view taking part: its buffer and its layout.
pub(crate) type View<'a> = (&'a CudaBuffer, &'a Layout);

/// `struct SortArgs` (the only parameter of every sort kernel).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct SortArgs {
    pub(crate) input: u64,
    pub(crate) vals_in: u64,
    pub(crate) out: u64,
    pub(crate) vals_out: u64,
    pub(crate) counts: u64,
    pub(crate) n: u64,
    pub(crate) len: u64,
    pub(crate) tiles: u64,
    pub(crate) shift: u32,
    pub(crate) flags: u32,
}

const _: () = assert!(std::mem::size_of::<SortArgs>() == 72);

/// The unsigned dtype whose width the keys of `dtype` have (the `radix_*` module tag).
/// Complex numbers have no order (the Array API leaves their sort unspecified; the op layer
/// refuses them first): a typed error, never an 8-byte key for a 16-byte element.
fn key_dtype(op: &'static str, dtype: DType) -> Result<DType> {
    if dtype.is_complex() {
        return Err(Error::UnsupportedDType { op, dtype, hint: "; complex numbers have no order".into() });
    }
    match dtype.itemsize() {
        1 => Ok(DType::U8),
        2 => Ok(DType::U16),
        4 => Ok(DType::U32),
        8 => Ok(DType::U64),
        n => Err(Error::invalid(op, format!("no sort keys for {n}-byte elements"))),
    }
}

/// Digit passes over the row numbers `0..rows`: one per byte `rows - 1` needs.
pub(crate) fn row_passes(rows: usize) -> u32 {
    let bits = usize::BITS - rows.saturating_sub(1).leading_zeros();
    bits.div_ceil(8)
}

/// The scratch of one sort: keys and positions, twice each (passes ping-pong), the counts, and
/// their exclusive scan (one more element, the first always 0).
struct Scratch {
    keys: [CudaBuffer; 2],
    vals: [CudaBuffer; 2],
    counts: CudaBuffer,
    offsets: CudaBuffer,
}

impl Scratch {
    fn alloc(dev: &Arc<CudaDevice>, n: usize, key_bytes: usize, tiles: u64) -> Result<Scratch> {
        let too_big = || Error::invalid("sort", format!("{n} elements need more scratch than the address space"));
        let kb = n.checked_mul(key_bytes).ok_or_else(too_big)?;
        let vb = n.checked_mul(8).ok_or_else(too_big)?;
        let cb = usize::try_from(tiles).ok().and_then(|t| t.checked_mul(256 * 8)).ok_or_else(too_big)?;
        let offsets = dev.alloc(cb + 8)?;
        super::fill(&offsets, &Layout::contiguous(&[1]), DType::U64, Scalar::Int(0))?;
        Ok(Scratch {
            keys: [dev.alloc(kb)?, dev.alloc(kb)?],
            vals: [dev.alloc(vb)?, dev.alloc(vb)?],
            counts: dev.alloc(cb)?,
            offsets,
        })
    }
}

/// Sorts every row of the contiguous `(spec.rows, spec.len)` view `src` of `dtype` into `out`:
/// the values (`out` of `dtype`) or their `int64` indices within the row (`spec.indices`).
pub(crate) fn sort(dtype: DType, src: View<'_>, spec: SortSpec, out: View<'_>) -> Result<()> {
    sort_with(dtype, src, spec, out, BLOCK_SORT_MAX)
}

/// [`sort`], with rows of at most `block_max` (at most [`BLOCK_SORT_MAX`]) elements sorted in
/// shared memory and longer ones by the radix passes; the tests use it to run both paths on
/// the same rows.
fn sort_with(dtype: DType, src: View<'_>, spec: SortSpec, out: View<'_>, block_max: usize) -> Result<()> {
    const OP: &str = "sort";
    let dev = out.0.device().clone();
    let n = spec.rows.checked_mul(spec.len).ok_or_else(|| Error::invalid(OP, "rows * len overflows"))?;
    if src.1.numel() != n || out.1.numel() != n || !src.1.is_c_contiguous() || !out.1.is_c_contiguous() {
        return Err(Error::invalid(OP, format!("src and out must be contiguous ({}, {})", spec.rows, spec.len)));
    }
    let out_item = if spec.indices { 8 } else { dtype.itemsize() };
    let (px, _, _) = check_view(OP, &dev, src.0, src.1, dtype.itemsize())?;
    let (po, _, _) = check_view(OP, &dev, out.0, out.1, out_item)?;
    if n == 0 {
        return Ok(());
    }
    let kdt = key_dtype(OP, dtype)?;
    let tiles = (n as u64).div_ceil(SORT_TILE);
    let flags = if spec.descending { DESCENDING } else { 0 };
    if spec.len <= block_max.min(BLOCK_SORT_MAX) {
        return block_sort(&dev, dtype, (px, po), spec, flags);
    }
    let s = Scratch::alloc(&dev, n, kdt.itemsize(), tiles)?;
    let base =
        SortArgs { n: n as u64, len: spec.len as u64, tiles, counts: s.counts.device_ptr(), ..SortArgs::default() };
    let keys = SortArgs { input: px, out: s.keys[0].device_ptr(), vals_out: s.vals[0].device_ptr(), flags, ..base };
    launch(&dev, dtype, "sortprep", "keys", elementwise_grid(&dev, n), &keys)?;
    let key_passes = 8 * kdt.itemsize() as u32 / 8;
    let mut cur = 0;
    for pass in 0..key_passes + row_passes(spec.rows) {
        let (shift, flags) = if pass < key_passes { (8 * pass, 0) } else { (8 * (pass - key_passes), ROW_DIGIT) };
        let args = SortArgs {
            input: s.keys[cur].device_ptr(),
            vals_in: s.vals[cur].device_ptr(),
            out: s.keys[1 - cur].device_ptr(),
            vals_out: s.vals[1 - cur].device_ptr(),
            shift,
            flags,
            ..base
        };
        radix_pass(&dev, kdt, tiles, &args, &s)?;
        cur = 1 - cur;
    }
    let vals_in = s.vals[cur].device_ptr();
    if spec.indices {
        launch(&dev, kdt, "radix", "index", elementwise_grid(&dev, n), &SortArgs { vals_in, out: po, ..base })
    } else {
        let take = SortArgs { input: px, vals_in, out: po, ..base };
        launch(&dev, dtype, "sortprep", "take", elementwise_grid(&dev, n), &take)
    }
    // `s` is freed here, in stream order after the launches.
}

/// Sorts rows of at most [`BLOCK_SORT_MAX`] elements (`spec.len > 0`, `n > 0`) from `ptrs.0`
/// into `ptrs.1` with one `sortprep_{T}_block` launch: each padded row of `2^shift` slots
/// takes `2^shift` of a tile's 4096, and each block sorts whole tiles.
fn block_sort(dev: &Arc<CudaDevice>, dtype: DType, ptrs: (u64, u64), spec: SortSpec, flags: u32) -> Result<()> {
    let span = spec.len.next_power_of_two();
    let rows_per_tile = BLOCK_SORT_MAX / span;
    let n = (spec.rows * spec.len) as u64;
    let args = SortArgs {
        input: ptrs.0,
        out: ptrs.1,
        n,
        len: spec.len as u64,
        tiles: n.div_ceil(SORT_TILE),
        shift: span.trailing_zeros(),
        flags: flags | if spec.indices { INDICES } else { 0 },
        ..SortArgs::default()
    };
    let grid = tile_grid(dev, spec.rows.div_ceil(rows_per_tile) as u64);
    launch(dev, dtype, "sortprep", "block", grid, &args)
}

/// `out[i]` = the insertion point of `values[i]` in the sorted 1-D `sorted` (left: first
/// position whose key is `>=` the value's, right: `>`); one binary search per value.
pub(crate) fn searchsorted(dtype: DType, sorted: View<'_>, values: View<'_>, right: bool, out: View<'_>) -> Result<()> {
    const OP: &str = "searchsorted";
    let dev = out.0.device().clone();
    let (n, len) = (values.1.numel(), sorted.1.numel());
    if out.1.numel() != n || !values.1.is_c_contiguous() || !sorted.1.is_c_contiguous() || !out.1.is_c_contiguous() {
        return Err(Error::invalid(OP, "sorted, values and out must be contiguous, out as large as values"));
    }
    key_dtype(OP, dtype)?;
    let (ps, _, _) = check_view(OP, &dev, sorted.0, sorted.1, dtype.itemsize())?;
    let (pv, _, _) = check_view(OP, &dev, values.0, values.1, dtype.itemsize())?;
    let (po, _, _) = check_view(OP, &dev, out.0, out.1, 8)?;
    if n == 0 {
        return Ok(());
    }
    if len == 0 {
        return super::fill(out.0, out.1, DType::I64, crate::dtype::Scalar::Int(0));
    }
    let args = SortArgs {
        input: ps,
        vals_in: pv,
        out: po,
        n: n as u64,
        len: len as u64,
        tiles: (n as u64).div_ceil(SORT_TILE),
        ..SortArgs::default()
    };
    let path = if right { "right" } else { "left" };
    launch(&dev, dtype, "searchsorted", path, elementwise_grid(&dev, n), &args)
}

/// One stable pass: histogram (into `s.counts`, which `args.counts` names), the exclusive scan
/// of the counts into `s.offsets`, scatter.
fn radix_pass(dev: &Arc<CudaDevice>, kdt: DType, tiles: u64, args: &SortArgs, s: &Scratch) -> Result<()> {
    let grid = tile_grid(dev, tiles);
    launch(dev, kdt, "radix", "hist", grid, args)?;
    let counts = 256 * tiles as usize;
    let scan =
        Scan { op: "cumsum", dtype: DType::U64, input: (&s.counts, 0), out: (&s.offsets, 8), dims: (1, counts, 1) };
    launch_scan(dev, &scan)?;
    launch(dev, kdt, "radix", "scatter", grid, &SortArgs { counts: s.offsets.device_ptr(), ..*args })
}

/// Blocks for a one-element-per-thread grid-stride kernel over `n` elements.
fn elementwise_grid(dev: &Arc<CudaDevice>, n: usize) -> u32 {
    grid_size(n as u64, SORT_BLOCK, dev.grid_limits())
}

/// Blocks for the tile kernels: one per tile, at most a wave (tiles are grid-strided).
fn tile_grid(dev: &Arc<CudaDevice>, tiles: u64) -> u32 {
    let limits = dev.grid_limits();
    let per_sm = (limits.threads_per_multiprocessor / SORT_BLOCK).max(1);
    let mut cap = u64::from(limits.multiprocessors.max(1)) * u64::from(per_sm);
    cap = cap.min(u64::from(limits.max_grid_x.max(1)));
    if let Some(max) = max_grid_override() {
        cap = cap.min(u64::from(max));
    }
    tiles.min(cap).max(1) as u32
}

/// One launch of `{op}_{tag}_{path}` with `grid` blocks of [`SORT_BLOCK`].
fn launch(dev: &Arc<CudaDevice>, tag: DType, op: &str, path: &str, grid: u32, args: &SortArgs) -> Result<()> {
    let name = kernel_name(op, &[tag.tag(), path]);
    let f = dev.function(FAMILY, tag, &name)?;
    let dims = super::api::LaunchDims { grid: [grid, 1, 1], block: [SORT_BLOCK, 1, 1], shared_bytes: 0 };
    // SAFETY: `f` has the sort ABI (one SortArgs). `sort` checked that the input and output
    // views are contiguous `n`-element ranges in live buffers of this device; the scratch
    // buffers hold `n` keys and positions each, 256 counts per tile and one offset more (the
    // scatter reads the offsets as `counts`), and live until after the last launch (freed in
    // stream order). Positions written by `_keys` are `0..n`, and
    // every pass permutes them, so `_take` reads inside the input. `_block` gets
    // `len <= 2^shift <= 4096` (its rows fit the shared tile) and reads and writes only the
    // `n` checked elements of whole rows. `searchsorted` reads `len` sorted elements and `n`
    // values, all checked.
    unsafe { dev.launch(f, dims, &[bytemuck::bytes_of(args)]) }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn row_passes_cover_the_row_numbers() {
        assert_eq!(row_passes(0), 0);
        assert_eq!(row_passes(1), 0);
        assert_eq!(row_passes(2), 1);
        assert_eq!(row_passes(256), 1);
        assert_eq!(row_passes(257), 2);
        assert_eq!(row_passes(1 << 16), 2);
        assert_eq!(row_passes((1 << 16) + 1), 3);
    }

    #[test]
    fn keys_have_the_width_of_the_dtype() {
        let key = |d| key_dtype("sort", d).unwrap();
        assert_eq!(key(DType::Bool), DType::U8);
        assert_eq!(key(DType::BF16), DType::U16);
        assert_eq!(key(DType::F32), DType::U32);
        assert_eq!(key(DType::I64), DType::U64);
        for d in [DType::C64, DType::C128] {
            assert!(matches!(key_dtype("sort", d), Err(Error::UnsupportedDType { .. })), "{d}");
        }
    }
}

#[cfg(test)]
#[path = "sort_tests.rs"]
mod tests;
