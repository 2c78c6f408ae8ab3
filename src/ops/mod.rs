//! The op layer: elementwise, ternary, cast and reduction ops on [`Array`], with the Array API's
//! type promotion and NumPy's broadcasting.
//!
//! Every op follows the same steps, written once in this module tree:
//! 1. resolve dtypes (promotion, weak scalars, the op's own rules: `divide` of integers is
//!    float64, comparisons write `bool`, …) and refuse unsupported dtypes before any work;
//! 2. broadcast the operands to the output shape (views, no copies);
//! 3. cast inputs whose dtype differs from the op's compute dtype;
//! 4. allocate a fresh contiguous output and call one backend primitive on
//!    [`Storage`](crate::storage::Storage) (`dispatch.rs`): the CPU loops in `src/cpu/` or the
//!    CUDA kernels through `src/cuda/ops.rs`.
//!
//! **For NumPy users:** method names are the Array API's (`subtract`, `bitwise_invert`,
//! `pow`…); scalars mix with arrays under NEP 50 rules ("weak" Python scalars: `uint8 + 3` stays
//! `uint8`); see [`result_type`] for the full promotion table.

mod binary;
mod cast;
pub(crate) mod dispatch;
mod promote;
mod reduce;
mod ternary;
mod unary;

pub use promote::{can_cast, result_type};
pub(crate) use promote::{float_result, scalar_as, weak_result};

use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Dims;
use crate::Array;

/// Defines an op enum whose variants carry their kernel base name (`kernels/ABI.md`).
macro_rules! op_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $kname:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every op of this family.
            ///
            /// ```
            #[doc = concat!("assert!(devarray::", stringify!($name), "::ALL.iter().all(|op| !op.name().is_empty()));")]
            /// ```
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The Array API name, which is also the kernel base name (`{name}_{dtype}_{path}`).
            ///
            /// ```
            #[doc = concat!("for &op in devarray::", stringify!($name), "::ALL {")]
            #[doc = concat!("    assert_eq!(devarray::", stringify!($name), "::from_name(op.name()), Some(op));")]
            /// }
            /// ```
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $kname,)*
                }
            }

            /// The op with this Array API name, if any.
            ///
            /// ```
            #[doc = concat!("assert_eq!(devarray::", stringify!($name), "::from_name(\"no_such_op\"), None);")]
            /// ```
            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|op| op.name() == name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

op_enum! {
    /// An elementwise function of one array, named as in the Array API.
    ///
    /// Use the methods ([`Array::exp`], [`Array::abs`], …) or [`Array::unary`].
    ///
    /// ```
    /// use devarray::UnaryOp;
    /// assert_eq!(UnaryOp::Expm1.name(), "expm1");
    /// assert_eq!(UnaryOp::from_name("logical_not"), Some(UnaryOp::LogicalNot));
    /// ```
    UnaryOp {
        /// `-x` (integers wrap).
        Negative => "negative",
        /// `+x` (a copy).
        Positive => "positive",
        /// `|x|` (`abs(INT_MIN)` wraps to `INT_MIN`, like NumPy).
        Abs => "abs",
        /// -1, 0 or 1 (NaN stays NaN).
        Sign => "sign",
        /// Square root.
        Sqrt => "sqrt",
        /// `x * x` (integers wrap).
        Square => "square",
        /// `e^x`.
        Exp => "exp",
        /// `e^x - 1`, accurate near 0.
        Expm1 => "expm1",
        /// Natural logarithm.
        Log => "log",
        /// `ln(1 + x)`, accurate near 0.
        Log1p => "log1p",
        /// Base-2 logarithm.
        Log2 => "log2",
        /// Base-10 logarithm.
        Log10 => "log10",
        /// Sine (radians).
        Sin => "sin",
        /// Cosine.
        Cos => "cos",
        /// Tangent.
        Tan => "tan",
        /// Inverse sine.
        Asin => "asin",
        /// Inverse cosine.
        Acos => "acos",
        /// Inverse tangent.
        Atan => "atan",
        /// Hyperbolic sine.
        Sinh => "sinh",
        /// Hyperbolic cosine.
        Cosh => "cosh",
        /// Hyperbolic tangent.
        Tanh => "tanh",
        /// Inverse hyperbolic sine.
        Asinh => "asinh",
        /// Inverse hyperbolic cosine.
        Acosh => "acosh",
        /// Inverse hyperbolic tangent.
        Atanh => "atanh",
        /// Largest integer ≤ x (integers unchanged).
        Floor => "floor",
        /// Smallest integer ≥ x (integers unchanged).
        Ceil => "ceil",
        /// Integer part, rounding toward zero (integers unchanged).
        Trunc => "trunc",
        /// Nearest integer, ties to even (integers unchanged).
        Round => "round",
        /// `1 / x`.
        Reciprocal => "reciprocal",
        /// `x` is NaN (`bool` result).
        IsNan => "isnan",
        /// `x` is ±infinity (`bool` result).
        IsInf => "isinf",
        /// `x` is neither NaN nor infinite (`bool` result).
        IsFinite => "isfinite",
        /// `x == 0` (`bool` result).
        LogicalNot => "logical_not",
        /// `~x`, bitwise NOT (`bool`: logical NOT).
        BitwiseInvert => "bitwise_invert",
        /// The sign bit is set (`-0.0` and `-NaN` included; `bool` result).
        Signbit => "signbit",
    }
}

op_enum! {
    /// An elementwise function of two operands, named as in the Array API.
    ///
    /// Use the methods ([`Array::add`], [`Array::less`], …) or [`Array::binary`], which also
    /// takes a scalar on the left.
    ///
    /// ```
    /// use devarray::BinaryOp;
    /// assert_eq!(BinaryOp::FloorDivide.name(), "floor_divide");
    /// ```
    BinaryOp {
        /// `a + b` (integers wrap; `bool`: logical or).
        Add => "add",
        /// `a - b` (integers wrap; not for `bool`).
        Subtract => "subtract",
        /// `a * b` (integers wrap; `bool`: logical and).
        Multiply => "multiply",
        /// True division `a / b`; integers divide as `float64`.
        Divide => "divide",
        /// `floor(a / b)` (Python's `//`; integer division by zero gives 0).
        FloorDivide => "floor_divide",
        /// `a - floor(a / b) * b`, the sign of `b` (Python's `%`; integer `x % 0` gives 0).
        Remainder => "remainder",
        /// `a ** b` (integers wrap; see [`Array::pow`] for negative integer exponents).
        Pow => "pow",
        /// Larger of the two; NaN propagates.
        Maximum => "maximum",
        /// Smaller of the two; NaN propagates.
        Minimum => "minimum",
        /// Angle of the point `(b, a)`: `atan2(a, b)`.
        Atan2 => "atan2",
        /// `sqrt(a² + b²)` without undue overflow.
        Hypot => "hypot",
        /// `|a|` with the sign of `b`.
        Copysign => "copysign",
        /// `ln(e^a + e^b)` without undue overflow.
        Logaddexp => "logaddexp",
        /// `a == b` (`bool` result).
        Equal => "equal",
        /// `a != b` (`bool` result).
        NotEqual => "not_equal",
        /// `a < b` (`bool` result).
        Less => "less",
        /// `a <= b` (`bool` result).
        LessEqual => "less_equal",
        /// `a > b` (`bool` result).
        Greater => "greater",
        /// `a >= b` (`bool` result).
        GreaterEqual => "greater_equal",
        /// Both non-zero (`bool` result).
        LogicalAnd => "logical_and",
        /// Either non-zero (`bool` result).
        LogicalOr => "logical_or",
        /// Exactly one non-zero (`bool` result).
        LogicalXor => "logical_xor",
        /// Bitwise AND (integers and `bool`).
        BitwiseAnd => "bitwise_and",
        /// Bitwise OR (integers and `bool`).
        BitwiseOr => "bitwise_or",
        /// Bitwise XOR (integers and `bool`).
        BitwiseXor => "bitwise_xor",
        /// `a << b`; shifts of the bit width or more (and negative shifts) give 0.
        BitwiseLeftShift => "bitwise_left_shift",
        /// `a >> b`, arithmetic for signed types; shifts of the bit width or more (and negative
        /// shifts) give 0, or -1 for negative `a`.
        BitwiseRightShift => "bitwise_right_shift",
    }
}

op_enum! {
    /// A reduction, named as in the Array API (and the kernel base names of `kernels/ABI.md`).
    ///
    /// Use the methods ([`Array::sum`], [`Array::argmax`], …) or [`Array::reduce`].
    ///
    /// ```
    /// use devarray::ReduceOp;
    /// assert_eq!(ReduceOp::Argmax.name(), "argmax");
    /// ```
    ReduceOp {
        /// Sum (pairwise for floats).
        Sum => "sum",
        /// Product.
        Prod => "prod",
        /// Minimum; NaN propagates.
        Min => "min",
        /// Maximum; NaN propagates.
        Max => "max",
        /// Arithmetic mean.
        Mean => "mean",
        /// Index of the first minimum (the first NaN, if any).
        Argmin => "argmin",
        /// Index of the first maximum (the first NaN, if any).
        Argmax => "argmax",
        /// Every element non-zero.
        All => "all",
        /// Any element non-zero.
        Any => "any",
    }
}

/// How an op treats dtypes; one entry per group of ops with the same rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnaryKind {
    /// Float functions: integers and `bool` are first cast to [`float_result`].
    FloatMath,
    /// Sign-aware arithmetic on numbers; `bool` is refused (except `abs`, the identity).
    Numeric,
    /// Rounding: the identity on integers and `bool`.
    Rounding,
    /// Any dtype in, `bool` out.
    Predicate,
    /// Integers and `bool` only.
    Bitwise,
}

/// The dtypes an elementwise op computes in and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Signature {
    /// The dtype every input is cast to before the kernel runs (the kernel's `T`).
    pub(crate) compute: DType,
    /// The output dtype.
    pub(crate) out: DType,
    /// The op is the identity for this dtype: the result is a copy and no kernel runs.
    pub(crate) identity: bool,
}

impl Signature {
    fn same(dtype: DType) -> Signature {
        Signature { compute: dtype, out: dtype, identity: false }
    }
    fn to_bool(dtype: DType) -> Signature {
        Signature { compute: dtype, out: DType::Bool, identity: false }
    }
    fn identity(dtype: DType) -> Signature {
        Signature { compute: dtype, out: dtype, identity: true }
    }
}

fn unsupported(op: &'static str, dtype: DType, hint: &str) -> Error {
    Error::UnsupportedDType { op, dtype, hint: hint.to_string() }
}

impl UnaryOp {
    pub(crate) fn kind(self) -> UnaryKind {
        use UnaryOp::*;
        match self {
            Negative | Positive | Abs | Sign | Square => UnaryKind::Numeric,
            Floor | Ceil | Trunc | Round => UnaryKind::Rounding,
            IsNan | IsInf | IsFinite | LogicalNot | Signbit => UnaryKind::Predicate,
            BitwiseInvert => UnaryKind::Bitwise,
            _ => UnaryKind::FloatMath,
        }
    }

    /// The dtypes this op uses for an input of `dtype`, or [`Error::UnsupportedDType`].
    pub(crate) fn signature(self, dtype: DType) -> Result<Signature> {
        let is_bool = dtype == DType::Bool;
        Ok(match self.kind() {
            UnaryKind::FloatMath => Signature::same(float_result(dtype)),
            UnaryKind::Numeric if is_bool && self == UnaryOp::Abs => Signature::identity(dtype),
            UnaryKind::Numeric if is_bool => {
                return Err(unsupported(self.name(), dtype, "; use logical_not or astype() to a number type first"))
            }
            UnaryKind::Numeric if self == UnaryOp::Positive => Signature::identity(dtype),
            UnaryKind::Numeric => Signature::same(dtype),
            UnaryKind::Rounding if !dtype.is_float() => Signature::identity(dtype),
            UnaryKind::Rounding => Signature::same(dtype),
            UnaryKind::Predicate => Signature::to_bool(dtype),
            UnaryKind::Bitwise if dtype.is_float() => {
                return Err(unsupported(self.name(), dtype, "; bitwise ops need integer or bool arrays"))
            }
            UnaryKind::Bitwise => Signature::same(dtype),
        })
    }
}

/// How a binary op treats dtypes (see [`BinaryOp::signature`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinaryKind {
    /// `add`, `subtract`, `multiply`.
    Arithmetic,
    /// `divide`: floats keep their type, integers and `bool` become `float64`.
    Divide,
    /// `floor_divide`, `remainder`, `pow`: numbers only.
    Numeric,
    /// `maximum`, `minimum`: every dtype.
    MinMax,
    /// `atan2`, `hypot`, `copysign`, `logaddexp`: integers go to [`float_result`].
    FloatMath,
    /// Comparisons: `bool` out.
    Compare,
    /// `logical_*`: `bool` out, operands tested for non-zero.
    Logical,
    /// `bitwise_and/or/xor`: integers and `bool`.
    Bitwise,
    /// Shifts: integers only.
    Shift,
}

impl BinaryOp {
    pub(crate) fn kind(self) -> BinaryKind {
        use BinaryOp::*;
        match self {
            Add | Subtract | Multiply => BinaryKind::Arithmetic,
            Divide => BinaryKind::Divide,
            FloorDivide | Remainder | Pow => BinaryKind::Numeric,
            Maximum | Minimum => BinaryKind::MinMax,
            Atan2 | Hypot | Copysign | Logaddexp => BinaryKind::FloatMath,
            Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual => BinaryKind::Compare,
            LogicalAnd | LogicalOr | LogicalXor => BinaryKind::Logical,
            BitwiseAnd | BitwiseOr | BitwiseXor => BinaryKind::Bitwise,
            BitwiseLeftShift | BitwiseRightShift => BinaryKind::Shift,
        }
    }

    /// The dtypes this op uses once its operands promote to `promoted`.
    pub(crate) fn signature(self, promoted: DType) -> Result<Signature> {
        let is_bool = promoted == DType::Bool;
        let refuse = |hint: &str| Err(unsupported(self.name(), promoted, hint));
        Ok(match self.kind() {
            BinaryKind::Arithmetic if is_bool && self == BinaryOp::Subtract => {
                return refuse("; use bitwise_xor or logical_xor for booleans")
            }
            BinaryKind::Arithmetic | BinaryKind::MinMax => Signature::same(promoted),
            BinaryKind::Divide if promoted.is_float() => Signature::same(promoted),
            BinaryKind::Divide => Signature::same(DType::F64),
            BinaryKind::Numeric if is_bool => return refuse("; cast booleans to an integer type with astype() first"),
            BinaryKind::Numeric => Signature::same(promoted),
            BinaryKind::FloatMath => Signature::same(float_result(promoted)),
            BinaryKind::Compare | BinaryKind::Logical => Signature::to_bool(promoted),
            BinaryKind::Bitwise if promoted.is_float() => return refuse("; bitwise ops need integer or bool arrays"),
            BinaryKind::Bitwise => Signature::same(promoted),
            BinaryKind::Shift if !promoted.is_integer() => return refuse("; shifts need integer arrays"),
            BinaryKind::Shift => Signature::same(promoted),
        })
    }
}

impl ReduceOp {
    /// The output dtype for an input of `dtype` (the accumulator rules of `kernels/ABI.md`).
    pub(crate) fn out_dtype(self, dtype: DType) -> DType {
        use crate::dtype::DTypeKind;
        match self {
            ReduceOp::Sum | ReduceOp::Prod => match dtype.kind() {
                DTypeKind::Float => dtype,
                DTypeKind::UnsignedInt => DType::U64,
                DTypeKind::SignedInt | DTypeKind::Bool => DType::I64,
            },
            ReduceOp::Min | ReduceOp::Max => dtype,
            ReduceOp::Mean => float_result_of_mean(dtype),
            ReduceOp::Argmin | ReduceOp::Argmax => DType::I64,
            ReduceOp::All | ReduceOp::Any => DType::Bool,
        }
    }
}

/// `mean` of integers and `bool` is `float64` (NumPy), floats keep their type.
fn float_result_of_mean(dtype: DType) -> DType {
    if dtype.is_float() {
        dtype
    } else {
        DType::F64
    }
}

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
operand_from_number!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, half::f16, half::bf16);

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
