//! Unary elementwise kernels on the CPU. Each op is one closure per element family (floats
//! computed in `f32`/`f64`, integers with NumPy's wrapping, `bool`), driven by
//! [`map1`](super::elementwise::map1).

use super::elementwise::map1;
use super::math::vector::{VecFn, VecMath};
use super::math::{dispatch_float, dispatch_int, Classify, FloatElem, IntElem, Real};
use super::parallel::{CALL_GRAIN, PAR_CHUNK, VECTOR_GRAIN};
use super::staged::{map1_float, map1_float_slices};
use super::CpuBuffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::{UnaryKind, UnaryOp};

type View<'a> = (&'a CpuBuffer, &'a Layout);

fn unsupported(op: UnaryOp, dtype: DType) -> Error {
    Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }
}

/// `dst = op(src)`, where `src` has the op's compute dtype `dtype` and `dst` is fresh.
pub(crate) fn unary(op: UnaryOp, dtype: DType, src: View<'_>, dst: View<'_>) -> Result<()> {
    if dtype.is_complex() {
        return super::complex::unary(op, dtype, src, dst);
    }
    if op.kind() == UnaryKind::Predicate {
        crate::dtype::dispatch_real!(dtype, T => predicate::<T>(op, src, dst), else return Err(unsupported(op, dtype)));
        return Ok(());
    }
    dispatch_float!(dtype, T => float_unary::<T>(op, src, dst), else
        dispatch_int!(dtype, T => int_unary::<T>(op, src, dst), else bool_unary(op, src, dst)))
}

fn predicate<T: Classify>(op: UnaryOp, src: View<'_>, dst: View<'_>) {
    match op {
        UnaryOp::IsNan => map1(src, dst, |x: T| x.is_nan()),
        UnaryOp::IsInf => map1(src, dst, |x: T| x.is_inf()),
        UnaryOp::IsFinite => map1(src, dst, |x: T| x.is_finite()),
        UnaryOp::Signbit => map1(src, dst, |x: T| x.signbit()),
        UnaryOp::LogicalNot => map1(src, dst, |x: T| !x.truthy()),
        _ => unreachable!("{op} is not a predicate"),
    }
}

fn float_unary<T: FloatElem>(op: UnaryOp, src: View<'_>, dst: View<'_>) -> Result<()> {
    // Cheap ops (a few cycles an element) split work like copies; vectorised math costs a few
    // ns an element and library calls tens: both are worth two threads at smaller sizes.
    macro_rules! cheap {
        ($f:expr) => {
            map1_float::<T>(src, dst, PAR_CHUNK, $f)
        };
    }
    macro_rules! apply {
        ($f:expr) => {
            map1_float::<T>(src, dst, CALL_GRAIN, $f)
        };
    }
    // The vectorised functions (`math::vector`) where the compute type has one, else `$f`
    // per element.
    macro_rules! vector {
        ($v:ident, $f:expr) => {
            match <T::C as VecMath>::kernel(VecFn::$v) {
                Some(kernel) => map1_float_slices::<T>(src, dst, VECTOR_GRAIN, kernel),
                None => apply!($f),
            }
        };
    }
    use UnaryOp::*;
    match op {
        Negative => cheap!(|x: T::C| -x),
        Positive => cheap!(|x: T::C| x),
        Abs => cheap!(|x: T::C| x.abs()),
        Sign => cheap!(|x: T::C| x.sign()),
        Square => cheap!(|x: T::C| x * x),
        Sqrt => cheap!(|x: T::C| x.sqrt()),
        Reciprocal => cheap!(|x: T::C| T::C::ONE / x),
        Exp => vector!(Exp, |x: T::C| x.exp_op()),
        Expm1 => vector!(Expm1, |x: T::C| x.exp_m1()),
        Log => vector!(Log, |x: T::C| x.ln()),
        Log1p => vector!(Log1p, |x: T::C| x.ln_1p()),
        Log2 => vector!(Log2, |x: T::C| x.log2()),
        Log10 => vector!(Log10, |x: T::C| x.log10()),
        Sin => vector!(Sin, |x: T::C| x.sin()),
        Cos => vector!(Cos, |x: T::C| x.cos()),
        Tan => vector!(Tan, |x: T::C| x.tan()),
        Asin => vector!(Asin, |x: T::C| x.asin()),
        Acos => vector!(Acos, |x: T::C| x.acos()),
        Atan => vector!(Atan, |x: T::C| x.atan()),
        Sinh => vector!(Sinh, |x: T::C| x.sinh()),
        Cosh => vector!(Cosh, |x: T::C| x.cosh()),
        Tanh => vector!(Tanh, |x: T::C| x.tanh()),
        Asinh => apply!(|x: T::C| x.asinh()),
        Acosh => apply!(|x: T::C| x.acosh()),
        Atanh => apply!(|x: T::C| x.atanh()),
        Floor => cheap!(|x: T::C| x.floor()),
        Ceil => cheap!(|x: T::C| x.ceil()),
        Trunc => cheap!(|x: T::C| x.trunc()),
        Round => cheap!(|x: T::C| x.round_ties_even()),
        IsNan | IsInf | IsFinite | LogicalNot | Signbit | BitwiseInvert | Conj => {
            return Err(unsupported(op, T::DTYPE))
        }
    }
    Ok(())
}

fn int_unary<T: IntElem>(op: UnaryOp, src: View<'_>, dst: View<'_>) -> Result<()> {
    use UnaryOp::*;
    match op {
        Negative => map1(src, dst, |x: T| x.wrapping_neg()),
        Abs => map1(src, dst, |x: T| x.wrapping_abs()),
        Sign => map1(src, dst, |x: T| x.sign()),
        Square => map1(src, dst, |x: T| x.wrapping_mul(x)),
        BitwiseInvert => map1(src, dst, |x: T| x.not()),
        Positive | Floor | Ceil | Trunc | Round => map1(src, dst, |x: T| x),
        _ => return Err(unsupported(op, T::DTYPE)),
    }
    Ok(())
}

fn bool_unary(op: UnaryOp, src: View<'_>, dst: View<'_>) -> Result<()> {
    use UnaryOp::*;
    match op {
        BitwiseInvert => map1(src, dst, |x: bool| !x),
        Abs | Floor | Ceil | Trunc | Round => map1(src, dst, |x: bool| x),
        _ => return Err(unsupported(op, DType::Bool)),
    }
    Ok(())
}
