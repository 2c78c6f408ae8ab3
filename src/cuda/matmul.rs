//! Batched matrix products on a CUDA device.
//!
//! - f32, f64, f16, bf16, complex64 and complex128 go to cuBLAS (`cublasGemmStridedBatchedEx`
//!   with `CUDA_C_32F`/`CUDA_C_64F` for the complex types, mapped in
//!   [`gemm`](super::gemm)): vendor GEMMs are several times faster than any portable kernel on
//!   tensor-core GPUs. Without libcublas they fail with [`Error::LibraryUnavailable`] rather
//!   than silently running slower; `DEVARRAY_MATMUL=kernel` opts out (for the real types: our
//!   kernel is real-only, so complex products there, or beyond cuBLAS's 32-bit sizes, are
//!   [`Error::UnsupportedOnDevice`]).
//! - Integers and bool (and every dtype under `DEVARRAY_MATMUL=kernel`, and products too large
//!   for cuBLAS's 32-bit sizes) use `matmul_{T}_tile` of `kernels/matmul.cu`, our own tiled
//!   shared-memory GEMM (kernels/ABI.md, "Matmul ABI"). Its inputs are passed as base pointers
//!   plus signed element strides, so transposed, broadcast (stride 0) and flipped (negative
//!   stride) views are multiplied in place, without a copy.
//!
//! Every view is checked against its buffer first: neither the kernel nor cuBLAS checks the
//! pointers and strides it gets.

use super::api::{GemmType, LaunchDims};
use super::context::{CudaBuffer, CudaDevice};
use super::elementwise::check_view;
use super::launch::{kernel_name, max_grid_override};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use bytemuck::{Pod, Zeroable};
use std::sync::Arc;

/// The family holding `matmul_*`.
const FAMILY: &str = "matmul";
/// Threads per block (`DA_MM_BLOCK`): 16 × 16, launched as a 1-D block.
pub(crate) const MM_BLOCK: u32 = 256;
/// Output rows of one block's tile (`DA_MM_TM`).
pub(crate) const TILE_M: usize = 64;
/// Output columns of one block's tile (`DA_MM_TN`).
pub(crate) const TILE_N: usize = 64;
/// `gridDim.y` and `gridDim.z` limit on every CUDA device; the kernel grid-strides beyond it.
const MAX_GRID_YZ: u32 = 65_535;

/// One view taking part: its buffer and its layout.
pub(crate) type View<'a> = (&'a CudaBuffer, &'a Layout);

/// `struct MatmulArgs` of `kernels/matmul.cu`, the kernel's only parameter.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
pub(crate) struct MatmulArgs {
    /// Device address of `a[0, 0, 0]`.
    pub(crate) a: u64,
    /// Device address of `b[0, 0, 0]`.
    pub(crate) b: u64,
    /// Device address of `out[0, 0, 0]` (C-contiguous).
    pub(crate) out: u64,
    pub(crate) m: i64,
    pub(crate) n: i64,
    pub(crate) k: i64,
    pub(crate) batch: i64,
    /// `a`'s element strides `(batch, row, k)`.
    pub(crate) sa: [i64; 3],
    /// `b`'s element strides `(batch, k, column)`.
    pub(crate) sb: [i64; 3],
}

// The C side's size: a mismatch would make the kernel read garbage.
const _: () = assert!(std::mem::size_of::<MatmulArgs>() == 104);

/// The problem: `batch` products of `(m, k) @ (k, n)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dims {
    pub(crate) batch: usize,
    pub(crate) m: usize,
    pub(crate) k: usize,
    pub(crate) n: usize,
}

/// The problem the three layouts describe, or why they do not describe one.
fn dims(op: &'static str, a: &Layout, b: &Layout, out: &Layout) -> Result<Dims> {
    if a.ndim() != 3 || b.ndim() != 3 || out.ndim() != 3 {
        let msg = format!(
            "operands must be 3-D (batch, rows, columns), got {}, {} and {} dims",
            a.ndim(),
            b.ndim(),
            out.ndim()
        );
        return Err(Error::invalid(op, msg));
    }
    let (sa, sb) = (a.shape(), b.shape());
    let d = Dims { batch: sa[0], m: sa[1], k: sa[2], n: sb[2] };
    let mismatch = |lhs: &[usize], rhs: &[usize], hint: &str| Error::ShapeMismatch {
        op,
        lhs: lhs.to_vec(),
        rhs: rhs.to_vec(),
        hint: hint.to_string(),
    };
    if sb[..2] != [d.batch, d.k] {
        return Err(mismatch(sa, sb, "; b must be (batch, k, n) for a of (batch, m, k)"));
    }
    if out.shape() != [d.batch, d.m, d.n] {
        return Err(mismatch(&[d.batch, d.m, d.n], out.shape(), "; out must be (batch, m, n)"));
    }
    if !out.is_c_contiguous() {
        return Err(Error::invalid(op, format!("out must be C-contiguous, got strides {:?}", out.strides())));
    }
    Ok(d)
}

/// The launch grid: one block per 64 × 64 output tile and batch position, each dimension capped
/// at its hardware limit (`max_grid_x` for x, 65535 for y and z) and at `cap` (the
/// `DEVARRAY_MAX_GRID` override); the kernel grid-strides over whatever a cap cuts off.
fn grid(d: Dims, max_grid_x: u32, cap: Option<u32>) -> [u32; 3] {
    let fit = |work: usize, limit: u32| {
        let limit = cap.map_or(limit, |c| limit.min(c)).max(1);
        (work.max(1) as u64).min(u64::from(limit)) as u32
    };
    [fit(d.n.div_ceil(TILE_N), max_grid_x), fit(d.m.div_ceil(TILE_M), MAX_GRID_YZ), fit(d.batch, MAX_GRID_YZ)]
}

/// Element strides of a 3-D view as the kernel takes them.
fn strides3(layout: &Layout) -> [i64; 3] {
    let s = layout.strides();
    [s[0] as i64, s[1] as i64, s[2] as i64]
}

/// Checks a view against its buffer and device; returns the address of its element `[0, 0, 0]`
/// and the byte range `[lo, hi)` it spans (empty for a view without elements).
pub(crate) fn checked(
    op: &'static str,
    dev: &Arc<CudaDevice>,
    view: View<'_>,
    itemsize: usize,
) -> Result<(u64, u64, u64)> {
    let (base, lo, hi) = check_view(op, dev, view.0, view.1, itemsize)?;
    Ok(if view.1.numel() == 0 { (base, lo, lo) } else { (base, lo, hi) })
}

/// The environment variable that picks the implementation of float products.
pub(crate) const MATMUL_ENV: &str = "DEVARRAY_MATMUL";

/// Which implementation float products use (`DEVARRAY_MATMUL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Path {
    /// cuBLAS for f32/f64/f16/bf16/complex, our kernel for the other dtypes (the default).
    Auto,
    /// Our kernel for every dtype (`DEVARRAY_MATMUL=kernel`): for machines without libcublas,
    /// and for comparing the two.
    Kernel,
}

/// The path a value of `DEVARRAY_MATMUL` selects: `kernel` (any case) forces our kernel;
/// anything else, or no value, is the default.
pub(crate) fn path_from(value: Option<&str>) -> Path {
    match value.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("kernel") => Path::Kernel,
        _ => Path::Auto,
    }
}

/// The path this process's environment selects (read at each product, so a program may switch).
fn path() -> Path {
    path_from(std::env::var(MATMUL_ENV).ok().as_deref())
}

/// The cuBLAS element type of `dtype`, for the dtypes cuBLAS multiplies.
fn gemm_type(dtype: DType) -> Option<GemmType> {
    match dtype {
        DType::F32 => Some(GemmType::F32),
        DType::F64 => Some(GemmType::F64),
        DType::F16 => Some(GemmType::F16),
        DType::BF16 => Some(GemmType::BF16),
        DType::C64 => Some(GemmType::C64),
        DType::C128 => Some(GemmType::C128),
        _ => None,
    }
}

/// Addresses of the three operands' element `[0, 0, 0]`, after the checks.
#[derive(Clone, Copy)]
pub(crate) struct Ptrs {
    pub(crate) a: u64,
    pub(crate) b: u64,
    pub(crate) out: u64,
}

/// `out[p] = a[p] @ b[p]` (see `Backend::matmul`): through cuBLAS for f32, f64, f16, bf16 and
/// the complex types (unless `DEVARRAY_MATMUL=kernel`), through our `matmul_{T}_tile` kernel
/// otherwise.
///
/// **Errors**: operands that are not 3-D, do not chain, or whose output is not C-contiguous,
/// views outside their buffers, on another device, or an output overlapping an input
/// ([`Error::ShapeMismatch`], [`Error::InvalidArgument`], [`Error::DeviceMismatch`]); a float
/// product without libcublas ([`Error::LibraryUnavailable`]); a complex product that cuBLAS
/// cannot take (`DEVARRAY_MATMUL=kernel`, sizes beyond its `int`s: [`Error::UnsupportedOnDevice`]);
/// kernel compilation, launch and cuBLAS failures.
pub(crate) fn matmul(dtype: DType, a: View<'_>, b: View<'_>, out: View<'_>) -> Result<()> {
    matmul_on(path(), dtype, a, b, out)
}

/// [`matmul`] on a given path.
pub(crate) fn matmul_on(path: Path, dtype: DType, a: View<'_>, b: View<'_>, out: View<'_>) -> Result<()> {
    const OP: &str = "matmul";
    let d = dims(OP, a.1, b.1, out.1)?;
    let dev = out.0.device().clone();
    if dtype.is_complex() && (path == Path::Kernel || !fits_cublas(d)) {
        // The tiled kernel is real-only: complex products exist only through cuBLAS.
        let why = if path == Path::Kernel { "with DEVARRAY_MATMUL=kernel" } else { "beyond cuBLAS's 32-bit sizes" };
        let hint =
            format!("; {dtype} products go through cuBLAS, not {why}: use the CPU device (x.to_device(&Device::Cpu))");
        return Err(Error::UnsupportedOnDevice { op: OP, device: dev.device(), hint });
    }
    let isz = dtype.itemsize();
    let (pa, a_lo, a_hi) = checked(OP, &dev, a, isz)?;
    let (pb, b_lo, b_hi) = checked(OP, &dev, b, isz)?;
    let (po, o_lo, o_hi) = checked(OP, &dev, out, isz)?;
    // The kernel reads the inputs while other blocks write the output: they must not share bytes.
    let overlaps = |lo: u64, hi: u64| lo < hi && o_lo < o_hi && lo < o_hi && o_lo < hi;
    if overlaps(a_lo, a_hi) || overlaps(b_lo, b_hi) {
        return Err(Error::invalid(OP, "the output overlaps an input"));
    }
    if d.batch == 0 || d.m == 0 || d.n == 0 {
        return Ok(());
    }
    let ptrs = Ptrs { a: pa, b: pb, out: po };
    match gemm_type(dtype) {
        Some(t) if path == Path::Auto && fits_cublas(d) => super::gemm::matmul(&dev, t, d, a, b, ptrs),
        _ => launch_kernel(&dev, dtype, d, a, b, ptrs),
    }
}

/// Whether cuBLAS's 32-bit sizes can express the product (its output's leading dimension is `n`;
/// larger problems take our kernel, whose indices are 64-bit).
fn fits_cublas(d: Dims) -> bool {
    [d.batch, d.m, d.k, d.n].iter().all(|&x| i32::try_from(x).is_ok())
}

/// Runs our `matmul_{T}_tile` kernel on checked operands.
fn launch_kernel(dev: &Arc<CudaDevice>, dtype: DType, d: Dims, a: View<'_>, b: View<'_>, p: Ptrs) -> Result<()> {
    // Every size and stride fits in i64: the views lie inside allocations (checked above).
    let args = MatmulArgs {
        a: p.a,
        b: p.b,
        out: p.out,
        m: d.m as i64,
        n: d.n as i64,
        k: d.k as i64,
        batch: d.batch as i64,
        sa: strides3(a.1),
        sb: strides3(b.1),
    };
    let f = dev.function(FAMILY, dtype, &kernel_name("matmul", &[dtype.tag(), "tile"]))?;
    let dims = LaunchDims {
        grid: grid(d, dev.grid_limits().max_grid_x, max_grid_override()),
        block: [MM_BLOCK, 1, 1],
        shared_bytes: 0,
    };
    // SAFETY: `f` has the matmul ABI (one MatmulArgs); `check_view` verified that each operand,
    // walked over its whole shape with its strides, lies in a live buffer of this device (so
    // every element the kernel reads or writes, which lies within those shapes, is in bounds);
    // the output overlaps no input; the buffers are freed only in stream order after the launch.
    unsafe { dev.launch(f, dims, &[bytemuck::bytes_of(&args)]) }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn grids_cover_the_tiles_within_the_device_limits() {
        let d = |batch, m, k, n| Dims { batch, m, k, n };
        assert_eq!(grid(d(1, 1, 1, 1), 1 << 31, None), [1, 1, 1]);
        assert_eq!(grid(d(3, 65, 7, 129), 1 << 31, None), [3, 2, 3]);
        // More batch positions (or tile rows) than gridDim.z (y) allows: the kernel grid-strides.
        assert_eq!(grid(d(70_000, 64, 1, 64), 1 << 31, None), [1, 1, 65_535]);
        assert_eq!(grid(d(1, 64 * 70_000, 1, 64 * 5), 4, None), [4, 65_535, 1]);
        assert_eq!(grid(d(10, 640, 1, 640), 1 << 31, Some(3)), [3, 3, 3]);
    }

    #[test]
    fn layouts_must_describe_one_product() {
        let l = |shape: &[usize]| Layout::contiguous(shape);
        assert_eq!(
            dims("t", &l(&[2, 3, 4]), &l(&[2, 4, 5]), &l(&[2, 3, 5])).unwrap(),
            Dims { batch: 2, m: 3, k: 4, n: 5 }
        );
        assert!(matches!(dims("t", &l(&[2, 3, 4]), &l(&[2, 3, 5]), &l(&[2, 3, 5])), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(dims("t", &l(&[2, 3, 4]), &l(&[2, 4, 5]), &l(&[2, 5, 3])), Err(Error::ShapeMismatch { .. })));
        assert!(dims("t", &l(&[3, 4]), &l(&[4, 5]), &l(&[3, 5])).is_err());
        let transposed = l(&[2, 5, 3]).permuted(&[0, 2, 1]).unwrap();
        assert!(matches!(dims("t", &l(&[2, 3, 4]), &l(&[2, 4, 5]), &transposed), Err(Error::InvalidArgument { .. })));
    }
}

#[cfg(test)]
#[path = "matmul_tests.rs"]
mod tests;
