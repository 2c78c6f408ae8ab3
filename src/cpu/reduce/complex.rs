//! complex64/complex128 `sum`, `prod`, `mean` (through the generic [`Sum`]/[`Prod`] reducers,
//! so sums are pairwise like the float ones), `any` and `all`. A child module so that it can
//! implement the parent's private accumulator traits.

use super::{run, AccNum, Accumulate, Prod, Reducer, Sum, View};
use crate::cpu::complex::{arith, Part};
use crate::dtype::{DType, Element};
use crate::error::{Error, Result};
use crate::vocab::{ReduceDims, ReduceOp};
use num_complex::{Complex, Complex32, Complex64};

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

/// `all` (`ALL = true`) or `any` of complex elements (non-zero: either part non-zero or NaN).
struct Truth<R, const ALL: bool>(std::marker::PhantomData<R>);

impl<R: Part, const ALL: bool> Reducer for Truth<R, ALL>
where
    Complex<R>: Element,
{
    type In = Complex<R>;
    type Acc = bool;
    type Out = bool;
    fn init(&self) -> bool {
        ALL
    }
    #[inline(always)]
    fn step(&self, acc: bool, x: Complex<R>, _: usize) -> bool {
        if ALL {
            acc & arith::truthy(x)
        } else {
            acc | arith::truthy(x)
        }
    }
    #[inline(always)]
    fn combine(&self, a: bool, b: bool) -> bool {
        if ALL {
            a & b
        } else {
            a | b
        }
    }
    fn finish(&self, acc: bool) -> bool {
        acc
    }
}

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
        ($c:ty, $r:ty) => {
            match op {
                ReduceOp::Sum => run(&Sum::<$c> { divisor: 0, _t: Default::default() }, src, dims, dst),
                ReduceOp::Mean => run(&Sum::<$c> { divisor, _t: Default::default() }, src, dims, dst),
                ReduceOp::Prod => run(&Prod::<$c>(Default::default()), src, dims, dst),
                ReduceOp::All => run(&Truth::<$r, true>(Default::default()), src, dims, dst),
                ReduceOp::Any => run(&Truth::<$r, false>(Default::default()), src, dims, dst),
                _ => return Err(Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }),
            }
        };
    }
    match dtype {
        DType::C64 => go!(Complex32, f32),
        DType::C128 => go!(Complex64, f64),
        _ => return Err(Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }),
    }
    Ok(())
}
