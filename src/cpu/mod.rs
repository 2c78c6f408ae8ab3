//! The CPU device: a real backend over aligned, cached host buffers, multi-threaded for large
//! arrays, and the oracle the CUDA kernels are tested against.
//!
//! Ops on the CPU device run in order on one queue, like a CUDA stream: each primitive holds
//! [`queue`] while it touches buffer memory, so two threads sharing views of one buffer can
//! never race (a data race would be undefined behaviour in Rust). Primitives do not call each
//! other while holding the queue.

mod backend;
pub(crate) mod binary;
pub(crate) mod buffer;
pub(crate) mod cast;
pub(crate) mod compact;
pub(crate) mod complex;
pub(crate) mod elementwise;
pub(crate) mod fft;
pub(crate) mod gather;
mod huge_pages;
pub(crate) mod linalg;
pub(crate) mod math;
pub(crate) mod matmul;
pub(crate) mod parallel;
pub(crate) mod random;
pub(crate) mod reduce;
pub(crate) mod scan;
pub(crate) mod sort;
pub(crate) mod staged;
pub(crate) mod strided;
pub(crate) mod ternary;
pub(crate) mod unary;

pub(crate) use backend::Cpu;
pub(crate) use buffer::CpuBuffer;
pub use buffer::{cpu_cache_bytes, cpu_cache_limit, cpu_cache_trim};

use crate::dtype::{Element, Scalar};
use crate::error::Result;
use crate::layout::Layout;
use crate::DType;
use std::sync::{Mutex, MutexGuard};
use strided::{as_slice, as_slice_mut, for_each_row, Operand};

static QUEUE: Mutex<()> = Mutex::new(());

/// Takes the CPU device's queue for the duration of one primitive.
pub(crate) fn queue() -> MutexGuard<'static, ()> {
    QUEUE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Pointer to element `[0, …]` of `layout` in `buf`.
pub(crate) fn view_ptr(buf: &CpuBuffer, layout: &Layout, itemsize: usize) -> *mut u8 {
    buf.as_ptr().wrapping_add(layout.offset() * itemsize)
}

/// Writes `value` (converted to `dtype`) into every element of the view.
pub(crate) fn fill(buf: &CpuBuffer, layout: &Layout, dtype: DType, value: Scalar) {
    crate::dispatch_dtype!(dtype, T => fill_typed::<T>(buf, layout, value.to_element::<T>()))
}

fn fill_typed<T: Element>(buf: &CpuBuffer, layout: &Layout, value: T) {
    let v = value.to_repr();
    let op = Operand {
        ptr: view_ptr(buf, layout, T::DTYPE.itemsize()),
        strides: layout.strides(),
        itemsize: T::DTYPE.itemsize(),
    };
    let _q = queue();
    // SAFETY: the layout lies inside `buf` (an Array invariant), the queue excludes other
    // access, and there is a single operand.
    unsafe {
        for_each_row(layout.shape(), [op], |[p], [s], len| match as_slice_mut::<T::Repr>(p, s, len) {
            Some(out) => out.fill(v),
            None => (0..len).for_each(|i| (p.offset(i as isize * s) as *mut T::Repr).write(v)),
        });
    }
}

/// Copies the elements of one view into another of the same shape and element size, as if the
/// source were read completely before anything is written.
///
/// Overlap is decided by the addresses each view can touch, not by buffer identity: two imports
/// of one memory (`from_dlpack` of an array, twice) are different buffers over the same bytes.
/// Views whose byte ranges intersect are staged through a temporary, so the row kernels never
/// see a destination that aliases their source (which would also be undefined behaviour once
/// they form `&mut [T]` and `&[T]` over the same elements).
pub(crate) fn copy(src: (&CpuBuffer, &Layout), dst: (&CpuBuffer, &Layout), itemsize: usize) -> Result<()> {
    let (src_ptr, dst_ptr) = (view_ptr(src.0, src.1, itemsize), view_ptr(dst.0, dst.1, itemsize));
    if !ranges_overlap(byte_range(src.0, src.1, itemsize), byte_range(dst.0, dst.1, itemsize)) {
        copy_raw(src_ptr, src.1.strides(), dst_ptr, dst.1.strides(), dst.1.shape(), itemsize);
        return Ok(());
    }
    if src_ptr == dst_ptr && src.1.strides() == dst.1.strides() {
        return Ok(()); // every element onto itself
    }
    let tmp = CpuBuffer::alloc(src.1.numel() * itemsize)?;
    let tmp_layout = Layout::contiguous(src.1.shape());
    let tmp_ptr = view_ptr(&tmp, &tmp_layout, itemsize);
    copy_raw(src_ptr, src.1.strides(), tmp_ptr, tmp_layout.strides(), src.1.shape(), itemsize);
    copy_raw(tmp_ptr, tmp_layout.strides(), dst_ptr, dst.1.strides(), dst.1.shape(), itemsize);
    Ok(())
}

/// The absolute addresses `[lo, hi)` a view can touch (every byte of its elements, gaps between
/// strided elements included); `None` when it touches nothing.
fn byte_range(buf: &CpuBuffer, layout: &Layout, itemsize: usize) -> Option<(usize, usize)> {
    let (lo, hi) = layout.span()?;
    let base = buf.as_ptr() as usize;
    Some((base + lo * itemsize, base + hi * itemsize))
}

fn ranges_overlap(a: Option<(usize, usize)>, b: Option<(usize, usize)>) -> bool {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => a0 < b1 && b0 < a1,
        _ => false,
    }
}

/// Strided copy between raw views (either may be host memory outside any buffer).
pub(crate) fn copy_raw(
    src: *mut u8,
    src_strides: &[isize],
    dst: *mut u8,
    dst_strides: &[isize],
    shape: &[usize],
    itemsize: usize,
) {
    let d = Operand { ptr: dst, strides: dst_strides, itemsize };
    let s = Operand { ptr: src, strides: src_strides, itemsize };
    let _q = queue();
    // SAFETY: callers pass views that lie in valid memory; the destination does not overlap the
    // source (checked by `copy`, or the destination is fresh host memory); the queue excludes
    // concurrent access to buffers.
    unsafe {
        match itemsize {
            1 => for_each_row(shape, [d, s], copy_row::<u8>),
            2 => for_each_row(shape, [d, s], copy_row::<u16>),
            4 => for_each_row(shape, [d, s], copy_row::<u32>),
            8 => for_each_row(shape, [d, s], copy_row::<u64>),
            // complex128; `[u64; 2]` keeps the element's 8-byte alignment (u128 would ask 16).
            _ => for_each_row(shape, [d, s], copy_row::<[u64; 2]>),
        }
    }
}

fn copy_row<T: Copy>([dst, src]: [*mut u8; 2], [ds, ss]: [isize; 2], len: usize) {
    // SAFETY: `for_each_row`'s contract, passed down from `copy_raw`.
    unsafe {
        match (as_slice_mut::<T>(dst, ds, len), as_slice::<T>(src, ss, len)) {
            (Some(o), Some(i)) => o.copy_from_slice(i),
            _ => {
                for k in 0..len as isize {
                    (dst.offset(k * ds) as *mut T).write((src.offset(k * ss) as *const T).read());
                }
            }
        }
    }
}
