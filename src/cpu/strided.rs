//! The CPU backend's loop engine: walks K operands of one shape row by row, after collapsing
//! dimensions that are contiguous for every operand, and splits large work across threads.
//!
//! Every CPU op is a "row kernel" given to [`for_each_row`]: a function of K row pointers, K
//! byte strides and a row length. Row kernels take a slice fast path when all strides are unit.

use super::parallel::{for_tasks, worth_parallel_loop, SendPtr, PAR_CHUNK};

/// One operand: pointer to its element `[0, 0, …]`, element strides, element size.
#[derive(Clone, Copy)]
pub(crate) struct Operand<'a> {
    pub(crate) ptr: *mut u8,
    pub(crate) strides: &'a [isize],
    pub(crate) itemsize: usize,
}

/// Shape and per-operand byte strides after collapsing.
struct Plan<const K: usize> {
    len: usize,
    inline: [(usize, [isize; K]); INLINE_DIMS],
    /// Used instead of `inline` past [`INLINE_DIMS`] collapsed dimensions.
    spill: Vec<(usize, [isize; K])>,
}

/// Collapsed dimensions kept on the stack: planning allocates nothing for up to this many,
/// which matters on every small op.
const INLINE_DIMS: usize = 8;

impl<const K: usize> Plan<K> {
    /// `(extent, byte strides per operand)` of each collapsed dimension, outermost first.
    fn dims(&self) -> &[(usize, [isize; K])] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }

    fn push(&mut self, dim: (usize, [isize; K])) {
        if self.len < INLINE_DIMS && self.spill.is_empty() {
            self.inline[self.len] = dim;
            self.len += 1;
        } else {
            if self.spill.is_empty() {
                self.spill.extend_from_slice(&self.inline[..self.len]);
            }
            self.spill.push(dim);
        }
    }

    fn last_mut(&mut self) -> Option<&mut (usize, [isize; K])> {
        if self.spill.is_empty() {
            self.inline[..self.len].last_mut()
        } else {
            self.spill.last_mut()
        }
    }
}

fn plan<const K: usize>(shape: &[usize], ops: &[Operand<'_>; K]) -> Plan<K> {
    let mut p = Plan { len: 0, inline: [(0, [0; K]); INLINE_DIMS], spill: Vec::new() };
    for (d, &n) in shape.iter().enumerate() {
        if n == 1 {
            continue;
        }
        let mut s = [0isize; K];
        for (s, op) in s.iter_mut().zip(ops) {
            *s = op.strides[d] * op.itemsize as isize;
        }
        if let Some((pn, ps)) = p.last_mut() {
            // Merge with the previous (outer) dim when, for every operand, stepping the outer dim
            // equals stepping over a whole inner row.
            if (0..K).all(|k| ps[k] == s[k] * n as isize) {
                *pn *= n;
                *ps = s;
                continue;
            }
        }
        p.push((n, s));
    }
    p
}

/// Calls `row(ptrs, byte_strides, len)` over every innermost row of `shape`, for K operands
/// (operand 0 is conventionally the output). Rows may be split into pieces and visited in any
/// order on any thread; each element is visited exactly once.
///
/// # Safety
/// Every operand pointer with its strides must address valid, initialised memory for every
/// index of `shape`; operands written by `row` must not overlap any other operand, and no other
/// thread may access written memory during the call.
pub(crate) unsafe fn for_each_row<const K: usize, F>(shape: &[usize], ops: [Operand<'_>; K], row: F)
where
    F: Fn([*mut u8; K], [isize; K], usize) + Sync,
{
    // SAFETY: the caller's contract.
    unsafe { for_each_row_grain(shape, ops, PAR_CHUNK, row) }
}

/// [`for_each_row`] with `grain` elements per parallel task instead of [`PAR_CHUNK`]: smaller
/// for ops that cost many cycles per element (transcendental functions), so that mid-sized
/// arrays use every core too.
///
/// # Safety
/// As [`for_each_row`].
pub(crate) unsafe fn for_each_row_grain<const K: usize, F>(shape: &[usize], ops: [Operand<'_>; K], grain: usize, row: F)
where
    F: Fn([*mut u8; K], [isize; K], usize) + Sync,
{
    if shape.contains(&0) {
        return;
    }
    let p = plan(shape, &ops);
    let dims = p.dims();
    // Plain loops over K instead of `std::array::from_fn`: each `from_fn` closure is its own
    // type, instantiated again for every row kernel, which added ~6% to the crate's IR.
    let mut base = [SendPtr(std::ptr::null_mut()); K];
    for (b, op) in base.iter_mut().zip(&ops) {
        b.0 = op.ptr;
    }
    let ndim = dims.len();
    if ndim == 0 {
        let mut ptrs = [std::ptr::null_mut(); K];
        for (p, b) in ptrs.iter_mut().zip(base) {
            *p = b.0;
        }
        row(ptrs, [0; K], 1);
        return;
    }
    let (inner, inner_strides) = dims[ndim - 1];
    let rows: usize = dims[..ndim - 1].iter().map(|d| d.0).product();
    let total = rows * inner;
    // Work items: `pieces` chunks per row when rows are long, else groups of whole rows.
    let pieces_per_row = inner.div_ceil(grain).max(1);
    let rows_per_task = if pieces_per_row > 1 { 1 } else { (grain / inner).max(1) };
    let piece_len = inner.div_ceil(pieces_per_row);
    let tasks = rows.div_ceil(rows_per_task) * pieces_per_row;

    let row_start = |r: usize| -> [*mut u8; K] {
        // Unravel row index r over the outer dims (innermost outer dim fastest).
        let mut rem = r;
        let mut off = [0isize; K];
        for d in (0..ndim - 1).rev() {
            let i = rem % dims[d].0;
            rem /= dims[d].0;
            for (o, s) in off.iter_mut().zip(dims[d].1) {
                *o += i as isize * s;
            }
        }
        let mut start = [std::ptr::null_mut(); K];
        for ((p, b), o) in start.iter_mut().zip(base).zip(off) {
            *p = b.0.wrapping_offset(o);
        }
        start
    };
    let run_task = |t: usize| {
        let (group, piece) = (t / pieces_per_row, t % pieces_per_row);
        let lo = piece * piece_len;
        let len = piece_len.min(inner - lo);
        for r in group * rows_per_task..((group + 1) * rows_per_task).min(rows) {
            let mut ptrs = row_start(r);
            for (p, s) in ptrs.iter_mut().zip(inner_strides) {
                *p = p.wrapping_offset(lo as isize * s);
            }
            row(ptrs, inner_strides, len);
        }
    };
    for_tasks(tasks, worth_parallel_loop(tasks, total, grain), run_task);
}

/// Reads `len` elements at `ptr` with byte stride `stride` as a slice when contiguous.
///
/// # Safety
/// When `stride == size_of::<T>()`, `ptr` must be aligned and valid for `len` reads of `T` that
/// nothing writes during the borrow.
#[inline(always)]
pub(crate) unsafe fn as_slice<'a, T>(ptr: *mut u8, stride: isize, len: usize) -> Option<&'a [T]> {
    if stride == std::mem::size_of::<T>() as isize {
        // SAFETY: the caller's contract.
        Some(unsafe { std::slice::from_raw_parts(ptr as *const T, len) })
    } else {
        None
    }
}

/// Mutable counterpart of [`as_slice`].
///
/// # Safety
/// As [`as_slice`], and nothing else may read or write the memory during the borrow.
#[inline(always)]
pub(crate) unsafe fn as_slice_mut<'a, T>(ptr: *mut u8, stride: isize, len: usize) -> Option<&'a mut [T]> {
    if stride == std::mem::size_of::<T>() as isize {
        // SAFETY: the caller's contract.
        Some(unsafe { std::slice::from_raw_parts_mut(ptr as *mut T, len) })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn collapses_contiguous_dims() {
        let strides = [12isize, 4, 1];
        let op = Operand { ptr: std::ptr::null_mut(), strides: &strides, itemsize: 4 };
        let p = plan(&[2, 3, 4], &[op]);
        assert_eq!(p.dims().iter().map(|d| d.0).collect::<Vec<_>>(), vec![24]);
        let t = [1isize, 2, 6];
        let op2 = Operand { ptr: std::ptr::null_mut(), strides: &t, itemsize: 4 };
        let p = plan(&[2, 3, 4], &[op, op2]);
        assert_eq!(p.dims().iter().map(|d| d.0).collect::<Vec<_>>(), vec![2, 3, 4]);
    }

    #[test]
    fn more_dims_than_fit_inline_spill_and_visit_every_element() {
        // 10 axes of 2 with reversed strides (a full transpose): nothing collapses.
        let ndim = INLINE_DIMS + 2;
        let shape = vec![2usize; ndim];
        let strides: Vec<isize> = (0..ndim).map(|d| 1isize << d).collect();
        let mut data = vec![0u32; 1 << ndim];
        let op = Operand { ptr: data.as_mut_ptr() as *mut u8, strides: &strides, itemsize: 4 };
        assert_eq!(plan(&shape, &[op]).dims().len(), ndim);
        let op = Operand { ptr: data.as_mut_ptr() as *mut u8, strides: &strides, itemsize: 4 };
        // SAFETY: the strides address each of the 2^ndim elements of `data` exactly once.
        unsafe {
            for_each_row(&shape, [op], |[p], [s], len| {
                for i in 0..len {
                    *(p.offset(i as isize * s) as *mut u32) += 1;
                }
            });
        }
        assert!(data.iter().all(|&v| v == 1));
    }

    #[test]
    fn visits_every_element_once_in_parallel() {
        let n = 3 * PAR_CHUNK + 17;
        let mut data = vec![0u32; n];
        let strides = [1isize];
        let hits = AtomicUsize::new(0);
        let op = Operand { ptr: data.as_mut_ptr() as *mut u8, strides: &strides, itemsize: 4 };
        // SAFETY: `data` is valid for n u32 and only this call touches it.
        unsafe {
            for_each_row(&[n], [op], |[p], [s], len| {
                for i in 0..len {
                    let e = p.offset(i as isize * s) as *mut u32;
                    *e += 1;
                }
                hits.fetch_add(len, Ordering::Relaxed);
            });
        }
        assert_eq!(hits.load(Ordering::Relaxed), n);
        assert!(data.iter().all(|&v| v == 1));
    }
}
