//! Batched matrix products on the CPU: faer's GEMM for float32/float64 and complex64/complex128
//! (and for the 16-bit
//! floats, widened to float32 a matrix at a time), a blocked loop of our own for integers and
//! `bool`, whose products must wrap exactly as NumPy's do.
//!
//! Operands are 3-D views `(batch, m, k) @ (batch, k, n) -> (batch, m, n)` with any strides
//! (faer takes row and column strides directly, zero and negative included); the output is
//! C-contiguous.

use super::math::FloatElem;
use super::parallel::{for_tasks, worth_parallel, SendPtr, PAR_CHUNK};
use super::{queue, view_ptr, CpuBuffer};
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::layout::Layout;
use faer::{Accum, MatMut, MatRef, Par};
use half::{bf16, f16};
use num_traits::{WrappingAdd, WrappingMul, Zero};

type View<'a> = (&'a CpuBuffer, &'a Layout);

/// One 3-D operand: pointer to element `[0, 0, 0]` and element strides `(batch, row, col)`.
#[derive(Clone, Copy)]
struct Operand {
    ptr: SendPtr,
    strides: [isize; 3],
}

impl Operand {
    fn new(view: View<'_>, itemsize: usize) -> Operand {
        let s = view.1.strides();
        Operand { ptr: SendPtr(view_ptr(view.0, view.1, itemsize)), strides: [s[0], s[1], s[2]] }
    }

    /// Pointer to element `[p, 0, 0]`.
    fn matrix<T>(self, p: usize) -> *mut T {
        self.ptr.get().cast::<T>().wrapping_offset(p as isize * self.strides[0])
    }
}

/// The problem: `batch` products of `(m, k) @ (k, n)`.
#[derive(Clone, Copy)]
struct Dims {
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
}

/// `out[p] = a[p] @ b[p]` (see `Backend::matmul`).
pub(crate) fn matmul(dtype: DType, a: View<'_>, b: View<'_>, out: View<'_>) -> Result<()> {
    let (sa, sb) = (a.1.shape(), b.1.shape());
    let d = Dims { batch: sa[0], m: sa[1], k: sa[2], n: sb[2] };
    debug_assert!(a.1.ndim() == 3 && sb[..2] == [d.batch, d.k] && out.1.shape() == [d.batch, d.m, d.n]);
    debug_assert!(out.1.is_c_contiguous());
    if d.batch * d.m * d.n == 0 {
        return Ok(());
    }
    let isz = dtype.itemsize();
    let (a, b, c) = (Operand::new(a, isz), Operand::new(b, isz), Operand::new(out, isz));
    let _q = queue();
    // SAFETY (every arm): the views are valid for their shapes and strides (an Array
    // invariant), `out` is a fresh contiguous buffer that overlaps neither input, and the queue
    // excludes other writers for the duration.
    unsafe {
        match dtype {
            DType::F32 => faer_batches(d, a, b, c, 1.0f32),
            DType::F64 => faer_batches(d, a, b, c, 1.0f64),
            DType::C64 => faer_batches(d, a, b, c, num_complex::Complex32::new(1.0, 0.0)),
            DType::C128 => faer_batches(d, a, b, c, num_complex::Complex64::new(1.0, 0.0)),
            DType::F16 => widened_batches::<f16>(d, a, b, c),
            DType::BF16 => widened_batches::<bf16>(d, a, b, c),
            DType::Bool => bool_batches(d, a, b, c),
            _ => crate::dtype::dispatch_int!(dtype, T => int_batches::<T>(d, a, b, c), else {
                let hint = "; the CPU backend has no matmul loop for it".into();
                return Err(Error::UnsupportedDType { op: "matmul", dtype, hint });
            }),
        }
    }
    Ok(())
}

/// Whether to run the batch's products in parallel, each on one thread, rather than one after
/// another, each on every thread (faer splits a large product itself). Whole products per
/// thread win whenever there are products enough to keep every thread busy: no product is
/// split, so nothing is synchronised inside one (measured on (64, 256, 256): 1.5x faster).
fn parallel_over_batch(d: Dims) -> bool {
    let per_product = d.m * d.n * d.k.max(1);
    let enough = d.batch >= 2 * rayon::current_num_threads() || per_product < 64 * 64 * 64;
    d.batch > 1 && enough && worth_parallel(d.batch, d.batch * per_product, PAR_CHUNK)
}

/// Runs `product(p, par)` for every batch position, choosing where the parallelism goes.
fn for_each_product(d: Dims, product: impl Fn(usize, Par) + Sync) {
    if parallel_over_batch(d) {
        for_tasks(d.batch, true, |p| product(p, Par::Seq));
    } else {
        let par = if d.m * d.n * d.k >= 1 << 18 { Par::rayon(0) } else { Par::Seq };
        (0..d.batch).for_each(|p| product(p, par));
    }
}

/// float32/float64: faer's GEMM on the strided views.
///
/// # Safety
/// As [`matmul`]'s arms.
unsafe fn faer_batches<T: faer::traits::ComplexField + Copy>(d: Dims, a: Operand, b: Operand, c: Operand, one: T) {
    for_each_product(d, |p, par| {
        // SAFETY: the views are valid for (m, k), (k, n) and (m, n) elements at these strides;
        // the pointers are non-null (they address elements of live buffers; with `k == 0`
        // faer reads neither input and writes zeros).
        unsafe {
            let lhs = MatRef::<T>::from_raw_parts(a.matrix(p), d.m, d.k, a.strides[1], a.strides[2]);
            let rhs = MatRef::<T>::from_raw_parts(b.matrix(p), d.k, d.n, b.strides[1], b.strides[2]);
            let dst = MatMut::<T>::from_raw_parts_mut(c.matrix(p), d.m, d.n, c.strides[1], c.strides[2]);
            faer::linalg::matmul::matmul(dst, Accum::Replace, lhs, rhs, one, par);
        }
    });
}

/// float16/bfloat16: each product's operands widened to contiguous float32, multiplied by
/// faer in float32 (the accumulation PyTorch and cuBLAS use), and rounded once into the output.
///
/// # Safety
/// As [`matmul`]'s arms.
unsafe fn widened_batches<T: FloatElem<C = f32>>(d: Dims, a: Operand, b: Operand, c: Operand) {
    for_each_product(d, |p, par| {
        let lhs = widen::<T>(a, p, d.m, d.k);
        let rhs = widen::<T>(b, p, d.k, d.n);
        let mut prod = vec![0f32; d.m * d.n];
        let (lhs, rhs) = (MatRef::from_row_major_slice(&lhs, d.m, d.k), MatRef::from_row_major_slice(&rhs, d.k, d.n));
        let dst = MatMut::from_row_major_slice_mut(&mut prod, d.m, d.n);
        faer::linalg::matmul::matmul(dst, Accum::Replace, lhs, rhs, 1.0f32, par);
        // SAFETY: `out` is contiguous, so product `p` is `m * n` consecutive elements.
        let out = unsafe { std::slice::from_raw_parts_mut(c.matrix::<T>(p), d.m * d.n) };
        T::narrow(&prod, out);
    });
}

/// Matrix `p` of `op` (`rows × cols`), widened to a row-major float32 vector.
fn widen<T: FloatElem<C = f32>>(op: Operand, p: usize, rows: usize, cols: usize) -> Vec<f32> {
    let elements = gather::<T>(op, p, rows, cols);
    let mut wide = vec![0f32; elements.len()];
    T::widen(&elements, &mut wide);
    wide
}

/// Matrix `p` of `op` (`rows × cols`) as a row-major vector of its elements.
fn gather<T: Element<Repr = T>>(op: Operand, p: usize, rows: usize, cols: usize) -> Vec<T> {
    let base = op.matrix::<T>(p);
    let mut v = Vec::with_capacity(rows * cols);
    for i in 0..rows {
        for j in 0..cols {
            // SAFETY: `(i, j)` lies inside the view (see `matmul`'s contract).
            v.push(unsafe { base.wrapping_offset(i as isize * op.strides[1] + j as isize * op.strides[2]).read() });
        }
    }
    v
}

/// Integers: `c[i, :] += a[i, l] * b[l, :]` over `l`, in wrapping arithmetic (NumPy's
/// results for every overflow), with `b` packed row-major so the inner loop vectorises.
///
/// # Safety
/// As [`matmul`]'s arms.
unsafe fn int_batches<T>(d: Dims, a: Operand, b: Operand, c: Operand)
where
    T: Element<Repr = T> + WrappingAdd + WrappingMul + Zero,
{
    rows_by_product(d, a, b, c, |acc: &mut [T], x: T, row: &[T]| {
        for (acc, &y) in acc.iter_mut().zip(row) {
            *acc = acc.wrapping_add(&x.wrapping_mul(&y));
        }
    });
}

/// `bool`: `c[i, j] = any over l of (a[i, l] and b[l, j])`, NumPy's boolean matmul.
///
/// # Safety
/// As [`matmul`]'s arms.
unsafe fn bool_batches(d: Dims, a: Operand, b: Operand, c: Operand) {
    // Booleans are bytes, true being any non-zero byte (as `from_repr` reads them, which
    // matters for imported memory); the output is written as 0/1.
    rows_by_product(d, a, b, c, |acc: &mut [u8], x: u8, row: &[u8]| {
        if x != 0 {
            for (acc, &y) in acc.iter_mut().zip(row) {
                *acc |= u8::from(y != 0);
            }
        }
    });
}

/// The shared loop of the integer and `bool` products: for each product, `b` packed row-major
/// and `a` gathered, then rows of the output (in parallel tasks of whole rows) accumulated by
/// `axpy(acc_row, a[i, l], b_row_l)` over `l`.
fn rows_by_product<T: Element<Repr = T> + Zero>(
    d: Dims,
    a: Operand,
    b: Operand,
    c: Operand,
    axpy: impl Fn(&mut [T], T, &[T]) + Sync,
) {
    let rows_per_task = (PAR_CHUNK / (d.n * d.k.max(1)).max(1)).max(1);
    for p in 0..d.batch {
        let (lhs, rhs) = (gather::<T>(a, p, d.m, d.k), gather::<T>(b, p, d.k, d.n));
        let out = SendPtr(c.matrix::<T>(p).cast());
        let tasks = d.m.div_ceil(rows_per_task);
        for_tasks(tasks, worth_parallel(tasks, d.m * d.n * d.k, PAR_CHUNK), |t| {
            for i in t * rows_per_task..((t + 1) * rows_per_task).min(d.m) {
                // SAFETY: output row `i` of the contiguous product `p`; each row is written by
                // exactly one task.
                let acc = unsafe { std::slice::from_raw_parts_mut(out.get().cast::<T>().add(i * d.n), d.n) };
                acc.fill(T::zero());
                for l in 0..d.k {
                    axpy(acc, lhs[i * d.k + l], &rhs[l * d.n..(l + 1) * d.n]);
                }
            }
        });
    }
}
