//! Shapes, strides and offsets: the view arithmetic every backend shares.
//!
//! A [`Layout`] maps an n-dimensional index to an element offset inside a buffer:
//! `offset + Σ index[d] * strides[d]`. Strides are in **elements** (not bytes, unlike NumPy's
//! `ndarray.strides`), may be zero (broadcast) or negative (flipped views).

use crate::error::{Error, Result};
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

/// Axes a [`Dims`] holds without a heap allocation.
const INLINE_DIMS: usize = 4;

/// Per-axis values (extents or strides): inline up to [`INLINE_DIMS`] axes, on the heap beyond.
/// Views, broadcasts and op outputs of arrays with few axes then allocate nothing for their
/// layout, which is most of the fixed cost of an op on a small array.
#[derive(Clone)]
pub(crate) enum Dims<T: Copy + Default> {
    /// `len` values at the start of `data`. (`len` is a `u32`, not a `u8`: with a byte after the
    /// tag, moves of a layout were copied in unaligned pieces that straddled earlier stores,
    /// and each such load waited for them to retire.)
    Inline { len: u32, data: [T; INLINE_DIMS] },
    /// More values than fit inline.
    Heap(Vec<T>),
}

impl<T: Copy + Default> Dims<T> {
    /// No axes.
    pub(crate) fn new() -> Self {
        Dims::Inline { len: 0, data: [T::default(); INLINE_DIMS] }
    }

    /// `n` default values (zeros).
    #[inline]
    pub(crate) fn zeroed(n: usize) -> Self {
        if n <= INLINE_DIMS {
            Dims::Inline { len: n as u32, data: [T::default(); INLINE_DIMS] }
        } else {
            Dims::Heap(vec![T::default(); n])
        }
    }

    /// A copy of `values`.
    pub(crate) fn from_slice(values: &[T]) -> Self {
        let mut d = Dims::zeroed(values.len());
        d.copy_from_slice(values);
        d
    }

    /// Appends one value.
    pub(crate) fn push(&mut self, v: T) {
        match self {
            Dims::Inline { len, data } if (*len as usize) < INLINE_DIMS => {
                data[*len as usize] = v;
                *len += 1;
            }
            Dims::Inline { .. } => {
                let mut heap = self.to_vec();
                heap.push(v);
                *self = Dims::Heap(heap);
            }
            Dims::Heap(h) => h.push(v),
        }
    }

    /// Inserts `v` before position `at` (`at <= len`).
    pub(crate) fn insert(&mut self, at: usize, v: T) {
        let mut values = Dims::zeroed(self.len() + 1);
        values[..at].copy_from_slice(&self[..at]);
        values[at] = v;
        values[at + 1..].copy_from_slice(&self[at..]);
        *self = values;
    }
}

impl<T: Copy + Default> Deref for Dims<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            Dims::Inline { len, data } => &data[..*len as usize],
            Dims::Heap(h) => h,
        }
    }
}

impl<T: Copy + Default> DerefMut for Dims<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Dims::Inline { len, data } => &mut data[..*len as usize],
            Dims::Heap(h) => h,
        }
    }
}

impl<'a, T: Copy + Default> IntoIterator for &'a Dims<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Copy + Default> From<Vec<T>> for Dims<T> {
    fn from(v: Vec<T>) -> Self {
        if v.len() <= INLINE_DIMS {
            Dims::from_slice(&v)
        } else {
            Dims::Heap(v)
        }
    }
}

impl<T: Copy + Default> FromIterator<T> for Dims<T> {
    /// Fills the inline array directly (no per-value branch on the variant, as `push` has:
    /// collecting is on every op's path, and on each DLPack import and export). Inlined, so
    /// the values are stored where the caller keeps them, not copied there from a return slot.
    #[inline]
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut iter = iter.into_iter();
        let mut data = [T::default(); INLINE_DIMS];
        for (len, slot) in data.iter_mut().enumerate() {
            match iter.next() {
                Some(v) => *slot = v,
                None => return Dims::Inline { len: len as u32, data },
            }
        }
        match iter.next() {
            None => Dims::Inline { len: INLINE_DIMS as u32, data },
            Some(v) => {
                let mut heap = data.to_vec();
                heap.push(v);
                heap.extend(iter);
                Dims::Heap(heap)
            }
        }
    }
}

impl<T: Copy + Default + PartialEq> PartialEq for Dims<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Copy + Default + Eq> Eq for Dims<T> {}

impl<T: Copy + Default + Hash> Hash for Dims<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

impl<T: Copy + Default + std::fmt::Debug> std::fmt::Debug for Dims<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// Shape, element strides and element offset of a view into a buffer.
///
/// ```
/// use devarray::Layout;
/// let l = Layout::contiguous(&[2, 3]);
/// assert_eq!(l.strides(), &[3, 1]);
/// assert!(l.is_c_contiguous());
/// let t = l.permuted(&[1, 0]).unwrap();
/// assert_eq!(t.shape(), &[3, 2]);
/// assert!(!t.is_c_contiguous());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    shape: Dims<usize>,
    strides: Dims<isize>,
    offset: usize,
}

/// One entry of a basic index, as in NumPy's `x[1, ::2, None, ...]`.
///
/// ```
/// use devarray::{Array, AxisSlice, DType, Device};
/// let a = Array::arange(0.0, 12.0, 1.0, DType::F64, &Device::Cpu).unwrap().reshape(&[3, 4]).unwrap();
/// // a[1, ::-2]
/// let v = a.slice(&[AxisSlice::Index(1), AxisSlice::range(None, None, -2)]).unwrap();
/// assert_eq!(v.to_vec::<f64>().unwrap(), vec![7.0, 5.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisSlice {
    /// A single index (negative counts from the end); removes the axis.
    Index(isize),
    /// `start:stop:step` with Python semantics (bounds clamp; `step != 0`).
    Range {
        /// First index (default: start, or end for a negative step).
        start: Option<isize>,
        /// One past the last index (default: end, or before-start for a negative step).
        stop: Option<isize>,
        /// Step; negative walks backwards; zero is an error.
        step: isize,
    },
    /// `None` / `np.newaxis`: inserts an axis of length 1.
    NewAxis,
    /// `...`: as many full slices as needed (at most one per index).
    Ellipsis,
}

impl AxisSlice {
    /// The full slice `:`.
    pub const FULL: AxisSlice = AxisSlice::Range { start: None, stop: None, step: 1 };

    /// `start:stop:step`.
    ///
    /// ```
    /// let s = devarray::AxisSlice::range(1, None, 2);
    /// assert_eq!(s, devarray::AxisSlice::Range { start: Some(1), stop: None, step: 2 });
    /// ```
    pub fn range(start: impl Into<Option<isize>>, stop: impl Into<Option<isize>>, step: isize) -> Self {
        AxisSlice::Range { start: start.into(), stop: stop.into(), step }
    }
}

/// The most axes an array may have: NumPy's limit (`NPY_MAXDIMS`). It also bounds the depth of
/// every recursion over axes (formatting, `tolist`).
///
/// ```
/// use devarray::{Array, DType, Device, Error, MAX_NDIM};
/// let a = Array::zeros(&[1; MAX_NDIM], DType::U8, &Device::Cpu)?;
/// assert!(matches!(a.expand_dims(0), Err(Error::TooManyDims { max: 64, .. })));
/// # Ok::<(), devarray::Error>(())
/// ```
pub const MAX_NDIM: usize = 64;

/// `Ok` when an array may have `ndim` axes, else [`Error::TooManyDims`].
#[inline]
pub(crate) fn check_ndim(op: &'static str, ndim: usize) -> Result<()> {
    if ndim > MAX_NDIM {
        return Err(Error::TooManyDims { op, ndim, max: MAX_NDIM });
    }
    Ok(())
}

/// Number of elements of `shape`, or an error when it has more than [`MAX_NDIM`] axes or when
/// the byte size of such an array with `itemsize`-byte elements would not fit in `isize` (the
/// limit every allocator and pointer offset has; NumPy refuses such views too). Every shape an
/// array can take passes through here, so [`Layout::numel`] and `nbytes` never overflow.
#[inline]
pub(crate) fn checked_numel(op: &'static str, shape: &[usize], itemsize: usize) -> Result<usize> {
    check_ndim(op, shape.len())?;
    let overflow = || Error::SizeOverflow { op, shape: shape.to_vec(), itemsize };
    let mut n: usize = 1;
    for &d in shape {
        n = n.checked_mul(d).ok_or_else(overflow)?;
    }
    let bytes = n.checked_mul(itemsize.max(1)).ok_or_else(overflow)?;
    if bytes > isize::MAX as usize {
        return Err(overflow());
    }
    Ok(n)
}

/// Row-major (C order) strides for `shape` (no heap allocation for few axes).
#[inline]
pub(crate) fn c_strides(shape: &[usize]) -> Dims<isize> {
    let mut strides = Dims::zeroed(shape.len());
    let mut acc: isize = 1;
    for (s, &d) in strides.iter_mut().zip(shape).rev() {
        *s = acc;
        acc = acc.wrapping_mul(d.max(1) as isize);
    }
    strides
}

/// Normalises a possibly negative axis against `ndim`.
pub(crate) fn normalize_axis(op: &'static str, axis: isize, ndim: usize) -> Result<usize> {
    let n = ndim as isize;
    if axis < -n || axis >= n {
        return Err(Error::AxisOutOfRange { op, axis, ndim });
    }
    Ok(if axis < 0 { (axis + n) as usize } else { axis as usize })
}

/// Normalises a set of axes, refusing repeats; `None` means every axis. Sorted ascending.
pub(crate) fn normalize_axes(op: &'static str, axes: Option<&[isize]>, ndim: usize) -> Result<Vec<usize>> {
    let Some(axes) = axes else { return Ok((0..ndim).collect()) };
    let mut out = normalize_axes_in_order(op, axes, ndim)?;
    out.sort_unstable();
    Ok(out)
}

/// Normalises a list of axes, refusing repeats, keeping the caller's order (axes that pair
/// with another list's, as `tensordot`'s do).
pub(crate) fn normalize_axes_in_order(op: &'static str, axes: &[isize], ndim: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(axes.len());
    for &a in axes {
        let a = normalize_axis(op, a, ndim)?;
        if out.contains(&a) {
            return Err(Error::RepeatedAxis { op, axis: a });
        }
        out.push(a);
    }
    Ok(out)
}

/// The shape two shapes broadcast to (NumPy rules: align on the right; 1 stretches).
///
/// ```
/// assert_eq!(devarray::broadcast_shapes(&[3, 1], &[4]).unwrap(), vec![3, 4]);
/// assert!(devarray::broadcast_shapes(&[3], &[4]).is_err());
/// ```
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Result<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i < n - a.len() { 1 } else { a[i - (n - a.len())] };
        let db = if i < n - b.len() { 1 } else { b[i - (n - b.len())] };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => {
                return Err(Error::ShapeMismatch {
                    op: "broadcast",
                    lhs: a.to_vec(),
                    rhs: b.to_vec(),
                    hint: format!("; axis {i} has sizes {da} and {db}, and neither is 1"),
                })
            }
        };
    }
    checked_numel("broadcast", &out, 1)?;
    Ok(out)
}

impl Layout {
    /// A C-contiguous layout of `shape` at offset 0.
    ///
    /// ```
    /// assert_eq!(devarray::Layout::contiguous(&[4, 5, 6]).strides(), &[30, 6, 1]);
    /// ```
    pub fn contiguous(shape: &[usize]) -> Self {
        Layout { shape: Dims::from_slice(shape), strides: c_strides(shape), offset: 0 }
    }

    /// Builds a layout from parts (crate-internal: callers guarantee it stays in its buffer).
    #[inline]
    pub(crate) fn from_parts(shape: impl Into<Dims<usize>>, strides: impl Into<Dims<isize>>, offset: usize) -> Self {
        let (shape, strides) = (shape.into(), strides.into());
        debug_assert_eq!(shape.len(), strides.len());
        Layout { shape, strides, offset }
    }

    /// The extent of each axis.
    #[inline]
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Element strides, one per axis.
    #[inline]
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// Element offset of index `[0, 0, …]` from the start of the buffer.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Number of axes.
    #[inline]
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// Number of elements (the product of the shape; 1 for 0-d).
    ///
    /// Exact for every array's layout (array shapes are checked when made). A bare `Layout`
    /// of a shape whose product overflows saturates at `usize::MAX` instead of wrapping to a
    /// small count (a zero extent still gives 0).
    ///
    /// ```
    /// assert_eq!(devarray::Layout::contiguous(&[1 << 40, 1 << 40]).numel(), usize::MAX);
    /// assert_eq!(devarray::Layout::contiguous(&[1 << 40, 1 << 40, 0]).numel(), 0);
    /// ```
    #[inline]
    pub fn numel(&self) -> usize {
        // A zero extent still gives 0: saturating_mul(usize::MAX, 0) is 0.
        self.shape.iter().fold(1usize, |n, &d| n.saturating_mul(d))
    }

    /// True when the view is row-major contiguous (axes of length 1 may have any stride; empty
    /// views count as contiguous).
    ///
    /// ```
    /// let l = devarray::Layout::contiguous(&[2, 1, 3]);
    /// assert!(l.is_c_contiguous());
    /// ```
    pub fn is_c_contiguous(&self) -> bool {
        if self.numel() == 0 {
            return true;
        }
        let mut expected: isize = 1;
        for (&d, &s) in self.shape.iter().zip(&self.strides).rev() {
            if d != 1 {
                if s != expected {
                    return false;
                }
                expected = expected.wrapping_mul(d as isize); // exact for every array's layout
            }
        }
        true
    }

    /// The smallest and one-past-largest element offsets this view touches, relative to the
    /// buffer start; `None` for an empty view.
    pub(crate) fn span(&self) -> Option<(usize, usize)> {
        if self.numel() == 0 {
            return None;
        }
        let (mut lo, mut hi) = (self.offset as isize, self.offset as isize);
        for (&d, &s) in self.shape.iter().zip(&self.strides) {
            let reach = (d as isize - 1) * s;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        Some((lo as usize, hi as usize + 1))
    }

    /// True when two elements of the view share one address (a zero stride over an axis longer
    /// than 1): such views are read-only.
    #[inline]
    pub(crate) fn has_internal_overlap(&self) -> bool {
        self.numel() > 1 && self.shape.iter().zip(&self.strides).any(|(&d, &s)| d > 1 && s == 0)
    }

    /// The axes reordered: axis `i` of the result is axis `axes[i]` of `self`.
    pub fn permuted(&self, axes: &[usize]) -> Result<Layout> {
        if axes.len() != self.ndim() {
            return Err(Error::invalid("permute_dims", format!("expected {} axes, got {:?}", self.ndim(), axes)));
        }
        let mut seen = vec![false; self.ndim()];
        for &a in axes {
            if a >= self.ndim() {
                return Err(Error::AxisOutOfRange { op: "permute_dims", axis: a as isize, ndim: self.ndim() });
            }
            if std::mem::replace(&mut seen[a], true) {
                return Err(Error::RepeatedAxis { op: "permute_dims", axis: a });
            }
        }
        Ok(Layout {
            shape: axes.iter().map(|&a| self.shape[a]).collect(),
            strides: axes.iter().map(|&a| self.strides[a]).collect(),
            offset: self.offset,
        })
    }

    /// A view with `shape` and the same elements in C order, if one exists without copying
    /// (NumPy's no-copy reshape rule); `Ok(None)` when a copy is needed.
    pub(crate) fn reshaped(&self, shape: &[usize]) -> Result<Option<Layout>> {
        let new_numel: usize = checked_numel("reshape", shape, 1)?;
        if new_numel != self.numel() {
            return Err(Error::ShapeMismatch {
                op: "reshape",
                lhs: self.shape.to_vec(),
                rhs: shape.to_vec(),
                hint: format!("; cannot reshape {} elements into {}", self.numel(), new_numel),
            });
        }
        if self.is_c_contiguous() {
            let mut l = Layout::contiguous(shape);
            l.offset = self.offset;
            return Ok(Some(l));
        }
        // Group old axes (skipping length-1 ones) into runs that are contiguous with each
        // other; each run may be split into any new axes whose product matches.
        let old: Vec<(usize, isize)> =
            self.shape.iter().copied().zip(self.strides.iter().copied()).filter(|&(d, _)| d != 1).collect();
        let mut new_strides = Dims::zeroed(shape.len());
        let (mut oi, mut ni) = (0usize, 0usize);
        while ni < shape.len() {
            if shape[ni] == 1 {
                new_strides[ni] = 1;
                ni += 1;
                continue;
            }
            if oi >= old.len() {
                return Ok(None);
            }
            // Take old axes and new axes until their products agree.
            let (mut op, mut np) = (old[oi].0, shape[ni]);
            let (o_start, n_start) = (oi, ni);
            while op != np {
                if op < np {
                    oi += 1;
                    if oi >= old.len() {
                        return Ok(None);
                    }
                    op *= old[oi].0;
                } else {
                    ni += 1;
                    np *= shape[ni];
                }
            }
            for k in o_start..oi {
                if old[k].1 != old[k + 1].1 * old[k + 1].0 as isize {
                    return Ok(None);
                }
            }
            let mut stride = old[oi].1;
            for k in (n_start..=ni).rev() {
                new_strides[k] = stride;
                stride *= shape[k] as isize;
            }
            oi += 1;
            ni += 1;
        }
        Ok(Some(Layout { shape: Dims::from_slice(shape), strides: new_strides, offset: self.offset }))
    }

    /// The view after basic indexing.
    pub(crate) fn sliced(&self, index: &[AxisSlice]) -> Result<Layout> {
        const OP: &str = "slice";
        let ellipses = index.iter().filter(|s| matches!(s, AxisSlice::Ellipsis)).count();
        if ellipses > 1 {
            return Err(Error::invalid(OP, "an index can only have a single ellipsis ('...')"));
        }
        let consuming = index.iter().filter(|s| matches!(s, AxisSlice::Index(_) | AxisSlice::Range { .. })).count();
        if consuming > self.ndim() {
            return Err(Error::invalid(
                OP,
                format!("too many indices: array is {}-dimensional, but {consuming} were indexed", self.ndim()),
            ));
        }
        let mut shape = Dims::new();
        let mut strides = Dims::new();
        let mut offset = self.offset as isize;
        let mut axis = 0usize;
        let full_rest = |axis: usize, shape: &mut Dims<usize>, strides: &mut Dims<isize>, count: usize| {
            self.shape[axis..axis + count].iter().for_each(|&d| shape.push(d));
            self.strides[axis..axis + count].iter().for_each(|&s| strides.push(s));
        };
        for item in index {
            match *item {
                AxisSlice::NewAxis => {
                    shape.push(1);
                    strides.push(0);
                }
                AxisSlice::Ellipsis => {
                    let count = self.ndim() - consuming;
                    full_rest(axis, &mut shape, &mut strides, count);
                    axis += count;
                }
                AxisSlice::Index(i) => {
                    let size = self.shape[axis];
                    let j = if i < 0 { i + size as isize } else { i };
                    if j < 0 || j >= size as isize {
                        return Err(Error::IndexOutOfBounds { op: OP, index: i, axis, size });
                    }
                    offset += j * self.strides[axis];
                    axis += 1;
                }
                AxisSlice::Range { start, stop, step } => {
                    let (first, len) = slice_indices(self.shape[axis], start, stop, step)?;
                    if len > 0 {
                        offset += first * self.strides[axis];
                    }
                    shape.push(len);
                    strides.push(sliced_stride(self.strides[axis], step, len)?);
                    axis += 1;
                }
            }
        }
        let rest = self.ndim() - axis;
        full_rest(axis, &mut shape, &mut strides, rest);
        check_ndim(OP, shape.len())?;
        Ok(Layout { shape, strides, offset: offset as usize })
    }

    /// The view broadcast to `shape` (new axes on the left, length-1 axes stretched, both with
    /// stride 0).
    pub(crate) fn broadcast_to(&self, shape: &[usize]) -> Result<Layout> {
        let fail = || Error::ShapeMismatch {
            op: "broadcast_to",
            lhs: self.shape.to_vec(),
            rhs: shape.to_vec(),
            hint: "; each axis must match or be 1 in the source".into(),
        };
        if shape.len() < self.ndim() {
            return Err(fail());
        }
        let lead = shape.len() - self.ndim();
        let mut strides = Dims::zeroed(shape.len());
        for (i, (&d, &s)) in self.shape.iter().zip(&self.strides).enumerate() {
            let t = shape[lead + i];
            strides[lead + i] = if d == t {
                s
            } else if d == 1 {
                0
            } else {
                return Err(fail());
            };
        }
        Ok(Layout { shape: Dims::from_slice(shape), strides, offset: self.offset })
    }

    /// The view with a new axis of length 1 at `axis` (in the result's numbering).
    pub(crate) fn expand_dims(&self, axis: isize) -> Result<Layout> {
        check_ndim("expand_dims", self.ndim() + 1)?;
        let at = normalize_axis("expand_dims", axis, self.ndim() + 1)?;
        let mut l = self.clone();
        l.shape.insert(at, 1);
        l.strides.insert(at, 0);
        Ok(l)
    }

    /// The view without the given length-1 axes (all length-1 axes when `axes` is `None`).
    pub(crate) fn squeeze(&self, axes: Option<&[isize]>) -> Result<Layout> {
        let drop: Vec<usize> = match axes {
            None => (0..self.ndim()).filter(|&a| self.shape[a] == 1).collect(),
            Some(axes) => {
                let drop = normalize_axes("squeeze", Some(axes), self.ndim())?;
                if let Some(&a) = drop.iter().find(|&&a| self.shape[a] != 1) {
                    return Err(Error::invalid(
                        "squeeze",
                        format!(
                            "cannot squeeze axis {a} of size {} (only length-1 axes can be removed)",
                            self.shape[a]
                        ),
                    ));
                }
                drop
            }
        };
        let keep: Vec<usize> = (0..self.ndim()).filter(|a| !drop.contains(a)).collect();
        Ok(Layout {
            shape: keep.iter().map(|&a| self.shape[a]).collect(),
            strides: keep.iter().map(|&a| self.strides[a]).collect(),
            offset: self.offset,
        })
    }

    /// The view with `axis` reversed.
    pub(crate) fn flipped(&self, axis: usize) -> Layout {
        let mut l = self.clone();
        if l.shape[axis] > 0 {
            l.offset = (l.offset as isize + (l.shape[axis] as isize - 1) * l.strides[axis]) as usize;
        }
        l.strides[axis] = -l.strides[axis];
        l
    }
}

/// Python's `slice.indices` + length: the first index and the number of elements.
///
/// A step of `isize::MIN` is taken as `-isize::MAX`, as CPython's `PySlice_Unpack` does (so
/// `-step` exists); the length is computed in `i128`, because `stop - start + step` overflows
/// `isize` for steps near `±2^63`.
fn slice_indices(size: usize, start: Option<isize>, stop: Option<isize>, step: isize) -> Result<(isize, usize)> {
    if step == 0 {
        return Err(Error::invalid("slice", "slice step cannot be zero"));
    }
    let step = step.max(-isize::MAX) as i128;
    let n = size as i128;
    // PySlice_AdjustIndices: negative bounds count from the end, then clamp to the walkable range.
    let adjust = |v: isize| {
        let v = v as i128;
        let v = if v < 0 { v + n } else { v };
        if step > 0 {
            v.clamp(0, n)
        } else {
            v.clamp(-1, n - 1)
        }
    };
    let (first, last) = if step > 0 {
        (start.map_or(0, adjust), stop.map_or(n, adjust))
    } else {
        (start.map_or(n - 1, adjust), stop.map_or(-1, adjust))
    };
    // The spans and |step| are below 2^63 here: divide in 64 bits (a 128-bit division is a
    // library call, on every slice).
    let len = if step > 0 && first < last {
        ((last - first - 1) as u64 / step as u64 + 1) as i128
    } else if step < 0 && last < first {
        ((first - last - 1) as u64 / (-step) as u64 + 1) as i128
    } else {
        0
    };
    // `first` lies in `-1..=size` and `len <= size`, so both convert back exactly.
    Ok((first as isize, len as usize))
}

/// The stride of an axis sliced with `step` to `len` elements. Axes of two or more elements
/// reach `(len - 1) * stride * step` inside the buffer, so their product always fits; for
/// shorter axes the stride is never followed, and NumPy keeps the parent's stride for empty
/// ones. A single element keeps `stride * step` (what NumPy reports) when that still fits in
/// bytes for every element size, else the parent's stride, so no later byte-stride arithmetic
/// can overflow.
fn sliced_stride(stride: isize, step: isize, len: usize) -> Result<isize> {
    const MAX_ITEMSIZE: isize = 8;
    let stepped = stride.checked_mul(step.max(-isize::MAX));
    match len {
        0 => Ok(stride),
        1 => Ok(stepped.filter(|s| s.checked_mul(MAX_ITEMSIZE).is_some()).unwrap_or(stride)),
        _ => stepped.ok_or_else(|| Error::invalid("slice", format!("stride {stride} times step {step} overflows"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dims_collect_inline_up_to_four_then_on_the_heap() {
        for n in [0usize, 1, 3, 4, 5, 9] {
            let d: Dims<usize> = (10..10 + n).collect();
            assert_eq!(&*d, &(10..10 + n).collect::<Vec<_>>()[..], "{n} values");
            assert_eq!(matches!(d, Dims::Inline { .. }), n <= INLINE_DIMS, "{n} values");
        }
    }

    #[test]
    fn slice_indices_match_python() {
        // Values from Python's range(size)[start:stop:step].
        type Case = (usize, Option<isize>, Option<isize>, isize, &'static [isize]);
        let cases: &[Case] = &[
            (5, None, None, 1, &[0, 1, 2, 3, 4]),
            (5, None, None, -1, &[4, 3, 2, 1, 0]),
            (5, Some(1), Some(4), 2, &[1, 3]),
            (5, Some(-2), None, 1, &[3, 4]),
            (5, Some(10), None, -2, &[4, 2, 0]),
            (5, Some(3), Some(3), 1, &[]),
            (5, Some(-10), Some(2), 1, &[0, 1]),
            (0, None, None, -1, &[]),
            (5, Some(4), Some(-6), -3, &[4, 1]),
            // Steps and bounds near ±2^63, where `stop - start + step` overflows isize.
            (4, None, Some(2), isize::MAX, &[0]),
            (6, None, None, isize::MAX, &[0]),
            (6, None, None, isize::MIN, &[5]),
            (6, None, None, -isize::MAX, &[5]),
            (5, Some(isize::MIN), Some(isize::MAX), isize::MAX, &[0]),
            (5, Some(isize::MAX), Some(isize::MIN), isize::MIN, &[4]),
            (5, Some(isize::MIN), Some(isize::MAX), isize::MIN, &[]),
            (5, Some(1), None, isize::MAX - 1, &[1]),
        ];
        for &(size, start, stop, step, expected) in cases {
            let (first, len) = slice_indices(size, start, stop, step).unwrap();
            let got: Vec<isize> = (0..len as isize).map(|k| first + k * step.max(-isize::MAX)).collect();
            assert_eq!(got, expected, "{size} {start:?}:{stop:?}:{step}");
        }
        assert!(slice_indices(3, None, None, 0).is_err());
    }

    #[test]
    fn extreme_steps_give_numpy_views() {
        let l = Layout::contiguous(&[2, 3, 4]);
        // arange(24).reshape(2,3,4)[::2**63-1] is (1, 3, 4); slicing it again must not overflow.
        let s = l.sliced(&[AxisSlice::range(None, None, isize::MAX)]).unwrap();
        assert_eq!(s.shape(), &[1, 3, 4]);
        let t = s.sliced(&[AxisSlice::range(1, None, 1)]).unwrap();
        assert_eq!(t.shape(), &[0, 3, 4]);
        let r = l.sliced(&[AxisSlice::range(None, None, isize::MIN)]).unwrap();
        assert_eq!((r.shape(), r.offset()), (&[1usize, 3, 4][..], 12));
        // A single element keeps stride * step when it fits in bytes (NumPy's value), an empty
        // slice the parent's stride (as NumPy does).
        let v = Layout::contiguous(&[6]);
        assert_eq!(v.sliced(&[AxisSlice::range(None, None, 7)]).unwrap().strides(), &[7]);
        assert_eq!(v.sliced(&[AxisSlice::range(None, None, isize::MAX)]).unwrap().strides(), &[1]);
        assert_eq!(v.sliced(&[AxisSlice::range(6, None, 3)]).unwrap().strides(), &[1]);
        assert_eq!(v.sliced(&[AxisSlice::range(None, None, -2)]).unwrap().strides(), &[-2]);
    }

    #[test]
    fn reshape_views_follow_numpy() {
        let l = Layout::contiguous(&[4, 6]);
        let t = l.permuted(&[1, 0]).unwrap(); // (6, 4) strides (1, 6)
        assert!(t.reshaped(&[24]).unwrap().is_none());
        let r = t.reshaped(&[2, 3, 4]).unwrap().unwrap();
        assert_eq!(r.strides(), &[3, 1, 6]);
        let r = t.reshaped(&[6, 1, 4]).unwrap().unwrap();
        assert_eq!(r.strides()[0], 1);
        assert_eq!(r.strides()[2], 6);
        assert!(l.reshaped(&[5, 5]).is_err());
        // Every other column: (4, 3) strides (6, 2) is evenly spaced, so it flattens as a view.
        let s = l.sliced(&[AxisSlice::FULL, AxisSlice::range(None, None, 2)]).unwrap();
        assert_eq!(s.reshaped(&[12]).unwrap().unwrap().strides(), &[2]);
        // The first three columns: (4, 3) strides (6, 1) is not.
        let s = l.sliced(&[AxisSlice::FULL, AxisSlice::range(None, 3, 1)]).unwrap();
        assert_eq!(s.reshaped(&[12]).unwrap(), None);
        assert_eq!(s.reshaped(&[2, 2, 3]).unwrap().unwrap().strides(), &[12, 6, 1]);
    }

    #[test]
    fn dims_spill_to_the_heap_and_compare_by_value() {
        let mut d: Dims<usize> = (1..=INLINE_DIMS).collect();
        assert!(matches!(d, Dims::Inline { .. }));
        d.push(99);
        assert!(matches!(d, Dims::Heap(_)));
        assert_eq!(&d[..], &[1, 2, 3, 4, 99]);
        d.insert(0, 7);
        assert_eq!(&d[..], &[7, 1, 2, 3, 4, 99]);
        let mut small = Dims::from_slice(&[5usize]);
        small.insert(1, 6);
        assert_eq!(small, Dims::from(vec![5, 6]));
        assert_eq!(Dims::Heap(vec![5usize, 6]), small, "inline and heap forms compare by value");
        assert_eq!(format!("{small:?}"), "[5, 6]");
        let wide = Layout::contiguous(&[2, 1, 3, 1, 2, 2]);
        assert_eq!(wide.strides(), &[12, 12, 4, 4, 2, 1]);
        assert_eq!(wide.expand_dims(-1).unwrap().shape(), &[2, 1, 3, 1, 2, 2, 1]);
    }

    #[test]
    fn checked_numel_refuses_overflow() {
        assert!(checked_numel("t", &[usize::MAX, 2], 1).is_err());
        assert!(checked_numel("t", &[1 << 62], 4).is_err());
        assert_eq!(checked_numel("t", &[3, 0, usize::MAX], 8).unwrap(), 0);
    }
}
