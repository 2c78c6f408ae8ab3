//! One options type for every reduction: [`Reduce`] (axes, `keepdims`, `correction`, `dtype`)
//! and the `*_with` methods (`sum_with`, …, `any_with`) that take it, or anything that
//! converts into it: an axis (`0`, `-1`), a list of axes (`[0, 2]`, `&axes`) or `..` (all).

use super::ReduceOp;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::Array;

/// The axes a reduction runs over: all of them, or a list (negative numbers count from the
/// end). Converts from `..`, one axis and lists of axes of `usize`, `isize`, `i32` or `i64`.
///
/// ```
/// use devarray::Axes;
/// assert_eq!(Axes::from(..), Axes::All);
/// assert_eq!(Axes::from(1usize), Axes::List(vec![1]));
/// assert_eq!(Axes::from([0, -1]), Axes::List(vec![0, -1]));
/// assert_eq!(Axes::from(&vec![2usize, 0][..]), Axes::List(vec![2, 0]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Axes {
    /// Every axis (NumPy's `axis=None`).
    #[default]
    All,
    /// These axes (an empty list reduces nothing).
    List(Vec<isize>),
}

impl Axes {
    fn as_option(&self) -> Option<&[isize]> {
        match self {
            Axes::All => None,
            Axes::List(v) => Some(v),
        }
    }
}

impl From<std::ops::RangeFull> for Axes {
    fn from(_: std::ops::RangeFull) -> Axes {
        Axes::All
    }
}

/// An axis number outside `isize` (a huge `usize`) becomes `isize::MAX`, which every array
/// refuses with [`Error::AxisOutOfRange`].
fn axis_of<T: TryInto<isize>>(a: T) -> isize {
    a.try_into().unwrap_or(isize::MAX)
}

macro_rules! axes_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Axes {
            fn from(a: $t) -> Axes { Axes::List(vec![axis_of(a)]) }
        }
        impl<const N: usize> From<[$t; N]> for Axes {
            fn from(a: [$t; N]) -> Axes { Axes::List(a.into_iter().map(axis_of).collect()) }
        }
        impl<const N: usize> From<&[$t; N]> for Axes {
            fn from(a: &[$t; N]) -> Axes { Axes::List(a.iter().copied().map(axis_of).collect()) }
        }
        impl From<&[$t]> for Axes {
            fn from(a: &[$t]) -> Axes { Axes::List(a.iter().copied().map(axis_of).collect()) }
        }
        impl From<Vec<$t>> for Axes {
            fn from(a: Vec<$t>) -> Axes { Axes::List(a.into_iter().map(axis_of).collect()) }
        }
        impl From<&Vec<$t>> for Axes {
            fn from(a: &Vec<$t>) -> Axes { Axes::List(a.iter().copied().map(axis_of).collect()) }
        }
        impl From<Option<&[$t]>> for Axes {
            fn from(a: Option<&[$t]>) -> Axes { a.map_or(Axes::All, Axes::from) }
        }
    )*};
}
axes_from!(usize, isize, i32, i64);

/// Options of a reduction, one shape for all of them: which [`Axes`], whether to keep the
/// reduced axes as length 1 (`keepdims`), the `correction` of `var`/`std` (NumPy's `ddof`),
/// and the `dtype` of `sum`/`prod`. Build it from [`Reduce::all`] or [`Reduce::axes`];
/// anything [`Axes`] converts from converts into a `Reduce` too.
///
/// ```
/// use devarray::{Array, DType, Device, Reduce};
/// let x = Array::arange(0.0, 6.0, 1.0, DType::F64, &Device::Cpu)?.reshape(&[2, 3])?;
/// let col_means = x.mean_with(Reduce::axes(0).keepdims())?;          // shape [1, 3]
/// assert_eq!(col_means.shape(), &[1, 3]);
/// let centred = (&x - &col_means)?;                                   // broadcasts back
/// assert_eq!(centred.sum_with(..)?.item::<f64>()?, 0.0);
/// assert_eq!(x.std_with(Reduce::all().correction(1.0))?.item::<f64>()?, 3.5f64.sqrt());
/// assert_eq!(x.max_with([0, 1])?.item::<f64>()?, 5.0);
/// assert_eq!(x.sum_with(-1)?.to_vec::<f64>()?, vec![3.0, 12.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users**: `Reduce::axes(0).keepdims().correction(1.0)` is
/// `axis=0, keepdims=True, ddof=1`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reduce {
    axes: Axes,
    keepdims: bool,
    correction: Option<f64>,
    dtype: Option<DType>,
}

impl Reduce {
    /// Over every axis (the default).
    ///
    /// ```
    /// assert_eq!(devarray::Reduce::all(), devarray::Reduce::default());
    /// ```
    pub fn all() -> Reduce {
        Reduce::default()
    }

    /// Over `axes`: one axis (`0`, `-1`), a list (`[0, 2]`, `&v`), or `..` for all.
    ///
    /// ```
    /// use devarray::Reduce;
    /// assert_eq!(Reduce::axes([1usize, 2]), Reduce::axes(&[1isize, 2][..]));
    /// assert_eq!(Reduce::axes(..), Reduce::all());
    /// ```
    pub fn axes(axes: impl Into<Axes>) -> Reduce {
        Reduce { axes: axes.into(), ..Reduce::default() }
    }

    /// Keeps the reduced axes as length 1, so that the result broadcasts against the input.
    ///
    /// ```
    /// use devarray::{Array, DType, Device, Reduce};
    /// let x = Array::ones(&[2, 3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(x.sum_with(Reduce::axes(1).keepdims())?.shape(), &[2, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn keepdims(self) -> Reduce {
        self.keepdims_if(true)
    }

    /// Sets `keepdims` from a flag.
    ///
    /// ```
    /// let opts = devarray::Reduce::all().keepdims_if(false);
    /// assert_eq!(opts, devarray::Reduce::all());
    /// ```
    pub fn keepdims_if(mut self, keepdims: bool) -> Reduce {
        self.keepdims = keepdims;
        self
    }

    /// The divisor of `var`/`std` is `n - correction` (NumPy's `ddof`; default 0). Other
    /// reductions refuse it with [`Error::InvalidArgument`].
    ///
    /// ```
    /// use devarray::{Array, Device, Reduce};
    /// let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0], &[4], &Device::Cpu)?;
    /// assert_eq!(x.var_with(Reduce::all().correction(1.0))?.item::<f64>()?, 5.0 / 3.0);
    /// assert!(x.sum_with(Reduce::all().correction(1.0)).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn correction(mut self, correction: f64) -> Reduce {
        self.correction = Some(correction);
        self
    }

    /// Computes and returns `sum`/`prod` in `dtype` (NumPy's `dtype=`; see [`Array::sum_as`]).
    /// Other reductions refuse it with [`Error::InvalidArgument`].
    ///
    /// ```
    /// use devarray::{Array, DType, Device, Reduce};
    /// let x = Array::from_slice(&[200u8, 100], &[2], &Device::Cpu)?;
    /// assert_eq!(x.sum_with(Reduce::all().dtype(DType::U8))?.item::<u8>()?, 44);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn dtype(mut self, dtype: DType) -> Reduce {
        self.dtype = Some(dtype);
        self
    }

    /// `Err` when an option was set that `which` does not take.
    fn check(&self, which: Which) -> Result<()> {
        let var_like = matches!(which, Which::Var | Which::Std);
        if self.correction.is_some() && !var_like {
            return Err(Error::invalid(which.name(), "correction applies to var and std only"));
        }
        if self.dtype.is_some() && !matches!(which, Which::Op(ReduceOp::Sum | ReduceOp::Prod)) {
            return Err(Error::invalid(which.name(), "dtype applies to sum and prod only; use astype() on the result"));
        }
        Ok(())
    }
}

impl<T: Into<Axes>> From<T> for Reduce {
    fn from(axes: T) -> Reduce {
        Reduce::axes(axes)
    }
}

/// The reductions of the `*_with` methods: the kernels' [`ReduceOp`]s, and `var`/`std`,
/// which are composed of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Op(ReduceOp),
    Var,
    Std,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Op(op) => op.name(),
            Which::Var => "var",
            Which::Std => "std",
        }
    }
}

impl Array {
    /// Runs reduction `which` with `options`: the one entry point of the `*_with` methods.
    fn reduce_options(&self, which: Which, options: Reduce) -> Result<Array> {
        options.check(which)?;
        let axes = options.axes.as_option();
        let keep = options.keepdims;
        let correction = options.correction.unwrap_or(0.0);
        match (which, options.dtype) {
            (Which::Var, _) => self.var(axes, correction, keep),
            (Which::Std, _) => self.std(axes, correction, keep),
            (Which::Op(ReduceOp::Sum), Some(dtype)) => self.sum_as(axes, keep, dtype),
            (Which::Op(ReduceOp::Prod), Some(dtype)) => self.prod_as(axes, keep, dtype),
            (Which::Op(op), _) => self.reduce(op, axes, keep),
        }
    }
}

/// The documented `*_with` methods, one per reduction.
macro_rules! reduce_with_methods {
    ($($(#[$doc:meta])* $method:ident => $which:expr, $opts:expr, $out:ty => $expected:expr;)*) => {
        impl Array {$(
            $(#[$doc])*
            ///
            /// `options` is a [`Reduce`] or anything that converts into one: an axis, a list of
            /// axes, `..` for all. See [`Array::reduce`] for dtypes and errors.
            ///
            /// ```
            /// # #![allow(unused_imports)]
            /// use devarray::{Array, Device, Reduce};
            /// let x = Array::from_slice(&[1.0f64, 4.0, 3.0, 2.0, 0.0, 6.0], &[2, 3], &Device::Cpu)?;
            #[doc = concat!("let r = x.", stringify!($method), "(", stringify!($opts), ")?;")]
            #[doc = concat!("assert_eq!(r.to_vec::<", stringify!($out), ">()?, vec!", stringify!($expected), ");")]
            /// # Ok::<(), devarray::Error>(())
            /// ```
            pub fn $method(&self, options: impl Into<Reduce>) -> Result<Array> {
                self.reduce_options($which, options.into())
            }
        )*}
    };
}

reduce_with_methods! {
    /// Sum of the elements ([`Array::sum`]); `Reduce::dtype` sets the accumulation dtype.
    sum_with => Which::Op(ReduceOp::Sum), 1, f64 => [8.0, 8.0];
    /// Product of the elements ([`Array::prod`]); `Reduce::dtype` sets the accumulation dtype.
    prod_with => Which::Op(ReduceOp::Prod), Reduce::axes(0).keepdims(), f64 => [2.0, 0.0, 18.0];
    /// Smallest element ([`Array::min`]).
    min_with => Which::Op(ReduceOp::Min), .., f64 => [0.0];
    /// Largest element ([`Array::max`]).
    max_with => Which::Op(ReduceOp::Max), [-1], f64 => [4.0, 6.0];
    /// Arithmetic mean ([`Array::mean`]).
    mean_with => Which::Op(ReduceOp::Mean), Reduce::axes([0usize]), f64 => [1.5, 2.0, 4.5];
    /// Variance ([`Array::var`]); `Reduce::correction` is NumPy's `ddof`.
    var_with => Which::Var, Reduce::axes(0).correction(1.0), f64 => [0.5, 8.0, 4.5];
    /// Standard deviation ([`Array::std`]); `Reduce::correction` is NumPy's `ddof`.
    std_with => Which::Std, Reduce::axes(0).keepdims(), f64 => [0.5, 2.0, 1.5];
    /// Index of the smallest element ([`Array::argmin`]; over several axes, in their
    /// flattened C order, which NumPy does not offer).
    argmin_with => Which::Op(ReduceOp::Argmin), 1, i64 => [0, 1];
    /// Index of the largest element ([`Array::argmax`]; over all axes by default, in the
    /// flattened array).
    argmax_with => Which::Op(ReduceOp::Argmax), Reduce::all(), i64 => [5];
    /// Whether every element is non-zero ([`Array::all`]).
    all_with => Which::Op(ReduceOp::All), 0, bool => [true, false, true];
    /// Whether any element is non-zero ([`Array::any`]).
    any_with => Which::Op(ReduceOp::Any), Reduce::all().keepdims(), bool => [true];
}
