//! Explicit transfers: host → device, device → host, device → device. These are the only ways
//! elements cross between the host and a device.

use super::Array;
use crate::dtype::{Element, Scalar};
use crate::error::{Error, Result};
use crate::layout::checked_numel;
use crate::Device;

impl Array {
    /// Copies host values into a new array of `shape` on `device` (host → device).
    ///
    /// **Errors** if `data.len()` is not the product of `shape`.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1u16, 2, 3, 4], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(a.dtype(), devarray::DType::U16);
    /// assert!(Array::from_slice(&[1u16, 2, 3], &[2, 2], &Device::Cpu).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn from_slice<T: Element>(data: &[T], shape: &[usize], device: &Device) -> Result<Array> {
        let n = checked_numel("from_slice", shape, T::DTYPE.itemsize())?;
        if n != data.len() {
            return Err(Error::ShapeMismatch {
                op: "from_slice",
                lhs: vec![data.len()],
                rhs: shape.to_vec(),
                hint: format!("; {} values cannot fill {n} elements", data.len()),
            });
        }
        let a = Array::empty(shape, T::DTYPE, device)?;
        a.write_contiguous(data)?;
        Ok(a)
    }

    /// Copies an `ndarray` (any layout) into a new contiguous array on `device`.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let h = ndarray::arr2(&[[1.0f64, 2.0], [3.0, 4.0]]);
    /// let a = Array::from_ndarray(&h.t(), &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<f64>()?, vec![1.0, 3.0, 2.0, 4.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn from_ndarray<T, S, D>(data: &ndarray::ArrayBase<S, D>, device: &Device) -> Result<Array>
    where
        T: Element,
        S: ndarray::Data<Elem = T>,
        D: ndarray::Dimension,
    {
        let shape = data.shape().to_vec();
        match data.as_slice() {
            Some(s) => Array::from_slice(s, &shape, device),
            None => {
                let v: Vec<T> = data.iter().copied().collect();
                Array::from_slice(&v, &shape, device)
            }
        }
    }

    /// Writes contiguous host values into this (fresh, contiguous) array.
    fn write_contiguous<T: Element>(&self, data: &[T]) -> Result<()> {
        // SAFETY: every Element type is `bool` (one byte, 0 or 1) or a `bytemuck::Pod` type: plain
        // bytes without padding, which is also the device layout; the length is the slice's.
        let bytes = unsafe { std::slice::from_raw_parts(data.as_ptr() as *const u8, std::mem::size_of_val(data)) };
        self.storage().upload(self.layout().offset() * self.dtype().itemsize(), bytes)
    }

    /// Copies this array into `out`, in row-major order (device → host).
    ///
    /// **Errors** if `T` is not the array's element type or `out` has the wrong length.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1i32, 2, 3, 4], &[2, 2], &Device::Cpu)?;
    /// let mut host = [0i32; 4];
    /// a.transpose().copy_to_host(&mut host)?;
    /// assert_eq!(host, [1, 3, 2, 4]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn copy_to_host<T: Element>(&self, out: &mut [T]) -> Result<()> {
        self.read_into("copy_to_host", out)
    }

    /// [`Array::copy_to_host`] for the public reader `op`, which names itself in errors (the
    /// user called `item`, not `copy_to_host`).
    fn read_into<T: Element>(&self, op: &'static str, out: &mut [T]) -> Result<()> {
        self.check_element::<T>(op)?;
        if out.len() != self.numel() {
            return Err(Error::HostLength { op, expected: self.numel(), actual: out.len() });
        }
        if self.numel() == 0 {
            return Ok(());
        }
        let src = self.contiguous()?;
        let mut reprs: Vec<T::Repr> = crate::memory::try_host_vec(bytemuck::Zeroable::zeroed(), out.len())?;
        src.storage().download(src.layout().offset() * src.dtype().itemsize(), bytemuck::cast_slice_mut(&mut reprs))?;
        for (o, r) in out.iter_mut().zip(reprs) {
            *o = T::from_repr(r);
        }
        Ok(())
    }

    /// The elements in row-major order as a `Vec` (device → host).
    ///
    /// **Errors** if `T` is not the array's element type.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<f32>()?, vec![1.0; 3]);
    /// assert!(a.to_vec::<f64>().is_err()); // no implicit conversion: use astype
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        self.read_vec("to_vec")
    }

    /// The elements as a `Vec`, for the public reader `op`.
    fn read_vec<T: Element>(&self, op: &'static str) -> Result<Vec<T>> {
        let mut v = crate::memory::try_host_vec(T::default(), self.numel())?;
        self.read_into(op, &mut v)?;
        Ok(v)
    }

    /// The elements as an `ndarray::ArrayD` with the same shape (device → host).
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1u8, 2, 3, 4, 5, 6], &[2, 3], &Device::Cpu)?;
    /// let h = a.to_ndarray::<u8>()?;
    /// assert_eq!(h, ndarray::arr2(&[[1u8, 2, 3], [4, 5, 6]]).into_dyn());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn to_ndarray<T: Element>(&self) -> Result<ndarray::ArrayD<T>> {
        let v = self.read_vec::<T>("to_ndarray")?;
        ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(self.shape()), v)
            .map_err(|e| Error::invalid("to_ndarray", e.to_string()))
    }

    /// The single element of a size-1 array (any number of dimensions), as `T` (device → host).
    ///
    /// **Errors** if the array does not have exactly one element or `T` is not its type.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::full(&[1, 1], 4, DType::I64, &Device::Cpu)?;
    /// assert_eq!(a.item::<i64>()?, 4);
    /// assert!(Array::zeros(&[2], DType::I64, &Device::Cpu)?.item::<i64>().is_err());
    /// let wrong = Array::ones(&[], DType::F32, &Device::Cpu)?.item::<f64>().unwrap_err();
    /// assert!(wrong.to_string().starts_with("item: array has dtype float32"), "{wrong}");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn item<T: Element>(&self) -> Result<T> {
        if self.numel() != 1 {
            return Err(Error::invalid(
                "item",
                format!(
                    "only arrays with exactly one element can be read as a scalar; this one has shape {:?}",
                    self.shape()
                ),
            ));
        }
        Ok(self.read_vec::<T>("item")?[0])
    }

    /// The single element of a size-1 array as a [`Scalar`], whatever the dtype.
    ///
    /// ```
    /// use devarray::{Array, DType, Device, Scalar};
    /// let a = Array::full(&[], 2.5, DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.item_scalar()?, Scalar::Float(2.5));
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn item_scalar(&self) -> Result<Scalar> {
        crate::dispatch_dtype!(self.dtype(), T => self.item::<T>().map(Element::to_scalar))
    }

    /// A copy of this array on `device` (device → device, or via the host between a CUDA
    /// device and the CPU). Returns a shared view when `device` is already this array's.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[2], DType::F32, &Device::Cpu)?;
    /// let b = a.to_device(&Device::Cpu)?;
    /// assert_eq!(b.device(), Device::Cpu);
    /// assert!(a.to_device(&Device::Cuda(999)).is_err()); // no such device: an error, not a panic
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn to_device(&self, device: &Device) -> Result<Array> {
        if *device == self.device() {
            return Ok(self.clone());
        }
        device.checked()?;
        let src = self.contiguous()?;
        let mut host = crate::memory::try_host_vec(0u8, src.nbytes())?;
        src.storage().download(src.layout().offset() * src.dtype().itemsize(), &mut host)?;
        let out = Array::empty(self.shape(), self.dtype(), device)?;
        out.storage().upload(0, &host)?;
        Ok(out)
    }

    /// The values as text, like the body of NumPy's `repr` with no summarising (an explicit
    /// device → host copy): `x.display_with(..)` with `threshold` unlimited, as a `String`.
    /// Each dtype prints at its own precision: a `float32` prints the shortest text that reads
    /// back as the same `float32`.
    ///
    /// ```
    /// use devarray::{Array, Device};
    /// let a = Array::from_slice(&[1i32, 2, 3, 4], &[2, 2], &Device::Cpu)?;
    /// assert_eq!(a.format_values()?, "[[1, 2],\n [3, 4]]");
    /// assert_eq!(Array::from_slice(&[0.1f32], &[1], &Device::Cpu)?.format_values()?, "[0.1]");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn format_values(&self) -> Result<String> {
        self.format_values_summarized(usize::MAX, 3)
    }

    /// Like [`Array::format_values`], but arrays with more than `threshold` elements show only
    /// the first and last `edgeitems` entries of each long axis, with `...` between (NumPy's
    /// `threshold` and `edgeitems` print options; NumPy's defaults are 1000 and 3; see
    /// [`Array::display`] for the other options).
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::arange(0.0, 10.0, 1.0, DType::I64, &Device::Cpu)?;
    /// assert_eq!(a.format_values_summarized(5, 2)?, "[0, 1, ..., 8, 9]");
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn format_values_summarized(&self, threshold: usize, edgeitems: usize) -> Result<String> {
        let options = crate::PrintOptions { threshold, edgeitems, ..Default::default() };
        Ok(self.display_with(&options)?.to_string())
    }

    fn check_element<T: Element>(&self, op: &'static str) -> Result<()> {
        if T::DTYPE == self.dtype() {
            Ok(())
        } else {
            Err(Error::DTypeMismatch { op, expected: T::DTYPE, actual: self.dtype() })
        }
    }
}
