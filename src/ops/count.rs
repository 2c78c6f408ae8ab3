//! Counting: [`Array::bincount`] and [`Array::histogram`] (NumPy's `bincount` and `histogram`).
//!
//! Both are built from the device sort, without new kernels and without atomics: the values are
//! sorted, and the number of values below each bin edge is a `searchsorted` of the edges into
//! the sorted values; a bin's count is the difference of its two edges' positions. The counts
//! are exact and the same on every device.
//!
//! Weighted counts sort the weights along with the values (a stable `argsort`), take an
//! inclusive running sum of them in `float64` (or `int64` for integer weights), and subtract the
//! running sums at each bin's two edges. Integer weights are exact. For float weights the error
//! of a bin is bounded by that of the two running sums, about `n · ε · Σ|w|` in the worst case
//! (`ε = 2^-53`) rather than NumPy's per-bin `n_bin · ε · Σ_bin|w|`: a bin holding a tiny
//! fraction of the total weight carries an absolute error relative to the total.
//!
//! Host reads: `bincount` reads the smallest and largest value (16 bytes) to size its output;
//! `histogram` reads the data's range only when it must find the bins (`Bins::Count` without a
//! range), and one flag for explicit edges (are they increasing). Nothing else leaves the device.

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::AxisSlice;
use crate::ops::sort::Side;
use crate::Array;

/// How [`Array::histogram`] divides the values into bins.
///
/// ```
/// use devarray::{Array, Bins, Device};
/// let edges = Array::from_slice(&[0.0f64, 1.0, 4.0], &[3], &Device::Cpu)?;
/// let _equal = Bins::Count { count: 10, range: Some((0.0, 1.0)) };
/// let _given = Bins::Edges(&edges);
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub enum Bins<'a> {
    /// `count` bins of equal width over `range` (inclusive of both ends), or over the data's
    /// smallest to largest value when `None` (which reads those two values to the host). The
    /// edges are `linspace(lo, hi, count + 1)` in the data's float dtype (`float64` for
    /// integers), as NumPy computes them.
    Count {
        /// How many bins (at least 1).
        count: usize,
        /// The lower and upper edge, finite, `lo <= hi`.
        range: Option<(f64, f64)>,
    },
    /// The bin edges: a 1-D array of at least two increasing values on the data's device. Bin
    /// `i` holds `edges[i] <= v < edges[i + 1]`, and the last bin also its right edge.
    Edges(&'a Array),
}

impl Array {
    /// How often each value `0, 1, …` occurs in this 1-D array of non-negative integers, or the
    /// sum of `weights` (same shape) at each value. The result has `max(x) + 1` elements, at
    /// least `minlength`; it is `int64` without weights, and `float64` with them, as in NumPy
    /// (integer and bool weights are summed exactly in `int64` first).
    ///
    /// **Synchronises:** the smallest and largest value are read to the host (16 bytes), the
    /// largest to size the output. See the module documentation for the accuracy of float
    /// weights.
    ///
    /// **Errors:** [`Error::InvalidArgument`] for an input that is not 1-D, or holds a negative
    /// value; [`Error::UnsupportedDType`] for floats and `uint64` (values that `int64` cannot
    /// hold); [`Error::ShapeMismatch`] when `weights` has another shape; [`Error::SizeOverflow`]
    /// or [`Error::OutOfMemory`] for a `minlength` (or largest value) no memory holds.
    ///
    /// **For NumPy users:** `np.bincount(x, weights, minlength)`; for an empty input with
    /// weights NumPy returns `int64` zeros, devarray `float64` zeros.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1i32, 3, 1, 0], &[4], &Device::Cpu)?;
    /// assert_eq!(x.bincount(None, 0)?.to_vec::<i64>()?, vec![1, 2, 0, 1]);
    /// assert_eq!(x.bincount(None, 6)?.to_vec::<i64>()?, vec![1, 2, 0, 1, 0, 0]);
    /// let w = Array::from_slice(&[0.5f64, 2.0, 0.25, 1.0], &[4], &Device::Cpu)?;
    /// assert_eq!(x.bincount(Some(&w), 0)?.to_vec::<f64>()?, vec![1.0, 0.75, 0.0, 2.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn bincount(&self, weights: Option<&Array>, minlength: usize) -> Result<Array> {
        const OP: &str = "bincount";
        if self.ndim() != 1 {
            return Err(Error::invalid(OP, format!("x must be 1-D, got shape {:?}", self.shape())));
        }
        let dtype = self.dtype();
        if !(dtype.is_integer() || dtype == DType::Bool) || dtype == DType::U64 {
            let hint = "; bincount counts non-negative integers that int64 holds: cast with astype first".into();
            return Err(Error::UnsupportedDType { op: OP, dtype, hint });
        }
        check_weights(OP, self, weights)?;
        let x = self.astype(DType::I64)?;
        let len = if x.numel() == 0 {
            minlength
        } else {
            let [lo, hi] = extremes::<i64>(&x)?;
            if lo < 0 {
                return Err(Error::invalid(OP, format!("x must be non-negative, found {lo}")));
            }
            usize::try_from(hi)
                .map_err(|_| Error::invalid(OP, "x's largest value does not fit usize"))?
                .saturating_add(1)
                .max(minlength)
        };
        let edges = Array::arange(0.0, len as f64 + 1.0, 1.0, DType::I64, &self.device())?;
        let (sorted, weights) = sort_with_weights(OP, &x, weights)?;
        let below = sorted.searchsorted(&edges, Side::Left, None)?;
        let totals = bin_totals(&below, weights.as_ref())?;
        if weights.is_some() {
            totals.astype(DType::F64)
        } else {
            Ok(totals)
        }
    }

    /// A histogram of all the values of this array (flattened): the count in each bin, or the
    /// sum of `weights` (same shape) there, and the bin edges. With `density`, the counts are
    /// divided by their total and by each bin's width (`float64`), so they integrate to 1.
    ///
    /// Bin `i` holds `edges[i] <= v < edges[i + 1]`; the last bin also holds its right edge.
    /// Values outside the edges, and NaNs, are not counted. Counts are `int64`; weighted sums
    /// have the weights' dtype, accumulated in `float64` (or `int64`).
    ///
    /// **Synchronises** when it reads the data's range ([`Bins::Count`] without a range) or
    /// checks explicit edges (one flag).
    ///
    /// **Errors:** [`Error::InvalidArgument`] for zero bins, a range that is not finite or
    /// whose low end is above its high end (also an automatic one: NaN or inf in the data),
    /// edges that are not 1-D with at least two increasing values; [`Error::UnsupportedDType`]
    /// for `bool` data; [`Error::ShapeMismatch`] for weights of another shape;
    /// [`Error::DeviceMismatch`]; [`Error::InvalidArgument`] for `usize::MAX` bins and
    /// [`Error::SizeOverflow`] or [`Error::OutOfMemory`] for a bin count no memory holds.
    ///
    /// **For NumPy users:** `np.histogram(a, bins, range, density=..., weights=...)`.
    ///
    /// ```
    /// use devarray::{Array, Bins, Device};
    /// let x = Array::from_slice(&[0.5f64, 1.0, 1.5, 2.0, 7.0, f64::NAN], &[6], &Device::Cpu)?;
    /// let (counts, edges) = x.histogram(Bins::Count { count: 2, range: Some((0.0, 2.0)) }, None, false)?;
    /// assert_eq!(counts.to_vec::<i64>()?, vec![1, 3]); // 2.0 is in the last bin; 7 and NaN in none
    /// assert_eq!(edges.to_vec::<f64>()?, vec![0.0, 1.0, 2.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn histogram(&self, bins: Bins<'_>, weights: Option<&Array>, density: bool) -> Result<(Array, Array)> {
        const OP: &str = "histogram";
        if self.dtype() == DType::Bool {
            let hint = "; cast booleans to an integer dtype first".into();
            return Err(Error::UnsupportedDType { op: OP, dtype: DType::Bool, hint });
        }
        check_weights(OP, self, weights)?;
        let x = self.reshape(&[self.numel()])?;
        let edges = match bins {
            Bins::Count { count, range } => equal_edges(&x, count, range)?,
            Bins::Edges(e) => checked_edges(&x, e)?,
        };
        let (sorted, flat_weights) =
            sort_with_weights(OP, &x, weights.map(|w| w.reshape(&[w.numel()])).transpose()?.as_ref())?;
        let bins = edges.numel() - 1;
        let inner = edges.slice(&[AxisSlice::range(None, bins as isize, 1)])?;
        let last = edges.slice(&[AxisSlice::range(bins as isize, None, 1)])?;
        let below = Array::concat(
            &[sorted.searchsorted(&inner, Side::Left, None)?, sorted.searchsorted(&last, Side::Right, None)?],
            Some(0),
        )?;
        let mut hist = bin_totals(&below, flat_weights.as_ref())?;
        if let Some(w) = weights {
            hist = hist.astype(w.dtype())?;
        }
        if density {
            let widths = edges.slice(&[AxisSlice::range(1, None, 1)])?.subtract(&inner)?.astype(DType::F64)?;
            let total = hist.astype(DType::F64)?.sum(None, false)?;
            hist = hist.astype(DType::F64)?.divide(&widths)?.divide(&total)?;
        }
        Ok((hist, edges))
    }
}

/// `weights` has `x`'s shape and device.
fn check_weights(op: &'static str, x: &Array, weights: Option<&Array>) -> Result<()> {
    let Some(w) = weights else { return Ok(()) };
    x.check_same_device(op, w)?;
    if w.shape() != x.shape() {
        let hint = "; weights must have the data's shape".into();
        return Err(Error::ShapeMismatch { op, lhs: x.shape().to_vec(), rhs: w.shape().to_vec(), hint });
    }
    Ok(())
}

/// The smallest and largest value of a non-empty array, read to the host together.
fn extremes<T: crate::Element>(x: &Array) -> Result<[T; 2]> {
    let pair = Array::stack(&[x.min(None, false)?, x.max(None, false)?], 0)?;
    let v = pair.to_vec::<T>()?;
    Ok([v[0], v[1]])
}

/// The 1-D `x` sorted ascending (NaNs last), and `weights` (1-D, `x`'s length) in the same
/// order as an inclusive-scan-ready `float64` or `int64` array.
fn sort_with_weights(op: &'static str, x: &Array, weights: Option<&Array>) -> Result<(Array, Option<Array>)> {
    let Some(w) = weights else { return Ok((x.sort(0, false, false)?, None)) };
    if w.dtype().is_complex() {
        let hint = "; weights must be real (NumPy cannot cast complex weights to float64 either)".into();
        return Err(Error::UnsupportedDType { op, dtype: w.dtype(), hint });
    }
    let perm = x.argsort(0, false, true)?;
    let acc = if w.dtype().is_float() { DType::F64 } else { DType::I64 };
    Ok((x.take(&perm, None)?, Some(w.astype(acc)?.take(&perm, None)?)))
}

/// Per bin, the number of sorted values (or the sum of their sorted weights) between the
/// positions `below[i]` and `below[i + 1]`.
fn bin_totals(below: &Array, sorted_weights: Option<&Array>) -> Result<Array> {
    let bins = below.numel() - 1;
    let totals = match sorted_weights {
        None => below.clone(),
        // Running sums with a leading 0: the weights below position p sum to sums[p].
        Some(w) => w.cumulative_sum(Some(0), None, true)?.take(below, None)?,
    };
    let upper = totals.slice(&[AxisSlice::range(1, None, 1)])?;
    let lower = totals.slice(&[AxisSlice::range(None, bins as isize, 1)])?;
    upper.subtract(&lower)
}

/// `count + 1` equal-width edges over `range` or over the data's range, in the data's float
/// dtype (`float64` for integer data), as `np.histogram_bin_edges` computes them.
fn equal_edges(x: &Array, count: usize, range: Option<(f64, f64)>) -> Result<Array> {
    const OP: &str = "histogram";
    if count == 0 {
        return Err(Error::invalid(OP, "bins must be at least 1"));
    }
    if x.dtype().is_complex() {
        return Err(Error::UnsupportedDType { op: OP, dtype: x.dtype(), hint: "; bin real values".into() });
    }
    let dtype = if x.dtype().is_float() { x.dtype() } else { DType::F64 };
    let n_edges = count.checked_add(1).ok_or_else(|| {
        Error::invalid(OP, format!("{count} bins need {count} + 1 edges, more than a usize counts; use fewer bins"))
    })?;
    let (lo, hi) = match range {
        Some(r) => r,
        None if x.numel() == 0 => (0.0, 1.0),
        None => {
            let [lo, hi] = extremes::<f64>(&x.astype(DType::F64)?)?;
            if !(lo.is_finite() && hi.is_finite()) {
                let msg = format!("autodetected range of [{lo}, {hi}] is not finite; pass a range");
                return Err(Error::invalid(OP, msg));
            }
            if dtype != DType::F64 {
                // NumPy computes these edges from the data's own float scalars, so in that dtype.
                let edges = narrow_linspace(lo, hi, count, dtype)?;
                return Array::from_slice(&edges, &[n_edges], &x.device())?.astype(dtype);
            }
            (lo, hi)
        }
    };
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return Err(Error::invalid(OP, format!("range ({lo}, {hi}) must be finite with low <= high")));
    }
    let (lo, hi) = if lo == hi { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
    Array::linspace(lo, hi, n_edges, true, dtype, &x.device())
}

/// `count + 1` equal-width edges from `lo` to `hi` (values of the 16- or 32-bit float `dtype`)
/// computed as NumPy's `linspace` does for scalars of that dtype: every operation in `float32`
/// and rounded to `dtype` (NumPy's float16 arithmetic is float32 rounded to float16).
fn narrow_linspace(lo: f64, hi: f64, count: usize, dtype: DType) -> Result<Vec<f64>> {
    let round = |v: f32| match dtype {
        DType::F16 => half::f16::from_f32(v).to_f32(),
        DType::BF16 => half::bf16::from_f32(v).to_f32(),
        _ => v,
    };
    let (mut lo, mut hi) = (lo as f32, hi as f32);
    if lo == hi {
        (lo, hi) = (round(lo - 0.5), round(hi + 0.5));
    }
    let (div, delta) = (round(count as f32), round(hi - lo));
    let step = round(delta / div);
    let at = |i: usize| {
        let i = round(i as f32);
        // NumPy's path for a step that underflows to zero: scale by the fraction instead.
        let offset = if step == 0.0 { round(round(i / div) * delta) } else { round(i * step) };
        round(offset + lo)
    };
    // The edges are as many as the user asks bins: allocated fallibly (see `try_host_vec`).
    let mut edges = crate::memory::try_host_vec(0.0, count + 1)?;
    for (i, e) in edges.iter_mut().enumerate() {
        *e = f64::from(if i == count { hi } else { at(i) });
    }
    Ok(edges)
}

/// Explicit edges, checked: 1-D, at least two, increasing (one flag read), on `x`'s device.
fn checked_edges(x: &Array, edges: &Array) -> Result<Array> {
    const OP: &str = "histogram";
    x.check_same_device(OP, edges)?;
    if edges.ndim() != 1 || edges.numel() < 2 {
        return Err(Error::invalid(
            OP,
            format!("bin edges must be 1-D with at least 2 values, got shape {:?}", edges.shape()),
        ));
    }
    let n = edges.numel() as isize;
    let prev = edges.slice(&[AxisSlice::range(None, n - 1, 1)])?;
    let next = edges.slice(&[AxisSlice::range(1, None, 1)])?;
    if next.less(&prev)?.any(None, false)?.item::<bool>()? {
        return Err(Error::invalid(OP, "bin edges must increase monotonically"));
    }
    Ok(edges.clone())
}
