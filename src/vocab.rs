//! The op vocabulary: the op enums and their dtype rules ([`Signature`]), and the operand and
//! reduction-shape descriptions the backends receive.
//!
//! A leaf module: it imports only `dtype` and `error`, so the op layer (`src/ops`), the storage
//! dispatch (`src/storage.rs`) and the backends (`src/cpu`, `src/cuda`) all speak it without
//! importing each other. Which `(op, dtype)` kernels exist follows the signatures here
//! (`kernels/ABI.md`): a unary or binary kernel `{op}_{T}` exists exactly when
//! `op.signature(T)` computes in `T` and is not the identity.

use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::Layout;

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
    /// Use the methods ([`Array::exp`](crate::Array::exp), [`Array::abs`](crate::Array::abs),
    /// …) or [`Array::unary`](crate::Array::unary).
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
        /// `|x|` (`abs(INT_MIN)` wraps to `INT_MIN`, like NumPy; complex: the real magnitude).
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
        /// Complex conjugate: negates the imaginary part (the identity for real dtypes).
        Conj => "conj",
    }
}

op_enum! {
    /// An elementwise function of two operands, named as in the Array API.
    ///
    /// Use the methods ([`Array::add`](crate::Array::add), [`Array::less`](crate::Array::less),
    /// …) or [`Array::binary`](crate::Array::binary), which also takes a scalar on the left.
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
        /// `a ** b` (integers wrap; see [`Array::pow`](crate::Array::pow) for negative integer
        /// exponents).
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
        /// The next representable value after `a` toward `b` (float dtypes; NumPy's
        /// `nextafter`).
        Nextafter => "nextafter",
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
    /// Use the methods ([`Array::sum`](crate::Array::sum),
    /// [`Array::argmax`](crate::Array::argmax), …) or [`Array::reduce`](crate::Array::reduce).
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

op_enum! {
    /// A cumulative (scan) op, named as in the Array API.
    ///
    /// Use the methods ([`Array::cumulative_sum`](crate::Array::cumulative_sum),
    /// [`Array::cumulative_prod`](crate::Array::cumulative_prod)) or
    /// [`Array::scan`](crate::Array::scan).
    ///
    /// ```
    /// use devarray::ScanOp;
    /// assert_eq!(ScanOp::Sum.name(), "cumulative_sum");
    /// ```
    ScanOp {
        /// Running sum (`bool` scanned as `bool`: a running logical or).
        Sum => "cumulative_sum",
        /// Running product (`bool` scanned as `bool`: a running logical and).
        Prod => "cumulative_prod",
    }
}

impl ScanOp {
    /// The kernel base name (`kernels/ABI.md`, "Scan ABI").
    pub(crate) const fn kernel(self) -> &'static str {
        match self {
            ScanOp::Sum => "cumsum",
            ScanOp::Prod => "cumprod",
        }
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
            Negative | Positive | Abs | Sign | Square | Conj => UnaryKind::Numeric,
            Floor | Ceil | Trunc | Round => UnaryKind::Rounding,
            IsNan | IsInf | IsFinite | LogicalNot | Signbit => UnaryKind::Predicate,
            BitwiseInvert => UnaryKind::Bitwise,
            _ => UnaryKind::FloatMath,
        }
    }

    /// The dtypes this op uses for an input of `dtype`, or [`Error::UnsupportedDType`].
    pub(crate) fn signature(self, dtype: DType) -> Result<Signature> {
        if dtype.is_complex() {
            return self.complex_signature(dtype);
        }
        let is_bool = dtype == DType::Bool;
        Ok(match self.kind() {
            UnaryKind::FloatMath => Signature::same(float_result(dtype)),
            UnaryKind::Numeric if self == UnaryOp::Conj => Signature::identity(dtype),
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

impl UnaryOp {
    /// The signature for a complex input (the contract's complex op set): float functions,
    /// arithmetic and `round` stay complex, `abs` writes the component dtype, predicates write
    /// `bool`; `floor`/`ceil`/`trunc`, `signbit` and `bitwise_invert` have no complex meaning.
    fn complex_signature(self, dtype: DType) -> Result<Signature> {
        use UnaryOp::*;
        match self {
            Positive => Ok(Signature::identity(dtype)),
            Abs => Ok(Signature { compute: dtype, out: dtype.real_dtype(), identity: false }),
            IsNan | IsInf | IsFinite | LogicalNot => Ok(Signature::to_bool(dtype)),
            Floor | Ceil | Trunc => Err(unsupported(
                self.name(),
                dtype,
                "; complex numbers have no order: round() rounds each part, or apply it to real() and imag()",
            )),
            Signbit | BitwiseInvert => Err(unsupported(self.name(), dtype, COMPLEX_HINT)),
            _ => Ok(Signature::same(dtype)),
        }
    }
}

/// The hint for an op that does not exist for complex numbers.
const COMPLEX_HINT: &str = "; this op is not defined for complex numbers: compute on real() and imag(), or abs()";

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
    /// `atan2`, `hypot`, `copysign`, `logaddexp`, `nextafter`: integers go to [`float_result`].
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
            Atan2 | Hypot | Copysign | Logaddexp | Nextafter => BinaryKind::FloatMath,
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
        if promoted.is_complex() {
            return match self.kind() {
                BinaryKind::Arithmetic | BinaryKind::Divide => Ok(Signature::same(promoted)),
                _ if self == BinaryOp::Pow => Ok(Signature::same(promoted)),
                BinaryKind::Compare if matches!(self, BinaryOp::Equal | BinaryOp::NotEqual) => {
                    Ok(Signature::to_bool(promoted))
                }
                BinaryKind::Logical => Ok(Signature::to_bool(promoted)),
                BinaryKind::Compare | BinaryKind::MinMax => {
                    refuse("; complex numbers have no order: compare abs(), real() or imag()")
                }
                _ => refuse(COMPLEX_HINT),
            };
        }
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
                DTypeKind::Float | DTypeKind::Complex => dtype,
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
    if dtype.is_inexact() {
        dtype
    } else {
        DType::F64
    }
}

/// The float dtype a float function (`sqrt`, `exp`, `atan2`, …) computes in for `dtype`: floats
/// keep their type, integers and `bool` get the smallest float that holds every value of theirs
/// (NumPy: `int8 → float16`, `int16 → float32`, `int32 → float64`). The same as
/// `result_type(dtype, float16)` for non-floats (tested in `ops::promote`).
pub(crate) fn float_result(dtype: DType) -> DType {
    match dtype.itemsize() {
        _ if dtype.is_inexact() => dtype,
        1 => DType::F16,
        2 => DType::F32,
        _ => DType::F64,
    }
}

/// One input of an elementwise primitive, over buffers of type `B`.
pub(crate) enum Input<'a, B> {
    /// A view broadcast to the output's shape.
    View(&'a B, &'a Layout),
    /// A value of the compute dtype, held exactly (see `ops::scalar_as`).
    Scalar(Scalar),
}

impl<B> Clone for Input<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<B> Copy for Input<'_, B> {}

/// The shape of a reduction over a contiguous input: `outer × r × inner`, reducing `r`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReduceDims {
    /// Product of the kept axes before the reduced block.
    pub(crate) outer: usize,
    /// Product of the reduced axes.
    pub(crate) r: usize,
    /// Product of the kept axes after the reduced block.
    pub(crate) inner: usize,
}

/// A sort of every row of a contiguous `(rows, len)` array (`Backend::sort`): stable, by the
/// order-preserving key of `src/cpu/sort.rs` (NaNs last, `-0.0 == +0.0`), reversed when
/// `descending` (equal keys still keep their order). Writes the sorted values, or with
/// `indices` the `int64` position of each sorted element within its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SortSpec {
    /// Rows sorted independently.
    pub(crate) rows: usize,
    /// Elements per row.
    pub(crate) len: usize,
    /// Largest first (NaNs first too: the exact reverse of the ascending key order).
    pub(crate) descending: bool,
    /// Write `int64` indices (argsort) instead of values (sort).
    pub(crate) indices: bool,
}

/// A decomposition or solver as the backends see it (`Backend::linalg`). Inputs are
/// C-contiguous `(batch, m, n)`; each op's outputs, with `k = min(m, n)`:
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decomp {
    /// `L (batch, n, n)`, lower; its transpose when `upper`.
    Cholesky {
        /// Return `U = Lᵀ`, reading the upper triangle.
        upper: bool,
    },
    /// `Q (batch, m, q)`, `R (batch, q, n)`: `q = m` when `complete`, else `k`.
    Qr {
        /// NumPy's `mode='complete'`.
        complete: bool,
    },
    /// `U (batch, m, p)`, `S (batch, k)`, `Vh (batch, r, n)`: `p = m, r = n` when `full`, else
    /// both `k`.
    Svd {
        /// NumPy's `full_matrices`.
        full: bool,
    },
    /// `S (batch, k)`, descending.
    SvdVals,
    /// `w (batch, n)` ascending, `V (batch, n, n)`.
    Eigh,
    /// `w (batch, n)` ascending.
    EigvalsH,
    /// `inv (batch, n, n)`.
    Inv,
    /// Inputs `A (batch, n, n)`, `B (batch, n, k)`; output `X (batch, n, k)`.
    Solve,
    /// `det (batch,)`.
    Det,
    /// `sign (batch,)`, `logabsdet (batch,)`.
    Slogdet,
}

impl Decomp {
    /// The public name, for errors.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Decomp::Cholesky { .. } => "cholesky",
            Decomp::Qr { .. } => "qr",
            Decomp::Svd { .. } => "svd",
            Decomp::SvdVals => "svdvals",
            Decomp::Eigh => "eigh",
            Decomp::EigvalsH => "eigvalsh",
            Decomp::Inv => "inv",
            Decomp::Solve => "solve",
            Decomp::Det => "det",
            Decomp::Slogdet => "slogdet",
        }
    }

    /// Whether output `i` holds real values (singular values, eigenvalues, `ln |det|`): for
    /// complex input the backends write them as complex numbers with zero imaginary parts
    /// (one dtype per call), and the op layer returns their real parts.
    pub(crate) fn real_output(self, i: usize) -> bool {
        match self {
            Decomp::Svd { .. } | Decomp::Slogdet => i == 1,
            Decomp::SvdVals | Decomp::Eigh | Decomp::EigvalsH => i == 0,
            _ => false,
        }
    }
}

/// One random draw the backends fill (`Backend::random`; `kernels/random.cu` documents the
/// algorithm, `src/cpu/random.rs` is the same in Rust). The parameters are already validated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RandomDist {
    /// `low + scale * u`, `u` uniform in `[0, 1)` from the top bits of one word (two for f64).
    Uniform { low: f64, scale: f64 },
    /// `loc + scale * z`, `z` standard normal by Box–Muller.
    Normal { loc: f64, scale: f64 },
    /// `scale * -log(u)`, `u` uniform in `(0, 1)`.
    Exponential { scale: f64 },
    /// `low + r` (wrapping, as raw two's complement bits), `r` uniform in `[0, span]` by Lemire's
    /// method; every integer dtype and bool.
    Integers { low: u64, span: u64 },
    /// `true` with probability `p` (bool output).
    Bernoulli { p: f64 },
    /// `scale * g`, `g` standard gamma of shape `shape > 0` (Marsaglia–Tsang).
    Gamma { shape: f64, scale: f64 },
    /// `x / (x + y)`, `x` and `y` standard gamma of shapes `a` and `b` (both > 0).
    Beta { a: f64, b: f64 },
    /// Successes in `n` trials of probability `p` (int64): inversion or BTRS.
    Binomial { n: u64, p: f64 },
    /// Poisson of mean `lam` (int64): inversion or PTRS.
    Poisson { lam: f64 },
}

impl RandomDist {
    /// The kernel base name (`{name}_{T}_ctr`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            RandomDist::Uniform { .. } => "uniform",
            RandomDist::Normal { .. } => "normal",
            RandomDist::Exponential { .. } => "exponential",
            RandomDist::Integers { .. } => "integers",
            RandomDist::Bernoulli { .. } => "bernoulli",
            RandomDist::Gamma { .. } => "gamma",
            RandomDist::Beta { .. } => "beta",
            RandomDist::Binomial { .. } => "binomial",
            RandomDist::Poisson { .. } => "poisson",
        }
    }

    /// Values one Philox counter block yields for output `dtype`: element `i` of a draw uses
    /// block `offset + i / per_block` (a draw of `n` values consumes `ceil(n / per_block)`).
    pub(crate) fn per_block(self, dtype: DType) -> u64 {
        match self {
            RandomDist::Integers { .. }
            | RandomDist::Gamma { .. }
            | RandomDist::Beta { .. }
            | RandomDist::Binomial { .. }
            | RandomDist::Poisson { .. } => 1,
            RandomDist::Bernoulli { .. } => 4,
            _ if dtype.itemsize() == 8 => 2,
            _ => 4,
        }
    }

    /// The error for a dtype this distribution does not exist in.
    pub(crate) fn unsupported(self, dtype: DType) -> Error {
        let hint = match self {
            RandomDist::Integers { .. } => "; integers are drawn in an integer dtype or bool",
            RandomDist::Bernoulli { .. } => "; bernoulli draws bool",
            RandomDist::Binomial { .. } | RandomDist::Poisson { .. } => {
                "; binomial and poisson draw int64 (then astype)"
            }
            _ => "; draw float16, bfloat16, float32 or float64 (then astype)",
        };
        Error::UnsupportedDType { op: self.name(), dtype, hint: hint.to_string() }
    }

    /// Whether the backends produce this distribution in `dtype`.
    pub(crate) fn supports(self, dtype: DType) -> bool {
        match self {
            RandomDist::Integers { .. } => dtype.is_integer() || dtype == DType::Bool,
            RandomDist::Bernoulli { .. } => dtype == DType::Bool,
            RandomDist::Binomial { .. } | RandomDist::Poisson { .. } => dtype == DType::I64,
            _ => dtype.is_float(),
        }
    }
}

/// Where a draw starts in a Philox stream: the key and the counter block of its element 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counter {
    /// The Philox4x32 key.
    pub(crate) key: [u32; 2],
    /// The counter block of element 0.
    pub(crate) offset: u64,
}
