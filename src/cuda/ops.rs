//! The CUDA [`Backend`]: each op primitive of the storage dispatch maps onto its kernel
//! (`kernels/ABI.md` names) through the launchers of [`elementwise`](super::elementwise) and
//! [`reduce`](super::reduce).
//!
//! Contracts from the op layer: outputs are fresh views of the right shape and dtype; inputs
//! are views broadcast to the output's shape, or scalars holding their exact value in the
//! compute dtype (so converting them to raw bits is exact).
//!
//! Unary and binary ops get the [`Signature`] the op layer resolved (`src/vocab.rs`), not a
//! dtype to re-resolve: the kernel is `{op}_{compute}` (`kernels/ABI.md`), which exists for
//! every signature `op.signature(T)` returns except the identity (the op layer copies then),
//! refused here with [`Error::UnsupportedDType`] before a launch. `where`, `clip`, `cast` and
//! every reduction exist for all dtypes. Every kernel name is built by
//! [`kernel_name`](super::launch::kernel_name).

use super::context::CudaBuffer;
use super::elementwise::{launch_elementwise, scalar_operand, EwInput};
use super::launch::kernel_name;
use super::reduce::{launch_reduction, Reduction};
use crate::backend::{Backend, View};
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::vocab::Decomp;
use crate::vocab::SortSpec;
use crate::vocab::{BinaryOp, ReduceOp, ScanOp, Signature, UnaryOp};
use crate::vocab::{Counter, RandomDist};
use crate::vocab::{Input, ReduceDims};

/// A primitive's input as a kernel operand of `dtype`.
fn operand<'a>(input: &Input<'a, CudaBuffer>, dtype: DType) -> EwInput<'a> {
    match *input {
        Input::View(buf, layout) => EwInput::Array(buf, layout, dtype.itemsize()),
        Input::Scalar(s) => scalar_operand(dtype, s),
    }
}

/// The kernel `{op}_{compute}` of a resolved signature; an identity signature (the op layer
/// copies instead) has no kernel and is refused.
fn kernel_for(op: &'static str, sig: Signature) -> Result<String> {
    if sig.identity {
        return Err(Error::UnsupportedDType {
            op,
            dtype: sig.compute,
            hint: "; no CUDA kernel computes this op in this dtype".into(),
        });
    }
    Ok(kernel_name(op, &[sig.compute.tag()]))
}

/// The CUDA backend (its buffers are [`CudaBuffer`]s of any CUDA device).
pub(crate) struct Cuda;

impl Backend for Cuda {
    type Buffer = CudaBuffer;

    fn unary(op: UnaryOp, sig: Signature, src: View<'_, CudaBuffer>, out: View<'_, CudaBuffer>) -> Result<()> {
        let kernel = kernel_for(op.name(), sig)?;
        let input = [EwInput::Array(src.0, src.1, sig.compute.itemsize())];
        launch_elementwise(out.0.device(), "unary", sig.compute, &kernel, (out.0, out.1, sig.out.itemsize()), &input)
    }

    fn binary(
        op: BinaryOp,
        sig: Signature,
        lhs: Input<'_, CudaBuffer>,
        rhs: Input<'_, CudaBuffer>,
        out: View<'_, CudaBuffer>,
    ) -> Result<()> {
        let kernel = kernel_for(op.name(), sig)?;
        let inputs = [operand(&lhs, sig.compute), operand(&rhs, sig.compute)];
        let out = (out.0, out.1, sig.out.itemsize());
        launch_elementwise(out.0.device(), "binary", sig.compute, &kernel, out, &inputs)
    }

    fn where_(dtype: DType, inputs: [Input<'_, CudaBuffer>; 3], out: View<'_, CudaBuffer>) -> Result<()> {
        let [c, a, b] = inputs;
        let operands = [operand(&c, DType::Bool), operand(&a, dtype), operand(&b, dtype)];
        let kernel = kernel_name("where", &[dtype.tag()]);
        launch_elementwise(out.0.device(), "ternary", dtype, &kernel, (out.0, out.1, dtype.itemsize()), &operands)
    }

    fn clip(dtype: DType, inputs: [Input<'_, CudaBuffer>; 3], out: View<'_, CudaBuffer>) -> Result<()> {
        let operands = inputs.map(|i| operand(&i, dtype));
        let kernel = kernel_name("clip", &[dtype.tag()]);
        launch_elementwise(out.0.device(), "ternary", dtype, &kernel, (out.0, out.1, dtype.itemsize()), &operands)
    }

    /// The kernel lives in `from`'s module.
    fn cast(from: DType, to: DType, src: View<'_, CudaBuffer>, out: View<'_, CudaBuffer>) -> Result<()> {
        let kernel = kernel_name("cast", &[from.tag(), to.tag()]);
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

    /// Views must be C-contiguous (`kernels/ABI.md`, "Scan ABI").
    fn scan(
        op: ScanOp,
        dtype: DType,
        src: View<'_, CudaBuffer>,
        dims: ReduceDims,
        out: View<'_, CudaBuffer>,
    ) -> Result<()> {
        if !src.1.is_c_contiguous() || !out.1.is_c_contiguous() {
            return Err(Error::invalid(op.name(), "CUDA scans need C-contiguous input and output views"));
        }
        let item = dtype.itemsize();
        let scan = super::scan::Scan {
            op: op.kernel(),
            dtype,
            input: (src.0, src.1.offset() * item),
            out: (out.0, out.1.offset() * item),
            dims: (dims.outer, dims.r, dims.inner),
        };
        super::scan::launch_scan(out.0.device(), &scan)
    }

    fn matmul(dtype: DType, a: View<'_, CudaBuffer>, b: View<'_, CudaBuffer>, out: View<'_, CudaBuffer>) -> Result<()> {
        super::matmul::matmul(dtype, a, b, out)
    }

    fn sort(dtype: DType, src: View<'_, CudaBuffer>, spec: SortSpec, out: View<'_, CudaBuffer>) -> Result<()> {
        super::sort::sort(dtype, src, spec, out)
    }

    fn searchsorted(
        dtype: DType,
        sorted: View<'_, CudaBuffer>,
        values: View<'_, CudaBuffer>,
        right: bool,
        out: View<'_, CudaBuffer>,
    ) -> Result<()> {
        super::sort::searchsorted(dtype, sorted, values, right, out)
    }

    /// Every decomposition (cholesky, qr, svd, svdvals, eigh, eigvalsh, inv, solve, det and
    /// slogdet) through cuSOLVER ([`super::linalg`]), on the device: nothing is copied to the
    /// host and back behind the caller's back.
    fn fft(spec: crate::fft::FftSpec, src: View<'_, CudaBuffer>, out: View<'_, CudaBuffer>) -> Result<()> {
        super::fft::fft(spec, src, out)
    }

    fn linalg(
        op: Decomp,
        dtype: DType,
        inputs: &[View<'_, CudaBuffer>],
        outputs: &[View<'_, CudaBuffer>],
    ) -> Result<()> {
        super::linalg::linalg(op, dtype, inputs, outputs)
    }

    fn fill(out: View<'_, CudaBuffer>, dtype: DType, value: Scalar) -> Result<()> {
        super::fill(out.0, out.1, dtype, value)
    }

    fn random(dist: RandomDist, dtype: DType, ctr: Counter, out: View<'_, CudaBuffer>) -> Result<()> {
        super::random::random(dist, dtype, ctr, out)
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
    fn kernels_follow_the_resolved_signature() {
        let kernel = |op: UnaryOp, d| kernel_for(op.name(), op.signature(d).unwrap());
        assert_eq!(kernel(UnaryOp::Exp, DType::F16).unwrap(), "exp_f16");
        assert_eq!(kernel(UnaryOp::Exp, DType::I32).unwrap(), "exp_f64", "integers compute in float64");
        assert!(kernel(UnaryOp::Floor, DType::I8).is_err(), "an identity: the op layer copies");
        assert!(kernel(UnaryOp::Positive, DType::F32).is_err());
        assert_eq!(kernel(UnaryOp::IsNan, DType::U8).unwrap(), "isnan_u8");
        let bkernel = |op: BinaryOp, d| kernel_for(op.name(), op.signature(d).unwrap());
        assert_eq!(bkernel(BinaryOp::Divide, DType::I32).unwrap(), "divide_f64", "integer division runs in float64");
        assert_eq!(bkernel(BinaryOp::Atan2, DType::U16).unwrap(), "atan2_f32");
        assert_eq!(bkernel(BinaryOp::Less, DType::BF16).unwrap(), "less_bf16");
    }

    #[test]
    fn kernel_names_follow_the_abi() {
        assert_eq!(kernel_name("cast", &[DType::F16.tag(), DType::I8.tag()]), "cast_f16_i8");
        assert_eq!(kernel_name("add_f32", &["vec"]), "add_f32_vec");
        assert_eq!(kernel_name("sum", &["f64", "full1"]), "sum_f64_full1");
    }
}
