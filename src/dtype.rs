//! Data types: the [`DType`] enum, the [`Element`] trait that ties Rust types to dtypes, the
//! [`Scalar`] value type, and the one dtype-dispatch macro every backend uses.
//!
//! **For NumPy users:** the names and promotion follow NumPy 2 / the Array API: `DType::F32` is
//! `numpy.float32`, `DType::Bool` is `numpy.bool`, `DType::BF16` is `ml_dtypes.bfloat16`.

pub(crate) mod convert;

use half::{bf16, f16};
use num_complex::{Complex32, Complex64};
use std::fmt;

/// The element type of an [`Array`](crate::Array).
///
/// ```
/// use devarray::DType;
/// assert_eq!(DType::F16.itemsize(), 2);
/// assert!(DType::BF16.is_float());
/// assert_eq!(DType::I32.to_string(), "int32");
/// assert_eq!("float64".parse::<DType>().unwrap(), DType::F64);
/// ```
///
/// The enum is deliberately exhaustive: [`dispatch_dtype!`](crate::dispatch_dtype) and every
/// backend match on it completely, so adding a dtype is a compile error everywhere it matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// Boolean, stored as one byte holding 0 or 1.
    Bool,
    /// Signed 8-bit integer.
    I8,
    /// Signed 16-bit integer.
    I16,
    /// Signed 32-bit integer.
    I32,
    /// Signed 64-bit integer (the default integer).
    I64,
    /// Unsigned 8-bit integer.
    U8,
    /// Unsigned 16-bit integer.
    U16,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// IEEE 754 half precision ([`half::f16`]).
    F16,
    /// bfloat16 ([`half::bf16`]).
    BF16,
    /// IEEE 754 single precision.
    F32,
    /// IEEE 754 double precision (the default float).
    F64,
    /// Complex of two `float32` ([`num_complex::Complex32`]): real part first.
    C64,
    /// Complex of two `float64` ([`num_complex::Complex64`], the default complex).
    C128,
}

/// The broad category of a dtype, as the Array API's `isdtype` kinds use it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DTypeKind {
    /// `bool`.
    Bool,
    /// Signed integers.
    SignedInt,
    /// Unsigned integers.
    UnsignedInt,
    /// Real floating point.
    Float,
    /// Complex floating point.
    Complex,
}

impl DType {
    /// Every dtype, in promotion-table order.
    ///
    /// ```
    /// assert_eq!(devarray::DType::ALL.len(), 15);
    /// ```
    pub const ALL: [DType; 15] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F16,
        DType::BF16,
        DType::F32,
        DType::F64,
        DType::C64,
        DType::C128,
    ];

    /// The thirteen real (non-complex) dtypes, in promotion-table order.
    ///
    /// ```
    /// assert!(devarray::DType::REAL.iter().all(|d| !d.is_complex()));
    /// ```
    pub const REAL: [DType; 13] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F16,
        DType::BF16,
        DType::F32,
        DType::F64,
    ];

    /// Size of one element in bytes.
    ///
    /// ```
    /// assert_eq!(devarray::DType::U64.itemsize(), 8);
    /// ```
    pub const fn itemsize(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 | DType::F16 | DType::BF16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }

    /// The NumPy name (`"float32"`, `"bfloat16"`, `"bool"`...).
    ///
    /// ```
    /// assert_eq!(devarray::DType::BF16.name(), "bfloat16");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F16 => "float16",
            DType::BF16 => "bfloat16",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// The short tag used in kernel names (`add_f32_vec`): `bool i8 … u64 f16 bf16 f32 f64 c64
    /// c128`.
    ///
    /// ```
    /// assert_eq!(devarray::DType::U16.tag(), "u16");
    /// ```
    pub const fn tag(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "i8",
            DType::I16 => "i16",
            DType::I32 => "i32",
            DType::I64 => "i64",
            DType::U8 => "u8",
            DType::U16 => "u16",
            DType::U32 => "u32",
            DType::U64 => "u64",
            DType::F16 => "f16",
            DType::BF16 => "bf16",
            DType::F32 => "f32",
            DType::F64 => "f64",
            DType::C64 => "c64",
            DType::C128 => "c128",
        }
    }

    /// The dtype's kind.
    ///
    /// ```
    /// use devarray::{DType, DTypeKind};
    /// assert_eq!(DType::U8.kind(), DTypeKind::UnsignedInt);
    /// ```
    pub const fn kind(self) -> DTypeKind {
        match self {
            DType::Bool => DTypeKind::Bool,
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => DTypeKind::SignedInt,
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => DTypeKind::UnsignedInt,
            DType::F16 | DType::BF16 | DType::F32 | DType::F64 => DTypeKind::Float,
            DType::C64 | DType::C128 => DTypeKind::Complex,
        }
    }

    /// True for the four floating-point dtypes.
    ///
    /// ```
    /// assert!(!devarray::DType::I64.is_float());
    /// ```
    pub const fn is_float(self) -> bool {
        matches!(self.kind(), DTypeKind::Float)
    }

    /// True for `complex64` and `complex128`.
    ///
    /// ```
    /// assert!(devarray::DType::C64.is_complex());
    /// assert!(!devarray::DType::F64.is_complex());
    /// ```
    pub const fn is_complex(self) -> bool {
        matches!(self.kind(), DTypeKind::Complex)
    }

    /// True for real and complex floating-point dtypes (the Array API's "inexact" kinds).
    ///
    /// ```
    /// assert!(devarray::DType::C128.is_inexact());
    /// assert!(devarray::DType::BF16.is_inexact());
    /// assert!(!devarray::DType::I8.is_inexact());
    /// ```
    pub const fn is_inexact(self) -> bool {
        matches!(self.kind(), DTypeKind::Float | DTypeKind::Complex)
    }

    /// The real dtype of one component: `float32` for `complex64`, `float64` for `complex128`,
    /// the dtype itself otherwise.
    ///
    /// ```
    /// use devarray::DType;
    /// assert_eq!(DType::C64.real_dtype(), DType::F32);
    /// assert_eq!(DType::I8.real_dtype(), DType::I8);
    /// ```
    pub const fn real_dtype(self) -> DType {
        match self {
            DType::C64 => DType::F32,
            DType::C128 => DType::F64,
            other => other,
        }
    }

    /// The complex dtype with components of (at least) this dtype's precision: `complex64` for
    /// `float16`, `bfloat16` and `float32`, `complex128` for everything else.
    ///
    /// ```
    /// use devarray::DType;
    /// assert_eq!(DType::F32.complex_dtype(), DType::C64);
    /// assert_eq!(DType::I64.complex_dtype(), DType::C128);
    /// ```
    pub const fn complex_dtype(self) -> DType {
        match self {
            DType::F16 | DType::BF16 | DType::F32 | DType::C64 => DType::C64,
            _ => DType::C128,
        }
    }

    /// True for signed and unsigned integers (not `bool`).
    ///
    /// ```
    /// assert!(devarray::DType::U8.is_integer());
    /// assert!(!devarray::DType::Bool.is_integer());
    /// ```
    pub const fn is_integer(self) -> bool {
        matches!(self.kind(), DTypeKind::SignedInt | DTypeKind::UnsignedInt)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for DType {
    type Err = crate::Error;

    /// Parses NumPy names (`"float32"`) and kernel tags (`"f32"`).
    fn from_str(s: &str) -> crate::Result<Self> {
        DType::ALL.into_iter().find(|d| d.name() == s || d.tag() == s).ok_or_else(|| {
            let names: Vec<&str> = DType::ALL.iter().map(|d| d.name()).collect();
            crate::Error::invalid("dtype", format!("unknown dtype {s:?}; expected one of {}", names.join(", ")))
        })
    }
}

/// A single value of any dtype, used for fills, scalar operands and [`Array::item`](crate::Array::item).
///
/// Conversions follow NumPy's casting results: integers wrap, floats convert to integers by
/// truncation saturating at the integer range (NaN becomes 0), anything converts to `bool` as
/// `value != 0`.
///
/// ```
/// use devarray::Scalar;
/// assert_eq!(Scalar::from(3u8), Scalar::UInt(3));
/// assert_eq!(Scalar::from(-1.5f32).to_element::<i32>(), -1);
/// assert_eq!(Scalar::from(300i64).to_element::<u8>(), 44); // wraps like NumPy
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer.
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A complex number (real and imaginary parts).
    Complex(Complex64),
}

impl Scalar {
    /// Converts to the element type `T` with NumPy's casting results.
    ///
    /// ```
    /// assert_eq!(devarray::Scalar::Float(2.75).to_element::<half::f16>().to_f32(), 2.75);
    /// ```
    pub fn to_element<T: Element>(self) -> T {
        T::from_scalar(self)
    }

    /// The dtype NumPy would give this value on its own (`bool`, `int64`, `uint64`, `float64`).
    ///
    /// ```
    /// assert_eq!(devarray::Scalar::Int(1).natural_dtype(), devarray::DType::I64);
    /// ```
    pub fn natural_dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::Int(_) => DType::I64,
            Scalar::UInt(_) => DType::U64,
            Scalar::Float(_) => DType::F64,
            Scalar::Complex(_) => DType::C128,
        }
    }

    /// The value as `f64` (integers above 2^53 round; a complex value gives its real part).
    ///
    /// ```
    /// assert_eq!(devarray::Scalar::Bool(true).as_f64(), 1.0);
    /// ```
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as u8 as f64,
            Scalar::Int(i) => i as f64,
            Scalar::UInt(u) => u as f64,
            Scalar::Float(f) => f,
            Scalar::Complex(z) => z.re,
        }
    }

    /// The value as a complex number (exact for every real scalar but integers above 2^53).
    ///
    /// ```
    /// use devarray::Scalar;
    /// assert_eq!(Scalar::Int(2).as_complex(), num_complex::Complex64::new(2.0, 0.0));
    /// ```
    pub fn as_complex(self) -> Complex64 {
        match self {
            Scalar::Complex(z) => z,
            real => Complex64::new(real.as_f64(), 0.0),
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::UInt(u) => write!(f, "{u}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Complex(z) => write!(f, "({}{:+}j)", z.re, z.im),
        }
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that is the element type of one [`DType`].
///
/// Implemented for `bool`, `i8`…`i64`, `u8`…`u64`, [`half::f16`], [`half::bf16`], `f32`, `f64`,
/// [`num_complex::Complex32`] and [`num_complex::Complex64`];
/// sealed, because backends rely on the exact set. `Repr` is the plain-old-data type with the same
/// bytes (`u8` for `bool`, the type itself otherwise), which is what crosses to the device.
///
/// ```
/// use devarray::{DType, Element};
/// assert_eq!(<half::bf16 as Element>::DTYPE, DType::BF16);
/// assert_eq!(true.to_repr(), 1u8);
/// ```
pub trait Element:
    sealed::Sealed + Copy + Send + Sync + PartialEq + fmt::Debug + fmt::Display + Default + 'static
{
    /// The dtype of this element type.
    const DTYPE: DType;
    /// The byte-level representation (`bytemuck::Pod`).
    type Repr: bytemuck::Pod + Send + Sync;
    /// To the byte-level representation.
    fn to_repr(self) -> Self::Repr;
    /// From the byte-level representation (for `bool`, any non-zero byte is `true`).
    fn from_repr(r: Self::Repr) -> Self;
    /// Converts a [`Scalar`] with NumPy's casting results (the one rule `astype` also uses).
    fn from_scalar(s: Scalar) -> Self;
    /// The value as a [`Scalar`] (exact).
    fn to_scalar(self) -> Scalar;
}

macro_rules! impl_element_int {
    ($($t:ty => $d:ident, $variant:ident);* $(;)?) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            type Repr = $t;
            #[inline(always)]
            fn to_repr(self) -> $t { self }
            #[inline(always)]
            fn from_repr(r: $t) -> $t { r }
            #[inline]
            fn from_scalar(s: Scalar) -> $t {
                convert::scalar_to(s)
            }
            #[inline]
            fn to_scalar(self) -> Scalar { Scalar::$variant(self as _) }
        }
    )*};
}

impl_element_int! {
    i8 => I8, Int; i16 => I16, Int; i32 => I32, Int; i64 => I64, Int;
    u8 => U8, UInt; u16 => U16, UInt; u32 => U32, UInt; u64 => U64, UInt;
}

macro_rules! impl_element_float {
    ($($t:ty => $d:ident, $to_f64:expr);* $(;)?) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            type Repr = $t;
            #[inline(always)]
            fn to_repr(self) -> $t { self }
            #[inline(always)]
            fn from_repr(r: $t) -> $t { r }
            #[inline]
            fn from_scalar(s: Scalar) -> $t {
                convert::scalar_to(s)
            }
            #[inline]
            fn to_scalar(self) -> Scalar {
                let to_f64: fn($t) -> f64 = $to_f64;
                Scalar::Float(to_f64(self))
            }
        }
    )*};
}

impl_element_float! {
    f16 => F16, |x| x.to_f64();
    bf16 => BF16, |x| x.to_f64();
    f32 => F32, |x| x as f64;
    f64 => F64, |x| x;
}

macro_rules! impl_element_complex {
    ($($t:ty => $d:ident, $to_c64:expr);* $(;)?) => {$(
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$d;
            type Repr = $t;
            #[inline(always)]
            fn to_repr(self) -> $t { self }
            #[inline(always)]
            fn from_repr(r: $t) -> $t { r }
            #[inline]
            fn from_scalar(s: Scalar) -> $t {
                convert::scalar_to(s)
            }
            #[inline]
            fn to_scalar(self) -> Scalar {
                let to_c64: fn($t) -> Complex64 = $to_c64;
                Scalar::Complex(to_c64(self))
            }
        }
    )*};
}

impl_element_complex! {
    Complex32 => C64, |z| Complex64::new(z.re as f64, z.im as f64);
    Complex64 => C128, |z| z;
}

impl sealed::Sealed for bool {}
impl Element for bool {
    const DTYPE: DType = DType::Bool;
    type Repr = u8;
    #[inline(always)]
    fn to_repr(self) -> u8 {
        self as u8
    }
    #[inline(always)]
    fn from_repr(r: u8) -> bool {
        r != 0
    }
    #[inline]
    fn from_scalar(s: Scalar) -> bool {
        convert::scalar_to(s)
    }
    #[inline]
    fn to_scalar(self) -> Scalar {
        Scalar::Bool(self)
    }
}

macro_rules! impl_scalar_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Scalar {
            fn from(v: $t) -> Scalar { v.to_scalar() }
        }
    )*};
}
impl_scalar_from!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f16, bf16, f32, f64, Complex32, Complex64);

/// The dtype table: every [`DType`] variant with its Rust element type, grouped by kind. The
/// one place this correspondence is written: [`dispatch_dtype!`](crate::dispatch_dtype) and the
/// crate's `dispatch_int!`/`dispatch_float!` are generated from it by handing it to a callback
/// macro (`$crate::name { args }` receives `{ args }` followed by the table).
#[doc(hidden)]
#[macro_export]
macro_rules! __dtype_table {
    ($root:tt :: $callback:ident { $($args:tt)* }) => {
        $root::$callback! { { $($args)* }
            bool: [Bool => bool]
            int: [I8 => i8, I16 => i16, I32 => i32, I64 => i64, U8 => u8, U16 => u16, U32 => u32, U64 => u64]
            float: [F16 => $crate::half::f16, BF16 => $crate::half::bf16, F32 => f32, F64 => f64]
            complex: [C64 => $crate::num_complex::Complex32, C128 => $crate::num_complex::Complex64]
        }
    };
}

/// The `match` arms the dispatch macros expand to, from the table of [`__dtype_table!`]: every
/// dtype (`all`), or only the real, integer or float ones with a fallback (`real`, `int`, `float`).
#[doc(hidden)]
#[macro_export]
macro_rules! __dtype_arms {
    ({ all, $dtype:expr, $T:ident, $body:expr }
     bool: [$($bv:ident => $bt:ty),*] int: [$($iv:ident => $it:ty),*] float: [$($fv:ident => $ft:ty),*]
     complex: [$($cv:ident => $ct:ty),*]) => {
        match $dtype {
            $($crate::DType::$bv => { type $T = $bt; $body })*
            $($crate::DType::$iv => { type $T = $it; $body })*
            $($crate::DType::$fv => { type $T = $ft; $body })*
            $($crate::DType::$cv => { type $T = $ct; $body })*
        }
    };
    ({ real, $dtype:expr, $T:ident, $body:expr, $other:expr }
     bool: [$($bv:ident => $bt:ty),*] int: [$($iv:ident => $it:ty),*] float: [$($fv:ident => $ft:ty),*]
     complex: [$($cv:ident => $ct:ty),*]) => {
        match $dtype {
            $($crate::DType::$bv => { type $T = $bt; $body })*
            $($crate::DType::$iv => { type $T = $it; $body })*
            $($crate::DType::$fv => { type $T = $ft; $body })*
            _ => $other,
        }
    };
    ({ int, $dtype:expr, $T:ident, $body:expr, $other:expr }
     bool: [$($bv:ident => $bt:ty),*] int: [$($iv:ident => $it:ty),*] float: [$($fv:ident => $ft:ty),*]
     complex: [$($cv:ident => $ct:ty),*]) => {
        match $dtype {
            $($crate::DType::$iv => { type $T = $it; $body })*
            _ => $other,
        }
    };
    ({ float, $dtype:expr, $T:ident, $body:expr, $other:expr }
     bool: [$($bv:ident => $bt:ty),*] int: [$($iv:ident => $it:ty),*] float: [$($fv:ident => $ft:ty),*]
     complex: [$($cv:ident => $ct:ty),*]) => {
        match $dtype {
            $($crate::DType::$fv => { type $T = $ft; $body })*
            _ => $other,
        }
    };
}

/// Runs `$body` with the type alias `$T` bound to the Rust element type of `$dtype`.
///
/// This is the one place where a runtime [`DType`] becomes a compile-time type; backends call
/// generic code through it instead of matching on dtypes op by op.
///
/// ```
/// use devarray::{dispatch_dtype, DType};
/// let size = dispatch_dtype!(DType::BF16, T => std::mem::size_of::<T>());
/// assert_eq!(size, 2);
/// ```
#[macro_export]
macro_rules! dispatch_dtype {
    ($dtype:expr, $T:ident => $body:expr) => {{
        $crate::__dtype_table!($crate::__dtype_arms { all, $dtype, $T, $body })
    }};
}

/// Runs `$body` with `$T` bound to the element type of real (non-complex) `$dtype`; a complex
/// dtype evaluates `$other`. The dispatch for code that needs an ordering or real arithmetic.
macro_rules! dispatch_real {
    ($dtype:expr, $T:ident => $body:expr, else $other:expr) => {
        $crate::__dtype_table!($crate::__dtype_arms { real, $dtype, $T, $body, $other })
    };
}
pub(crate) use dispatch_real;

/// Runs `$body` with `$T` bound to the element type of integer `$dtype`; any other dtype
/// evaluates `$other`.
macro_rules! dispatch_int {
    ($dtype:expr, $T:ident => $body:expr, else $other:expr) => {
        $crate::__dtype_table!($crate::__dtype_arms { int, $dtype, $T, $body, $other })
    };
}
pub(crate) use dispatch_int;

/// Runs `$body` with `$T` bound to the element type of float `$dtype`; any other dtype
/// evaluates `$other`.
macro_rules! dispatch_float {
    ($dtype:expr, $T:ident => $body:expr, else $other:expr) => {
        $crate::__dtype_table!($crate::__dtype_arms { float, $dtype, $T, $body, $other })
    };
}
pub(crate) use dispatch_float;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tags_round_trip() {
        for d in DType::ALL {
            assert_eq!(d.name().parse::<DType>().unwrap(), d);
            assert_eq!(d.tag().parse::<DType>().unwrap(), d);
            assert_eq!(dispatch_dtype!(d, T => std::mem::size_of::<T>()), d.itemsize());
            assert_eq!(dispatch_dtype!(d, T => <T as Element>::DTYPE), d);
            assert_eq!(dispatch_int!(d, T => Some(<T as Element>::DTYPE), else None), d.is_integer().then_some(d));
            assert_eq!(dispatch_float!(d, T => Some(<T as Element>::DTYPE), else None), d.is_float().then_some(d));
            assert_eq!(dispatch_real!(d, T => Some(<T as Element>::DTYPE), else None), (!d.is_complex()).then_some(d));
        }
        assert!("float128".parse::<DType>().is_err());
    }

    #[test]
    fn scalar_casts_follow_numpy() {
        assert_eq!(Scalar::Float(f64::NAN).to_element::<i32>(), 0);
        assert_eq!(Scalar::Float(1e20).to_element::<i32>(), i32::MAX);
        assert_eq!(Scalar::Float(-0.7).to_element::<i64>(), 0);
        assert!(Scalar::Float(f64::NAN).to_element::<bool>());
        assert!(!Scalar::Float(0.0).to_element::<bool>());
        assert_eq!(Scalar::Int(-1).to_element::<u16>(), u16::MAX);
        assert_eq!(Scalar::UInt(u64::MAX).to_element::<i64>(), -1);
        assert_eq!(Scalar::Bool(true).to_element::<f32>(), 1.0);
        assert_eq!(Scalar::Float(65520.0).to_element::<f16>(), f16::INFINITY);
        assert_eq!(Scalar::Float(1.0 / 3.0).to_element::<bf16>(), bf16::from_f64(1.0 / 3.0));
    }
}
