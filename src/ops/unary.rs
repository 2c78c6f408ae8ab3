//! Unary elementwise ops: [`Array::unary`] and one method per [`UnaryOp`].

use super::UnaryOp;
use crate::error::Result;
use crate::Array;

impl Array {
    /// Applies `op` to every element, into a new contiguous array on the same device.
    ///
    /// Dtypes: float functions (`sqrt`, `exp`, `sin`, `reciprocal`, …) keep float dtypes and turn
    /// integers and `bool` into the smallest float holding them (`int8 → float16`,
    /// `int16 → float32`, wider → `float64`, as NumPy); rounding ops are the identity on
    /// integers; predicates (`isnan`, `signbit`, `logical_not`, …) write `bool`; the others keep
    /// the dtype. `float16`/`bfloat16` compute in `float32` and round once.
    ///
    /// Complex (`complex64`/`complex128`, computed in `float32`/`float64` parts): the float
    /// functions, arithmetic, `sign` (`z/|z|`), `round` (each part) and `conj` stay complex;
    /// `abs` is the real magnitude (`float32`/`float64`, `hypot`, so `|3e30+4e30j|` does not
    /// overflow); `isnan`/`isinf` test either part, `isfinite` both, `logical_not` is `z == 0`.
    /// Branch cuts and special values (infinite and NaN parts, signed zeros) follow the Array
    /// API's complex special cases (C99 Annex G), as NumPy does.
    ///
    /// **Errors** with [`Error::UnsupportedDType`](crate::Error::UnsupportedDType) for
    /// `bitwise_invert` of floats and for `negative`, `positive`, `sign`, `square` of `bool`
    /// (NumPy refuses the first three too; use `logical_not`), and for `floor`, `ceil`,
    /// `trunc`, `signbit`, `bitwise_invert` of complex arrays (no order, no sign bit).
    ///
    /// **For NumPy users:** `reciprocal` of an integer array promotes to float like `sqrt`
    /// (NumPy truncates `1/x` in the integer type, which is 0 for every `|x| > 1`); `square` of
    /// `bool` is refused (NumPy returns `int8`).
    ///
    /// ```
    /// use devarray::{Array, Device, DType, UnaryOp};
    /// let x = Array::from_slice(&[1i8, 4, 9], &[3], &Device::Cpu)?;
    /// let r = x.unary(UnaryOp::Sqrt)?;
    /// assert_eq!(r.dtype(), DType::F16);
    /// assert_eq!(r.astype(DType::F32)?.to_vec::<f32>()?, vec![1.0, 2.0, 3.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unary(&self, op: UnaryOp) -> Result<Array> {
        let sig = op.signature(self.dtype())?;
        if sig.identity {
            return self.copy();
        }
        let cast;
        let x = if self.dtype() == sig.compute {
            self
        } else {
            cast = self.astype(sig.compute)?;
            &cast
        };
        let out = Array::empty(x.shape(), sig.out, &x.device())?;
        if out.numel() > 0 {
            out.storage().unary(out.layout(), op, sig, (x.storage(), x.layout()))?;
        }
        Ok(out)
    }
}

/// One documented method per op, each a call to [`Array::unary`].
macro_rules! unary_methods {
    ($($(#[$doc:meta])* $method:ident => $op:ident, $input:expr => $expected:expr, $out:ty;)*) => {
        impl Array {$(
            $(#[$doc])*
            ///
            /// See [`Array::unary`] for dtypes and errors.
            ///
            /// ```
            /// use devarray::{Array, Device};
            #[doc = concat!("let data = ", stringify!($input), ";")]
            /// let x = Array::from_slice(&data, &[data.len()], &Device::Cpu)?;
            #[doc = concat!("assert_eq!(x.", stringify!($method), "()?.to_vec::<", stringify!($out), ">()?, vec!", stringify!($expected), ");")]
            /// # Ok::<(), devarray::Error>(())
            /// ```
            pub fn $method(&self) -> Result<Array> {
                self.unary(UnaryOp::$op)
            }
        )*}
    };
}

unary_methods! {
    /// `-x`, elementwise (integers wrap: `-(-128i8)` is `-128`).
    negative => Negative, [1i32, -2] => [-1, 2], i32;
    /// `+x`: a copy.
    positive => Positive, [1.5f32, -2.0] => [1.5, -2.0], f32;
    /// `|x|` (`abs(INT_MIN)` wraps to `INT_MIN`, like NumPy).
    abs => Abs, [-1.5f64, 2.0] => [1.5, 2.0], f64;
    /// The sign: -1, 0 or 1 (`sign(-0.0)` is `0.0`; NaN stays NaN).
    sign => Sign, [-3i16, 0, 7] => [-1, 0, 1], i16;
    /// Square root (NaN for negative inputs).
    sqrt => Sqrt, [4.0f32, 9.0] => [2.0, 3.0], f32;
    /// `x * x` (integers wrap).
    square => Square, [3u8, 20] => [9, 144], u8;
    /// `e^x`.
    exp => Exp, [0.0f64] => [1.0], f64;
    /// `e^x - 1`, accurate for small `x`.
    expm1 => Expm1, [0.0f32] => [0.0], f32;
    /// Natural logarithm (`-inf` at 0, NaN below).
    log => Log, [1.0f64] => [0.0], f64;
    /// `ln(1 + x)`, accurate for small `x`.
    log1p => Log1p, [0.0f32] => [0.0], f32;
    /// Base-2 logarithm.
    log2 => Log2, [8.0f64, 0.5] => [3.0, -1.0], f64;
    /// Base-10 logarithm.
    log10 => Log10, [1000.0f64] => [3.0], f64;
    /// Sine (radians).
    sin => Sin, [0.0f32] => [0.0], f32;
    /// Cosine (radians).
    cos => Cos, [0.0f64] => [1.0], f64;
    /// Tangent (radians).
    tan => Tan, [0.0f32] => [0.0], f32;
    /// Inverse sine (NaN outside [-1, 1]).
    asin => Asin, [0.0f64] => [0.0], f64;
    /// Inverse cosine (NaN outside [-1, 1]).
    acos => Acos, [1.0f32] => [0.0], f32;
    /// Inverse tangent.
    atan => Atan, [0.0f64] => [0.0], f64;
    /// Hyperbolic sine.
    sinh => Sinh, [0.0f32] => [0.0], f32;
    /// Hyperbolic cosine.
    cosh => Cosh, [0.0f64] => [1.0], f64;
    /// Hyperbolic tangent.
    tanh => Tanh, [0.0f32] => [0.0], f32;
    /// Inverse hyperbolic sine.
    asinh => Asinh, [0.0f64] => [0.0], f64;
    /// Inverse hyperbolic cosine (NaN below 1).
    acosh => Acosh, [1.0f32] => [0.0], f32;
    /// Inverse hyperbolic tangent (±inf at ±1).
    atanh => Atanh, [0.0f64] => [0.0], f64;
    /// Largest integer ≤ `x` (integers unchanged).
    floor => Floor, [-1.5f32, 1.5] => [-2.0, 1.0], f32;
    /// Smallest integer ≥ `x` (integers unchanged).
    ceil => Ceil, [-1.5f64, 1.5] => [-1.0, 2.0], f64;
    /// Integer part, toward zero (integers unchanged).
    trunc => Trunc, [-1.5f32, 1.5] => [-1.0, 1.0], f32;
    /// Nearest integer, halves to even like NumPy's `round` (integers unchanged).
    round => Round, [0.5f64, 1.5, 2.5, -0.5] => [0.0, 2.0, 2.0, -0.0], f64;
    /// `1 / x` (integers promote to float first; see [`Array::unary`]).
    reciprocal => Reciprocal, [2.0f32, 0.25] => [0.5, 4.0], f32;
    /// Whether each element is NaN (`false` for integers).
    isnan => IsNan, [f32::NAN, 1.0] => [true, false], bool;
    /// Whether each element is ±infinity.
    isinf => IsInf, [f64::NEG_INFINITY, 1.0] => [true, false], bool;
    /// Whether each element is finite (not NaN or ±infinity).
    isfinite => IsFinite, [f32::NAN, 1.0] => [false, true], bool;
    /// Whether each element is zero.
    logical_not => LogicalNot, [0i32, 5] => [true, false], bool;
    /// Bitwise NOT (`~x`); logical NOT for `bool`.
    bitwise_invert => BitwiseInvert, [0u8, 0xF0] => [0xFFu8, 0x0F], u8;
    /// Whether the sign bit is set (true for `-0.0`; `x < 0` for integers).
    signbit => Signbit, [-0.0f64, 0.0] => [true, false], bool;
    /// The complex conjugate: the imaginary part negated (a copy for real dtypes, as the
    /// Array API's `conj` of a real array).
    ///
    /// **For NumPy users:** `np.conj`.
    conj => Conj, [devarray::num_complex::Complex64::new(1.0, 2.0)] => [devarray::num_complex::Complex64::new(1.0, -2.0)], devarray::num_complex::Complex64;
}
