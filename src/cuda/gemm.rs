//! Row-major batched products as one cuBLAS `cublasGemmStridedBatchedEx` (column-major).
//!
//! A row-major `C = A @ B` (`m × n`) is, read column-major, `Cᵀ = Bᵀ @ Aᵀ` (`n × m`), so B is
//! passed as cuBLAS's first operand and A as its second, and the C-contiguous output is a
//! column-major `n × m` matrix with `ldc = n`. Each input is taken in place when one of its two
//! matrix axes has unit stride and the other a stride at least the extent it spans (a leading
//! dimension); its batch stride may be anything non-negative (0: one matrix broadcast over the
//! batch). Any other operand (stepped, broadcast rows, negative strides) is first copied once
//! to a C-contiguous temporary.

use super::api::{Gemm, GemmMatrix, GemmOp, GemmType};
use super::context::{CudaBuffer, CudaDevice};
use super::matmul::{checked, Dims, Ptrs, View};
use crate::error::{Error, Result};
use crate::layout::Layout;
use std::sync::Arc;

/// How cuBLAS reads the transpose of a row-major `rows × cols` matrix with element strides
/// `(srow, scol)`: `(op, ld)`, or `None` when it cannot in place. Strides of an axis of extent 1
/// are never stepped, so they are replaced by whatever makes the layout acceptable.
pub(crate) fn transposed_operand(rows: usize, cols: usize, srow: isize, scol: isize) -> Option<(GemmOp, i32)> {
    let (r, c) = (rows as isize, cols as isize);
    // Stored as the column-major `cols × rows` matrix Mᵀ: columns are M's rows.
    if (cols <= 1 || scol == 1) && (rows <= 1 || srow >= c.max(1)) {
        let ld = if rows <= 1 { c.max(1) } else { srow };
        return i32::try_from(ld).ok().map(|ld| (GemmOp::N, ld));
    }
    // Stored as the column-major `rows × cols` matrix M itself: cuBLAS transposes it.
    if (rows <= 1 || srow == 1) && (cols <= 1 || scol >= r.max(1)) {
        let ld = if cols <= 1 { r.max(1) } else { scol };
        return i32::try_from(ld).ok().map(|ld| (GemmOp::T, ld));
    }
    None
}

/// cuBLAS's view of one `(batch, rows, cols)` input at `ptr`, or `None` when it needs a copy.
fn operand(layout: &Layout, ptr: u64) -> Option<(GemmOp, GemmMatrix)> {
    let (shape, strides) = (layout.shape(), layout.strides());
    let (op, ld) = transposed_operand(shape[1], shape[2], strides[1], strides[2])?;
    // A batch of one never steps its stride; a negative one would need a pointer to the last
    // matrix, which the copy avoids reasoning about.
    let stride = if shape[0] <= 1 { 0 } else { i64::try_from(strides[0]).ok().filter(|&s| s >= 0)? };
    Some((op, GemmMatrix { ptr, ld, stride }))
}

/// An input as cuBLAS takes it: in place, or copied once to a C-contiguous temporary (returned,
/// so it lives until the GEMM is queued; its free is ordered after the GEMM on the stream).
fn prepared(
    dev: &Arc<CudaDevice>,
    view: View<'_>,
    ptr: u64,
    isz: usize,
) -> Result<(GemmOp, GemmMatrix, Option<CudaBuffer>)> {
    if let Some((op, m)) = operand(view.1, ptr) {
        return Ok((op, m, None));
    }
    let layout = Layout::contiguous(view.1.shape());
    let tmp = dev.alloc(layout.numel() * isz)?;
    super::elementwise::copy(view, (&tmp, &layout), isz)?;
    // Records the temporary's use on the current stream, as for every operand.
    let (base, _, _) = checked("matmul", dev, (&tmp, &layout), isz)?;
    // A C-contiguous operand always maps in place once its sizes fit cuBLAS's `int`s (the
    // caller checked them); the error only guards that reasoning.
    let (op, m) = operand(&layout, base).ok_or_else(|| {
        Error::invalid("matmul", "a contiguous operand has no cuBLAS layout (leading dimension too large)")
    })?;
    Ok((op, m, Some(tmp)))
}

/// `out = a @ b` through cuBLAS, for checked, non-overlapping operands of a non-empty output
/// whose sizes fit cuBLAS's `int`s.
pub(crate) fn matmul(dev: &Arc<CudaDevice>, t: GemmType, d: Dims, a: View<'_>, b: View<'_>, p: Ptrs) -> Result<()> {
    let isz = t.itemsize();
    if d.k == 0 {
        // An empty sum: zeros (all-zero bytes in every float type), without asking cuBLAS
        // about zero-sized inputs.
        // SAFETY: the output view is C-contiguous and lies in its live buffer (checked by the
        // caller), so these bytes are exactly its elements.
        return Ok(unsafe { dev.api().memset_u8(p.out, 0, d.batch * d.m * d.n * isz, dev.current_stream()) }?);
    }
    let (opb, mb, _tmp_b) = prepared(dev, b, p.b, isz)?;
    let (opa, ma, _tmp_a) = prepared(dev, a, p.a, isz)?;
    let int = |x: usize| {
        i32::try_from(x).map_err(|_| Error::invalid("matmul", format!("size {x} exceeds cuBLAS's 32-bit sizes")))
    };
    let gemm = Gemm {
        transa: opb,
        transb: opa,
        m: int(d.n)?,
        n: int(d.m)?,
        k: int(d.k)?,
        alpha: 1.0,
        beta: 0.0,
        a: mb,
        b: ma,
        c: GemmMatrix { ptr: p.out, ld: int(d.n)?, stride: (d.m * d.n) as i64 },
        batch: int(d.batch)?,
        dtype: t,
    };
    // SAFETY: every matrix lies in a live buffer of this device over the whole batch: the
    // inputs' views were checked (or are fresh temporaries), and `operand` describes exactly
    // the elements of those views; the output is its C-contiguous checked view, overlapping no
    // input (checked by the caller; temporaries are fresh); buffers, temporaries included, are
    // freed only in stream order after the call.
    Ok(unsafe { dev.api().gemm_strided_batched(&gemm, dev.current_stream()) }?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_matrices_map_to_transposed_column_major_operands() {
        // C-contiguous (3, 4): read as the column-major 4 × 3 Mᵀ, as is.
        assert_eq!(transposed_operand(3, 4, 4, 1), Some((GemmOp::N, 4)));
        // Padded rows (a slice of a wider matrix): ld is the row stride.
        assert_eq!(transposed_operand(3, 4, 10, 1), Some((GemmOp::N, 10)));
        // A transposed view (F-order): M itself column-major, so cuBLAS transposes it.
        assert_eq!(transposed_operand(3, 4, 1, 3), Some((GemmOp::T, 3)));
        assert_eq!(transposed_operand(3, 4, 1, 7), Some((GemmOp::T, 7)));
        // Unit extents: their strides are never used.
        assert_eq!(transposed_operand(1, 4, 0, 1), Some((GemmOp::N, 4)));
        assert_eq!(transposed_operand(3, 1, 1, 0), Some((GemmOp::N, 1)));
        assert_eq!(transposed_operand(3, 1, 5, 0), Some((GemmOp::N, 5)));
        assert_eq!(transposed_operand(1, 1, 99, -5), Some((GemmOp::N, 1)));
    }

    #[test]
    fn other_layouts_need_a_copy() {
        assert_eq!(transposed_operand(3, 4, 8, 2), None, "stepped columns");
        assert_eq!(transposed_operand(3, 4, 0, 1), None, "broadcast rows");
        assert_eq!(transposed_operand(3, 4, 2, 1), None, "rows overlapping");
        assert_eq!(transposed_operand(3, 4, -4, 1), None, "flipped rows");
        assert_eq!(transposed_operand(3, 4, 4, -1), None, "flipped columns");
        assert_eq!(transposed_operand(3, 4, 1 << 40, 1), None, "ld beyond cuBLAS's int");
    }

    #[test]
    fn batch_strides_may_be_zero_but_not_negative() {
        let l = |strides: Vec<isize>| Layout::from_parts(vec![2, 3, 4], strides, 12);
        let (_, m) = operand(&l(vec![0, 4, 1]), 0x100).unwrap();
        assert_eq!(m, GemmMatrix { ptr: 0x100, ld: 4, stride: 0 });
        assert_eq!(operand(&l(vec![12, 4, 1]), 0).unwrap().1.stride, 12);
        assert!(operand(&l(vec![-12, 4, 1]), 0).is_none());
        let one = Layout::from_parts(vec![1, 3, 4], vec![-12, 4, 1], 0);
        assert_eq!(operand(&one, 0).unwrap().1.stride, 0);
    }
}
