//! The storage dispatch: the backend-neutral buffer behind every [`Array`](crate::Array), one
//! enum over the per-backend buffers. This module holds every `match` over storage kinds; each
//! arm calls the same [`Backend`] primitive of the CPU or the CUDA backend.
//!
//! Every op primitive writes into `self`, a fresh contiguous output the op layer allocated;
//! inputs are views already broadcast to the output's shape (or scalars already converted to
//! the compute dtype), all in the compute dtype the op layer resolved, on the output's device
//! (checked once, by the op layer).

use crate::backend::{Backend, ForeignOwner, View};
use crate::cpu::{self, Cpu, CpuBuffer};
use crate::cuda::{self, Cuda, CudaBuffer};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::Decomp;
use crate::vocab::SortSpec;
use crate::vocab::{BinaryOp, Input, ReduceDims, ReduceOp, ScanOp, Signature, UnaryOp};
use crate::vocab::{Counter, RandomDist};
use crate::Device;
use std::ffi::c_void;
use std::ptr::NonNull;

/// Memory on one device.
pub(crate) enum Storage {
    /// Host memory of the CPU device.
    Cpu(CpuBuffer),
    /// Device memory of a CUDA device.
    Cuda(CudaBuffer),
}

/// A backend whose buffers a [`Storage`] variant holds.
trait Kind: Backend {
    /// The buffer, when `s` holds one of this backend.
    fn buffer(s: &Storage) -> Option<&Self::Buffer>;
}

impl Kind for Cpu {
    fn buffer(s: &Storage) -> Option<&CpuBuffer> {
        match s {
            Storage::Cpu(b) => Some(b),
            Storage::Cuda(_) => None,
        }
    }
}

impl Kind for Cuda {
    fn buffer(s: &Storage) -> Option<&CudaBuffer> {
        match s {
            Storage::Cuda(b) => Some(b),
            Storage::Cpu(_) => None,
        }
    }
}

fn mismatch(op: &'static str, out: &Storage, input: &Storage) -> Error {
    Error::DeviceMismatch { op, lhs: out.device(), rhs: input.device() }
}

/// Backend `K`'s view of an input view of an op writing into `out`.
fn view_on<'a, K: Kind>(
    op: &'static str,
    out: &Storage,
    src: (&'a Storage, &'a Layout),
) -> Result<View<'a, K::Buffer>> {
    K::buffer(src.0).map(|b| (b, src.1)).ok_or_else(|| mismatch(op, out, src.0))
}

/// Backend `K`'s view of an input of an op writing into `out`.
fn input_on<'a, K: Kind>(op: &'static str, out: &Storage, input: Input<'a, Storage>) -> Result<Input<'a, K::Buffer>> {
    match input {
        Input::View(s, l) => view_on::<K>(op, out, (s, l)).map(|(b, l)| Input::View(b, l)),
        Input::Scalar(v) => Ok(Input::Scalar(v)),
    }
}

/// Backend `K`'s views of the three inputs of a ternary op writing into `out`.
fn inputs_on<'a, K: Kind>(
    op: &'static str,
    out: &Storage,
    [a, b, c]: [Input<'a, Storage>; 3],
) -> Result<[Input<'a, K::Buffer>; 3]> {
    Ok([input_on::<K>(op, out, a)?, input_on::<K>(op, out, b)?, input_on::<K>(op, out, c)?])
}

impl Storage {
    /// Allocates `bytes` bytes on `device`.
    pub(crate) fn alloc(device: Device, bytes: usize) -> Result<Storage> {
        match device {
            Device::Cpu => Ok(Storage::Cpu(CpuBuffer::alloc(bytes)?)),
            Device::Cuda(i) => Ok(Storage::Cuda(cuda::CudaDevice::get(i)?.alloc(bytes)?)),
        }
    }

    /// Wraps memory another library owns (a DLPack import) on `device`: `bytes` bytes from
    /// address `start`, released by dropping `owner`. A CUDA range is first checked with the
    /// driver to be memory of that device.
    ///
    /// # Safety
    /// `start..start + bytes` stays valid (host memory for the CPU, device memory for CUDA) for
    /// every byte a view of it reaches, until `owner` is dropped.
    #[inline]
    pub(crate) unsafe fn foreign(device: Device, start: usize, bytes: usize, owner: ForeignOwner) -> Result<Storage> {
        match device {
            Device::Cpu => {
                // An empty view touches no memory (and its data may be NULL): any aligned,
                // non-NULL pointer will do.
                let ptr = NonNull::new(start as *mut u8).unwrap_or(NonNull::<u64>::dangling().cast());
                // SAFETY: the caller's contract: the memory is valid until `owner` drops, and
                // the buffer owns `owner`.
                Ok(Storage::Cpu(unsafe { CpuBuffer::foreign(ptr, bytes, owner) }))
            }
            // SAFETY: as above, for device memory of CUDA device `i`.
            Device::Cuda(i) => Ok(Storage::Cuda(unsafe { CudaBuffer::import(i, start as u64, bytes, owner)? })),
        }
    }

    /// The device the memory is on.
    #[inline]
    pub(crate) fn device(&self) -> Device {
        match self {
            Storage::Cpu(_) => Device::Cpu,
            Storage::Cuda(b) => Device::Cuda(b.device().ordinal()),
        }
    }

    /// Size in bytes.
    pub(crate) fn len_bytes(&self) -> usize {
        match self {
            Storage::Cpu(b) => b.len_bytes(),
            Storage::Cuda(b) => b.len_bytes(),
        }
    }

    /// Address of element `[0, …]` of a view of `itemsize`-byte elements, on the memory's
    /// device (a host pointer on the CPU, a device address on CUDA).
    #[inline]
    pub(crate) fn view_address(&self, layout: &Layout, itemsize: usize) -> *mut c_void {
        match self {
            Storage::Cpu(b) => cpu::view_ptr(b, layout, itemsize).cast(),
            Storage::Cuda(b) => {
                b.device_ptr().wrapping_add((layout.offset() * itemsize) as u64) as usize as *mut c_void
            }
        }
    }

    /// Notes that the memory is handed to a DLPack consumer: a CUDA buffer's free then waits for
    /// the whole device, since the consumer's work runs on streams devarray never sees.
    #[inline]
    pub(crate) fn mark_exported(&self) {
        match self {
            Storage::Cpu(_) => {}
            Storage::Cuda(b) => b.mark_exported(),
        }
    }

    /// Writes `value` into every element of the view.
    pub(crate) fn fill(&self, layout: &Layout, dtype: DType, value: Scalar) -> Result<()> {
        match self {
            Storage::Cpu(b) => Cpu::fill((b, layout), dtype, value),
            Storage::Cuda(b) => Cuda::fill((b, layout), dtype, value),
        }
    }

    /// Fills the fresh C-contiguous view `out` of `dtype` with the draw `dist` from the Philox
    /// stream `ctr` (see [`Backend::random`]).
    pub(crate) fn random(&self, out: &Layout, dist: RandomDist, dtype: DType, ctr: Counter) -> Result<()> {
        match self {
            Storage::Cpu(b) => Cpu::random(dist, dtype, ctr, (b, out)),
            Storage::Cuda(b) => Cuda::random(dist, dtype, ctr, (b, out)),
        }
    }

    /// Copies a view of `self` into a view of `dst` (same device, same shape and element size).
    pub(crate) fn copy_to(&self, src: &Layout, dst: (&Storage, &Layout), itemsize: usize) -> Result<()> {
        match (self, dst.0) {
            (Storage::Cpu(s), Storage::Cpu(d)) => Cpu::copy((s, src), (d, dst.1), itemsize),
            (Storage::Cuda(s), Storage::Cuda(d)) if s.device().ordinal() == d.device().ordinal() => {
                Cuda::copy((s, src), (d, dst.1), itemsize)
            }
            _ => Err(Error::DeviceMismatch { op: "copy", lhs: self.device(), rhs: dst.0.device() }),
        }
    }

    /// Copies a contiguous run of bytes from the host into the buffer.
    pub(crate) fn upload(&self, byte_offset: usize, src: &[u8]) -> Result<()> {
        match self {
            Storage::Cpu(b) => Cpu::upload(b, byte_offset, src),
            Storage::Cuda(b) => Cuda::upload(b, byte_offset, src),
        }
    }

    /// Copies a contiguous run of bytes from the buffer to the host.
    pub(crate) fn download(&self, byte_offset: usize, dst: &mut [u8]) -> Result<()> {
        match self {
            Storage::Cpu(b) => Cpu::download(b, byte_offset, dst),
            Storage::Cuda(b) => Cuda::download(b, byte_offset, dst),
        }
    }

    /// `out = op(src)` with the signature the op layer resolved: `src` has `sig.compute`, `out`
    /// has `sig.out`.
    pub(crate) fn unary(&self, out: &Layout, op: UnaryOp, sig: Signature, src: (&Storage, &Layout)) -> Result<()> {
        match self {
            Storage::Cpu(o) => Cpu::unary(op, sig, view_on::<Cpu>(op.name(), self, src)?, (o, out)),
            Storage::Cuda(o) => Cuda::unary(op, sig, view_on::<Cuda>(op.name(), self, src)?, (o, out)),
        }
    }

    /// `out = op(lhs, rhs)` with the signature the op layer resolved: both inputs have
    /// `sig.compute`, `out` has `sig.out`.
    pub(crate) fn binary(
        &self,
        out: &Layout,
        op: BinaryOp,
        sig: Signature,
        lhs: Input<'_, Storage>,
        rhs: Input<'_, Storage>,
    ) -> Result<()> {
        let name = op.name();
        match self {
            Storage::Cpu(o) => {
                Cpu::binary(op, sig, input_on::<Cpu>(name, self, lhs)?, input_on::<Cpu>(name, self, rhs)?, (o, out))
            }
            Storage::Cuda(o) => {
                Cuda::binary(op, sig, input_on::<Cuda>(name, self, lhs)?, input_on::<Cuda>(name, self, rhs)?, (o, out))
            }
        }
    }

    /// `out = cond ? a : b`; `cond` is `bool`, `a` and `b` have dtype `dtype`.
    pub(crate) fn where_(&self, out: &Layout, dtype: DType, inputs: [Input<'_, Storage>; 3]) -> Result<()> {
        match self {
            Storage::Cpu(o) => Cpu::where_(dtype, inputs_on::<Cpu>("where", self, inputs)?, (o, out)),
            Storage::Cuda(o) => Cuda::where_(dtype, inputs_on::<Cuda>("where", self, inputs)?, (o, out)),
        }
    }

    /// `out = minimum(maximum(x, lo), hi)`; all three have dtype `dtype`.
    pub(crate) fn clip(&self, out: &Layout, dtype: DType, inputs: [Input<'_, Storage>; 3]) -> Result<()> {
        match self {
            Storage::Cpu(o) => Cpu::clip(dtype, inputs_on::<Cpu>("clip", self, inputs)?, (o, out)),
            Storage::Cuda(o) => Cuda::clip(dtype, inputs_on::<Cuda>("clip", self, inputs)?, (o, out)),
        }
    }

    /// `out = src` converted from dtype `from` to dtype `to`.
    pub(crate) fn cast(&self, out: &Layout, from: DType, to: DType, src: (&Storage, &Layout)) -> Result<()> {
        match self {
            Storage::Cpu(o) => Cpu::cast(from, to, view_on::<Cpu>("astype", self, src)?, (o, out)),
            Storage::Cuda(o) => Cuda::cast(from, to, view_on::<Cuda>("astype", self, src)?, (o, out)),
        }
    }

    /// `out[o, i] = op over r of src[o, r, i]` for a contiguous `src` of dtype `dtype`; `out`
    /// has `dims.outer * dims.inner` elements of `op.out_dtype(dtype)`. For `Mean`, the sum is
    /// divided by `divisor` in the accumulator type.
    pub(crate) fn reduce(
        &self,
        out: &Layout,
        op: ReduceOp,
        dtype: DType,
        src: (&Storage, &Layout),
        dims: ReduceDims,
        divisor: u64,
    ) -> Result<()> {
        let name = op.name();
        match self {
            Storage::Cpu(o) => Cpu::reduce(op, dtype, view_on::<Cpu>(name, self, src)?, dims, divisor, (o, out)),
            Storage::Cuda(o) => Cuda::reduce(op, dtype, view_on::<Cuda>(name, self, src)?, dims, divisor, (o, out)),
        }
    }
}

impl Storage {
    /// `out` = the inclusive scan `op` of `src` along the middle axis of `dims` (see
    /// [`Backend::scan`]); both contiguous, of `dtype`.
    pub(crate) fn scan(
        &self,
        out: &Layout,
        op: ScanOp,
        dtype: DType,
        src: (&Storage, &Layout),
        dims: ReduceDims,
    ) -> Result<()> {
        let name = op.name();
        match self {
            Storage::Cpu(o) => Cpu::scan(op, dtype, view_on::<Cpu>(name, self, src)?, dims, (o, out)),
            Storage::Cuda(o) => Cuda::scan(op, dtype, view_on::<Cuda>(name, self, src)?, dims, (o, out)),
        }
    }
}

impl Storage {
    /// Sorts every row of the contiguous `(spec.rows, spec.len)` view `src` of `dtype` into
    /// this output (see [`Backend::sort`]): values of `dtype`, or `int64` indices.
    pub(crate) fn sort(&self, out: &Layout, dtype: DType, src: (&Storage, &Layout), spec: SortSpec) -> Result<()> {
        match self {
            Storage::Cpu(o) => Cpu::sort(dtype, view_on::<Cpu>("sort", self, src)?, spec, (o, out)),
            Storage::Cuda(o) => Cuda::sort(dtype, view_on::<Cuda>("sort", self, src)?, spec, (o, out)),
        }
    }

    /// `out[i]` = the insertion point of `values[i]` in the sorted 1-D `sorted`, both of
    /// `dtype` and contiguous, into this `int64` output (see [`Backend::searchsorted`]).
    pub(crate) fn searchsorted(
        &self,
        out: &Layout,
        dtype: DType,
        sorted: (&Storage, &Layout),
        values: (&Storage, &Layout),
        right: bool,
    ) -> Result<()> {
        const OP: &str = "searchsorted";
        match self {
            Storage::Cpu(o) => Cpu::searchsorted(
                dtype,
                view_on::<Cpu>(OP, self, sorted)?,
                view_on::<Cpu>(OP, self, values)?,
                right,
                (o, out),
            ),
            Storage::Cuda(o) => Cuda::searchsorted(
                dtype,
                view_on::<Cuda>(OP, self, sorted)?,
                view_on::<Cuda>(OP, self, values)?,
                right,
                (o, out),
            ),
        }
    }

    /// `out = a @ b` over a batch: 3-D views `(batch, m, k) @ (batch, k, n) -> (batch, m, n)`,
    /// all of `dtype`, `out` C-contiguous (see [`Backend::matmul`]).
    pub(crate) fn matmul(
        &self,
        out: &Layout,
        dtype: DType,
        a: (&Storage, &Layout),
        b: (&Storage, &Layout),
    ) -> Result<()> {
        match self {
            Storage::Cpu(o) => {
                Cpu::matmul(dtype, view_on::<Cpu>("matmul", self, a)?, view_on::<Cpu>("matmul", self, b)?, (o, out))
            }
            Storage::Cuda(o) => {
                Cuda::matmul(dtype, view_on::<Cuda>("matmul", self, a)?, view_on::<Cuda>("matmul", self, b)?, (o, out))
            }
        }
    }
}

/// Backend `K`'s views of the inputs (or outputs) of an op writing into `out`.
fn views_on<'a, K: Kind>(
    op: &'static str,
    out: &Storage,
    views: &[(&'a Storage, &'a Layout)],
) -> Result<Vec<View<'a, K::Buffer>>> {
    views.iter().map(|&v| view_on::<K>(op, out, v)).collect()
}

impl Storage {
    /// The decomposition or solver `op` over a batch of contiguous 3-D views, all of `dtype`
    /// (see [`Backend::linalg`]); the first output decides the backend.
    pub(crate) fn linalg(
        op: Decomp,
        dtype: DType,
        inputs: &[(&Storage, &Layout)],
        outputs: &[(&Storage, &Layout)],
    ) -> Result<()> {
        let Some(&(first, _)) = outputs.first() else { return Ok(()) };
        let name = op.name();
        match first {
            Storage::Cpu(_) => {
                Cpu::linalg(op, dtype, &views_on::<Cpu>(name, first, inputs)?, &views_on::<Cpu>(name, first, outputs)?)
            }
            Storage::Cuda(_) => Cuda::linalg(
                op,
                dtype,
                &views_on::<Cuda>(name, first, inputs)?,
                &views_on::<Cuda>(name, first, outputs)?,
            ),
        }
    }
}

impl Storage {
    /// The batch of 1-D transforms `spec` from `src` into the contiguous `out` (see
    /// [`Backend::fft`]).
    pub(crate) fn fft(spec: crate::fft::FftSpec, src: (&Storage, &Layout), out: (&Storage, &Layout)) -> Result<()> {
        match out.0 {
            Storage::Cpu(o) => Cpu::fft(spec, view_on::<Cpu>("fft", out.0, src)?, (o, out.1)),
            Storage::Cuda(o) => Cuda::fft(spec, view_on::<Cuda>("fft", out.0, src)?, (o, out.1)),
        }
    }
}

/// A view of a storage taking part in a gather or scatter.
pub(crate) type StorageView<'a> = (&'a Storage, &'a Layout);

fn gather_device_mismatch(op: &'static str, a: &Storage, b: &Storage) -> Error {
    Error::DeviceMismatch { op, lhs: a.device(), rhs: b.device() }
}

impl Storage {
    /// `out[i] = src[src_basic(i) + table[i]]` over `out`'s shape (`table`: `i64` element
    /// offsets; all three layouts have `out`'s shape).
    ///
    /// # Safety
    /// Every value of `table` lies in `reach`, and `src`'s view shifted by any offset in `reach`
    /// stays inside `src`'s buffer (the CUDA backend checks the latter, the CPU one trusts it);
    /// `out` does not overlap `src` or `table`.
    pub(crate) unsafe fn gather(
        src: StorageView<'_>,
        table: StorageView<'_>,
        reach: (i64, i64),
        out: StorageView<'_>,
        itemsize: usize,
    ) -> Result<()> {
        // SAFETY (both arms): the caller's contract, passed down unchanged.
        match (src.0, table.0, out.0) {
            (Storage::Cpu(s), Storage::Cpu(t), Storage::Cpu(o)) => {
                unsafe { cpu::gather::gather((s, src.1), (t, table.1), (o, out.1), itemsize) };
                Ok(())
            }
            (Storage::Cuda(s), Storage::Cuda(t), Storage::Cuda(o)) => unsafe {
                cuda::gather::gather((s, src.1), (t, table.1), reach, (o, out.1), itemsize)
            },
            (s, t, o) => Err(gather_device_mismatch("gather", o, if s.device() != o.device() { s } else { t })),
        }
    }

    /// The flat positions of the `true` elements of the contiguous 1-D `bool` view `mask`,
    /// written in order into `out` (contiguous `int64`, one element per `true` mask element):
    /// `Ok(true)` when the backend has a fused compaction (the CPU), `Ok(false)` when it has not
    /// (CUDA: the op layer composes it from a scan, a `where` and a scatter).
    pub(crate) fn compact_positions(mask: StorageView<'_>, out: StorageView<'_>) -> Result<bool> {
        match (mask.0, out.0) {
            (Storage::Cpu(m), Storage::Cpu(o)) => {
                cpu::compact::compact_positions((m, mask.1), (o, out.1)).map(|()| true)
            }
            (Storage::Cuda(_), Storage::Cuda(_)) => Ok(false),
            (m, o) => Err(gather_device_mismatch("nonzero", o, m)),
        }
    }

    /// `out[o, i] = Σ_k (src[o, k, i] - mean[o, i])²` over the contiguous `outer × r × inner`
    /// view `src`, for float32/float64 `dtype`, with `mean` and `out` contiguous `outer × inner`:
    /// `Ok(true)` when the backend has this fused pass (the CPU), `Ok(false)` when it has not
    /// (CUDA: the op layer composes `var` from a subtract, a square and a sum).
    pub(crate) fn squared_deviation_sum(
        dtype: DType,
        src: StorageView<'_>,
        mean: StorageView<'_>,
        dims: ReduceDims,
        out: StorageView<'_>,
    ) -> Result<bool> {
        match (src.0, mean.0, out.0) {
            (Storage::Cpu(s), Storage::Cpu(m), Storage::Cpu(o)) => {
                cpu::reduce::squared_deviation_sum(dtype, (s, src.1), (m, mean.1), dims, (o, out.1)).map(|()| true)
            }
            _ => Ok(false),
        }
    }

    /// `dst[dst_basic(i) + table[i]] = values[i]` over `dst`'s shape.
    ///
    /// # Safety
    /// As [`Storage::gather`], with `dst` in the role of `src`; `values` and `table` do not
    /// overlap `dst`.
    pub(crate) unsafe fn scatter(
        values: StorageView<'_>,
        table: StorageView<'_>,
        reach: (i64, i64),
        dst: StorageView<'_>,
        itemsize: usize,
    ) -> Result<()> {
        // SAFETY (both arms): the caller's contract, passed down unchanged.
        match (values.0, table.0, dst.0) {
            (Storage::Cpu(v), Storage::Cpu(t), Storage::Cpu(d)) => {
                unsafe { cpu::gather::scatter((v, values.1), (t, table.1), (d, dst.1), itemsize) };
                Ok(())
            }
            (Storage::Cuda(v), Storage::Cuda(t), Storage::Cuda(d)) => unsafe {
                cuda::gather::scatter((v, values.1), (t, table.1), reach, (d, dst.1), itemsize)
            },
            (v, t, d) => Err(gather_device_mismatch("scatter", d, if v.device() != d.device() { v } else { t })),
        }
    }
}
