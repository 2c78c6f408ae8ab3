//! The sample-frequency and shift helpers of the `fft` extension.

use crate::device::Device;
use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::normalize_axes_in_order;
use crate::Array;

/// Refuses non-float dtypes and non-positive or non-finite spacings.
fn check_freq(op: &'static str, n: usize, d: f64, dtype: DType) -> Result<()> {
    if !dtype.is_float() || dtype.is_complex() {
        return Err(Error::UnsupportedDType {
            op,
            dtype,
            hint: "; the sample frequencies are real floating-point (float32 or float64)".into(),
        });
    }
    if n == 0 {
        return Err(Error::invalid(op, "n must be at least 1"));
    }
    if d == 0.0 || !d.is_finite() {
        return Err(Error::invalid(op, format!("the sample spacing d = {d} must be finite and non-zero")));
    }
    Ok(())
}

/// Uploads host-computed frequencies (`n` values, computed in float64) in `dtype`.
fn upload(values: &[f64], dtype: DType, device: &Device) -> Result<Array> {
    Array::from_slice(values, &[values.len()], device)?.astype(dtype)
}

/// The sample frequencies of [`fft`](super::fft) output of length `n` with sample spacing
/// `d`: `[0, 1, ..., (n-1)/2, -(n/2), ..., -1] / (d * n)`.
///
/// ```
/// use devarray::{fft, DType, Device};
/// let f = fft::fftfreq(4, 0.5, DType::F64, &Device::Cpu)?.to_vec::<f64>()?;
/// assert_eq!(f, vec![0.0, 0.5, -1.0, -0.5]);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.fftfreq(n, d)`; the dtype (a real float dtype; NumPy's is
/// float64) and the device are explicit. Computed on the host and uploaded (`n` values).
pub fn fftfreq(n: usize, d: f64, dtype: DType, device: &Device) -> Result<Array> {
    check_freq("fftfreq", n, d, dtype)?;
    let scale = 1.0 / (d * n as f64);
    let positive = n.div_ceil(2);
    let mut values = crate::memory::try_host_vec(0.0, n)?;
    for (i, v) in values.iter_mut().enumerate() {
        *v = if i < positive { i as f64 } else { i as f64 - n as f64 } * scale;
    }
    upload(&values, dtype, device)
}

/// The sample frequencies of [`rfft`](super::rfft) output for a signal of length `n` with
/// sample spacing `d`: `[0, 1, ..., n/2] / (d * n)`.
///
/// ```
/// use devarray::{fft, DType, Device};
/// let f = fft::rfftfreq(5, 1.0, DType::F32, &Device::Cpu)?.to_vec::<f32>()?;
/// assert_eq!(f, vec![0.0, 0.2, 0.4]);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.rfftfreq(n, d)`, with the dtype and device explicit.
pub fn rfftfreq(n: usize, d: f64, dtype: DType, device: &Device) -> Result<Array> {
    check_freq("rfftfreq", n, d, dtype)?;
    let scale = 1.0 / (d * n as f64);
    let mut values = crate::memory::try_host_vec(0.0, n / 2 + 1)?;
    for (i, v) in values.iter_mut().enumerate() {
        *v = i as f64 * scale;
    }
    upload(&values, dtype, device)
}

/// Rolls every axis in `axes` (default: all) by `sign * (len / 2)`.
fn shift(op: &'static str, x: &Array, axes: Option<&[isize]>, inverse: bool) -> Result<Array> {
    let axes: Vec<usize> = match axes {
        Some(a) => normalize_axes_in_order(op, a, x.ndim())?,
        None => (0..x.ndim()).collect(),
    };
    if axes.is_empty() {
        return x.copy();
    }
    let shifts: Vec<isize> = axes
        .iter()
        .map(|&a| {
            let half = (x.shape()[a] / 2) as isize;
            // ifftshift undoes fftshift for odd lengths too: shift back by the other half.
            if inverse {
                -half
            } else {
                half
            }
        })
        .collect();
    let axes: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
    x.roll(&shifts, Some(&axes))
}

/// Moves the zero frequency to the centre of `axes` (default: all): each axis of length `m` is
/// rolled by `m / 2`.
///
/// ```
/// use devarray::{fft, DType, Device};
/// let f = fft::fftfreq(5, 1.0, DType::F64, &Device::Cpu)?;
/// let s = fft::fftshift(&f, None)?.to_vec::<f64>()?;
/// assert_eq!(s, vec![-0.4, -0.2, 0.0, 0.2, 0.4]);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.fftshift(x, axes)`; repeated axes are refused.
pub fn fftshift(x: &Array, axes: Option<&[isize]>) -> Result<Array> {
    shift("fftshift", x, axes, false)
}

/// The inverse of [`fftshift`] (they differ for odd lengths): each axis is rolled by
/// `-(m / 2)`.
///
/// ```
/// use devarray::{fft, DType, Device};
/// let f = fft::fftfreq(5, 1.0, DType::F64, &Device::Cpu)?;
/// let back = fft::ifftshift(&fft::fftshift(&f, None)?, None)?;
/// assert_eq!(back.to_vec::<f64>()?, f.to_vec::<f64>()?);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.ifftshift(x, axes)`.
pub fn ifftshift(x: &Array, axes: Option<&[isize]>) -> Result<Array> {
    shift("ifftshift", x, axes, true)
}
