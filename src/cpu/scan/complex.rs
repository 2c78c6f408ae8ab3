//! complex64/complex128 `cumulative_sum` and `cumulative_prod`: [`Scannable`] for the complex
//! element types (a child module, so it can implement the parent's private trait).

use super::{run, Scannable, View};
use crate::cpu::complex::arith;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::vocab::{ReduceDims, ScanOp};
use num_complex::{Complex32, Complex64};

macro_rules! scannable_complex {
    ($($t:ty),*) => {$(
        impl Scannable for $t {
            /// Sums start from `-0 - 0j` so that `-0.0` parts stay, as for the real floats.
            #[inline(always)]
            fn ident<const PROD: bool>() -> $t { if PROD { <$t>::new(1.0, 0.0) } else { <$t>::new(-0.0, -0.0) } }
            #[inline(always)]
            fn comb<const PROD: bool>(self, o: $t) -> $t { if PROD { arith::mul(self, o) } else { arith::add(self, o) } }
        }
    )*};
}
scannable_complex!(Complex32, Complex64);

/// The complex half of [`super::scan`].
pub(super) fn scan(op: ScanOp, dtype: DType, src: View<'_>, dims: ReduceDims, dst: View<'_>) -> Result<()> {
    match (dtype, op) {
        (DType::C64, ScanOp::Sum) => run::<Complex32, false>(src, dims, dst),
        (DType::C64, ScanOp::Prod) => run::<Complex32, true>(src, dims, dst),
        (DType::C128, ScanOp::Sum) => run::<Complex64, false>(src, dims, dst),
        (DType::C128, ScanOp::Prod) => run::<Complex64, true>(src, dims, dst),
        _ => return Err(Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }),
    }
    Ok(())
}
