//! Manipulation functions composed of device ops: [`Array::roll`], [`Array::repeat`],
//! [`Array::repeat_each`], [`Array::tile`], [`Array::tril`], [`Array::triu`] and
//! [`Array::pad`].
//!
//! None of them has a kernel of its own, and none reads array data back to the host: they are
//! views (broadcasts, slices, negative strides) copied into a fresh array, copies of blocks,
//! `where` with a mask built from `arange`, and gathers along one axis through an index array.
//! Index arrays that depend on shapes only (pad's edge and reflect modes) are computed on the
//! host and uploaded (host to device, a few bytes per element of one axis); the one that
//! depends on data (`repeat_each`) is computed on the device from a scan and a search. The only
//! value read back anywhere is `repeat_each`'s output length (8 bytes, an explicit,
//! documented synchronisation point, as `nonzero`'s count).

use super::Side;
use crate::dtype::{DType, Scalar};
use crate::error::{Error, Result};
use crate::layout::{normalize_axis, AxisSlice, Layout};
use crate::storage::Storage;
use crate::Array;

/// How [`Array::pad`] fills the new elements (NumPy's `mode`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PadMode {
    /// Constant values, one `(before, after)` pair for every axis or one pair for all (NumPy's
    /// `constant_values`). Axes are filled in order, so a corner takes the value of the last
    /// axis that covers it, as in NumPy. The values are cast to the array's dtype with NumPy's
    /// casting results.
    Constant(Vec<(Scalar, Scalar)>),
    /// The edge value of each axis repeated.
    Edge,
    /// The values mirrored about the edge, without repeating it (`[1, 2, 3]` padded by 2 is
    /// `[3, 2, 1, 2, 3, 2, 1]`); pads longer than the axis keep reflecting.
    Reflect,
}

impl PadMode {
    /// One constant on every side of every axis (NumPy's default mode with `constant_values`).
    ///
    /// ```
    /// use devarray::{PadMode, Scalar};
    /// assert_eq!(PadMode::constant(0), PadMode::Constant(vec![(Scalar::Int(0), Scalar::Int(0))]));
    /// ```
    pub fn constant(value: impl Into<Scalar>) -> PadMode {
        let v = value.into();
        PadMode::Constant(vec![(v, v)])
    }
}

/// `items` (one per axis, or one for all) as one per axis of `ndim`.
fn per_axis<T: Copy>(op: &'static str, what: &str, items: &[T], ndim: usize) -> Result<Vec<T>> {
    match items.len() {
        1 => Ok(vec![items[0]; ndim]),
        n if n == ndim => Ok(items.to_vec()),
        n => Err(Error::invalid(op, format!("{what}: got {n} entries for {ndim} axes; give one, or one per axis"))),
    }
}

/// `a * b` for a shape, or [`Error::InvalidArgument`] naming `op` on overflow.
fn mul(op: &'static str, a: usize, b: usize) -> Result<usize> {
    a.checked_mul(b).ok_or_else(|| Error::invalid(op, format!("the result's length {a} x {b} overflows")))
}

/// A new contiguous array of `shape` holding `view` (whose shape has the same elements in C
/// order, e.g. `shape` with axes split in two): one copy, never an alias of `view`'s buffer.
fn materialise(view: &Array, shape: &[usize]) -> Result<Array> {
    let out = Array::empty(shape, view.dtype(), &view.device())?;
    if out.numel() > 0 {
        out.reshape(view.shape())?.assign(view)?;
    }
    Ok(out)
}

/// The elements of `x` at `idx` along `axis` (`idx`: 1-D `int64` on `x`'s device, every value
/// in `0..x.shape()[axis]`, which the caller guarantees): one gather, no bounds check and so no
/// host read.
pub(crate) fn gather_axis(x: &Array, axis: usize, idx: &Array) -> Result<Array> {
    let mut shape = x.shape().to_vec();
    shape[axis] = idx.numel();
    let out = Array::empty(&shape, x.dtype(), &x.device())?;
    if out.numel() == 0 {
        return Ok(out);
    }
    let stride = x.strides()[axis];
    let idx = idx.contiguous()?;
    let table = if stride == 1 { idx } else { idx.multiply(stride as i64)? };
    let mut table_strides = vec![0isize; shape.len()];
    table_strides[axis] = table.strides()[0];
    let table_view = Layout::from_parts(shape.clone(), table_strides, table.layout().offset());
    let mut src_strides = x.strides().to_vec();
    src_strides[axis] = 0;
    let src_view = Layout::from_parts(shape, src_strides, x.layout().offset());
    let extreme = (x.shape()[axis] as i64 - 1) * stride as i64;
    let reach = (extreme.min(0), extreme.max(0));
    // SAFETY: every index lies in `0..len` of the axis (the caller's contract), so every table
    // value is `i * stride` for such an `i`, inside `reach`; `src_view` is `x`'s own view with
    // that axis pinned at 0, so shifting it by a value in `reach` addresses an element of `x`.
    // `out` is a fresh buffer, overlapping neither `x` nor the table.
    unsafe {
        Storage::gather(
            (x.storage(), &src_view),
            (table.storage(), &table_view),
            reach,
            (out.storage(), out.layout()),
            x.dtype().itemsize(),
        )?;
    }
    Ok(out)
}

/// The `[start, stop)` slice of `axis` (full on the other axes) of an `ndim`-d array.
fn axis_range(ndim: usize, axis: usize, start: usize, stop: usize) -> Vec<AxisSlice> {
    let mut key = vec![AxisSlice::FULL; ndim];
    key[axis] = AxisSlice::range(start as isize, stop as isize, 1);
    key
}

impl Array {
    /// The elements shifted by `shifts` along `axes`, wrapping around (the Array API's and
    /// NumPy's `roll`). With `axes` `None` the array is rolled as if flattened (C order) and
    /// keeps its shape; otherwise `shifts` and `axes` broadcast against each other (one shift
    /// for several axes, or several shifts for one axis, which add up). Shifts may be negative
    /// or longer than the axis. The result is a new array: one copy of each of at most 2ᵏ
    /// blocks for `k` rolled axes.
    ///
    /// **Errors**: [`Error::AxisOutOfRange`]; [`Error::InvalidArgument`] when `shifts` and
    /// `axes` have different lengths, neither being 1, or `shifts` is empty.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::arange(0.0, 6.0, 1.0, DType::I32, &Device::Cpu)?.reshape(&[2, 3])?;
    /// assert_eq!(x.roll(&[1], Some(&[1]))?.to_vec::<i32>()?, vec![2, 0, 1, 5, 3, 4]);
    /// assert_eq!(x.roll(&[-1], None)?.to_vec::<i32>()?, vec![1, 2, 3, 4, 5, 0]);
    /// assert_eq!(x.roll(&[1, 7], Some(&[0, 1]))?.to_vec::<i32>()?, vec![5, 3, 4, 2, 0, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn roll(&self, shifts: &[isize], axes: Option<&[isize]>) -> Result<Array> {
        const OP: &str = "roll";
        let Some(axes) = axes else {
            let flat = self.reshape(&[self.numel()])?.roll(shifts, Some(&[0]))?;
            return flat.reshape(self.shape());
        };
        let n = shifts.len().max(axes.len());
        if shifts.is_empty()
            || axes.is_empty()
            || (shifts.len() != n && shifts.len() != 1)
            || (axes.len() != n && axes.len() != 1)
        {
            return Err(Error::invalid(
                OP,
                format!(
                    "{} shifts and {} axes do not broadcast; give one of either, or as many of each",
                    shifts.len(),
                    axes.len()
                ),
            ));
        }
        let mut total = vec![0i128; self.ndim()];
        for i in 0..n {
            let axis = normalize_axis(OP, axes[if axes.len() == 1 { 0 } else { i }], self.ndim())?;
            total[axis] += shifts[if shifts.len() == 1 { 0 } else { i }] as i128;
        }
        // Per axis, the shift in `0..len` (0 for empty axes and whole turns).
        let shift: Vec<usize> = total
            .iter()
            .zip(self.shape())
            .map(|(&t, &len)| if len == 0 { 0 } else { t.rem_euclid(len as i128) as usize })
            .collect();
        let rolled: Vec<usize> = (0..self.ndim()).filter(|&d| shift[d] != 0).collect();
        if rolled.is_empty() {
            return self.copy();
        }
        let out = Array::empty(self.shape(), self.dtype(), &self.device())?;
        // Block `mask`: along each rolled axis, bit set = the source's tail `[len - s, len)`
        // going to `[0, s)`, clear = the head `[0, len - s)` going to `[s, len)`.
        for mask in 0..1usize << rolled.len() {
            let mut src = vec![AxisSlice::FULL; self.ndim()];
            let mut dst = src.clone();
            for (bit, &d) in rolled.iter().enumerate() {
                let (len, s) = (self.shape()[d] as isize, shift[d] as isize);
                if mask >> bit & 1 == 1 {
                    src[d] = AxisSlice::range(len - s, len, 1);
                    dst[d] = AxisSlice::range(0, s, 1);
                } else {
                    src[d] = AxisSlice::range(0, len - s, 1);
                    dst[d] = AxisSlice::range(s, len, 1);
                }
            }
            out.slice(&dst)?.assign(&self.slice(&src)?)?;
        }
        Ok(out)
    }

    /// Each element repeated `repeats` times along `axis` (`None`: the array flattened first),
    /// like the Array API's and NumPy's `repeat` with an integer: `[1, 2]` repeated twice is
    /// `[1, 1, 2, 2]`. [`Array::repeat_each`] takes one count per element. A new array: one
    /// copy of a broadcast view.
    ///
    /// **Errors**: [`Error::AxisOutOfRange`], [`Error::InvalidArgument`] when the result's
    /// length overflows.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::arange(0.0, 4.0, 1.0, DType::I64, &Device::Cpu)?.reshape(&[2, 2])?;
    /// assert_eq!(x.repeat(2, Some(0))?.to_vec::<i64>()?, vec![0, 1, 0, 1, 2, 3, 2, 3]);
    /// assert_eq!(x.repeat(2, None)?.to_vec::<i64>()?, vec![0, 0, 1, 1, 2, 2, 3, 3]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn repeat(&self, repeats: usize, axis: Option<isize>) -> Result<Array> {
        const OP: &str = "repeat";
        let (x, axis) = match axis {
            None => (self.reshape(&[self.numel()])?, 0),
            Some(a) => (self.clone(), normalize_axis(OP, a, self.ndim())?),
        };
        let mut split = x.shape().to_vec();
        split.insert(axis + 1, repeats);
        let mut shape = x.shape().to_vec();
        shape[axis] = mul(OP, shape[axis], repeats)?;
        let view = x.expand_dims(axis as isize + 1)?.broadcast_to(&split)?;
        materialise(&view, &shape)
    }

    /// Each element along `axis` (`None`: the array flattened first) repeated its own number
    /// of times, `repeats[i]` for element `i` (the Array API's and NumPy's `repeat` with an
    /// array). `repeats` is a 0-d or 1-D integer (or `bool`) array of one count or one per
    /// element, on this array's device.
    ///
    /// The counts stay on the device: their running sum gives each output position's source
    /// element by a binary search, and one gather moves the elements.
    ///
    /// **Synchronises:** the output length (the sum of the counts, or a flag for a negative
    /// count) is read back to the host, 8 bytes, before the result can be allocated.
    ///
    /// **Errors**: [`Error::UnsupportedDType`] for float counts; [`Error::InvalidArgument`] for
    /// counts of the wrong shape or a negative count; [`Error::AxisOutOfRange`],
    /// [`Error::DeviceMismatch`].
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3], &Device::Cpu)?;
    /// let r = Array::from_slice(&[2i32, 0, 3], &[3], &Device::Cpu)?;
    /// assert_eq!(x.repeat_each(&r, None)?.to_vec::<f32>()?, vec![1.0, 1.0, 3.0, 3.0, 3.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn repeat_each(&self, repeats: &Array, axis: Option<isize>) -> Result<Array> {
        const OP: &str = "repeat";
        self.check_same_device(OP, repeats)?;
        if repeats.dtype().is_inexact() {
            return Err(Error::UnsupportedDType {
                op: OP,
                dtype: repeats.dtype(),
                hint: "; repeats must be integers".into(),
            });
        }
        let (x, axis) = match axis {
            None => (self.reshape(&[self.numel()])?, 0),
            Some(a) => (self.clone(), normalize_axis(OP, a, self.ndim())?),
        };
        let n = x.shape()[axis];
        if repeats.ndim() > 1 || (repeats.numel() != 1 && repeats.numel() != n) {
            return Err(Error::invalid(
                OP,
                format!(
                    "repeats of shape {:?} for an axis of length {n}; give one count, or one per element",
                    repeats.shape()
                ),
            ));
        }
        let counts = repeats.astype(DType::I64)?.reshape(&[repeats.numel()])?.broadcast_to(&[n])?;
        if n == 0 {
            return x.slice(&axis_range(x.ndim(), axis, 0, 0))?.copy();
        }
        let ends = counts.cumulative_sum(Some(0), Some(DType::I64), false)?;
        let negative = counts.less(0i64)?.any(None, false)?;
        let last = ends.slice(&[AxisSlice::Index(-1)])?;
        // The one host read: the output length, or -1 when a count is negative.
        let total = Array::where_(&negative, -1i64, &last)?.item::<i64>()?;
        let Ok(total) = usize::try_from(total) else {
            return Err(Error::invalid(OP, "repeats may not be negative"));
        };
        let positions = Array::arange(0.0, total as f64, 1.0, DType::I64, &x.device())?;
        // Output position p comes from the element i with ends[i - 1] <= p < ends[i]: the
        // first end past p. Elements repeated 0 times have ends equal to their predecessor's
        // and are skipped; every p < total finds an i < n.
        let source = ends.searchsorted(&positions, Side::Right, None)?;
        gather_axis(&x, axis, &source)
    }

    /// The array repeated `reps[i]` times along axis `i` (the Array API's and NumPy's
    /// `tile`). When `reps` is shorter than the array's dimensions it is prepended with 1s;
    /// when longer, the array gains leading axes of length 1. A new array: one copy of a
    /// broadcast view.
    ///
    /// **Errors**: [`Error::InvalidArgument`] when the result's size overflows.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let x = Array::from_slice(&[1u8, 2], &[2], &Device::Cpu)?;
    /// let t = x.tile(&[2, 2])?;
    /// assert_eq!(t.shape(), &[2, 4]);
    /// assert_eq!(t.to_vec::<u8>()?, vec![1, 2, 1, 2, 1, 2, 1, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn tile(&self, reps: &[usize]) -> Result<Array> {
        const OP: &str = "tile";
        let d = self.ndim().max(reps.len());
        let dims: Vec<usize> = std::iter::repeat_n(1, d - self.ndim()).chain(self.shape().iter().copied()).collect();
        let reps: Vec<usize> = std::iter::repeat_n(1, d - reps.len()).chain(reps.iter().copied()).collect();
        // The view [r0, d0, r1, d1, ...]: axis i's elements (stride as in the array) once per
        // repetition (stride 0), which in C order is the tiled array.
        let mut ones = Vec::with_capacity(2 * d);
        let mut split = Vec::with_capacity(2 * d);
        let mut shape = Vec::with_capacity(d);
        for (&n, &r) in dims.iter().zip(&reps) {
            ones.extend([1, n]);
            split.extend([r, n]);
            shape.push(mul(OP, n, r)?);
        }
        let view = self.reshape(&ones)?.broadcast_to(&split)?;
        materialise(&view, &shape)
    }

    /// The lower triangle of the matrices in the last two axes: elements at row `i`, column
    /// `j` with `j - i <= k` are kept, the others are zero (the Array API's and NumPy's
    /// `tril`; `k > 0` keeps diagonals above the main one, `k < 0` removes some below it).
    ///
    /// **Errors**: [`Error::InvalidArgument`] for arrays of fewer than two dimensions.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let m = Array::ones(&[3, 3], DType::I32, &Device::Cpu)?;
    /// assert_eq!(m.tril(0)?.to_vec::<i32>()?, vec![1, 0, 0, 1, 1, 0, 1, 1, 1]);
    /// assert_eq!(m.tril(-1)?.to_vec::<i32>()?, vec![0, 0, 0, 1, 0, 0, 1, 1, 0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn tril(&self, k: i64) -> Result<Array> {
        self.triangle("tril", k, true)
    }

    /// The upper triangle of the matrices in the last two axes: elements with `j - i >= k`
    /// are kept, the others are zero (the Array API's and NumPy's `triu`).
    ///
    /// **Errors**: [`Error::InvalidArgument`] for arrays of fewer than two dimensions.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let m = Array::ones(&[2, 3], DType::Bool, &Device::Cpu)?;
    /// assert_eq!(m.triu(1)?.to_vec::<bool>()?, vec![false, true, true, false, false, true]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn triu(&self, k: i64) -> Result<Array> {
        self.triangle("triu", k, false)
    }

    /// `where(mask, self, 0)` with `mask[i, j] = j - i <= k` (lower) or `j - i >= k`.
    fn triangle(&self, op: &'static str, k: i64, lower: bool) -> Result<Array> {
        if self.ndim() < 2 {
            return Err(Error::invalid(op, format!("needs an array of at least 2 dimensions, not {}", self.ndim())));
        }
        let (rows, cols) = (self.shape()[self.ndim() - 2], self.shape()[self.ndim() - 1]);
        let device = self.device();
        // j - i lies in [-(rows - 1), cols - 1]: a k outside changes nothing, and clamping it
        // keeps `i + k` from overflowing.
        let k = k.clamp(-(rows as i64), cols as i64);
        let i = Array::arange(0.0, rows as f64, 1.0, DType::I64, &device)?.reshape(&[rows, 1])?;
        let j = Array::arange(0.0, cols as f64, 1.0, DType::I64, &device)?.reshape(&[1, cols])?;
        let shifted = i.add(k)?;
        let mask = if lower { j.less_equal(&shifted)? } else { j.greater_equal(&shifted)? };
        let zero = Array::zeros(&[], self.dtype(), &device)?;
        Array::where_(&mask, self, &zero)
    }

    /// The array with `pad_width[i] = (before, after)` new elements on either side of axis
    /// `i` (one pair for every axis, or one pair for all), filled as `mode` says (NumPy's
    /// `pad` with modes `constant`, `edge` and `reflect`). A 0-d array is copied.
    ///
    /// Constant padding writes the interior once and fills the borders; edge and reflect
    /// padding gather each padded axis in turn through an index array computed from the shape
    /// (uploaded, never read back).
    ///
    /// **Errors**: [`Error::InvalidArgument`] for a `pad_width` or constant list of the wrong
    /// length, or edge/reflect padding of an empty axis (as NumPy); the result's size
    /// overflowing; [`Error::OutOfMemory`] for widths no memory holds.
    ///
    /// ```
    /// use devarray::{Array, Device, PadMode};
    /// let x = Array::from_slice(&[1i32, 2, 3], &[3], &Device::Cpu)?;
    /// assert_eq!(x.pad(&[(2, 1)], &PadMode::constant(9))?.to_vec::<i32>()?, vec![9, 9, 1, 2, 3, 9]);
    /// assert_eq!(x.pad(&[(2, 1)], &PadMode::Edge)?.to_vec::<i32>()?, vec![1, 1, 1, 2, 3, 3]);
    /// assert_eq!(x.pad(&[(2, 2)], &PadMode::Reflect)?.to_vec::<i32>()?, vec![3, 2, 1, 2, 3, 2, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn pad(&self, pad_width: &[(usize, usize)], mode: &PadMode) -> Result<Array> {
        const OP: &str = "pad";
        let ndim = self.ndim();
        if ndim == 0 {
            return self.copy();
        }
        let widths = per_axis(OP, "pad_width", pad_width, ndim)?;
        match mode {
            PadMode::Constant(values) => {
                let values = per_axis(OP, "constant values", values, ndim)?;
                self.pad_constant(&widths, &values)
            }
            PadMode::Edge | PadMode::Reflect => {
                let mut out: Option<Array> = None;
                for (d, &(before, after)) in widths.iter().enumerate() {
                    if before == 0 && after == 0 {
                        continue;
                    }
                    let idx = pad_indices(d, self.shape()[d], before, after, mode == &PadMode::Edge)?;
                    let idx = Array::from_slice(&idx, &[idx.len()], &self.device())?;
                    out = Some(gather_axis(out.as_ref().unwrap_or(self), d, &idx)?);
                }
                out.map_or_else(|| self.copy(), Ok)
            }
        }
    }

    /// Constant padding: the interior copied in, then each axis' borders filled in turn.
    fn pad_constant(&self, widths: &[(usize, usize)], values: &[(Scalar, Scalar)]) -> Result<Array> {
        let ndim = self.ndim();
        let mut shape = Vec::with_capacity(ndim);
        for (&n, &(b, a)) in self.shape().iter().zip(widths) {
            let len = n.checked_add(b).and_then(|m| m.checked_add(a));
            shape.push(len.ok_or_else(|| Error::invalid("pad", "the padded length overflows"))?);
        }
        let out = Array::empty(&shape, self.dtype(), &self.device())?;
        let interior: Vec<AxisSlice> = self
            .shape()
            .iter()
            .zip(widths)
            .map(|(&n, &(b, _))| AxisSlice::range(b as isize, (b + n) as isize, 1))
            .collect();
        if self.numel() > 0 {
            out.slice(&interior)?.assign(self)?;
        }
        for (d, (&(b, a), &(vb, va))) in widths.iter().zip(values).enumerate() {
            for (start, stop, v) in [(0, b, vb), (shape[d] - a, shape[d], va)] {
                let border = out.slice(&axis_range(ndim, d, start, stop))?;
                if border.numel() > 0 {
                    border.storage().fill(border.layout(), border.dtype(), v)?;
                }
            }
        }
        Ok(out)
    }
}

/// The source index of each position of an axis of length `n` padded by `before` and `after`:
/// the nearest edge (`edge`) or the reflection about the edges, period `2 (n - 1)`.
fn pad_indices(axis: usize, n: usize, before: usize, after: usize, edge: bool) -> Result<Vec<i64>> {
    if n == 0 {
        return Err(Error::invalid(
            "pad",
            format!("cannot extend the empty axis {axis} with edge or reflect padding; use constant padding"),
        ));
    }
    let total = n.checked_add(before).and_then(|m| m.checked_add(after));
    let total = total
        .filter(|&t| i64::try_from(t).is_ok())
        .ok_or_else(|| Error::invalid("pad", "the padded length overflows"))?;
    let (n, before) = (n as i64, before as i64);
    let period = 2 * (n - 1);
    // One index per padded position, as many as the user asks: allocated fallibly.
    let mut indices = crate::memory::try_host_vec(0i64, total)?;
    for (p, index) in indices.iter_mut().enumerate() {
        let i = p as i64 - before;
        *index = if edge {
            i.clamp(0, n - 1)
        } else if period == 0 {
            0
        } else {
            let q = i.rem_euclid(period);
            if q < n {
                q
            } else {
                period - q
            }
        };
    }
    Ok(indices)
}
