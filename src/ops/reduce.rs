//! Reductions: [`Array::reduce`] and `sum`, `prod`, `min`, `max`, `mean`, `var`, `std`,
//! `argmin`, `argmax`, `all`, `any`.
//!
//! Every reduction runs over a contiguous input viewed as `outer × r × inner` (the reduced axes
//! form the middle block), as `kernels/ABI.md` requires. Getting there costs nothing for
//! contiguous arrays reduced over adjacent axes, and for any array whose axes can be permuted
//! into C order (transposes, Fortran order); otherwise the input is copied once.

use super::dispatch::ReduceDims;
use super::ReduceOp;
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::{normalize_axes, normalize_axis};
use crate::storage::Storage;
use crate::Array;

/// A reduction's input made contiguous, with the axis bookkeeping to rebuild the output.
struct Plan {
    /// The contiguous input.
    input: Array,
    /// Its `outer × r × inner` shape.
    dims: ReduceDims,
    /// Original axis numbers of the kept axes, in the order the output buffer stores them.
    kept: Vec<usize>,
}

impl Array {
    /// Reduces over `axes` (all axes when `None`; negative axes count from the end; an empty
    /// list reduces nothing) with `op`. With `keepdims`, reduced axes stay as length 1 so the
    /// result broadcasts against `self`.
    ///
    /// Output dtypes (`kernels/ABI.md`): `sum`/`prod` of signed integers and `bool` give `int64`,
    /// of unsigned integers `uint64`, of floats the float (`float16`/`bfloat16` accumulate in
    /// `float32`); `mean` of integers gives `float64`; `min`/`max` keep the dtype;
    /// `argmin`/`argmax` give `int64`; `all`/`any` give `bool`. Complex: `sum`, `prod`, `mean`
    /// keep the dtype (`mean` divides each part by the count), `all`/`any` test `z != 0`.
    ///
    /// Float sums are pairwise (NumPy's scheme, also along non-contiguous axes, where NumPy
    /// adds sequentially), and deterministic: the split into parallel pieces depends on the
    /// shape only.
    ///
    /// **Errors:** [`Error::AxisOutOfRange`], [`Error::RepeatedAxis`],
    /// [`Error::EmptyReduction`] for `min`, `max`, `argmin`, `argmax` over zero elements, and
    /// [`Error::UnsupportedDType`] for those four on complex arrays (no order).
    /// An empty `sum` is 0, `prod` 1, `all` true, `any` false, `mean` NaN.
    ///
    /// **For NumPy users:** `argmin`/`argmax` through this function reduce over the flattened
    /// selected axes (NumPy only takes one axis or `None`; see [`Array::argmax`]).
    ///
    /// ```
    /// use devarray::{Array, DType, Device, ReduceOp};
    /// let x = Array::arange(0.0, 6.0, 1.0, DType::I32, &Device::Cpu)?.reshape(&[2, 3])?;
    /// let s = x.reduce(ReduceOp::Sum, Some(&[0]), false)?;
    /// assert_eq!(s.dtype(), DType::I64);
    /// assert_eq!(s.to_vec::<i64>()?, vec![3, 5, 7]);
    /// assert_eq!(x.reduce(ReduceOp::Max, Some(&[-1]), true)?.shape(), &[2, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn reduce(&self, op: ReduceOp, axes: Option<&[isize]>, keepdims: bool) -> Result<Array> {
        let axes = normalize_axes(op.name(), axes, self.ndim())?;
        if self.dtype().is_complex()
            && matches!(op, ReduceOp::Min | ReduceOp::Max | ReduceOp::Argmin | ReduceOp::Argmax)
        {
            return Err(Error::UnsupportedDType {
                op: op.name(),
                dtype: self.dtype(),
                hint: "; complex numbers have no order: reduce abs(), real() or imag()".to_string(),
            });
        }
        let x =
            if op == ReduceOp::Mean && !self.dtype().is_inexact() { self.astype(DType::F64)? } else { self.clone() };
        x.reduce_axes(op, &axes, keepdims)
    }

    fn reduce_axes(&self, op: ReduceOp, axes: &[usize], keepdims: bool) -> Result<Array> {
        let out_dtype = op.out_dtype(self.dtype());
        let reduced: usize = axes.iter().map(|&a| self.shape()[a]).product();
        if reduced == 0 && matches!(op, ReduceOp::Min | ReduceOp::Max | ReduceOp::Argmin | ReduceOp::Argmax) {
            let what = match op {
                ReduceOp::Min => "minimum",
                ReduceOp::Max => "maximum",
                _ => "extreme value to index",
            };
            return Err(Error::EmptyReduction { op: op.name(), what });
        }
        if self.numel() == 0 {
            let kept: Vec<usize> = (0..self.ndim()).filter(|a| !axes.contains(a)).collect();
            let shape: Vec<usize> = kept.iter().map(|&a| self.shape()[a]).collect();
            let out = Array::full(&shape, empty_value(op), out_dtype, &self.device())?;
            return finish_axes(out, &kept, axes, keepdims);
        }
        let plan = self.plan_reduction(op, axes)?;
        let shape: Vec<usize> = plan.kept.iter().map(|&a| self.shape()[a]).collect();
        let out = Array::empty(&shape, out_dtype, &self.device())?;
        let divisor = if op == ReduceOp::Mean { plan.dims.r as u64 } else { 0 };
        let src = (plan.input.storage().as_ref(), plan.input.layout());
        out.storage().reduce(out.layout(), op, self.dtype(), src, plan.dims, divisor)?;
        finish_axes(out, &plan.kept, axes, keepdims)
    }

    /// Finds a contiguous `outer × r × inner` view of the input (copying only when needed).
    fn plan_reduction(&self, op: ReduceOp, axes: &[usize]) -> Result<Plan> {
        let is_reduced = |a: usize| axes.contains(&a);
        let significant = |a: usize| self.shape()[a] > 1;
        // Argmin/argmax over several axes index in C order: their axes must not be permuted.
        let ordered =
            matches!(op, ReduceOp::Argmin | ReduceOp::Argmax) && axes.iter().filter(|&&a| significant(a)).count() > 1;
        let (mut input, mut order) = match self.c_order_permutation() {
            Some(order) if !ordered || self.is_contiguous() => (self.permute_view(&order), order),
            _ => (self.contiguous()?, (0..self.ndim()).collect()),
        };
        // Length-1 axes never matter; the others must put the reduced ones in one block, or
        // the input is copied with the reduced axes moved last.
        let in_block: Vec<bool> = order.iter().filter(|&&a| significant(a)).map(|&a| is_reduced(a)).collect();
        let (first, last) = (in_block.iter().position(|&b| b), in_block.iter().rposition(|&b| b));
        let is_block = first.zip(last).is_none_or(|(f, l)| in_block[f..=l].iter().all(|&b| b));
        if !is_block {
            let moved: Vec<usize> = (0..order.len())
                .filter(|&i| !is_reduced(order[i]))
                .chain((0..order.len()).filter(|&i| is_reduced(order[i])))
                .collect();
            input = input.permute_view(&moved).contiguous()?;
            order = moved.iter().map(|&i| order[i]).collect();
        }
        let first = order.iter().position(|&a| is_reduced(a) && significant(a));
        let outer = first.map_or(self.numel(), |p| order[..p].iter().map(|&a| self.shape()[a]).product());
        let r: usize = axes.iter().map(|&a| self.shape()[a]).product();
        let inner = self.numel() / (outer * r);
        let kept = order.into_iter().filter(|&a| !is_reduced(a)).collect();
        Ok(Plan { input, dims: ReduceDims { outer, r, inner }, kept })
    }

    /// An axis order (`order[i]` = original axis at position `i`) in which this view is C
    /// contiguous, if one exists: axes sorted by decreasing stride.
    fn c_order_permutation(&self) -> Option<Vec<usize>> {
        if self.is_contiguous() {
            return Some((0..self.ndim()).collect());
        }
        let mut order: Vec<usize> = (0..self.ndim()).collect();
        order.sort_by_key(|&a| (std::cmp::Reverse(self.strides()[a]), a));
        self.permute_view(&order).is_contiguous().then_some(order)
    }

    fn permute_view(&self, order: &[usize]) -> Array {
        self.with_layout(self.layout().permuted(order).expect("callers pass a permutation"))
    }
}

/// Documented reduction methods that are one call to [`Array::reduce`].
macro_rules! reduce_methods {
    ($($(#[$doc:meta])* $method:ident => $op:ident, $data:expr, $out:ty => $expected:expr;)*) => {
        impl Array {$(
            $(#[$doc])*
            ///
            /// Over `axes` (all when `None`), keeping them as length 1 with `keepdims`. See
            /// [`Array::reduce`] for dtypes and errors.
            ///
            /// ```
            /// use devarray::{Array, Device};
            #[doc = concat!("let x = Array::from_slice(&", stringify!($data), ", &[2, 2], &Device::Cpu)?;")]
            #[doc = concat!("assert_eq!(x.", stringify!($method), "(Some(&[1]), false)?.to_vec::<", stringify!($out), ">()?, vec!", stringify!($expected), ");")]
            /// # Ok::<(), devarray::Error>(())
            /// ```
            pub fn $method(&self, axes: Option<&[isize]>, keepdims: bool) -> Result<Array> {
                self.reduce(ReduceOp::$op, axes, keepdims)
            }
        )*}
    };
}

reduce_methods! {
    /// Sum of the elements (`int64`/`uint64` for integers and `bool`; pairwise for floats).
    sum => Sum, [1i32, 2, 3, 4], i64 => [3, 7];
    /// Product of the elements (`int64`/`uint64` for integers and `bool`, wrapping).
    prod => Prod, [1.0f32, 2.0, 3.0, 4.0], f32 => [2.0, 12.0];
    /// Smallest element; NaN propagates.
    min => Min, [4u8, 2, 3, 9], u8 => [2, 3];
    /// Largest element; NaN propagates.
    max => Max, [-1.0f64, -2.0, 3.0, 0.0], f64 => [-1.0, 3.0];
    /// Arithmetic mean (`float64` for integers and `bool`; NaN when empty).
    mean => Mean, [1i32, 2, 3, 5], f64 => [1.5, 4.0];
    /// Whether every element is non-zero.
    all => All, [1i32, 2, 0, 5], bool => [true, false];
    /// Whether any element is non-zero.
    any => Any, [0.0f32, 0.0, 0.0, 1.0], bool => [false, true];
}

impl Array {
    /// [`Array::sum`] computed and returned in `dtype` (NumPy's `sum(dtype=...)`): the input is
    /// converted to `dtype` first, integers wrap in `dtype`, floats accumulate as `dtype` does.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::from_slice(&[200u8, 100], &[2], &Device::Cpu)?;
    /// assert_eq!(x.sum_as(None, false, DType::U8)?.to_vec::<u8>()?, vec![44]);
    /// assert_eq!(x.sum_as(None, false, DType::F32)?.to_vec::<f32>()?, vec![300.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn sum_as(&self, axes: Option<&[isize]>, keepdims: bool, dtype: DType) -> Result<Array> {
        self.cast_to(dtype)?.reduce(ReduceOp::Sum, axes, keepdims)?.cast_to(dtype)
    }

    /// [`Array::prod`] computed and returned in `dtype` (NumPy's `prod(dtype=...)`).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::from_slice(&[16u8, 32], &[2], &Device::Cpu)?;
    /// assert_eq!(x.prod_as(None, false, DType::U8)?.to_vec::<u8>()?, vec![0]);
    /// assert_eq!(x.prod_as(None, false, DType::F64)?.to_vec::<f64>()?, vec![512.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn prod_as(&self, axes: Option<&[isize]>, keepdims: bool, dtype: DType) -> Result<Array> {
        self.cast_to(dtype)?.reduce(ReduceOp::Prod, axes, keepdims)?.cast_to(dtype)
    }

    /// Variance over `axes`: `sum(|x - mean|²) / (n - correction)`, computed in two passes as
    /// NumPy does (integers and `bool` in `float64`; floats in their own dtype; complex in
    /// their own dtype with a real result, `float32` for `complex64`). `correction`
    /// is NumPy's `ddof` (0: population variance, 1: sample variance); when
    /// `n - correction <= 0` the result is `inf` or NaN, like NumPy (without its warning).
    ///
    /// **Errors** as [`Array::reduce`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0], &[4], &Device::Cpu)?;
    /// assert_eq!(x.var(None, 0.0, false)?.to_vec::<f64>()?, vec![1.25]);
    /// assert_eq!(x.var(None, 1.0, false)?.item::<f64>()?, 5.0 / 3.0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn var(&self, axes: Option<&[isize]>, correction: f64, keepdims: bool) -> Result<Array> {
        let normalized = normalize_axes("var", axes, self.ndim())?;
        let n: usize = normalized.iter().map(|&a| self.shape()[a]).product();
        let x = if self.dtype().is_inexact() { self.clone() } else { self.astype(DType::F64)? };
        if let Some(squares) = x.fused_squared_deviations(&normalized, keepdims)? {
            return squares.divide((n as f64 - correction).max(0.0));
        }
        let mean = x.mean(axes, true)?;
        let deviation = x.subtract(&mean)?;
        let squares = if deviation.dtype().is_complex() {
            // |d|^2 = re^2 + im^2 on the component views: a real result, as NumPy's.
            let (re, im) = (deviation.real(), deviation.imag()?);
            re.multiply(&re)?.add(&im.multiply(&im)?)?.sum(axes, keepdims)?
        } else {
            deviation.multiply(&deviation)?.sum(axes, keepdims)?
        };
        squares.divide((n as f64 - correction).max(0.0))
    }

    /// `Σ (x - mean)²` over `axes` where the backend has a fused pass (the CPU, float32 and
    /// float64): the mean is one reduction and the squared deviations a second read of the
    /// input, with no full-size temporaries; the roundings are those of the composed form.
    /// `None` elsewhere.
    fn fused_squared_deviations(&self, axes: &[usize], keepdims: bool) -> Result<Option<Array>> {
        let device = self.device();
        if !matches!(device, crate::Device::Cpu)
            || !matches!(self.dtype(), DType::F32 | DType::F64)
            || self.numel() == 0
        {
            return Ok(None);
        }
        let plan = self.plan_reduction(ReduceOp::Sum, axes)?;
        let shape: Vec<usize> = plan.kept.iter().map(|&a| self.shape()[a]).collect();
        // Both outputs in the plan's order (the order `finish_axes` undoes), so they line up.
        let mean = Array::empty(&shape, self.dtype(), &device)?;
        let out = Array::empty(&shape, self.dtype(), &device)?;
        let src = (plan.input.storage().as_ref(), plan.input.layout());
        mean.storage().reduce(mean.layout(), ReduceOp::Mean, self.dtype(), src, plan.dims, plan.dims.r as u64)?;
        let fused = Storage::squared_deviation_sum(
            self.dtype(),
            src,
            (mean.storage().as_ref(), mean.layout()),
            plan.dims,
            (out.storage().as_ref(), out.layout()),
        )?;
        if !fused {
            return Ok(None);
        }
        finish_axes(out, &plan.kept, axes, keepdims).map(Some)
    }

    /// Standard deviation: the square root of [`Array::var`] (same arguments and dtypes).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1i32, 3, 5, 7], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(x.std(Some(&[0]), 0.0, false)?.to_vec::<f64>()?, vec![2.0, 2.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn std(&self, axes: Option<&[isize]>, correction: f64, keepdims: bool) -> Result<Array> {
        self.var(axes, correction, keepdims)?.sqrt()
    }

    /// Index of the smallest element along `axis`, or in the flattened (C order) array when
    /// `None`; the first one on ties, and the first NaN if there is one (NumPy). `int64`.
    ///
    /// **Errors:** [`Error::EmptyReduction`] over zero elements, [`Error::AxisOutOfRange`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[3.0f32, 1.0, 1.0, 0.5], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(x.argmin(None, false)?.item::<i64>()?, 3);
    /// assert_eq!(x.argmin(Some(1), false)?.to_vec::<i64>()?, vec![1, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn argmin(&self, axis: Option<isize>, keepdims: bool) -> Result<Array> {
        self.arg_extreme(ReduceOp::Argmin, axis, keepdims)
    }

    /// Index of the largest element along `axis`, or in the flattened (C order) array when
    /// `None`; the first one on ties, and the first NaN if there is one (NumPy). `int64`.
    ///
    /// **Errors:** [`Error::EmptyReduction`] over zero elements, [`Error::AxisOutOfRange`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1.0f64, f64::NAN, 3.0, f64::NAN], &[4], &Device::Cpu)?;
    /// assert_eq!(x.argmax(None, false)?.item::<i64>()?, 1);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn argmax(&self, axis: Option<isize>, keepdims: bool) -> Result<Array> {
        self.arg_extreme(ReduceOp::Argmax, axis, keepdims)
    }

    fn arg_extreme(&self, op: ReduceOp, axis: Option<isize>, keepdims: bool) -> Result<Array> {
        match axis {
            None => self.reduce(op, None, keepdims),
            Some(a) => {
                let a = normalize_axis(op.name(), a, self.ndim())? as isize;
                self.reduce(op, Some(&[a]), keepdims)
            }
        }
    }
}

/// The value an empty reduction produces (ops without one were refused before).
fn empty_value(op: ReduceOp) -> Scalar {
    match op {
        ReduceOp::Prod | ReduceOp::All => Scalar::Int(1),
        ReduceOp::Mean => Scalar::Float(f64::NAN),
        _ => Scalar::Int(0),
    }
}

/// Turns the reduction buffer (kept axes in `kept` order) into the result: kept axes back in
/// their original order, then length-1 axes at the reduced positions for `keepdims`.
fn finish_axes(out: Array, kept: &[usize], axes: &[usize], keepdims: bool) -> Result<Array> {
    let mut rank: Vec<usize> = (0..kept.len()).collect();
    rank.sort_by_key(|&i| kept[i]);
    let mut out = out.with_layout(out.layout().permuted(&rank)?);
    if keepdims {
        for &a in axes {
            out = out.expand_dims(a as isize)?;
        }
    }
    Ok(out)
}
