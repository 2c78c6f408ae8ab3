//! Sorting and searching: [`Array::sort`] and [`Array::argsort`] along any axis, and
//! [`Array::searchsorted`].
//!
//! The axis is moved last and the input copied to a contiguous `(rows, len)` array when it is
//! not one already; one backend primitive sorts every row (a parallel radix or merge sort on the
//! CPU, an LSD radix sort on CUDA: `src/cpu/sort.rs`, `src/cuda/sort.rs`); the result is viewed
//! with the axis moved back. Both devices sort by the same order-preserving keys and both are
//! stable, so they agree bit for bit.
//!
//! Complex arrays sort in NumPy's lexicographic order, composed here of three stable passes of
//! the real primitive (least significant first: imaginary part, real part, then NaN class), so
//! every device gets it from the real sorts it already has.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::normalize_axis;
use crate::vocab::{SortSpec, UnaryOp};
use crate::Array;

/// Which insertion point [`Array::searchsorted`] returns for values equal to elements of the
/// sorted array.
///
/// ```
/// use devarray::{Array, Device, Side};
/// let a = Array::from_slice(&[1i64, 2, 2, 3], &[4], &Device::Cpu)?;
/// let v = Array::from_slice(&[2i64], &[1], &Device::Cpu)?;
/// assert_eq!(Side::default(), Side::Left);
/// assert_eq!(a.searchsorted(&v, Side::Left, None)?.to_vec::<i64>()?, vec![1]);
/// assert_eq!(a.searchsorted(&v, Side::Right, None)?.to_vec::<i64>()?, vec![3]);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Side {
    /// Before the equal elements: the first `i` with `value <= a[i]` (NumPy's `side="left"`).
    #[default]
    Left,
    /// After the equal elements: the first `i` with `value < a[i]` (`side="right"`).
    Right,
}

impl Array {
    /// A sorted copy along `axis` (negative counts from the end), smallest first, or largest
    /// first with `descending`.
    ///
    /// Order: NumPy's. NaNs (of any sign or payload) sort after `+inf`; `-0.0` and `+0.0` are
    /// equal; complex numbers sort by real part, then imaginary part, with those that have NaN
    /// parts last, in NumPy's order `[R + Rj, R + nanj, nan + Rj, nan + nanj]` (each group by
    /// its non-NaN part); the sort is always stable (equal elements, NaNs and signed zeros included, keep
    /// their order), so `stable = false` gives the same result. `descending` is the exact
    /// reverse of the ascending order of values, with ties still in their original order: NaNs
    /// come first, as in `np.flip(np.sort(x))` and the Array API reference implementation.
    ///
    /// **Errors:** [`Error::AxisOutOfRange`](crate::Error::AxisOutOfRange) (a 0-d array has no
    /// axis to sort, as in NumPy).
    ///
    /// **For NumPy users:** `np.sort(x, axis)`; the result may be a view of a contiguous buffer
    /// with the axis permuted back in place (no copy back), and `kind` is not taken: every sort
    /// is stable.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[3.0f32, f32::NAN, -0.0, 1.0, 0.0], &[5], &Device::Cpu)?;
    /// let s = x.sort(-1, false, true)?.to_vec::<f32>()?;
    /// assert_eq!(&s[..4], &[-0.0, 0.0, 1.0, 3.0]);
    /// assert!(s[4].is_nan());
    /// let d = x.sort(0, true, true)?.to_vec::<f32>()?;
    /// assert!(d[0].is_nan() && d[1] == 3.0);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn sort(&self, axis: isize, descending: bool, stable: bool) -> Result<Array> {
        let _ = stable;
        self.sort_along("sort", axis, descending, false)
    }

    /// The indices (`int64`) that sort the array along `axis`: `take_along_axis(x, argsort(x))`
    /// is [`Array::sort`]'s result. Always stable (equal elements keep their order), with the
    /// order of [`Array::sort`]: NaNs last, `-0.0 == +0.0`; `descending` reverses the order of
    /// values but keeps equal elements in their original order.
    ///
    /// **Errors:** [`Error::AxisOutOfRange`](crate::Error::AxisOutOfRange).
    ///
    /// **For NumPy users:** `np.argsort(x, axis, kind="stable")`; with `descending`, the Array
    /// API's `argsort(x, descending=True)` (NumPy has no descending sort).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[2i32, 1, 2, 1, 3, 0], &[2, 3], &Device::Cpu)?;
    /// assert_eq!(x.argsort(-1, false, true)?.to_vec::<i64>()?, vec![1, 0, 2, 2, 0, 1]);
    /// assert_eq!(x.argsort(0, false, true)?.to_vec::<i64>()?, vec![1, 0, 1, 0, 1, 0]);
    /// let y = Array::from_slice(&[1u8, 2, 1, 2], &[4], &Device::Cpu)?;
    /// assert_eq!(y.argsort(0, true, true)?.to_vec::<i64>()?, vec![1, 3, 0, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn argsort(&self, axis: isize, descending: bool, stable: bool) -> Result<Array> {
        let _ = stable;
        self.sort_along("argsort", axis, descending, true)
    }

    /// Sorts along `axis` through the backends' `(rows, len)` primitive.
    fn sort_along(&self, op: &'static str, axis: isize, descending: bool, indices: bool) -> Result<Array> {
        if self.dtype().is_complex() {
            return self.complex_sort_along(op, axis, descending, indices);
        }
        let ax = normalize_axis(op, axis, self.ndim())?;
        let nd = self.ndim();
        let order: Vec<isize> = (0..nd).filter(|&a| a != ax).chain([ax]).map(|a| a as isize).collect();
        let mut back = vec![0isize; nd];
        for (pos, &a) in order.iter().enumerate() {
            back[a as usize] = pos as isize;
        }
        let moved = self.permute_dims(&order)?.contiguous()?;
        let len = self.shape()[ax];
        let out_dtype = if indices { DType::I64 } else { self.dtype() };
        let out = Array::empty(moved.shape(), out_dtype, &self.device())?;
        if moved.numel() > 0 {
            let spec = SortSpec { rows: moved.numel() / len, len, descending, indices };
            out.storage().sort(out.layout(), self.dtype(), (moved.storage().as_ref(), moved.layout()), spec)?;
        }
        out.permute_dims(&back)
    }

    /// [`Array::sort_along`] for complex arrays: the stable permutation of NumPy's complex order,
    /// built least significant key first from stable real argsorts, each applied to the
    /// permutation so far: the imaginary part, the real part, then the NaN class (`0` for no
    /// NaN part, `1` for a NaN imaginary part only, `2` for a NaN real part only, `3` for both).
    /// Descending reverses every pass, which reverses the order and keeps ties stable.
    fn complex_sort_along(&self, op: &'static str, axis: isize, descending: bool, indices: bool) -> Result<Array> {
        let ax = normalize_axis(op, axis, self.ndim())? as isize;
        let (re, im) = (self.real(), self.imag()?);
        let nan_class = re
            .unary(UnaryOp::IsNan)?
            .astype(DType::U8)?
            .multiply(2u8)?
            .add(&im.unary(UnaryOp::IsNan)?.astype(DType::U8)?)?;
        let mut perm = im.sort_along(op, ax, descending, true)?;
        for key in [&re, &nan_class] {
            let step = key.take_along_axis(&perm, ax)?.sort_along(op, ax, descending, true)?;
            perm = perm.take_along_axis(&step, ax)?;
        }
        if indices {
            Ok(perm)
        } else {
            self.take_along_axis(&perm, ax)
        }
    }

    /// For every element of `values`, the index (`int64`) at which inserting it into this
    /// sorted 1-D array keeps it sorted: before equal elements with [`Side::Left`], after them
    /// with [`Side::Right`]. The result has `values`' shape. With `sorter` (integer indices that
    /// sort this array, as [`Array::argsort`] returns), the array is read in that order.
    ///
    /// Both are compared in their promoted dtype ([`crate::result_type`]), in the order of
    /// [`Array::sort`]: NaNs after everything else, `-0.0 == +0.0`. One binary search per value,
    /// on the device. The array must be sorted in that order; otherwise the result is some
    /// position, as in NumPy.
    ///
    /// **Errors:** [`Error::InvalidArgument`] when this array is not 1-D or `sorter` is not a
    /// 1-D integer array of its length; [`Error::DeviceMismatch`]; index errors from `sorter`.
    ///
    /// **For NumPy users:** `np.searchsorted(a, v, side, sorter)`.
    ///
    /// ```
    /// use devarray::{Array, Device, Side};
    /// let a = Array::from_slice(&[1.0f32, 2.0, 2.0, 3.0, f32::NAN], &[5], &Device::Cpu)?;
    /// let v = Array::from_slice(&[2.0f32, 0.0, 9.0, f32::NAN], &[4], &Device::Cpu)?;
    /// assert_eq!(a.searchsorted(&v, Side::Left, None)?.to_vec::<i64>()?, vec![1, 0, 4, 4]);
    /// assert_eq!(a.searchsorted(&v, Side::Right, None)?.to_vec::<i64>()?, vec![3, 0, 4, 5]);
    /// let b = Array::from_slice(&[3i32, 1, 2], &[3], &Device::Cpu)?;
    /// let order = b.argsort(0, false, true)?;
    /// let q = Array::from_slice(&[2i32], &[1], &Device::Cpu)?;
    /// assert_eq!(b.searchsorted(&q, Side::Left, Some(&order))?.to_vec::<i64>()?, vec![1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn searchsorted(&self, values: &Array, side: Side, sorter: Option<&Array>) -> Result<Array> {
        const OP: &str = "searchsorted";
        if self.ndim() != 1 {
            return Err(Error::invalid(OP, format!("the sorted array must be 1-D, got shape {:?}", self.shape())));
        }
        self.check_same_device(OP, values)?;
        let sorted = match sorter {
            None => self.clone(),
            Some(s) => {
                self.check_same_device(OP, s)?;
                if s.ndim() != 1 || s.shape()[0] != self.shape()[0] || !s.dtype().is_integer() {
                    let msg = format!(
                        "sorter must be 1-D integer indices of length {}, got {} of shape {:?}",
                        self.shape()[0],
                        s.dtype(),
                        s.shape()
                    );
                    return Err(Error::invalid(OP, msg));
                }
                self.take(s, None)?
            }
        };
        let dtype = crate::result_type(self.dtype(), values.dtype());
        refuse_complex(OP, dtype)?;
        let sorted = sorted.astype_if(dtype)?.contiguous()?;
        let values = values.astype_if(dtype)?.contiguous()?;
        let out = Array::empty(values.shape(), DType::I64, &self.device())?;
        if values.numel() > 0 {
            let (s, v) = ((sorted.storage().as_ref(), sorted.layout()), (values.storage().as_ref(), values.layout()));
            out.storage().searchsorted(out.layout(), dtype, s, v, side == Side::Right)?;
        }
        Ok(out)
    }

    /// This array in `dtype`: itself when it has it already, else a converted copy.
    fn astype_if(&self, dtype: DType) -> Result<Array> {
        if self.dtype() == dtype {
            Ok(self.clone())
        } else {
            self.astype(dtype)
        }
    }
}

/// `searchsorted` of complex numbers is refused (the Array API defines it for real input only,
/// and the backends' binary search compares real keys): a typed error before any backend sees
/// 16-byte keys.
pub(crate) fn refuse_complex(op: &'static str, dtype: DType) -> Result<()> {
    if dtype.is_complex() {
        let hint = "; searchsorted takes real input: search real() or abs() instead".to_string();
        return Err(Error::UnsupportedDType { op, dtype, hint });
    }
    Ok(())
}
