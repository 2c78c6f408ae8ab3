//! The parts of complex arrays as views: [`Array::real`] and [`Array::imag`] reinterpret a
//! `complex64`/`complex128` buffer as its `float32`/`float64` components, without copying.

use super::Array;
use crate::dtype::DType;
use crate::error::Result;
use crate::layout::Layout;

impl Array {
    /// The real part: for a complex array, a view of the real components (`float32` for
    /// `complex64`, `float64` for `complex128`) that shares memory, so writing to it writes the
    /// array; for a real array, the array itself (a view of all of it).
    ///
    /// **For NumPy users:** `x.real`. Like NumPy, the view of a complex array is writable when
    /// the array is.
    ///
    /// ```
    /// use devarray::num_complex::Complex64;
    /// use devarray::{Array, DType, Device};
    /// let z = Array::from_slice(&[Complex64::new(1.0, 2.0), Complex64::new(-3.0, 0.5)], &[2], &Device::Cpu)?;
    /// assert_eq!(z.real().dtype(), DType::F64);
    /// assert_eq!(z.real().to_vec::<f64>()?, [1.0, -3.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn real(&self) -> Array {
        self.component(0)
    }

    /// The imaginary part: for a complex array, a view of the imaginary components that
    /// shares memory; for a real array, a new array of zeros of its dtype and shape.
    ///
    /// **For NumPy users:** `x.imag` (NumPy's zeros for a real array are read-only; devarray's
    /// are a fresh writable array, which writing to cannot change `x`).
    ///
    /// **Errors:** only when a real array's zeros cannot be allocated.
    ///
    /// ```
    /// use devarray::num_complex::Complex32;
    /// use devarray::{Array, Device};
    /// let z = Array::from_slice(&[Complex32::new(1.0, 2.0)], &[1], &Device::Cpu)?;
    /// assert_eq!(z.imag()?.to_vec::<f32>()?, [2.0]);
    /// let x = Array::from_slice(&[1.0f32], &[1], &Device::Cpu)?;
    /// assert_eq!(x.imag()?.to_vec::<f32>()?, [0.0]);
    /// # Ok::<(), devarray::Error>(())
    /// ```
    pub fn imag(&self) -> Result<Array> {
        if self.dtype.is_complex() {
            Ok(self.component(1))
        } else {
            Array::zeros(self.shape(), self.dtype, &self.device())
        }
    }

    /// Component `part` (0: real, 1: imaginary) of a complex array as a view with doubled
    /// strides in units of the component type; a real array itself.
    fn component(&self, part: usize) -> Array {
        if !self.dtype.is_complex() {
            return self.clone();
        }
        let component: DType = self.dtype.real_dtype();
        let strides: Vec<isize> = self.layout.strides().iter().map(|&s| 2 * s).collect();
        let layout = Layout::from_parts(self.layout.shape().to_vec(), strides, 2 * self.layout.offset() + part);
        Array::from_storage(self.storage.clone(), layout, component, self.read_only)
    }
}

#[cfg(test)]
mod tests {
    use crate::num_complex::Complex64;
    use crate::{Array, AxisSlice, DType, Device};

    #[test]
    fn parts_are_views_of_strided_and_offset_arrays() -> crate::Result<()> {
        let data: Vec<Complex64> = (0..6).map(|i| Complex64::new(i as f64, -(i as f64) - 0.5)).collect();
        let z = Array::from_slice(&data, &[2, 3], &Device::Cpu)?;
        // A reversed, sliced, transposed view: offsets and negative strides carry over.
        let v = z.slice(&[AxisSlice::FULL, AxisSlice::range(None, None, -2)])?.transpose();
        assert_eq!(v.real().to_vec::<f64>()?, [2.0, 5.0, 0.0, 3.0]);
        assert_eq!(v.imag()?.to_vec::<f64>()?, [-2.5, -5.5, -0.5, -3.5]);
        // Writing through the view writes the complex array.
        z.imag()?.assign(&Array::zeros(&[2, 3], DType::F64, &Device::Cpu)?)?;
        assert_eq!(z.to_vec::<Complex64>()?[4], Complex64::new(4.0, 0.0));
        Ok(())
    }
}
