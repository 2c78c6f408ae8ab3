//! The op layer: elementwise, ternary, cast and reduction ops on [`Array`], with the Array API's
//! type promotion and NumPy's broadcasting.
//!
//! Every op follows the same steps, written once in this module tree:
//! 1. resolve dtypes (promotion, weak scalars, the op's own rules: `divide` of integers is
//!    float64, comparisons write `bool`, …) and refuse unsupported dtypes before any work;
//! 2. broadcast the operands to the output shape (views, no copies);
//! 3. cast inputs whose dtype differs from the op's compute dtype;
//! 4. allocate a fresh contiguous output and call one primitive of the storage dispatch
//!    ([`Storage`](crate::storage::Storage), `src/storage.rs`) with the resolved
//!    [`Signature`](crate::vocab::Signature): the CPU loops in `src/cpu/` or the CUDA kernels
//!    through `src/cuda/ops.rs`, both behind [`Backend`](crate::backend::Backend).
//!
//! The op enums and their dtype rules are the op vocabulary (`src/vocab.rs`, a leaf module the
//! backends import too); this layer re-exports the public ones.
//!
//! **For NumPy users:** method names are the Array API's (`subtract`, `bitwise_invert`,
//! `pow`…); scalars mix with arrays under NEP 50 rules ("weak" Python scalars: `uint8 + 3` stays
//! `uint8`); see [`result_type`] for the full promotion table.

mod binary;
mod cast;
mod count;
pub(crate) mod dispatch;
mod einsum;
mod inplace;
mod manip;
mod matmul;
mod operators;
mod promote;
mod reduce;
mod reduce_with;
mod scan;
mod search;
mod sort;
mod ternary;
mod unary;
mod unique;

pub(crate) use crate::vocab::BinaryKind;
pub use crate::vocab::{BinaryOp, ReduceOp, ScanOp, UnaryOp};
pub use count::Bins;
pub use einsum::einsum;
pub use manip::PadMode;
pub use promote::{can_cast, can_cast_same_kind, result_type, result_type_with_scalar};
pub(crate) use promote::{scalar_as, weak_result};
pub use reduce_with::{Axes, Reduce};
pub(crate) use search::mask_select;
pub use sort::Side;
pub use unique::Unique;

use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Dims;
use crate::Array;

/// One operand of an op: an array, or a scalar that is not materialised as an array.
///
/// Every op that takes `impl Into<Operand>` accepts `&Array`, a [`Scalar`] or a Rust number.
/// Scalars are "weak" (NEP 50): they take the array's dtype when their kind allows it, so
/// `uint8_array.add(3)` stays `uint8`; see [`result_type`].
///
/// ```
/// use devarray::{Array, DType, Device, Operand, Scalar};
/// let a = Array::ones(&[2], DType::U8, &Device::Cpu)?;
/// assert!(matches!(Operand::from(&a), Operand::Array(_)));
/// assert_eq!(Operand::from(2.5), Operand::Scalar(Scalar::Float(2.5)));
/// assert_eq!(a.add(3)?.dtype(), DType::U8);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    /// An array (broadcast against the other operands).
    Array(&'a Array),
    /// A scalar, passed to the kernel as a value.
    Scalar(Scalar),
}

impl PartialEq for Operand<'_> {
    /// Scalars compare by value; arrays by identity (same buffer and view), never by elements.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Operand::Scalar(a), Operand::Scalar(b)) => a == b,
            (Operand::Array(a), Operand::Array(b)) => {
                std::sync::Arc::ptr_eq(a.storage(), b.storage()) && a.layout() == b.layout() && a.dtype() == b.dtype()
            }
            _ => false,
        }
    }
}

impl<'a> From<&'a Array> for Operand<'a> {
    fn from(a: &'a Array) -> Self {
        Operand::Array(a)
    }
}

impl From<Scalar> for Operand<'_> {
    fn from(s: Scalar) -> Self {
        Operand::Scalar(s)
    }
}

macro_rules! operand_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Operand<'_> {
            fn from(v: $t) -> Self {
                Operand::Scalar(Scalar::from(v))
            }
        }
    )*};
}
operand_from_number!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    half::f16,
    half::bf16,
    num_complex::Complex32,
    num_complex::Complex64
);

impl Operand<'_> {
    /// The array, if this operand is one.
    pub(crate) fn array(&self) -> Option<&Array> {
        match self {
            Operand::Array(a) => Some(a),
            Operand::Scalar(_) => None,
        }
    }
}

/// The dtype several operands promote to: arrays by [`result_type`], then scalars by the weak
/// rules ([`weak_result`]). With no array at all, scalars promote by their natural dtypes.
pub(crate) fn promote_operands(operands: &[Operand<'_>]) -> DType {
    let arrays = operands.iter().filter_map(|o| o.array().map(Array::dtype));
    let Some(strong) = arrays.reduce(result_type) else {
        let naturals = operands.iter().filter_map(|o| match o {
            Operand::Scalar(s) => Some(s.natural_dtype()),
            Operand::Array(_) => None,
        });
        return naturals.reduce(result_type).unwrap_or(DType::F64);
    };
    operands.iter().fold(strong, |d, o| match o {
        Operand::Scalar(s) => weak_result(d, *s),
        Operand::Array(_) => d,
    })
}

/// The device and broadcast shape of several operands (scalars broadcast to anything).
///
/// **Errors** with [`Error::InvalidArgument`] when there is no array, [`Error::DeviceMismatch`]
/// or a broadcasting [`Error::ShapeMismatch`].
pub(crate) fn broadcast_operands(op: &'static str, operands: &[Operand<'_>]) -> Result<(crate::Device, Dims<usize>)> {
    let mut arrays = operands.iter().filter_map(Operand::array);
    let first = arrays.next().ok_or_else(|| Error::invalid(op, "at least one operand must be an array"))?;
    let mut shape = Dims::from_slice(first.shape());
    for a in arrays {
        first.check_same_device(op, a)?;
        if a.shape() == &shape[..] {
            continue; // the common case: nothing to broadcast
        }
        let merged = crate::layout::broadcast_shapes(&shape, a.shape()).map_err(|e| match e {
            Error::ShapeMismatch { lhs, rhs, hint, .. } => Error::ShapeMismatch { op, lhs, rhs, hint },
            other => other,
        })?;
        shape = Dims::from(merged);
    }
    Ok((first.device(), shape))
}

/// An operand ready for a primitive: an array cast to the compute dtype and broadcast to the
/// output shape (borrowed when it already is both), or a scalar holding its exact value in the
/// compute dtype.
pub(crate) enum Prepared<'a> {
    Borrowed(&'a Array),
    Array(Array),
    Scalar(Scalar),
}

impl Prepared<'_> {
    /// The primitive's view of this operand.
    pub(crate) fn input(&self) -> dispatch::Input<'_, crate::storage::Storage> {
        match self {
            Prepared::Borrowed(a) => dispatch::Input::View(a.storage(), a.layout()),
            Prepared::Array(a) => dispatch::Input::View(a.storage(), a.layout()),
            Prepared::Scalar(s) => dispatch::Input::Scalar(*s),
        }
    }
}

/// Casts (arrays: before broadcasting, so a broadcast row is converted once) and broadcasts an
/// operand for a primitive computing in `dtype` over `shape`.
///
/// **Errors** with [`Error::InvalidArgument`] for an integer scalar outside an integer `dtype`.
pub(crate) fn prepare<'a>(
    op: &'static str,
    operand: Operand<'a>,
    dtype: DType,
    shape: &[usize],
) -> Result<Prepared<'a>> {
    match operand {
        Operand::Array(a) if a.dtype() == dtype && a.shape() == shape => Ok(Prepared::Borrowed(a)),
        Operand::Array(a) => Ok(Prepared::Array(a.cast_to(dtype)?.broadcast_to(shape)?)),
        Operand::Scalar(s) => Ok(Prepared::Scalar(scalar_as(op, s, dtype)?)),
    }
}
