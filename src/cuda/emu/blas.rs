//! The emulator's stand-in for `cublasGemmStridedBatchedEx`: the computation cuBLAS documents,
//! on emulated device memory, so the code that maps array products onto cuBLAS runs in CI.
//!
//! Arguments are validated as cuBLAS validates them (its `CUBLAS_STATUS_INVALID_VALUE` cases),
//! at the call; every matrix's span over the batch is checked against the live allocations when
//! the stream runs the call, as a launch's pointers are. Accumulation is in the compute type:
//! f64 for f64 and complex128, f32 for f32, complex64 and the 16-bit types (each product of two
//! 16-bit values is exact in f32, as in cuBLAS's `CUBLAS_COMPUTE_32F`). Complex products are
//! plain (no conjugation: cuBLAS's `CUBLAS_OP_C` is not used), with real `alpha` and `beta`.

use crate::cuda::api::{Gemm, GemmMatrix, GemmOp, GemmType};

/// Why cuBLAS would refuse `g` with `CUBLAS_STATUS_INVALID_VALUE`, if it would.
pub(crate) fn validate(g: &Gemm) -> Result<(), String> {
    if g.m < 0 || g.n < 0 || g.k < 0 || g.batch < 0 {
        return Err(format!("negative size: m {}, n {}, k {}, batchCount {}", g.m, g.n, g.k, g.batch));
    }
    let (a_rows, _) = storage(g.transa, g.m, g.k);
    let (b_rows, _) = storage(g.transb, g.k, g.n);
    for (name, ld, rows) in [("lda", g.a.ld, a_rows), ("ldb", g.b.ld, b_rows), ("ldc", g.c.ld, g.m)] {
        if ld < rows.max(1) {
            return Err(format!("{name} = {ld} < max(1, {rows}), the rows of the matrix as stored"));
        }
    }
    Ok(())
}

/// `(rows, columns)` of a matrix as stored, when `op` of it is `rows_op × cols_op`.
fn storage(op: GemmOp, rows_op: i32, cols_op: i32) -> (i32, i32) {
    match op {
        GemmOp::N => (rows_op, cols_op),
        GemmOp::T => (cols_op, rows_op),
    }
}

/// The byte range `[lo, hi)` a matrix of `rows × cols` (as stored) spans over `batch`
/// positions, or `None` when it holds no element.
pub(crate) fn span(x: &GemmMatrix, rows: i32, cols: i32, batch: i32, itemsize: usize) -> Option<(u64, u64)> {
    if rows <= 0 || cols <= 0 || batch <= 0 {
        return None;
    }
    let reach = i128::from(batch - 1) * i128::from(x.stride);
    let lo = reach.min(0);
    let hi = i128::from(cols - 1) * i128::from(x.ld) + i128::from(rows - 1) + reach.max(0) + 1;
    let at = |e: i128| (i128::from(x.ptr) + e * itemsize as i128) as u64;
    Some((at(lo), at(hi)))
}

/// Every byte range `g` reads or writes, named, for the memory checks.
pub(crate) fn accesses(g: &Gemm) -> Vec<(&'static str, u64, u64)> {
    let isz = g.dtype.itemsize();
    let (ar, ac) = storage(g.transa, g.m, g.k);
    let (br, bc) = storage(g.transb, g.k, g.n);
    // With m or n zero nothing is read; with k zero only C is.
    let live = g.m > 0 && g.n > 0;
    let spans = [
        ("A", live.then(|| span(&g.a, ar, ac, g.batch, isz)).flatten()),
        ("B", live.then(|| span(&g.b, br, bc, g.batch, isz)).flatten()),
        ("C", span(&g.c, g.m, g.n, g.batch, isz)),
    ];
    spans.into_iter().filter_map(|(name, s)| s.map(|(lo, hi)| (name, lo, hi))).collect()
}

/// Reads element `off` of a `dtype` matrix at `ptr`, widened to f64.
///
/// # Safety
/// The element lies in memory valid for reads.
unsafe fn load(dtype: GemmType, ptr: u64, off: i64) -> f64 {
    let at = (ptr as i64 + off * dtype.itemsize() as i64) as usize;
    // SAFETY: the caller's contract; unaligned reads, as the emulator does not assume alignment.
    unsafe {
        match dtype {
            GemmType::F64 => std::ptr::read_unaligned(at as *const f64),
            GemmType::F32 => f64::from(std::ptr::read_unaligned(at as *const f32)),
            GemmType::F16 => f64::from(std::ptr::read_unaligned(at as *const half::f16)),
            GemmType::BF16 => f64::from(std::ptr::read_unaligned(at as *const half::bf16)),
            // The complex types go through `load_complex`; their real part, should one land here.
            GemmType::C64 => f64::from(std::ptr::read_unaligned(at as *const f32)),
            GemmType::C128 => std::ptr::read_unaligned(at as *const f64),
        }
    }
}

/// Writes `v` (a value of the compute type) rounded to `dtype` at element `off` of `ptr`.
///
/// # Safety
/// The element lies in memory valid for writes that nothing else accesses meanwhile.
unsafe fn store(dtype: GemmType, ptr: u64, off: i64, v: f64) {
    let at = (ptr as i64 + off * dtype.itemsize() as i64) as usize;
    // SAFETY: the caller's contract.
    unsafe {
        match dtype {
            GemmType::F64 => std::ptr::write_unaligned(at as *mut f64, v),
            GemmType::F32 => std::ptr::write_unaligned(at as *mut f32, v as f32),
            GemmType::F16 => std::ptr::write_unaligned(at as *mut half::f16, half::f16::from_f32(v as f32)),
            GemmType::BF16 => std::ptr::write_unaligned(at as *mut half::bf16, half::bf16::from_f32(v as f32)),
            // The complex types go through `store_complex`.
            GemmType::C64 => std::ptr::write_unaligned(at as *mut [f32; 2], [v as f32, 0.0]),
            GemmType::C128 => std::ptr::write_unaligned(at as *mut [f64; 2], [v, 0.0]),
        }
    }
}

/// Whether `t`'s elements are complex (real and imaginary parts).
fn complex(t: GemmType) -> bool {
    matches!(t, GemmType::C64 | GemmType::C128)
}

/// Reads complex element `off` of a complex `dtype` matrix at `ptr` as `(re, im)`, widened to f64.
///
/// # Safety
/// The element lies in memory valid for reads.
unsafe fn load_complex(dtype: GemmType, ptr: u64, off: i64) -> (f64, f64) {
    let at = (ptr as i64 + off * dtype.itemsize() as i64) as usize;
    // SAFETY: the caller's contract; unaligned reads, as the emulator does not assume alignment.
    unsafe {
        if dtype.is_double() {
            let [re, im] = std::ptr::read_unaligned(at as *const [f64; 2]);
            (re, im)
        } else {
            let [re, im] = std::ptr::read_unaligned(at as *const [f32; 2]);
            (f64::from(re), f64::from(im))
        }
    }
}

/// Writes `(re, im)` rounded to the complex `dtype` at element `off` of `ptr`.
///
/// # Safety
/// The element lies in memory valid for writes that nothing else accesses meanwhile.
unsafe fn store_complex(dtype: GemmType, ptr: u64, off: i64, (re, im): (f64, f64)) {
    let at = (ptr as i64 + off * dtype.itemsize() as i64) as usize;
    // SAFETY: the caller's contract.
    unsafe {
        if dtype.is_double() {
            std::ptr::write_unaligned(at as *mut [f64; 2], [re, im]);
        } else {
            std::ptr::write_unaligned(at as *mut [f32; 2], [re as f32, im as f32]);
        }
    }
}

/// Element offset of `op(X)[i, j]` in batch position `p`.
fn offset(x: &GemmMatrix, op: GemmOp, p: i64, i: i64, j: i64) -> i64 {
    let (r, c) = match op {
        GemmOp::N => (i, j),
        GemmOp::T => (j, i),
    };
    p * x.stride + r + c * i64::from(x.ld)
}

/// `C[i, j]` of batch position `p`, in the compute type (f32 values held in an f64 unless the
/// type is f64, so every step rounds as cuBLAS's f32 arithmetic does).
///
/// # Safety
/// As [`run`].
unsafe fn element(g: &Gemm, p: i64, i: i64, j: i64) -> f64 {
    let wide = g.dtype == GemmType::F64;
    let (mut acc64, mut acc32) = (0f64, 0f32);
    for l in 0..i64::from(g.k) {
        // SAFETY: inside A's and B's spans, which the caller checked.
        let (x, y) = unsafe {
            (
                load(g.dtype, g.a.ptr, offset(&g.a, g.transa, p, i, l)),
                load(g.dtype, g.b.ptr, offset(&g.b, g.transb, p, l, j)),
            )
        };
        if wide {
            acc64 += x * y;
        } else {
            acc32 += x as f32 * y as f32;
        }
    }
    let c_off = offset(&g.c, GemmOp::N, p, i, j);
    // cuBLAS does not read C when beta is 0 (C may hold garbage, NaN included).
    let c = if g.beta == 0.0 {
        0.0
    } else {
        // SAFETY: inside C's span.
        unsafe { load(g.dtype, g.c.ptr, c_off) }
    };
    if wide {
        g.alpha * acc64 + g.beta * c
    } else {
        f64::from(g.alpha as f32 * acc32 + g.beta as f32 * c as f32)
    }
}

/// Rounds `x` to f32 unless the compute type is double, so each step of a single-precision
/// complex product rounds as cuBLAS's f32 arithmetic does.
fn round(wide: bool, x: f64) -> f64 {
    if wide {
        x
    } else {
        f64::from(x as f32)
    }
}

/// Complex `C[i, j]` of batch position `p` as `(re, im)`, in the compute type: each complex
/// multiply-add rounds its real and imaginary parts in turn (`alpha` and `beta` are real).
///
/// # Safety
/// As [`run`].
unsafe fn element_complex(g: &Gemm, p: i64, i: i64, j: i64) -> (f64, f64) {
    let w = g.dtype.is_double();
    let (mut re, mut im) = (0f64, 0f64);
    for l in 0..i64::from(g.k) {
        // SAFETY: inside A's and B's spans, which the caller checked.
        let ((xr, xi), (yr, yi)) = unsafe {
            (
                load_complex(g.dtype, g.a.ptr, offset(&g.a, g.transa, p, i, l)),
                load_complex(g.dtype, g.b.ptr, offset(&g.b, g.transb, p, l, j)),
            )
        };
        let pr = round(w, round(w, xr * yr) - round(w, xi * yi));
        let pi = round(w, round(w, xr * yi) + round(w, xi * yr));
        (re, im) = (round(w, re + pr), round(w, im + pi));
    }
    // cuBLAS does not read C when beta is 0 (C may hold garbage, NaN included).
    let (cr, ci) = if g.beta == 0.0 {
        (0.0, 0.0)
    } else {
        // SAFETY: inside C's span.
        unsafe { load_complex(g.dtype, g.c.ptr, offset(&g.c, GemmOp::N, p, i, j)) }
    };
    let (alpha, beta) = (round(w, g.alpha), round(w, g.beta));
    let part = |acc: f64, c: f64| round(w, round(w, alpha * acc) + round(w, beta * c));
    (part(re, cr), part(im, ci))
}

/// Runs `g`.
///
/// # Safety
/// `g` passed [`validate`], and every range of [`accesses`] lies in live memory nothing else
/// accesses while this runs.
pub(crate) unsafe fn run(g: &Gemm) {
    for p in 0..i64::from(g.batch) {
        for j in 0..i64::from(g.n) {
            for i in 0..i64::from(g.m) {
                let off = offset(&g.c, GemmOp::N, p, i, j);
                // SAFETY: the caller's contract covers A, B and C of every position.
                unsafe {
                    if complex(g.dtype) {
                        store_complex(g.dtype, g.c.ptr, off, element_complex(g, p, i, j));
                    } else {
                        store(g.dtype, g.c.ptr, off, element(g, p, i, j));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "blas_tests.rs"]
mod tests;
