//! Stream compaction on the CPU: the positions of the `true` elements of a `bool` mask, in
//! order, in one fused parallel step (the CUDA backend composes the same result from a scan, a
//! `where` and a scatter in the op layer, `ops::search`). Each piece of the mask counts its
//! `true` elements, the counts are chained in order, and each piece then writes its positions
//! from its own start: two reads of the 1-byte mask and one write per selected element, where
//! the composition makes about seven passes over 8-byte arrays.

use super::parallel::{for_tasks, map_tasks, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr, CpuBuffer};
use crate::error::{Error, Result};
use crate::layout::Layout;

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// Mask elements per piece: large enough that a piece's count and writes dominate its task
/// overhead, small enough for both threads to get several.
const PIECE: usize = 4 * PAR_CHUNK;

/// Writes the flat positions of the non-zero bytes of the contiguous 1-D `bool` view `mask`
/// into the contiguous 1-D `int64` view `out`, which must have exactly one element per `true`
/// mask element (an error otherwise, before anything is written).
pub(crate) fn compact_positions(mask: View<'_>, out: View<'_>) -> Result<()> {
    const OP: &str = "nonzero";
    let (n, k) = (mask.1.numel(), out.1.numel());
    if !mask.1.is_c_contiguous() || !out.1.is_c_contiguous() {
        return Err(Error::invalid(OP, "mask and positions must be contiguous"));
    }
    let _q = queue();
    let bytes = SendPtr(view_ptr(mask.0, mask.1, 1));
    let dst = SendPtr(view_ptr(out.0, out.1, 8));
    let pieces = n.div_ceil(PIECE);
    let parallel = worth_parallel(pieces, n, PAR_CHUNK);
    // SAFETY: the mask view is contiguous and `n` bytes long from its first element; nothing
    // writes it while this runs (the `Backend` contract: inputs are not outputs).
    let piece = move |p: usize| unsafe {
        let start = p * PIECE;
        std::slice::from_raw_parts(bytes.get().cast_const().add(start), PIECE.min(n - start))
    };
    let counts = map_tasks(pieces, parallel, |p| piece(p).iter().map(|&b| usize::from(b != 0)).sum::<usize>());
    let mut starts = Vec::with_capacity(pieces);
    let mut total = 0usize;
    for c in counts {
        starts.push(total);
        total += c;
    }
    if total != k {
        return Err(Error::invalid(OP, format!("the mask has {total} true elements, the output room for {k}")));
    }
    for_tasks(pieces, parallel, |p| {
        let mut at = starts[p];
        let base = p * PIECE;
        for (i, &b) in piece(p).iter().enumerate() {
            if b != 0 {
                // SAFETY: `at` runs from this piece's start to the next piece's (its count was
                // checked to sum to `k`), so every write lies inside `out` and no two pieces
                // write the same element.
                unsafe { dst.get().cast::<i64>().add(at).write((base + i) as i64) };
                at += 1;
            }
        }
    });
    Ok(())
}
