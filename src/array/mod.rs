//! The [`Array`] type: a dtype, a [`Layout`] and a reference-counted buffer on one device.

mod complex;
mod creation;
mod display;
mod display_float;
mod gather;
mod index;
mod index_device;
mod join;
mod transfer;
mod views;

pub use display::{ArrayDisplay, PrintOptions};
pub use gather::Selection;
pub use index::IndexItem;
pub use views::ShapeDim;

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::storage::Storage;
use crate::Device;
use std::fmt;
use std::sync::Arc;

/// An n-dimensional array whose elements live on a [`Device`].
///
/// Cloning an `Array` is cheap: it makes another view of the same buffer (like assigning a
/// NumPy array to a second name). Views (`reshape`, `transpose`, `slice`, `broadcast_to`, …)
/// share the buffer too; [`Array::copy`] and [`Array::contiguous`] make new buffers.
///
/// There is deliberately no `Deref`, `Index`, `AsRef<[T]>`, `Display` or `From<Array>` for host
/// types: elements reach the host only through the explicit copies [`Array::to_vec`],
/// [`Array::to_ndarray`], [`Array::copy_to_host`] and [`Array::item`].
///
/// ```
/// use devarray::{Array, Device};
/// let dev = Device::default();
/// let a = Array::from_slice(&[1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3], &dev)?;
/// let t = a.transpose();                       // a view, no copy
/// assert_eq!(t.shape(), &[3, 2]);
/// assert_eq!(t.to_vec::<f32>()?, vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]); // explicit copy to host
/// # Ok::<(), devarray::Error>(())
/// ```
#[derive(Clone)]
pub struct Array {
    storage: Arc<Storage>,
    layout: Layout,
    dtype: DType,
    read_only: bool,
}

impl Array {
    /// Wraps a view of `storage` (crate-internal: `layout` must lie inside the buffer).
    #[inline]
    pub(crate) fn from_storage(storage: Arc<Storage>, layout: Layout, dtype: DType, read_only: bool) -> Array {
        debug_assert!(layout.span().is_none_or(|(_, hi)| hi * dtype.itemsize() <= storage.len_bytes()));
        Array { storage, layout, dtype, read_only }
    }

    /// A view of the same buffer with another layout (same dtype). The view is read-only when
    /// `self` is, for whatever reason: its own flag, or repeated elements in `self`'s layout. A
    /// view that drops the zero-stride axes of a broadcast import (`x[1]`, `x[0, 0, 0]`) would
    /// otherwise become writable and write through into memory the producer shares.
    pub(crate) fn with_layout(&self, layout: Layout) -> Array {
        Array { storage: self.storage.clone(), layout, dtype: self.dtype, read_only: self.is_read_only() }
    }

    /// The buffer.
    #[inline]
    pub(crate) fn storage(&self) -> &Arc<Storage> {
        &self.storage
    }

    /// The extent of each axis.
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[2, 5], devarray::DType::I32, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.shape(), &[2, 5]);
    /// ```
    #[inline]
    pub fn shape(&self) -> &[usize] {
        self.layout.shape()
    }

    /// Strides in **elements** per axis (NumPy's `strides` are in bytes: multiply by
    /// [`DType::itemsize`]). Zero for broadcast axes, negative for flipped ones.
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[2, 5], devarray::DType::I32, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.strides(), &[5, 1]);
    /// ```
    #[inline]
    pub fn strides(&self) -> &[isize] {
        self.layout.strides()
    }

    /// The view's layout (shape, strides, offset).
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[3], devarray::DType::U8, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.layout().offset(), 0);
    /// ```
    #[inline]
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Number of axes (0 for a scalar array).
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[], devarray::DType::F64, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.ndim(), 0);
    /// assert_eq!(a.numel(), 1);
    /// ```
    #[inline]
    pub fn ndim(&self) -> usize {
        self.layout.ndim()
    }

    /// Number of elements (NumPy's `size`).
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[4, 0], devarray::DType::F64, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.numel(), 0);
    /// ```
    #[inline]
    pub fn numel(&self) -> usize {
        self.layout.numel()
    }

    /// Bytes the elements of this view occupy (`numel * itemsize`).
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[4], devarray::DType::F16, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.nbytes(), 8);
    /// ```
    pub fn nbytes(&self) -> usize {
        self.numel() * self.dtype.itemsize()
    }

    /// The element type.
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[1], devarray::DType::BF16, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.dtype(), devarray::DType::BF16);
    /// ```
    #[inline]
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The device holding the elements.
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[1], devarray::DType::F32, &devarray::Device::Cpu).unwrap();
    /// assert_eq!(a.device(), devarray::Device::Cpu);
    /// ```
    #[inline]
    pub fn device(&self) -> Device {
        self.storage.device()
    }

    /// True when the view is row-major contiguous.
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[2, 3], devarray::DType::F32, &devarray::Device::Cpu).unwrap();
    /// assert!(a.is_contiguous());
    /// assert!(!a.transpose().is_contiguous());
    /// ```
    pub fn is_contiguous(&self) -> bool {
        self.layout.is_c_contiguous()
    }

    /// True when writes through this array are refused: broadcast views (several indices share
    /// one element), arrays imported from read-only producers, arrays marked with
    /// [`Array::into_read_only`], and every view taken from any of these (slices, reshapes,
    /// transposes…, whatever their strides).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[3], DType::F32, &Device::Cpu).unwrap();
    /// assert!(!a.is_read_only());
    /// assert!(a.broadcast_to(&[2, 3]).unwrap().is_read_only());
    /// ```
    #[inline]
    pub fn is_read_only(&self) -> bool {
        self.read_only || self.layout.has_internal_overlap()
    }

    /// Marks this view read-only (views taken from it later inherit that; views that already
    /// exist are unaffected).
    ///
    /// ```
    /// let a = devarray::Array::zeros(&[3], devarray::DType::F32, &devarray::Device::Cpu).unwrap();
    /// assert!(a.into_read_only().is_read_only());
    /// ```
    pub fn into_read_only(mut self) -> Array {
        self.read_only = true;
        self
    }

    /// `Ok` when this view may be written, else [`Error::ReadOnly`].
    pub(crate) fn check_writable(&self, op: &'static str) -> Result<()> {
        if self.is_read_only() {
            Err(Error::ReadOnly { op })
        } else {
            Ok(())
        }
    }

    /// `Ok` when `other` is on the same device.
    pub(crate) fn check_same_device(&self, op: &'static str, other: &Array) -> Result<()> {
        if self.device() == other.device() {
            Ok(())
        } else {
            Err(Error::DeviceMismatch { op, lhs: self.device(), rhs: other.device() })
        }
    }
}

impl fmt::Debug for Array {
    /// Shape, dtype, device and layout; never the values (reading them would be an implicit
    /// device-to-host copy; use [`Array::to_vec`] or [`Array::display`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Array")
            .field("shape", &self.shape())
            .field("dtype", &format_args!("{}", self.dtype))
            .field("device", &format_args!("{}", self.device()))
            .field("strides", &self.strides())
            .field("offset", &self.layout.offset())
            .field("read_only", &self.is_read_only())
            .finish()
    }
}
