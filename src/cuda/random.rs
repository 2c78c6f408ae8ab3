//! Random numbers on a CUDA device: `{dist}_{T}_ctr` of `kernels/random.cu` (kernels/ABI.md,
//! "Random ABI"), the same Philox4x32-10 stream and conversions as the CPU backend
//! (`src/cpu/random.rs`), so a seed gives the same values on both.

use super::api::LaunchDims;
use super::context::CudaBuffer;
use super::launch::{grid_size, kernel_name};
use super::matmul::checked;
use crate::backend::View;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::vocab::{Counter, RandomDist};
use bytemuck::{Pod, Zeroable};

/// The family holding the random kernels.
const FAMILY: &str = "random";
/// Threads per block (`DA_RNG_BLOCK`).
pub(crate) const RNG_BLOCK: u32 = 256;

/// `struct RandArgs` of `kernels/random.cu`, the kernels' only parameter.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub(crate) struct RandArgs {
    /// Device address of element 0 of the contiguous output.
    pub(crate) out: u64,
    /// Elements.
    pub(crate) n: u64,
    /// Counter block of element 0.
    pub(crate) offset: u64,
    /// Philox key.
    pub(crate) key: [u32; 2],
    /// Integers: low, as two's complement bits; binomial: `n`.
    pub(crate) lo: u64,
    /// Integers: `high - low` inclusive.
    pub(crate) span: u64,
    /// First float parameter (uniform low, normal loc, bernoulli and binomial p, gamma shape,
    /// beta a, poisson lam).
    pub(crate) a: f64,
    /// Second float parameter (uniform, normal, exponential and gamma scale, beta b).
    pub(crate) b: f64,
}

// The C side's size: a mismatch would make the kernel read garbage.
const _: () = assert!(std::mem::size_of::<RandArgs>() == 64);

/// The kernel arguments of a draw (without the output address and size).
fn args_of(dist: RandomDist, ctr: Counter) -> RandArgs {
    let base = RandArgs { key: ctr.key, offset: ctr.offset, ..RandArgs::default() };
    match dist {
        RandomDist::Uniform { low, scale } => RandArgs { a: low, b: scale, ..base },
        RandomDist::Normal { loc, scale } => RandArgs { a: loc, b: scale, ..base },
        RandomDist::Exponential { scale } => RandArgs { b: scale, ..base },
        RandomDist::Integers { low, span } => RandArgs { lo: low, span, ..base },
        RandomDist::Bernoulli { p } => RandArgs { a: p, ..base },
        RandomDist::Gamma { shape, scale } => RandArgs { a: shape, b: scale, ..base },
        RandomDist::Beta { a, b } => RandArgs { a, b, ..base },
        RandomDist::Binomial { n, p } => RandArgs { lo: n, a: p, ..base },
        RandomDist::Poisson { lam } => RandArgs { a: lam, ..base },
    }
}

/// Fills the contiguous view `out` of `dtype` with draw `dist` of the stream `ctr` (see
/// `Backend::random`).
///
/// **Errors**: a dtype the distribution does not exist in ([`Error::UnsupportedDType`]), an
/// output that is not C-contiguous or lies outside its buffer, kernel compilation and launch
/// failures.
pub(crate) fn random(dist: RandomDist, dtype: DType, ctr: Counter, out: View<'_, CudaBuffer>) -> Result<()> {
    let op = dist.name();
    if !dist.supports(dtype) {
        return Err(dist.unsupported(dtype));
    }
    if !out.1.is_c_contiguous() {
        return Err(Error::invalid(op, "the output must be C-contiguous"));
    }
    let dev = out.0.device().clone();
    let (ptr, _, _) = checked(op, &dev, out, dtype.itemsize())?;
    let n = out.1.numel() as u64;
    if n == 0 {
        return Ok(());
    }
    let args = RandArgs { out: ptr, n, ..args_of(dist, ctr) };
    let f = dev.function(FAMILY, dtype, &kernel_name(op, &[dtype.tag(), "ctr"]))?;
    let blocks = n.div_ceil(dist.per_block(dtype));
    let dims = LaunchDims {
        grid: [grid_size(blocks, RNG_BLOCK, dev.grid_limits()), 1, 1],
        block: [RNG_BLOCK, 1, 1],
        shared_bytes: 0,
    };
    // SAFETY: `f` has the random ABI (one RandArgs); `checked` verified that the contiguous
    // output of `n` elements lies in a live buffer of this device, and the kernel writes only
    // elements `0..n` of it; the buffer is freed only in stream order after the launch.
    unsafe { dev.launch(f, dims, &[bytemuck::bytes_of(&args)]) }
}
