//! complex64/complex128 `sum`, `prod`, `mean`, `any`, `all` (through the generic [`Sum`]/[`Prod`]/[`Truth`] reducers,
//! so sums are pairwise like the float ones). A child module so that it can
//! implement the parent's private accumulator traits.

use super::{run, AccNum, Accumulate, Prod, Sum, Truth, Truthy, View};
use crate::cpu::complex::arith;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::vocab::{ReduceDims, ReduceOp};
use num_complex::{Complex32, Complex64};

macro_rules! impl_complex_acc {
    ($($t:ty: $r:ty),*) => {$(
        impl AccNum for $t {
            const ZERO: $t = <$t>::new(0.0, 0.0);
            const ONE: $t = <$t>::new(1.0, 0.0);
            #[inline(always)]
            fn add(self, o: $t) -> $t { arith::add(self, o) }
            #[inline(always)]
            fn mul(self, o: $t) -> $t { arith::mul(self, o) }
            /// Each part divided by the count. NumPy divides by `count + 0j` (Smith's quotient),
            /// which multiplies by the rounded `1 / count`, makes both parts NaN when one is,
            /// and turns a `-inf + 0j` mean into `-inf + nanj`; devarray keeps the parts apart.
            #[inline(always)]
            fn div_count(self, n: u64) -> $t { <$t>::new(self.re / n as $r, self.im / n as $r) }
        }
        impl Accumulate for $t {
            type Acc = $t;
            type Out = $t;
            #[inline(always)]
            fn to_acc(self) -> $t { self }
            #[inline(always)]
            fn to_out(acc: $t) -> $t { acc }
        }
    )*};
}
impl_complex_acc!(Complex32: f32, Complex64: f64);

macro_rules! impl_complex_truthy {
    ($($t:ty),*) => {$(
        impl Truthy for $t {
            /// Either part non-zero (or NaN).
            #[inline(always)]
            fn is_true(self) -> bool { arith::truthy(self) }
        }
    )*};
}
impl_complex_truthy!(Complex32, Complex64);

/// The complex half of [`super::reduce`]; min/max/argmin/argmax have no complex meaning.
pub(super) fn reduce(
    op: ReduceOp,
    dtype: DType,
    src: View<'_>,
    dims: ReduceDims,
    divisor: u64,
    dst: View<'_>,
) -> Result<()> {
    macro_rules! go {
        ($c:ty) => {
            match op {
                ReduceOp::Sum => run(&Sum::<$c> { divisor: 0, _t: Default::default() }, src, dims, dst),
                ReduceOp::Mean => run(&Sum::<$c> { divisor, _t: Default::default() }, src, dims, dst),
                ReduceOp::Prod => run(&Prod::<$c>(Default::default()), src, dims, dst),
                ReduceOp::All => run(&Truth::<$c, true>(Default::default()), src, dims, dst),
                ReduceOp::Any => run(&Truth::<$c, false>(Default::default()), src, dims, dst),
                _ => return Err(Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }),
            }
        };
    }
    match dtype {
        DType::C64 => go!(Complex32),
        DType::C128 => go!(Complex64),
        _ => return Err(Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }),
    }
    Ok(())
}
