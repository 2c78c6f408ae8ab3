//! Creating arrays on a device: `empty`, `zeros`, `ones`, `full`, `arange`, `linspace`, `eye`
//! and the `*_like` forms.

use super::Array;
use crate::dtype::{DType, Element, Scalar};
use crate::error::{Error, Result};
use crate::layout::{checked_numel, Layout};
use crate::storage::Storage;
use crate::Device;
use std::sync::Arc;

impl Array {
    /// A new contiguous array whose elements are unspecified (but initialised: reading them is
    /// defined, just not meaningful). The fastest creation function.
    ///
    /// **Errors** if the byte size overflows, the device is unavailable, or memory runs out.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::empty(&[1000, 3], DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.numel(), 3000);
    /// assert!(Array::empty(&[usize::MAX, 2], DType::F32, &Device::Cpu).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn empty(shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        let n = checked_numel("empty", shape, dtype.itemsize())?;
        let storage = Storage::alloc(*device, n * dtype.itemsize())?;
        Ok(Array::from_storage(Arc::new(storage), Layout::contiguous(shape), dtype, false))
    }

    /// A new array with every element equal to `value`, converted to `dtype` with NumPy's
    /// casting results.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::full(&[2, 2], 2.5, DType::F16, &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<half::f16>()?, vec![half::f16::from_f32(2.5); 4]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn full(shape: &[usize], value: impl Into<Scalar>, dtype: DType, device: &Device) -> Result<Array> {
        let a = Array::empty(shape, dtype, device)?;
        a.storage().fill(a.layout(), dtype, value.into())?;
        Ok(a)
    }

    /// A new array of zeros.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[3], DType::I64, &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<i64>()?, vec![0, 0, 0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn zeros(shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        Array::full(shape, Scalar::Int(0), dtype, device)
    }

    /// A new array of ones.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[2], DType::Bool, &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<bool>()?, vec![true, true]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn ones(shape: &[usize], dtype: DType, device: &Device) -> Result<Array> {
        Array::full(shape, Scalar::Int(1), dtype, device)
    }

    /// `empty` with this array's shape, dtype and device.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2, 3], DType::U16, &Device::Cpu)?;
    /// assert_eq!(Array::empty_like(&a)?.shape(), &[2, 3]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn empty_like(other: &Array) -> Result<Array> {
        Array::empty(other.shape(), other.dtype(), &other.device())
    }

    /// `zeros` with this array's shape, dtype and device.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::ones(&[2], DType::F32, &Device::Cpu)?;
    /// assert_eq!(Array::zeros_like(&a)?.to_vec::<f32>()?, vec![0.0, 0.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn zeros_like(other: &Array) -> Result<Array> {
        Array::zeros(other.shape(), other.dtype(), &other.device())
    }

    /// `ones` with this array's shape, dtype and device.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2], DType::I8, &Device::Cpu)?;
    /// assert_eq!(Array::ones_like(&a)?.to_vec::<i8>()?, vec![1, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn ones_like(other: &Array) -> Result<Array> {
        Array::ones(other.shape(), other.dtype(), &other.device())
    }

    /// `full` with this array's shape, dtype and device.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::zeros(&[2], DType::U8, &Device::Cpu)?;
    /// assert_eq!(Array::full_like(&a, 7)?.to_vec::<u8>()?, vec![7, 7]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn full_like(other: &Array, value: impl Into<Scalar>) -> Result<Array> {
        Array::full(other.shape(), value, other.dtype(), &other.device())
    }

    /// Evenly spaced values `start, start + step, …` below `stop` (NumPy's `arange`): the
    /// length is `ceil((stop - start) / step)`, element `i` is `start + i * step` computed in
    /// `f64` and converted to `dtype`.
    ///
    /// The values are generated on the host and copied to the device once.
    ///
    /// **Errors** if `step` is zero or any bound is not finite; [`Error::SizeOverflow`] or
    /// [`Error::OutOfMemory`] for more values than memory holds.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::arange(0.0, 1.0, 0.25, DType::F32, &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<f32>()?, vec![0.0, 0.25, 0.5, 0.75]);
    /// assert_eq!(Array::arange(5.0, 0.0, -2.0, DType::I32, &Device::Cpu)?.to_vec::<i32>()?, vec![5, 3, 1]);
    /// assert!(Array::arange(0.0, 1.0, 0.0, DType::F32, &Device::Cpu).is_err());
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn arange(start: f64, stop: f64, step: f64, dtype: DType, device: &Device) -> Result<Array> {
        if step == 0.0 || !(start.is_finite() && stop.is_finite() && step.is_finite()) {
            return Err(Error::invalid(
                "arange",
                format!("need finite start/stop and a non-zero finite step, got ({start}, {stop}, {step})"),
            ));
        }
        let len = ((stop - start) / step).ceil().max(0.0);
        if len >= isize::MAX as f64 {
            return Err(Error::SizeOverflow { op: "arange", shape: vec![usize::MAX], itemsize: dtype.itemsize() });
        }
        let len = len as usize;
        from_host_fn(len, dtype, device, |i| start + i as f64 * step)
    }

    /// `num` evenly spaced values over `[start, stop]` (or `[start, stop)` when `endpoint` is
    /// false), computed in `f64` like NumPy (`start + i * step`, with the last value exactly
    /// `stop` when `endpoint` is true).
    ///
    /// **Errors:** [`Error::SizeOverflow`] or [`Error::OutOfMemory`] for more values than
    /// memory holds.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let a = Array::linspace(0.0, 1.0, 5, true, DType::F64, &Device::Cpu)?;
    /// assert_eq!(a.to_vec::<f64>()?, vec![0.0, 0.25, 0.5, 0.75, 1.0]);
    /// let b = Array::linspace(0.0, 1.0, 4, false, DType::F64, &Device::Cpu)?;
    /// assert_eq!(b.to_vec::<f64>()?, vec![0.0, 0.25, 0.5, 0.75]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn linspace(start: f64, stop: f64, num: usize, endpoint: bool, dtype: DType, device: &Device) -> Result<Array> {
        let div = if endpoint { num.saturating_sub(1) } else { num } as f64;
        let step = if div > 0.0 { (stop - start) / div } else { f64::NAN };
        from_host_fn(num, dtype, device, |i| {
            if endpoint && num > 1 && i == num - 1 {
                stop
            } else if div > 0.0 {
                start + i as f64 * step
            } else {
                start
            }
        })
    }

    /// A 2-D array with ones on diagonal `k` (0 main, > 0 above, < 0 below) and zeros
    /// elsewhere. Built on the device: zeros, then a strided fill of the diagonal view.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let e = Array::eye(2, 3, 1, DType::I32, &Device::Cpu)?;
    /// assert_eq!(e.to_vec::<i32>()?, vec![0, 1, 0, 0, 0, 1]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn eye(rows: usize, cols: usize, k: isize, dtype: DType, device: &Device) -> Result<Array> {
        let a = Array::zeros(&[rows, cols], dtype, device)?;
        let (r0, c0) = if k >= 0 { (0, k.unsigned_abs()) } else { (k.unsigned_abs(), 0) };
        if r0 < rows && c0 < cols {
            let len = (rows - r0).min(cols - c0);
            let diag = Layout::from_parts(vec![len], vec![cols as isize + 1], r0 * cols + c0);
            a.storage().fill(&diag, dtype, Scalar::Int(1))?;
        }
        Ok(a)
    }
}

/// A 1-D array of `len` values `f(i)` (converted from `f64` to `dtype`), built on the host and
/// copied to `device`.
fn from_host_fn(len: usize, dtype: DType, device: &Device, f: impl Fn(usize) -> f64) -> Result<Array> {
    checked_numel("arange", &[len], dtype.itemsize())?;
    crate::dispatch_dtype!(dtype, T => {
        let mut values: Vec<T> = crate::memory::try_host_vec(T::default(), len)?;
        for (i, v) in values.iter_mut().enumerate() {
            *v = <T as Element>::from_scalar(Scalar::Float(f(i)));
        }
        Array::from_slice(&values, &[len], device)
    })
}
