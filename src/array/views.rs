//! Views: new shapes and strides over the same buffer, without copying.

use super::Array;
use crate::error::{Error, Result};
use crate::layout::{checked_numel, normalize_axis, AxisSlice, Layout};

impl Array {
    /// The same elements in C order with a new shape; one length may be `-1`, which stands
    /// for the length that makes the element counts agree (NumPy's `-1`).
    ///
    /// Returns a view when the strides allow one (always for contiguous arrays); otherwise it
    /// copies into a new contiguous buffer, as `numpy.reshape` does. Use [`Array::reshape_view`]
    /// to refuse the copy. Lengths are any [`ShapeDim`]: `usize`, or `isize`/`i32`/`i64` (so
    /// integer literals such as `&[2, -1]` work).
    ///
    /// **Errors**: [`Error::ShapeMismatch`] if the element counts differ (or no length makes
    /// them agree with a `-1`); [`Error::InvalidArgument`] for two `-1`s, another negative
    /// length, or a `-1` next to a zero length (any length would do).
    ///
    /// ```
    /// use devarray::{Array, DType, Device, Error};
    /// let a = Array::arange(0.0, 6.0, 1.0, DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.reshape(&[2, 3])?.shape(), &[2, 3]);
    /// assert_eq!(a.reshape(&[-1, 2])?.shape(), &[3, 2]);
    /// let dims: Vec<usize> = vec![3, 2];
    /// assert_eq!(a.reshape(&dims)?.shape(), &[3, 2]);
    /// assert!(matches!(a.reshape(&[4, 2]), Err(Error::ShapeMismatch { .. })));
    /// assert!(matches!(a.reshape(&[-1, 4]), Err(Error::ShapeMismatch { .. })));
    /// assert!(matches!(a.reshape(&[-1, -1]), Err(Error::InvalidArgument { .. })));
    /// assert!(matches!(a.reshape(&[-2, 3]), Err(Error::InvalidArgument { .. })));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    ///
    /// **For NumPy users**: the shape is one slice (`&[2, -1]`, not `(2, -1)` or varargs), and
    /// a 0-d shape is written `&[] as &[usize]` (an empty literal has no element type).
    pub fn reshape<D: ShapeDim>(&self, shape: &[D]) -> Result<Array> {
        let shape = resolve_shape("reshape", shape, self.shape())?;
        match self.layout().reshaped(&shape)? {
            Some(layout) => Ok(self.with_layout(layout)),
            None => self.contiguous()?.reshape_view(&shape),
        }
    }

    /// Like [`Array::reshape`] (one `-1` included), but never copies: **errors** when no view
    /// exists (NumPy's `reshape(..., copy=False)`).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[4, 6], DType::F32, &Device::Cpu)?;
    /// assert!(a.transpose().reshape_view(&[24]).is_err());
    /// assert!(a.transpose().reshape_view(&[2, 3, 4]).is_ok());
    /// assert_eq!(a.reshape_view(&[-1])?.shape(), &[24]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn reshape_view<D: ShapeDim>(&self, shape: &[D]) -> Result<Array> {
        let shape = resolve_shape("reshape_view", shape, self.shape())?;
        match self.layout().reshaped(&shape)? {
            Some(layout) => Ok(self.with_layout(layout)),
            None => Err(Error::ShapeMismatch {
                op: "reshape_view",
                lhs: self.shape().to_vec(),
                rhs: shape,
                hint: "; these strides cannot be viewed with that shape without a copy; use reshape() or contiguous() first".into(),
            }),
        }
    }

    /// All axes reversed (NumPy's `a.T`). A view.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 3, 4], DType::U8, &Device::Cpu).unwrap();
    /// assert_eq!(a.transpose().shape(), &[4, 3, 2]);
    /// ```
    pub fn transpose(&self) -> Array {
        let axes: Vec<usize> = (0..self.ndim()).rev().collect();
        self.with_layout(self.layout().permuted(&axes).expect("a reversal is a valid permutation"))
    }

    /// Axes reordered: axis `i` of the result is axis `axes[i]` of `self` (Array API
    /// `permute_dims`). A view. Negative axes count from the end.
    ///
    /// **Errors** if `axes` is not a permutation of `0..ndim`.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 3, 4], DType::U8, &Device::Cpu)?;
    /// assert_eq!(a.permute_dims(&[1, -1, 0])?.shape(), &[3, 4, 2]);
    /// assert!(a.permute_dims(&[0, 0, 1]).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn permute_dims(&self, axes: &[isize]) -> Result<Array> {
        let axes = axes.iter().map(|&a| normalize_axis("permute_dims", a, self.ndim())).collect::<Result<Vec<_>>>()?;
        Ok(self.with_layout(self.layout().permuted(&axes)?))
    }

    /// Two axes exchanged. A view.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 3, 4], DType::U8, &Device::Cpu)?;
    /// assert_eq!(a.swapaxes(0, -1)?.shape(), &[4, 3, 2]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn swapaxes(&self, a: isize, b: isize) -> Result<Array> {
        let (a, b) = (normalize_axis("swapaxes", a, self.ndim())?, normalize_axis("swapaxes", b, self.ndim())?);
        let mut axes: Vec<isize> = (0..self.ndim() as isize).collect();
        axes.swap(a, b);
        self.permute_dims(&axes)
    }

    /// Basic indexing: integers, ranges with steps (negative too), new axes and an ellipsis,
    /// as in NumPy's `a[1, ::-2, None, ...]`. A view.
    ///
    /// **Errors** for out-of-bounds integers, a zero step, too many indices or two ellipses.
    ///
    /// ```
    /// use devarray::{Array, AxisSlice, DType, Device};
    /// let a = Array::arange(0.0, 10.0, 1.0, DType::F64, &Device::Cpu)?;
    /// let odd = a.slice(&[AxisSlice::range(1, None, 2)])?;
    /// assert_eq!(odd.to_vec::<f64>()?, vec![1.0, 3.0, 5.0, 7.0, 9.0]);
    /// assert!(a.slice(&[AxisSlice::Index(10)]).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn slice(&self, index: &[AxisSlice]) -> Result<Array> {
        Ok(self.with_layout(self.layout().sliced(index)?))
    }

    /// The view broadcast to `shape` (NumPy rules). The result is read-only, like NumPy's
    /// `broadcast_to`: writing through it would write one element several times. Views taken
    /// from it (slices of a broadcast row, say) stay read-only.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let row = Array::from_slice(&[1i32, 2, 3], &[3], &Device::Cpu)?;
    /// let grid = row.broadcast_to(&[2, 3])?;
    /// assert_eq!(grid.strides(), &[0, 1]);
    /// assert_eq!(grid.to_vec::<i32>()?, vec![1, 2, 3, 1, 2, 3]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Array> {
        // A view of 2^64 elements would report a wrapped size, and one whose bytes exceed
        // isize::MAX could not be indexed by pointer offsets: both are refused, as NumPy does.
        checked_numel("broadcast_to", shape, self.dtype().itemsize())?;
        Ok(self.with_layout(self.layout().broadcast_to(shape)?).into_read_only())
    }

    /// A new axis of length 1 at `axis` (negative counts from the end of the result).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[3, 4], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.expand_dims(-1)?.shape(), &[3, 4, 1]);
    /// assert_eq!(a.expand_dims(0)?.shape(), &[1, 3, 4]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn expand_dims(&self, axis: isize) -> Result<Array> {
        Ok(self.with_layout(self.layout().expand_dims(axis)?))
    }

    /// Removes length-1 axes: the listed ones (an error if any is longer), or all when `None`.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[1, 3, 1], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.squeeze(None)?.shape(), &[3]);
    /// assert_eq!(a.squeeze(Some(&[0]))?.shape(), &[3, 1]);
    /// assert!(a.squeeze(Some(&[1])).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn squeeze(&self, axes: Option<&[isize]>) -> Result<Array> {
        Ok(self.with_layout(self.layout().squeeze(axes)?))
    }

    /// The elements reversed along the given axes (all when `None`). A view with negative
    /// strides.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1u8, 2, 3], &[3], &Device::Cpu)?;
    /// assert_eq!(a.flip(None)?.to_vec::<u8>()?, vec![3, 2, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn flip(&self, axes: Option<&[isize]>) -> Result<Array> {
        let axes = crate::layout::normalize_axes("flip", axes, self.ndim())?;
        let layout = axes.iter().fold(self.layout().clone(), |l, &a| l.flipped(a));
        Ok(self.with_layout(layout))
    }

    /// A contiguous array with the same elements: `self` (shared) when already contiguous,
    /// otherwise a copy on the same device.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 3], DType::F32, &Device::Cpu)?;
    /// assert!(a.transpose().contiguous()?.is_contiguous());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn contiguous(&self) -> Result<Array> {
        if self.is_contiguous() {
            return Ok(self.clone());
        }
        self.copy()
    }

    /// A new contiguous, writable array with the same elements, on the same device.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[3], DType::F32, &Device::Cpu)?.broadcast_to(&[2, 3])?;
    /// let c = a.copy()?;
    /// assert!(c.is_contiguous() && !c.is_read_only());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn copy(&self) -> Result<Array> {
        let out = Array::empty(self.shape(), self.dtype(), &self.device())?;
        self.storage().copy_to(self.layout(), (out.storage(), out.layout()), self.dtype().itemsize())?;
        Ok(out)
    }

    /// Copies the elements of `src` (broadcast to this view's shape; same dtype and device)
    /// into this view, like NumPy's `a[...] = src`. Overlapping source and destination are
    /// handled as if the source were copied first.
    ///
    /// **Errors** if this view is read-only, or dtypes, devices or shapes disagree.
    ///
    /// ```
    /// use devarray::{Array, AxisSlice, DType, Device};
    /// let a = Array::zeros(&[2, 3], DType::I32, &Device::Cpu)?;
    /// let row = Array::from_slice(&[7i32, 8, 9], &[3], &Device::Cpu)?;
    /// a.slice(&[AxisSlice::Index(1)])?.assign(&row)?;
    /// assert_eq!(a.to_vec::<i32>()?, vec![0, 0, 0, 7, 8, 9]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn assign(&self, src: &Array) -> Result<()> {
        self.check_writable("assign")?;
        self.check_same_device("assign", src)?;
        if src.dtype() != self.dtype() {
            return Err(Error::DTypeMismatch { op: "assign", expected: self.dtype(), actual: src.dtype() });
        }
        let src = src.broadcast_to(self.shape())?;
        src.storage().copy_to(src.layout(), (self.storage(), self.layout()), self.dtype().itemsize())
    }
}

impl Array {
    /// The diagonal of the matrices in axes `axis1` and `axis2`, as a view: those two axes are
    /// removed and one axis of the diagonal's length is appended (NumPy's `diagonal`; the Array
    /// API's `linalg.diagonal` is `diagonal(offset, -2, -1)`). `offset > 0` is above the main
    /// diagonal, `offset < 0` below; an offset past the edge gives an empty diagonal.
    ///
    /// **Errors:** [`Error::AxisOutOfRange`], and [`Error::InvalidArgument`] when the two axes
    /// are the same.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let m = Array::arange(0.0, 9.0, 1.0, DType::F32, &Device::Cpu)?.reshape(&[3, 3])?;
    /// assert_eq!(m.diagonal(0, -2, -1)?.to_vec::<f32>()?, vec![0.0, 4.0, 8.0]);
    /// assert_eq!(m.diagonal(1, -2, -1)?.to_vec::<f32>()?, vec![1.0, 5.0]);
    /// assert_eq!(m.diagonal(-2, -2, -1)?.to_vec::<f32>()?, vec![6.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn diagonal(&self, offset: isize, axis1: isize, axis2: isize) -> Result<Array> {
        const OP: &str = "diagonal";
        let (a1, a2) = (normalize_axis(OP, axis1, self.ndim())?, normalize_axis(OP, axis2, self.ndim())?);
        if a1 == a2 {
            return Err(Error::invalid(OP, format!("axis1 and axis2 are the same axis ({a1})")));
        }
        let l = self.layout();
        let (n1, n2) = (l.shape()[a1] as isize, l.shape()[a2] as isize);
        let (s1, s2) = (l.strides()[a1], l.strides()[a2]);
        // Row `r0`, column `c0` of the first diagonal element; length clipped at both edges.
        let (r0, c0) = if offset >= 0 { (0, offset) } else { (offset.saturating_neg(), 0) };
        let len = (n1 - r0).min(n2 - c0).max(0);
        let start = if len > 0 { l.offset() as isize + r0 * s1 + c0 * s2 } else { l.offset() as isize };
        let keep = (0..self.ndim()).filter(|&d| d != a1 && d != a2);
        let shape: Vec<usize> = keep.clone().map(|d| l.shape()[d]).chain([len as usize]).collect();
        let strides: Vec<isize> = keep.map(|d| l.strides()[d]).chain([s1 + s2]).collect();
        Ok(self.with_layout(Layout::from_parts(shape, strides, start as usize)))
    }

    /// The sum along the diagonal of the last two axes (`offset` as in [`Array::diagonal`]),
    /// in `sum`'s result dtype: the Array API's `linalg.trace`, NumPy's `trace` over the last
    /// two axes.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let m = Array::arange(0.0, 9.0, 1.0, DType::I32, &Device::Cpu)?.reshape(&[3, 3])?;
    /// assert_eq!(m.trace(0)?.to_vec::<i64>()?, vec![12]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn trace(&self, offset: isize) -> Result<Array> {
        if self.ndim() < 2 {
            return Err(Error::invalid("trace", format!("needs at least 2 dimensions, got {}", self.ndim())));
        }
        self.diagonal(offset, -2, -1)?.sum(Some(&[-1]), false)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for isize {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
}

/// An axis length that [`Array::reshape`] takes: `usize`, or a signed integer (`isize`, `i32`,
/// `i64`) where `-1` means "whatever length makes the element counts agree". Sealed.
///
/// ```
/// use devarray::{Array, DType, Device};
/// let a = Array::zeros(&[2, 6], DType::U8, &Device::Cpu)?;
/// let n: i64 = 3;
/// assert_eq!(a.reshape(&[n, -1])?.shape(), &[3, 4]);
/// # Ok::<(), devarray::Error>(())
/// ```
pub trait ShapeDim: sealed::Sealed + Copy {
    /// The length as a signed value (a `usize` above `i128::MAX` cannot occur).
    fn to_i128(self) -> i128;
}

macro_rules! impl_shape_dim {
    ($($t:ty),*) => {$(
        impl ShapeDim for $t {
            fn to_i128(self) -> i128 {
                self as i128
            }
        }
    )*};
}
impl_shape_dim!(usize, isize, i32, i64);

/// `shape` with its `-1` (at most one) replaced by the length that gives `from`'s element
/// count.
fn resolve_shape<D: ShapeDim>(op: &'static str, shape: &[D], from: &[usize]) -> Result<Vec<usize>> {
    let mut unknown: Option<usize> = None;
    let mut dims = Vec::with_capacity(shape.len());
    for (axis, d) in shape.iter().map(|d| d.to_i128()).enumerate() {
        if d == -1 {
            if let Some(first) = unknown {
                return Err(Error::invalid(
                    op,
                    format!("only one length can be -1 (inferred); axes {first} and {axis} both are"),
                ));
            }
            unknown = Some(axis);
            dims.push(1);
        } else {
            let len = usize::try_from(d).map_err(|_| {
                Error::invalid(
                    op,
                    format!("axis {axis} has length {d}; lengths are >= 0, or -1 for one inferred length"),
                )
            })?;
            dims.push(len);
        }
    }
    let Some(axis) = unknown else { return Ok(dims) };
    let known = checked_numel(op, &dims, 1)?;
    let numel: usize = from.iter().product();
    if known == 0 {
        return Err(Error::invalid(
            op,
            format!("the -1 at axis {axis} is ambiguous next to a zero length (shape {dims:?} with 1 at the -1)"),
        ));
    }
    if numel % known != 0 {
        return Err(Error::ShapeMismatch {
            op,
            lhs: from.to_vec(),
            rhs: dims,
            hint: format!(
                "; {numel} elements do not divide into rows of {known} (the -1 at axis {axis} is shown as 1)"
            ),
        });
    }
    dims[axis] = numel / known;
    Ok(dims)
}
