//! Sorting: [`Array::sort`] and [`Array::argsort`] along any axis.
//!
//! The axis is moved last and the input copied to a contiguous `(rows, len)` array when it is
//! not one already; one backend primitive sorts every row (a parallel radix or merge sort on the
//! CPU, an LSD radix sort on CUDA: `src/cpu/sort.rs`, `src/cuda/sort.rs`); the result is viewed
//! with the axis moved back. Both devices sort by the same order-preserving keys and both are
//! stable, so they agree bit for bit.

use crate::dtype::DType;
use crate::error::Result;
use crate::layout::normalize_axis;
use crate::vocab::SortSpec;
use crate::Array;

impl Array {
    /// A sorted copy along `axis` (negative counts from the end), smallest first, or largest
    /// first with `descending`.
    ///
    /// Order: NumPy's. NaNs (of any sign or payload) sort after `+inf`; `-0.0` and `+0.0` are
    /// equal; the sort is always stable (equal elements, NaNs and signed zeros included, keep
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
}
