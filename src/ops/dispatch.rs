//! Backend dispatch for the op primitives: one `match` on [`Storage`] per primitive, the CPU arm
//! calling `src/cpu/`, the CUDA arm calling `src/cuda/ops.rs`.
//!
//! Every primitive writes into `self`, a fresh contiguous output the op layer allocated; inputs
//! are views already broadcast to the output's shape (or scalars already converted to the
//! compute dtype), all in the compute dtype the op layer resolved.

use crate::cpu::{self, CpuBuffer};
use crate::cuda::{ops as cuda_ops, CudaBuffer};
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::storage::Storage;
use crate::vocab::{BinaryOp, ReduceOp, UnaryOp};
pub(crate) use crate::vocab::{Input, ReduceDims};

fn mismatch(op: &'static str, out: &Storage, input: &Storage) -> Error {
    Error::DeviceMismatch { op, lhs: out.device(), rhs: input.device() }
}

/// The CPU buffer behind an input of a CPU output.
fn on_cpu<'a>(op: &'static str, out: &Storage, input: Input<'a, Storage>) -> Result<Input<'a, CpuBuffer>> {
    match input {
        Input::View(Storage::Cpu(b), l) => Ok(Input::View(b, l)),
        Input::View(s, _) => Err(mismatch(op, out, s)),
        Input::Scalar(s) => Ok(Input::Scalar(s)),
    }
}

/// The CUDA buffer behind an input of a CUDA output (same device).
fn on_cuda<'a>(op: &'static str, out: &Storage, input: Input<'a, Storage>) -> Result<Input<'a, CudaBuffer>> {
    match input {
        Input::View(s @ Storage::Cuda(b), l) if s.device() == out.device() => Ok(Input::View(b, l)),
        Input::View(s, _) => Err(mismatch(op, out, s)),
        Input::Scalar(s) => Ok(Input::Scalar(s)),
    }
}

fn cpu_view<'a>(
    op: &'static str,
    out: &Storage,
    src: (&'a Storage, &'a Layout),
) -> Result<(&'a CpuBuffer, &'a Layout)> {
    match on_cpu(op, out, Input::View(src.0, src.1))? {
        Input::View(b, l) => Ok((b, l)),
        Input::Scalar(_) => unreachable!("a view stays a view"),
    }
}

fn cuda_view<'a>(
    op: &'static str,
    out: &Storage,
    src: (&'a Storage, &'a Layout),
) -> Result<(&'a CudaBuffer, &'a Layout)> {
    match on_cuda(op, out, Input::View(src.0, src.1))? {
        Input::View(b, l) => Ok((b, l)),
        Input::Scalar(_) => unreachable!("a view stays a view"),
    }
}

impl Storage {
    /// `out = op(src)`; `dtype` is the input's (compute) dtype.
    pub(crate) fn unary(&self, out: &Layout, op: UnaryOp, dtype: DType, src: (&Storage, &Layout)) -> Result<()> {
        match self {
            Storage::Cpu(o) => cpu::unary::unary(op, dtype, cpu_view(op.name(), self, src)?, (o, out)),
            Storage::Cuda(o) => cuda_ops::unary(op, dtype, cuda_view(op.name(), self, src)?, (o, out)),
        }
    }

    /// `out = op(lhs, rhs)`; both inputs have dtype `dtype`.
    pub(crate) fn binary(
        &self,
        out: &Layout,
        op: BinaryOp,
        dtype: DType,
        lhs: Input<'_, Storage>,
        rhs: Input<'_, Storage>,
    ) -> Result<()> {
        let name = op.name();
        match self {
            Storage::Cpu(o) => {
                cpu::binary::binary(op, dtype, on_cpu(name, self, lhs)?, on_cpu(name, self, rhs)?, (o, out))
            }
            Storage::Cuda(o) => {
                cuda_ops::binary(op, dtype, on_cuda(name, self, lhs)?, on_cuda(name, self, rhs)?, (o, out))
            }
        }
    }

    /// `out = cond ? a : b`; `cond` is `bool`, `a` and `b` have dtype `dtype`.
    pub(crate) fn where_(&self, out: &Layout, dtype: DType, inputs: [Input<'_, Storage>; 3]) -> Result<()> {
        let [c, a, b] = inputs;
        match self {
            Storage::Cpu(o) => {
                let inputs = [on_cpu("where", self, c)?, on_cpu("where", self, a)?, on_cpu("where", self, b)?];
                cpu::ternary::where_(dtype, inputs, (o, out))
            }
            Storage::Cuda(o) => {
                let inputs = [on_cuda("where", self, c)?, on_cuda("where", self, a)?, on_cuda("where", self, b)?];
                cuda_ops::where_(dtype, inputs, (o, out))
            }
        }
    }

    /// `out = minimum(maximum(x, lo), hi)`; all three have dtype `dtype`.
    pub(crate) fn clip(&self, out: &Layout, dtype: DType, inputs: [Input<'_, Storage>; 3]) -> Result<()> {
        let [x, lo, hi] = inputs;
        match self {
            Storage::Cpu(o) => {
                let inputs = [on_cpu("clip", self, x)?, on_cpu("clip", self, lo)?, on_cpu("clip", self, hi)?];
                cpu::ternary::clip(dtype, inputs, (o, out))
            }
            Storage::Cuda(o) => {
                let inputs = [on_cuda("clip", self, x)?, on_cuda("clip", self, lo)?, on_cuda("clip", self, hi)?];
                cuda_ops::clip(dtype, inputs, (o, out))
            }
        }
    }

    /// `out = src` converted from dtype `from` to dtype `to`.
    pub(crate) fn cast(&self, out: &Layout, from: DType, to: DType, src: (&Storage, &Layout)) -> Result<()> {
        match self {
            Storage::Cpu(o) => {
                cpu::cast::cast(from, to, cpu_view("astype", self, src)?, (o, out));
                Ok(())
            }
            Storage::Cuda(o) => cuda_ops::cast(from, to, cuda_view("astype", self, src)?, (o, out)),
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
        match self {
            Storage::Cpu(o) => cpu::reduce::reduce(op, dtype, cpu_view(op.name(), self, src)?, dims, divisor, (o, out)),
            Storage::Cuda(o) => cuda_ops::reduce(op, dtype, cuda_view(op.name(), self, src)?, dims, divisor, (o, out)),
        }
    }
}
