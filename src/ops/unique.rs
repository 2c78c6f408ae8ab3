//! The set functions: [`Array::unique_all`], [`Array::unique_values`],
//! [`Array::unique_counts`], [`Array::unique_inverse`] (the Array API's, each NaN distinct) and
//! [`Array::unique`] (NumPy's `np.unique`, NaNs merged when asked).
//!
//! Built from the sort, on the device: a stable `argsort` of the flattened array (`perm`), the
//! sorted values gathered through it (or, for `unique_values` and `unique_counts`, which need
//! no positions, the sorted values themselves: `sort` is bit for bit that gather), a mask of the first element of each run of equal values,
//! and a compaction of that mask. The one host read is the number of unique values (the sum of
//! the mask, one `int64`): the output sizes depend on it. That read is a synchronisation point,
//! as in CuPy; the Python bindings let it through the transfer guard as an output size.
//!
//! The positions of the run starts are a compaction of that mask (a scan, then a scatter: the
//! path `nonzero` takes), and the inverse indices are a `searchsorted` of each element's sorted position among the run
//! starts. Values and first indices are gathered through positions that the sort produced,
//! which are in bounds by construction.

use crate::array::IndexItem;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::AxisSlice;
use crate::ops::manip::gather_axis;
use crate::ops::search::compact_positions;
use crate::ops::sort::Side;
use crate::vocab::{BinaryOp, UnaryOp};
use crate::Array;

/// The results of [`Array::unique_all`] and [`Array::unique`]: the unique values in ascending
/// order (the sort's order: NaNs last), the index of the first occurrence of each in the
/// flattened input, for every input element the index of its value in `values` (with the
/// input's shape), and how often each value occurs. All on the input's device; indices and
/// counts are `int64`.
///
/// ```
/// use devarray::{Array, Device};
/// let x = Array::from_slice(&[3i32, 1, 3, 2, 1, 3], &[2, 3], &Device::Cpu)?;
/// let u = x.unique_all()?;
/// assert_eq!(u.values.to_vec::<i32>()?, vec![1, 2, 3]);
/// assert_eq!(u.indices.to_vec::<i64>()?, vec![1, 3, 0]);
/// assert_eq!(u.inverse_indices.shape(), &[2, 3]);
/// assert_eq!(u.inverse_indices.to_vec::<i64>()?, vec![2, 0, 2, 1, 0, 2]);
/// assert_eq!(u.counts.to_vec::<i64>()?, vec![2, 1, 3]);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Unique {
    /// The unique values, ascending, 1-D.
    pub values: Array,
    /// Index of each value's first occurrence in the flattened input.
    pub indices: Array,
    /// For every input element, the index of its value in `values`; the input's shape.
    pub inverse_indices: Array,
    /// Occurrences of each value.
    pub counts: Array,
}

impl Array {
    /// The unique values, the index of the first occurrence of each, the inverse indices and
    /// the counts (Array API `unique_all`). Every NaN is distinct (NaN != NaN), as the Array API
    /// specifies; `-0.0` and `+0.0` are one value (the first in the sorted order is kept).
    ///
    /// Synchronises: the number of unique values is read to the host (one `int64`), since the
    /// output sizes depend on it.
    ///
    /// **For NumPy users:** `np.unique(x, return_index=True, return_inverse=True,
    /// return_counts=True, equal_nan=False)`; [`Array::unique`] takes `equal_nan`.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[f32::NAN, 1.0, f32::NAN], &[3], &Device::Cpu)?;
    /// let u = x.unique_all()?;
    /// assert_eq!(u.counts.to_vec::<i64>()?, vec![1, 1, 1]);
    /// assert_eq!(u.inverse_indices.to_vec::<i64>()?, vec![1, 0, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unique_all(&self) -> Result<Unique> {
        self.unique(false)
    }

    /// The unique values, ascending, NaNs last and each NaN distinct (Array API
    /// `unique_values`). Synchronises as [`Array::unique_all`] does.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[2u8, 2, 0, 7], &[4], &Device::Cpu)?;
    /// assert_eq!(x.unique_values()?.to_vec::<u8>()?, vec![0, 2, 7]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unique_values(&self) -> Result<Array> {
        Ok(self.unique_sorted()?.0)
    }

    /// The unique values and how often each occurs (Array API `unique_counts`).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[true, false, true], &[3], &Device::Cpu)?;
    /// let (values, counts) = x.unique_counts()?;
    /// assert_eq!(values.to_vec::<bool>()?, vec![false, true]);
    /// assert_eq!(counts.to_vec::<i64>()?, vec![1, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unique_counts(&self) -> Result<(Array, Array)> {
        self.unique_sorted()
    }

    /// The unique values and, for every element, the index of its value (Array API
    /// `unique_inverse`; the inverse has this array's shape).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[5i64, -1, 5], &[3], &Device::Cpu)?;
    /// let (values, inverse) = x.unique_inverse()?;
    /// assert_eq!(values.to_vec::<i64>()?, vec![-1, 5]);
    /// assert_eq!(inverse.to_vec::<i64>()?, vec![1, 0, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unique_inverse(&self) -> Result<(Array, Array)> {
        let u = self.unique_parts(false, true)?;
        Ok((u.values, u.inverse_indices))
    }

    /// NumPy's `np.unique` over the flattened array, with every output: with `equal_nan`, all
    /// NaNs are one value (NumPy's default), else each NaN is distinct (the Array API's rule).
    /// Synchronises as [`Array::unique_all`] does.
    ///
    /// **For NumPy users:** the four outputs of `np.unique(x, return_index=True,
    /// return_inverse=True, return_counts=True, equal_nan=...)`; `axis` is not supported.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[f64::NAN, 1.0, f64::NAN], &[3], &Device::Cpu)?;
    /// let u = x.unique(true)?;
    /// assert_eq!(u.counts.to_vec::<i64>()?, vec![1, 2]);
    /// assert_eq!(u.indices.to_vec::<i64>()?, vec![1, 0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unique(&self, equal_nan: bool) -> Result<Unique> {
        self.unique_parts(equal_nan, true)
    }

    /// [`Array::unique`] that computes the inverse indices only when `inverse` is set (they
    /// cost one more sort and a search); without it, `inverse_indices` is an uninitialised array of this
    /// array's shape.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1u8, 1, 0], &[3], &Device::Cpu)?;
    /// assert_eq!(x.unique_with(true, false)?.counts.to_vec::<i64>()?, vec![1, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn unique_with(&self, equal_nan: bool, inverse: bool) -> Result<Unique> {
        self.unique_parts(equal_nan, inverse)
    }

    /// The unique values and their counts alone (each NaN distinct): from the sorted values,
    /// with no argsort (no positions are needed). The sort of values is bit for bit the
    /// argsort's gather, so the results are those of [`Array::unique_all`].
    fn unique_sorted(&self) -> Result<(Array, Array)> {
        let n = self.numel();
        if n == 0 {
            let dev = self.device();
            return Ok((Array::empty(&[0], self.dtype(), &dev)?, Array::empty(&[0], DType::I64, &dev)?));
        }
        let sorted = self.reshape(&[n])?.sort(0, false, true)?;
        let starts = run_starts(&sorted, false)?;
        let values = gather_axis(&sorted, 0, &starts)?;
        Ok((values, run_lengths(&starts, n)?))
    }

    /// Every output but the inverse indices, which only `inverse` computes (else empty).
    fn unique_parts(&self, equal_nan: bool, inverse: bool) -> Result<Unique> {
        let dev = self.device();
        let n = self.numel();
        let flat = self.reshape(&[n])?;
        let empty = |dtype| Array::empty(&[0], dtype, &dev);
        if n == 0 {
            let inv = Array::empty(self.shape(), DType::I64, &dev)?;
            return Ok(Unique {
                values: empty(self.dtype())?,
                indices: empty(DType::I64)?,
                inverse_indices: inv,
                counts: empty(DType::I64)?,
            });
        }
        let perm = flat.argsort(0, false, true)?;
        // `perm` is a permutation of `0..n` (argsort's output): in bounds, as gather_axis needs.
        let sorted = gather_axis(&flat, 0, &perm)?;
        let starts = run_starts(&sorted, equal_nan)?;
        let k = starts.shape()[0];
        // The run starts are positions `0..n` of the sorted array (and of `perm`, also `n` long).
        let values = gather_axis(&sorted, 0, &starts)?;
        let indices = gather_axis(&perm, 0, &starts)?;
        let counts = run_lengths(&starts, n)?;
        let inverse_indices = if inverse {
            // Each element's position in the sorted order (the inverse permutation), then the
            // run that position falls in: the last run start at or before it.
            let rank = perm.argsort(0, false, true)?;
            starts.searchsorted(&rank, Side::Right, None)?.subtract(1i64)?.reshape(self.shape())?
        } else {
            Array::empty(self.shape(), DType::I64, &dev)?
        };
        debug_assert_eq!(values.shape(), &[k]);
        Ok(Unique { values, indices, inverse_indices, counts })
    }
}

/// The length of every run, from the run starts (`int64`, ascending) in an array of `n`.
fn run_lengths(starts: &Array, n: usize) -> Result<Array> {
    let ends = Array::concat(
        &[
            starts.index(&[IndexItem::Basic(AxisSlice::range(1, None, 1))])?,
            Array::full(&[1], n as i64, DType::I64, &starts.device())?,
        ],
        Some(0),
    )?;
    ends.subtract(starts)
}

/// The positions (`int64`, ascending) in the sorted 1-D `sorted` where a run of equal values
/// starts; NaNs are equal to each other only with `equal_nan`. Reads their number to the host.
fn run_starts(sorted: &Array, equal_nan: bool) -> Result<Array> {
    let n = sorted.shape()[0];
    let dev = sorted.device();
    let part =
        |start: Option<isize>, stop: Option<isize>| sorted.index(&[IndexItem::Basic(AxisSlice::range(start, stop, 1))]);
    let (prev, next) = (part(None, Some(n as isize - 1))?, part(Some(1), None)?);
    let mut differs = Array::binary(BinaryOp::NotEqual, &next, &prev)?;
    if equal_nan && (sorted.dtype().is_float() || sorted.dtype().is_complex()) {
        let both_nan = Array::binary(BinaryOp::LogicalAnd, &next.unary(UnaryOp::IsNan)?, &prev.unary(UnaryOp::IsNan)?)?;
        differs = Array::binary(BinaryOp::LogicalAnd, &differs, &both_nan.unary(UnaryOp::LogicalNot)?)?;
    }
    let first = Array::full(&[1], true, DType::Bool, &dev)?;
    let is_start = Array::concat(&[first, differs], Some(0))?;
    // A scan and a scatter; the one host read is the number of runs.
    compact_positions(&is_start)?.contiguous()
}
