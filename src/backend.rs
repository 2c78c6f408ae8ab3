//! The primitives every backend implements, over its own buffer type: the interface between
//! the storage dispatch (`src/storage.rs`, the one `match` over storage kinds) and the backends
//! (`src/cpu`, `src/cuda`).
//!
//! Contracts from the op layer: every primitive writes into `out`, a fresh contiguous view of
//! the right shape and dtype; inputs are views broadcast to the output's shape, or scalars
//! holding their exact value in the compute dtype, all in the compute dtype the op layer
//! resolved; every view lies on the output's device (the op layer checked it once).

use crate::dtype::{DType, Scalar};
use crate::error::Result;
use crate::fft::FftSpec;
use crate::layout::Layout;
use crate::vocab::Decomp;
use crate::vocab::SortSpec;
use crate::vocab::{BinaryOp, Input, ReduceDims, ReduceOp, ScanOp, Signature, UnaryOp};
use crate::vocab::{Counter, RandomDist};
use std::ffi::c_void;
use std::ptr::NonNull;

/// A view of a buffer of type `B`.
pub(crate) type View<'a, B> = (&'a B, &'a Layout);

/// One backend: its buffer type and the op and memory primitives on it, all fallible (a CPU
/// primitive that cannot fail still returns `Ok`, so the dispatch arms line up).
pub(crate) trait Backend {
    /// The backend's memory block.
    type Buffer;

    /// `out = op(src)`; `src` has `sig.compute`, `out` has `sig.out` (the signature the op
    /// layer resolved with `op.signature`; never the identity, which the op layer copies).
    fn unary(op: UnaryOp, sig: Signature, src: View<'_, Self::Buffer>, out: View<'_, Self::Buffer>) -> Result<()>;

    /// `out = op(lhs, rhs)`; both inputs have `sig.compute`, `out` has `sig.out` (resolved by
    /// the op layer with `op.signature`).
    fn binary(
        op: BinaryOp,
        sig: Signature,
        lhs: Input<'_, Self::Buffer>,
        rhs: Input<'_, Self::Buffer>,
        out: View<'_, Self::Buffer>,
    ) -> Result<()>;

    /// `out = cond ? a : b`; `cond` is `bool`, `a` and `b` (and `out`) have dtype `dtype`.
    fn where_(dtype: DType, inputs: [Input<'_, Self::Buffer>; 3], out: View<'_, Self::Buffer>) -> Result<()>;

    /// `out = minimum(maximum(x, lo), hi)` with NumPy's rules; all have dtype `dtype`.
    fn clip(dtype: DType, inputs: [Input<'_, Self::Buffer>; 3], out: View<'_, Self::Buffer>) -> Result<()>;

    /// `out = src` converted from dtype `from` to dtype `to`.
    fn cast(from: DType, to: DType, src: View<'_, Self::Buffer>, out: View<'_, Self::Buffer>) -> Result<()>;

    /// `out[o, i] = op over r of src[o, r, i]` for a contiguous `src` of dtype `dtype`; `out`
    /// has `dims.outer * dims.inner` elements of `op.out_dtype(dtype)`. For `Mean`, the sum is
    /// divided by `divisor` in the accumulator type.
    fn reduce(
        op: ReduceOp,
        dtype: DType,
        src: View<'_, Self::Buffer>,
        dims: ReduceDims,
        divisor: u64,
        out: View<'_, Self::Buffer>,
    ) -> Result<()>;

    /// `out[o, k, i] = op over j <= k of src[o, j, i]` (an inclusive scan along the middle
    /// axis): `src` and `out` are C-contiguous views of `dims.outer * dims.r * dims.inner`
    /// elements, both of `dtype`, which is `bool`, an integer, float32 or float64 (the op layer
    /// scans 16-bit floats in float32). Integers wrap; `bool` scans with or (sum) / and (prod).
    fn scan(
        op: ScanOp,
        dtype: DType,
        src: View<'_, Self::Buffer>,
        dims: ReduceDims,
        out: View<'_, Self::Buffer>,
    ) -> Result<()>;

    /// `out[p] = a[p] @ b[p]` for every batch position `p`: `a`, `b` and `out` are 3-D views
    /// of shapes `(batch, m, k)`, `(batch, k, n)` and `(batch, m, n)`, all of `dtype`. `out` is
    /// C-contiguous; the inputs may have any strides (zero for broadcast batches or rows, and
    /// negative). Integer products wrap like NumPy's; `bool` is the logical or of ands;
    /// float16/bfloat16 accumulate in float32 and round once. `k == 0` writes zeros.
    fn matmul(
        dtype: DType,
        a: View<'_, Self::Buffer>,
        b: View<'_, Self::Buffer>,
        out: View<'_, Self::Buffer>,
    ) -> Result<()>;

    /// Runs the matrix decomposition or solver `op` over a batch (see [`Decomp`] for each op's
    /// inputs and outputs): every input is a C-contiguous 3-D view `(batch, rows, cols)` and
    /// every output a fresh C-contiguous view of the shape `Decomp` documents, all of `dtype`
    /// (float32 or float64; the op layer converts other dtypes), `batch > 0`. A failure in one
    /// matrix (singular, not positive definite) is a typed error naming its batch position.
    fn linalg(
        op: Decomp,
        dtype: DType,
        inputs: &[View<'_, Self::Buffer>],
        outputs: &[View<'_, Self::Buffer>],
    ) -> Result<()>;

    /// Runs the batch of 1-D transforms `spec` describes (see [`FftSpec`]): `src` is a view of
    /// shape `(..., m)` of `spec.input` (any strides), `out` a fresh C-contiguous view of shape
    /// `(..., spec.kind.out_len(spec.n))` of `spec.output()`, with at least one element.
    fn fft(spec: FftSpec, src: View<'_, Self::Buffer>, out: View<'_, Self::Buffer>) -> Result<()>;

    fn fill(out: View<'_, Self::Buffer>, dtype: DType, value: Scalar) -> Result<()>;

    /// Fills the fresh C-contiguous view `out` of `dtype` with the draw `dist` from the Philox
    /// stream `ctr`: element `i` uses counter block `ctr.offset + i / dist.per_block(dtype)`,
    /// the same values on every backend (`kernels/random.cu`). `dist.supports(dtype)` is checked
    /// by the op layer; a backend refuses other dtypes with `UnsupportedDType`.
    fn random(dist: RandomDist, dtype: DType, ctr: Counter, out: View<'_, Self::Buffer>) -> Result<()>;
    /// Sorts every row of the C-contiguous `(spec.rows, spec.len)` view `src` of `dtype`
    /// stably by the order-preserving key (`src/cpu/sort.rs`; NaNs last, `-0.0 == +0.0`,
    /// reversed when `spec.descending`) into the C-contiguous `out`: the values (`dtype`), or
    /// with `spec.indices` the `int64` index of each sorted element within its row.
    fn sort(dtype: DType, src: View<'_, Self::Buffer>, spec: SortSpec, out: View<'_, Self::Buffer>) -> Result<()>;

    /// `out[i]` = the insertion point of `values[i]` in `sorted` (a C-contiguous 1-D view,
    /// ascending by the sort key): the first position whose key is `>=` (or with `right`, `>`)
    /// the value's key. `sorted` and `values` have `dtype`, both C-contiguous; `out` is a
    /// C-contiguous `int64` view with as many elements as `values`.
    fn searchsorted(
        dtype: DType,
        sorted: View<'_, Self::Buffer>,
        values: View<'_, Self::Buffer>,
        right: bool,
        out: View<'_, Self::Buffer>,
    ) -> Result<()>;

    /// Copies view `src` into view `dst` (same shape, `itemsize`-byte elements), as if `src`
    /// were read completely before anything is written.
    fn copy(src: View<'_, Self::Buffer>, dst: View<'_, Self::Buffer>, itemsize: usize) -> Result<()>;

    /// Copies host bytes into `dst` at `byte_offset`; returns once `src` may be reused.
    fn upload(dst: &Self::Buffer, byte_offset: usize, src: &[u8]) -> Result<()>;

    /// Copies bytes of `src` from `byte_offset` into host `dst`; returns once `dst` is filled.
    fn download(src: &Self::Buffer, byte_offset: usize, dst: &mut [u8]) -> Result<()>;
}

/// What keeps memory another library owns (a DLPack import) alive: a handle and the function
/// that releases it, called exactly once when the owner is dropped. A DLPack tensor is a
/// pointer and its deleter, so wrapping it this way needs no allocation of ours (it is on every
/// import's path).
pub(crate) struct ForeignOwner {
    /// The producer's handle; devarray never dereferences it.
    ctx: NonNull<c_void>,
    /// Releases `ctx`.
    release: unsafe fn(NonNull<c_void>),
}

// SAFETY: `from_release`'s caller promised that `release(ctx)` may run on any thread (the DLPack
// deleter contract), and `ctx` is only ever handed back to `release`.
unsafe impl Send for ForeignOwner {}
// SAFETY: as above; a shared `&ForeignOwner` offers no access to `ctx`.
unsafe impl Sync for ForeignOwner {}

impl ForeignOwner {
    /// An owner that calls `release(ctx)` once when dropped.
    ///
    /// # Safety
    /// `release(ctx)` must be sound to call once, from any thread, at any later time, and
    /// nothing else may release `ctx`.
    #[inline]
    pub(crate) unsafe fn from_release(ctx: NonNull<c_void>, release: unsafe fn(NonNull<c_void>)) -> Self {
        ForeignOwner { ctx, release }
    }
}

impl Drop for ForeignOwner {
    fn drop(&mut self) {
        // SAFETY: `from_release`'s contract; drop runs once.
        unsafe { (self.release)(self.ctx) }
    }
}
