//! Gather and scatter through a table of element offsets (the CPU side of `gather_*` /
//! `scatter_*`, `kernels/gather.cu`): every output position `i` reads (gather) or writes
//! (scatter) the element at `base + basic(i) + table[i]`, where `basic` walks the axes that are
//! not indexed and `table` holds the offsets of the indexed ones.

use super::buffer::CpuBuffer;
use super::strided::{for_each_row, for_each_row_grain, Operand};
use super::{queue, view_ptr};
use crate::layout::Layout;

/// A grain no work reaches: the row engine runs everything as one task, in order.
const SEQUENTIAL: usize = usize::MAX / 4;

/// One view taking part: its buffer and its layout.
pub(crate) type View<'a> = (&'a CpuBuffer, &'a Layout);

/// `out[i] = src[src_basic(i) + table[i]]` for every index of `out`'s shape (all three layouts
/// have that shape; `table` is `i64`). Large work runs on the rayon pool.
///
/// # Safety
/// For every index `i`, `src`'s element offset at `i` plus `table[i]` must address an element
/// inside `src`'s buffer; `out` must not overlap `src` or `table`.
pub(crate) unsafe fn gather(src: View<'_>, table: View<'_>, out: View<'_>, itemsize: usize) {
    let ops = [
        Operand { ptr: view_ptr(out.0, out.1, itemsize), strides: out.1.strides(), itemsize },
        Operand { ptr: view_ptr(src.0, src.1, itemsize), strides: src.1.strides(), itemsize },
        Operand { ptr: view_ptr(table.0, table.1, 8), strides: table.1.strides(), itemsize: 8 },
    ];
    let _q = queue();
    // SAFETY: the caller's contract; every output element is written once by one thread.
    unsafe {
        match itemsize {
            1 => for_each_row(out.1.shape(), ops, gather_row::<u8>),
            2 => for_each_row(out.1.shape(), ops, gather_row::<u16>),
            4 => for_each_row(out.1.shape(), ops, gather_row::<u32>),
            8 => for_each_row(out.1.shape(), ops, gather_row::<u64>),
            _ => for_each_row(out.1.shape(), ops, gather_row::<[u64; 2]>),
        }
    }
}

/// `dst[dst_basic(i) + table[i]] = values[i]` for every index of the shape the three layouts
/// share, in C order on one thread, so that with repeated offsets the last value wins (NumPy).
///
/// # Safety
/// For every index `i`, `dst`'s element offset at `i` plus `table[i]` must address an element
/// inside `dst`'s buffer; `values` and `table` must not overlap `dst`.
pub(crate) unsafe fn scatter(values: View<'_>, table: View<'_>, dst: View<'_>, itemsize: usize) {
    let ops = [
        Operand { ptr: view_ptr(dst.0, dst.1, itemsize), strides: dst.1.strides(), itemsize },
        Operand { ptr: view_ptr(values.0, values.1, itemsize), strides: values.1.strides(), itemsize },
        Operand { ptr: view_ptr(table.0, table.1, 8), strides: table.1.strides(), itemsize: 8 },
    ];
    let _q = queue();
    // One task: repeated offsets are written in order, never concurrently.
    // SAFETY: the caller's contract.
    unsafe {
        match itemsize {
            1 => for_each_row_grain(dst.1.shape(), ops, SEQUENTIAL, scatter_row::<u8>),
            2 => for_each_row_grain(dst.1.shape(), ops, SEQUENTIAL, scatter_row::<u16>),
            4 => for_each_row_grain(dst.1.shape(), ops, SEQUENTIAL, scatter_row::<u32>),
            8 => for_each_row_grain(dst.1.shape(), ops, SEQUENTIAL, scatter_row::<u64>),
            _ => for_each_row_grain(dst.1.shape(), ops, SEQUENTIAL, scatter_row::<[u64; 2]>),
        }
    }
}

fn gather_row<T: Copy>([out, src, tbl]: [*mut u8; 3], [os, ss, ts]: [isize; 3], len: usize) {
    for k in 0..len as isize {
        // SAFETY: `gather`'s contract: the table entry is valid, and the element it points to
        // (from this row position of `src`) lies in the source buffer.
        unsafe {
            let t = (tbl.offset(k * ts) as *const i64).read();
            let v = (src.offset(k * ss).offset(t as isize * size_of::<T>() as isize) as *const T).read();
            (out.offset(k * os) as *mut T).write(v);
        }
    }
}

fn scatter_row<T: Copy>([dst, val, tbl]: [*mut u8; 3], [ds, vs, ts]: [isize; 3], len: usize) {
    for k in 0..len as isize {
        // SAFETY: `scatter`'s contract, as in `gather_row` with the roles swapped.
        unsafe {
            let t = (tbl.offset(k * ts) as *const i64).read();
            let v = (val.offset(k * vs) as *const T).read();
            (dst.offset(k * ds).offset(t as isize * size_of::<T>() as isize) as *mut T).write(v);
        }
    }
}
