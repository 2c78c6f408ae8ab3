//! The CPU device as a [`Backend`]: each primitive forwards to its kernel module.

use super::{binary, cast, ternary, unary, CpuBuffer};
use crate::backend::{Backend, View};
use crate::dtype::{DType, Scalar};
use crate::error::Result;
use crate::vocab::Decomp;
use crate::vocab::SortSpec;
use crate::vocab::{BinaryOp, Input, ReduceDims, ReduceOp, ScanOp, Signature, UnaryOp};
use crate::vocab::{Counter, RandomDist};

/// The CPU backend (its buffers are [`CpuBuffer`]s).
pub(crate) struct Cpu;

impl Backend for Cpu {
    type Buffer = CpuBuffer;

    fn unary(op: UnaryOp, sig: Signature, src: View<'_, CpuBuffer>, out: View<'_, CpuBuffer>) -> Result<()> {
        unary::unary(op, sig.compute, src, out)
    }

    fn binary(
        op: BinaryOp,
        sig: Signature,
        lhs: Input<'_, CpuBuffer>,
        rhs: Input<'_, CpuBuffer>,
        out: View<'_, CpuBuffer>,
    ) -> Result<()> {
        binary::binary(op, sig.compute, lhs, rhs, out)
    }

    fn where_(dtype: DType, inputs: [Input<'_, CpuBuffer>; 3], out: View<'_, CpuBuffer>) -> Result<()> {
        ternary::where_(dtype, inputs, out)
    }

    fn clip(dtype: DType, inputs: [Input<'_, CpuBuffer>; 3], out: View<'_, CpuBuffer>) -> Result<()> {
        ternary::clip(dtype, inputs, out)
    }

    fn cast(from: DType, to: DType, src: View<'_, CpuBuffer>, out: View<'_, CpuBuffer>) -> Result<()> {
        cast::cast(from, to, src, out);
        Ok(())
    }

    fn reduce(
        op: ReduceOp,
        dtype: DType,
        src: View<'_, CpuBuffer>,
        dims: ReduceDims,
        divisor: u64,
        out: View<'_, CpuBuffer>,
    ) -> Result<()> {
        super::reduce::reduce(op, dtype, src, dims, divisor, out)
    }

    fn scan(
        op: ScanOp,
        dtype: DType,
        src: View<'_, CpuBuffer>,
        dims: ReduceDims,
        out: View<'_, CpuBuffer>,
    ) -> Result<()> {
        super::scan::scan(op, dtype, src, dims, out)
    }

    fn matmul(dtype: DType, a: View<'_, CpuBuffer>, b: View<'_, CpuBuffer>, out: View<'_, CpuBuffer>) -> Result<()> {
        super::matmul::matmul(dtype, a, b, out)
    }

    fn sort(dtype: DType, src: View<'_, CpuBuffer>, spec: SortSpec, out: View<'_, CpuBuffer>) -> Result<()> {
        super::sort::sort(dtype, src, spec, out)
    }

    fn searchsorted(
        dtype: DType,
        sorted: View<'_, CpuBuffer>,
        values: View<'_, CpuBuffer>,
        right: bool,
        out: View<'_, CpuBuffer>,
    ) -> Result<()> {
        super::sort::searchsorted(dtype, sorted, values, right, out)
    }

    fn linalg(op: Decomp, dtype: DType, inputs: &[View<'_, CpuBuffer>], outputs: &[View<'_, CpuBuffer>]) -> Result<()> {
        super::linalg::linalg(op, dtype, inputs, outputs)
    }

    fn fft(spec: crate::fft::FftSpec, src: View<'_, CpuBuffer>, out: View<'_, CpuBuffer>) -> Result<()> {
        super::fft::fft(spec, src, out)
    }

    fn fill(out: View<'_, CpuBuffer>, dtype: DType, value: Scalar) -> Result<()> {
        super::fill(out.0, out.1, dtype, value);
        Ok(())
    }

    fn random(dist: RandomDist, dtype: DType, ctr: Counter, out: View<'_, CpuBuffer>) -> Result<()> {
        super::random::random(dist, dtype, ctr, out)
    }

    fn copy(src: View<'_, CpuBuffer>, dst: View<'_, CpuBuffer>, itemsize: usize) -> Result<()> {
        super::copy(src, dst, itemsize)
    }

    fn upload(dst: &CpuBuffer, byte_offset: usize, src: &[u8]) -> Result<()> {
        let _q = super::queue();
        // SAFETY: callers keep `byte_offset + src.len()` inside the buffer; `src` is host
        // memory outside it; the queue excludes concurrent access.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_ptr().add(byte_offset), src.len()) };
        Ok(())
    }

    fn download(src: &CpuBuffer, byte_offset: usize, dst: &mut [u8]) -> Result<()> {
        let _q = super::queue();
        // SAFETY: as in `upload`, with the roles swapped.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr().add(byte_offset), dst.as_mut_ptr(), dst.len()) };
        Ok(())
    }
}
