//! Dtype conversion: [`Array::astype`].

use crate::dtype::DType;
use crate::error::Result;
use crate::Array;

impl Array {
    /// A new contiguous array with the elements converted to `dtype` (always a copy, like
    /// NumPy's `astype` with the default `copy=True`).
    ///
    /// Every dtype converts to every dtype, with NumPy's casting results:
    /// - integers wrap to narrower integers (`300 → uint8` is 44);
    /// - floats to integers truncate toward zero, **saturating** at the integer range, and NaN
    ///   becomes 0 (NumPy leaves out-of-range and NaN casts undefined; the CUDA kernels and
    ///   [`Scalar::to_element`](crate::Scalar::to_element) follow the same rule);
    /// - anything to `bool` is `x != 0` (NaN is `true`); `bool` to anything is 0 or 1;
    /// - conversions to floats round to nearest-even: once for `float64 → float16` (as NumPy),
    ///   and through `float32` for `float64` and integers → `bfloat16` (as `ml_dtypes` does; this
    ///   can round twice in rare halfway cases).
    ///
    /// **Errors** only if the device cannot allocate the result.
    ///
    /// ```
    /// use devarray::{Array, DType, Device};
    /// let x = Array::from_slice(&[-1.5f64, 300.0, f64::NAN], &[3], &Device::Cpu)?;
    /// assert_eq!(x.astype(DType::U8)?.to_vec::<u8>()?, vec![0, 255, 0]);
    /// assert_eq!(x.astype(DType::I32)?.to_vec::<i32>()?, vec![-1, 300, 0]);
    /// assert_eq!(x.astype(DType::Bool)?.to_vec::<bool>()?, vec![true, true, true]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn astype(&self, dtype: DType) -> Result<Array> {
        if dtype == self.dtype() {
            return self.copy();
        }
        let out = Array::empty(self.shape(), dtype, &self.device())?;
        if out.numel() > 0 {
            out.storage().cast(out.layout(), self.dtype(), dtype, (self.storage(), self.layout()))?;
        }
        Ok(out)
    }

    /// `self` (shared) when it already has `dtype`, else [`Array::astype`]: for op inputs.
    pub(crate) fn cast_to(&self, dtype: DType) -> Result<Array> {
        if dtype == self.dtype() {
            Ok(self.clone())
        } else {
            self.astype(dtype)
        }
    }
}
