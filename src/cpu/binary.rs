//! Binary elementwise kernels on the CPU: one closure per op and element family, driven by
//! [`map2`](super::elementwise::map2). Scalar operands arrive as values (zero-stride inputs the
//! row loop reads once).

use super::elementwise::map2;
use super::math::vector_binary::{BinFn, VecMath2};
use super::math::{dispatch_float, dispatch_int, Classify, FloatElem, IntElem, Real};
use super::parallel::{CALL_GRAIN, PAR_CHUNK, VECTOR_GRAIN};
use super::staged::{map2_float, map2_float_slices};
use super::CpuBuffer;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::vocab::Input;
use crate::vocab::{BinaryKind, BinaryOp};

type Arg<'a> = Input<'a, CpuBuffer>;
type View<'a> = (&'a CpuBuffer, &'a Layout);

fn unsupported(op: BinaryOp, dtype: DType) -> Error {
    Error::UnsupportedDType { op: op.name(), dtype, hint: String::new() }
}

/// `dst = op(a, b)`, both inputs of the compute dtype `dtype`, `dst` fresh.
pub(crate) fn binary(op: BinaryOp, dtype: DType, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) -> Result<()> {
    if dtype.is_complex() {
        return super::complex::binary(op, dtype, a, b, dst);
    }
    match op.kind() {
        BinaryKind::Compare => {
            crate::dtype::dispatch_real!(dtype, T => compare::<T>(op, a, b, dst), else return Err(unsupported(op, dtype)))
        }
        BinaryKind::Logical => {
            crate::dtype::dispatch_real!(dtype, T => logical::<T>(op, a, b, dst), else return Err(unsupported(op, dtype)))
        }
        _ => {
            return dispatch_float!(dtype, T => float_binary::<T>(op, a, b, dst), else
                dispatch_int!(dtype, T => int_binary::<T>(op, a, b, dst), else bool_binary(op, a, b, dst)))
        }
    }
    Ok(())
}

fn compare<T: Classify>(op: BinaryOp, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) {
    use BinaryOp::*;
    match op {
        Equal => map2(a, b, dst, |x: T, y: T| x.key() == y.key()),
        NotEqual => map2(a, b, dst, |x: T, y: T| x.key() != y.key()),
        Less => map2(a, b, dst, |x: T, y: T| x.key() < y.key()),
        LessEqual => map2(a, b, dst, |x: T, y: T| x.key() <= y.key()),
        Greater => map2(a, b, dst, |x: T, y: T| x.key() > y.key()),
        GreaterEqual => map2(a, b, dst, |x: T, y: T| x.key() >= y.key()),
        _ => unreachable!("{op} is not a comparison"),
    }
}

fn logical<T: Classify>(op: BinaryOp, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) {
    match op {
        BinaryOp::LogicalAnd => map2(a, b, dst, |x: T, y: T| x.truthy() & y.truthy()),
        BinaryOp::LogicalOr => map2(a, b, dst, |x: T, y: T| x.truthy() | y.truthy()),
        BinaryOp::LogicalXor => map2(a, b, dst, |x: T, y: T| x.truthy() ^ y.truthy()),
        _ => unreachable!("{op} is not a logical op"),
    }
}

fn float_binary<T: FloatElem>(op: BinaryOp, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) -> Result<()> {
    // Arithmetic splits work like copies; library calls (pow, atan2, ...) cost tens of ns an
    // element and are worth two threads at smaller sizes.
    macro_rules! apply {
        ($f:expr) => {
            map2_float::<T>(a, b, dst, PAR_CHUNK, $f)
        };
    }
    macro_rules! call {
        ($f:expr) => {
            map2_float::<T>(a, b, dst, CALL_GRAIN, $f)
        };
    }
    // The vectorised functions (`math::vector_binary`) where the compute type has one, else
    // `$f` per element.
    macro_rules! vector {
        ($v:ident, $f:expr) => {
            match <T::C as VecMath2>::kernel2(BinFn::$v) {
                Some(kernel) => map2_float_slices::<T>(a, b, dst, VECTOR_GRAIN, kernel),
                None => call!($f),
            }
        };
    }
    use BinaryOp::*;
    match op {
        Add => apply!(|x: T::C, y: T::C| x + y),
        Subtract => apply!(|x: T::C, y: T::C| x - y),
        Multiply => apply!(|x: T::C, y: T::C| x * y),
        Divide => apply!(|x: T::C, y: T::C| x / y),
        FloorDivide => call!(|x: T::C, y: T::C| x.floor_divide(y)),
        Remainder => call!(|x: T::C, y: T::C| x.remainder(y)),
        Pow => vector!(Pow, |x: T::C, y: T::C| x.powf(y)),
        Maximum => apply!(|x: T::C, y: T::C| x.maximum(y)),
        Minimum => apply!(|x: T::C, y: T::C| x.minimum(y)),
        Atan2 => vector!(Atan2, |x: T::C, y: T::C| x.atan2(y)),
        Hypot => vector!(Hypot, |x: T::C, y: T::C| x.hypot(y)),
        Copysign => apply!(|x: T::C, y: T::C| x.copysign(y)),
        Logaddexp => vector!(Logaddexp, |x: T::C, y: T::C| x.logaddexp(y)),
        // Steps in T's own bits: not through the compute type.
        Nextafter => map2(a, b, dst, |x: T, y: T| x.next_after(y)),
        _ => return Err(unsupported(op, T::DTYPE)),
    }
    Ok(())
}

fn int_binary<T: IntElem>(op: BinaryOp, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) -> Result<()> {
    use BinaryOp::*;
    match op {
        Add => map2(a, b, dst, |x: T, y: T| x.wrapping_add(y)),
        Subtract => map2(a, b, dst, |x: T, y: T| x.wrapping_sub(y)),
        Multiply => map2(a, b, dst, |x: T, y: T| x.wrapping_mul(y)),
        FloorDivide => map2(a, b, dst, |x: T, y: T| x.floor_divide(y)),
        Remainder => map2(a, b, dst, |x: T, y: T| x.remainder(y)),
        Pow => map2(a, b, dst, |x: T, y: T| x.pow(y)),
        Maximum => map2(a, b, dst, |x: T, y: T| x.max(y)),
        Minimum => map2(a, b, dst, |x: T, y: T| x.min(y)),
        BitwiseAnd => map2(a, b, dst, |x: T, y: T| x.and(y)),
        BitwiseOr => map2(a, b, dst, |x: T, y: T| x.or(y)),
        BitwiseXor => map2(a, b, dst, |x: T, y: T| x.xor(y)),
        BitwiseLeftShift => map2(a, b, dst, |x: T, y: T| x.shl(y)),
        BitwiseRightShift => map2(a, b, dst, |x: T, y: T| x.shr(y)),
        _ => return Err(unsupported(op, T::DTYPE)),
    }
    Ok(())
}

fn bool_binary(op: BinaryOp, a: Arg<'_>, b: Arg<'_>, dst: View<'_>) -> Result<()> {
    use BinaryOp::*;
    match op {
        Add | Maximum | BitwiseOr => map2(a, b, dst, |x: bool, y: bool| x | y),
        Multiply | Minimum | BitwiseAnd => map2(a, b, dst, |x: bool, y: bool| x & y),
        BitwiseXor => map2(a, b, dst, |x: bool, y: bool| x ^ y),
        _ => return Err(unsupported(op, DType::Bool)),
    }
    Ok(())
}
