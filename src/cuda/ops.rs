//! The CUDA [`Backend`]: each op primitive of the storage dispatch maps onto its kernel
//! (`kernels/ABI.md` names) through the launchers of [`elementwise`](super::elementwise) and
//! [`reduce`](super::reduce).
//!
//! Contracts from the op layer: outputs are fresh views of the right shape and dtype; inputs
//! are views broadcast to the output's shape, or scalars holding their exact value in the
//! compute dtype (so converting them to raw bits is exact).
//!
//! Which `(op, dtype)` kernels exist follows the op signatures in `src/vocab.rs` (the table in
//! `kernels/ABI.md`): a unary or binary kernel `{op}_{T}` exists exactly when
//! `op.signature(T)` computes in `T` and is not the identity; `where`, `clip`, `cast` and every
//! reduction exist for all dtypes. Anything else is refused here with
//! [`Error::UnsupportedDType`] before a launch, so a call that slipped past the op layer cannot
//! reach a missing kernel.

use super::context::CudaBuffer;
use super::elementwise::{launch_elementwise, scalar_bits, EwInput};
use super::reduce::{launch_reduction, Reduction};
use crate::backend::{Backend, View};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::vocab::{BinaryOp, ReduceOp, Signature, UnaryOp};
use crate::vocab::{Input, ReduceDims};

/// A primitive's input as a kernel operand of `dtype`.
fn operand<'a>(input: &Input<'a, CudaBuffer>, dtype: DType) -> EwInput<'a> {
    match *input {
        Input::View(buf, layout) => EwInput::Array(buf, layout, dtype.itemsize()),
        Input::Scalar(s) => EwInput::Scalar(scalar_bits(dtype, s)),
    }
}

/// Refuses `(op, dtype)` unless a kernel computes it directly (see the module doc).
fn kernel_signature(op: &'static str, dtype: DType, sig: Result<Signature>) -> Result<Signature> {
    match sig? {
        sig if sig.compute == dtype && !sig.identity => Ok(sig),
        _ => Err(Error::UnsupportedDType { op, dtype, hint: "; no CUDA kernel computes this op in this dtype".into() }),
    }
}

/// The CUDA backend (its buffers are [`CudaBuffer`]s of any CUDA device).
pub(crate) struct Cuda;

impl Backend for Cuda {
    type Buffer = CudaBuffer;

    fn unary(op: UnaryOp, dtype: DType, src: View<'_, CudaBuffer>, out: View<'_, CudaBuffer>) -> Result<()> {
        let out_dtype = kernel_signature(op.name(), dtype, op.signature(dtype))?.out;
        let kernel = format!("{}_{}", op.name(), dtype.tag());
        let input = [EwInput::Array(src.0, src.1, dtype.itemsize())];
        launch_elementwise(out.0.device(), "unary", dtype, &kernel, (out.0, out.1, out_dtype.itemsize()), &input)
    }

    fn binary(
        op: BinaryOp,
        dtype: DType,
        lhs: Input<'_, CudaBuffer>,
        rhs: Input<'_, CudaBuffer>,
        out: View<'_, CudaBuffer>,
    ) -> Result<()> {
        let out_dtype = kernel_signature(op.name(), dtype, op.signature(dtype))?.out;
        let kernel = format!("{}_{}", op.name(), dtype.tag());
        let inputs = [operand(&lhs, dtype), operand(&rhs, dtype)];
        launch_elementwise(out.0.device(), "binary", dtype, &kernel, (out.0, out.1, out_dtype.itemsize()), &inputs)
    }

    fn where_(dtype: DType, inputs: [Input<'_, CudaBuffer>; 3], out: View<'_, CudaBuffer>) -> Result<()> {
        let [c, a, b] = inputs;
        let operands = [operand(&c, DType::Bool), operand(&a, dtype), operand(&b, dtype)];
        let kernel = format!("where_{}", dtype.tag());
        launch_elementwise(out.0.device(), "ternary", dtype, &kernel, (out.0, out.1, dtype.itemsize()), &operands)
    }

    fn clip(dtype: DType, inputs: [Input<'_, CudaBuffer>; 3], out: View<'_, CudaBuffer>) -> Result<()> {
        let operands = inputs.map(|i| operand(&i, dtype));
        let kernel = format!("clip_{}", dtype.tag());
        launch_elementwise(out.0.device(), "ternary", dtype, &kernel, (out.0, out.1, dtype.itemsize()), &operands)
    }

    /// The kernel lives in `from`'s module.
    fn cast(from: DType, to: DType, src: View<'_, CudaBuffer>, out: View<'_, CudaBuffer>) -> Result<()> {
        let kernel = format!("cast_{}_{}", from.tag(), to.tag());
        let input = [EwInput::Array(src.0, src.1, from.itemsize())];
        launch_elementwise(out.0.device(), "cast", from, &kernel, (out.0, out.1, to.itemsize()), &input)
    }

    /// Views must be C-contiguous; `Mean` is the `sum` kernel dividing by `divisor` (the op
    /// layer passes float dtypes only).
    fn reduce(
        op: ReduceOp,
        dtype: DType,
        src: View<'_, CudaBuffer>,
        dims: ReduceDims,
        divisor: u64,
        out: View<'_, CudaBuffer>,
    ) -> Result<()> {
        if !src.1.is_c_contiguous() || !out.1.is_c_contiguous() {
            return Err(Error::invalid(op.name(), "CUDA reductions need C-contiguous input and output views"));
        }
        let kernel_op = match op {
            ReduceOp::Mean => "sum",
            _ => op.name(),
        };
        let red = Reduction {
            op: kernel_op,
            dtype,
            input: src.0,
            input_offset_bytes: src.1.offset() * dtype.itemsize(),
            outer: dims.outer,
            r: dims.r,
            inner: dims.inner,
            out: out.0,
            out_offset_bytes: out.1.offset() * op.out_dtype(dtype).itemsize(),
            divisor,
        };
        launch_reduction(out.0.device(), &red)
    }

    fn fill(out: View<'_, CudaBuffer>, dtype: DType, value: Scalar) -> Result<()> {
        super::fill(out.0, out.1, dtype, value)
    }

    fn copy(src: View<'_, CudaBuffer>, dst: View<'_, CudaBuffer>, itemsize: usize) -> Result<()> {
        super::copy(src, dst, itemsize)
    }

    fn upload(dst: &CudaBuffer, byte_offset: usize, src: &[u8]) -> Result<()> {
        super::upload(dst, byte_offset, src)
    }

    fn download(src: &CudaBuffer, byte_offset: usize, dst: &mut [u8]) -> Result<()> {
        super::download(src, byte_offset, dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kernels_that_exist_are_launched() {
        let sig = |op: UnaryOp, d| kernel_signature(op.name(), d, op.signature(d));
        assert!(sig(UnaryOp::Exp, DType::F16).is_ok());
        assert!(sig(UnaryOp::Exp, DType::I32).is_err(), "the op layer casts integers to float first");
        assert!(sig(UnaryOp::Floor, DType::I8).is_err(), "an identity: the op layer copies");
        assert!(sig(UnaryOp::Negative, DType::Bool).is_err());
        assert_eq!(sig(UnaryOp::IsNan, DType::U8).unwrap().out, DType::Bool);
        let bsig = |op: BinaryOp, d| kernel_signature(op.name(), d, op.signature(d));
        assert!(bsig(BinaryOp::Divide, DType::I32).is_err(), "integer division runs in float64");
        assert!(bsig(BinaryOp::BitwiseLeftShift, DType::Bool).is_err());
        assert!(bsig(BinaryOp::Atan2, DType::U16).is_err());
        assert_eq!(bsig(BinaryOp::Less, DType::BF16).unwrap().out, DType::Bool);
    }
}
