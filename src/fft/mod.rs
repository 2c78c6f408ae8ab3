//! The Array API `fft` extension: discrete Fourier transforms and their helpers.
//!
//! | transform | input | output |
//! |---|---|---|
//! | [`fft`], [`ifft`], [`fftn`], [`ifftn`] | any numeric | complex |
//! | [`rfft`], [`rfftn`], [`ihfft`] | real | complex, `n / 2 + 1` along the (last) axis |
//! | [`irfft`], [`irfftn`], [`hfft`] | complex (Hermitian half) | real, `n` along the (last) axis |
//!
//! and the helpers [`fftfreq`], [`rfftfreq`], [`fftshift`], [`ifftshift`].
//!
//! **Lengths.** `n` (one axis) or `s` (several) is the transform length: the input is cut to
//! it, or padded with zeros. For the complex-to-real transforms it is the length of the *real
//! output*; the input then holds `n / 2 + 1` values along that axis (cut or padded likewise).
//!
//! **Normalisation.** [`Norm`]: `Backward` (the default) divides the inverse transforms by `n`,
//! `Ortho` divides both directions by `sqrt(n)`, `Forward` divides the forward transforms by `n`.
//!
//! **Dtypes.** Precision is kept: float32 and complex64 transform in single precision and
//! give complex64 (or float32 for the real outputs); float64 and complex128 give complex128 (or
//! float64). float16 and bfloat16 compute in complex64; integers and `bool` are promoted to
//! float64 first, as NumPy does.
//!
//! **Devices.** The CPU device uses `rustfft` (mixed radix, Bluestein's algorithm for large
//! primes) and `realfft`, parallel over the batch; a CUDA device uses cuFFT (a machine without
//! libcufft gets [`Error::LibraryUnavailable`] naming what to install), with plans cached per
//! layout, type and stream.
//!
//! **Errors.** [`Error::InvalidArgument`] for `n < 1` (also when `n` defaults to the length of
//! an empty axis), a 0-d input, `s` and `axes` of different lengths, no axes for the real
//! multi-axis transforms; [`Error::AxisOutOfRange`]; [`Error::RepeatedAxis`];
//! [`Error::UnsupportedDType`] for complex input to the real-input transforms.
//!
//! ```
//! use devarray::{fft, Array, Device};
//! let x = Array::from_slice(&[1.0f64, 0.0, -1.0, 0.0], &[4], &Device::Cpu)?;
//! let y = fft::fft(&x, None, -1, fft::Norm::Backward)?;
//! let z: Vec<num_complex::Complex64> = y.to_vec()?;
//! assert_eq!(z[1], num_complex::Complex64::new(2.0, 0.0));
//! # Ok::<(), devarray::Error>(())
//! ```
//!
//! **For NumPy users:** the functions are `numpy.fft`'s, with `axis`/`axes`, `n`/`s` and `norm`
//! as positional arguments (`None` for NumPy's defaults). Unlike NumPy, repeated axes in `axes`
//! are refused, and single precision stays single precision (as in NumPy 2 and the Array API).

mod helpers;
mod transform;

pub use helpers::{fftfreq, fftshift, ifftshift, rfftfreq};

use crate::dtype::DType;
use crate::error::{Error, Result};
use crate::layout::normalize_axes_in_order;
use crate::Array;
use transform::along;
pub(crate) use transform::FftSpec;
pub(crate) use transform::Kind;

/// The normalisation mode of a transform (the Array API's and NumPy's `norm`).
///
/// ```
/// use devarray::fft::Norm;
/// assert_eq!("ortho".parse::<Norm>()?, Norm::Ortho);
/// assert_eq!(Norm::default(), Norm::Backward);
/// assert!("both".parse::<Norm>().is_err());
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `norm=None` is `Norm::Backward`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Norm {
    /// No scaling forward, `1/n` on the inverse.
    #[default]
    Backward,
    /// `1/sqrt(n)` both ways: the transforms are unitary.
    Ortho,
    /// `1/n` forward, no scaling on the inverse.
    Forward,
}

impl Norm {
    /// The factor a transform of length `n` in direction `inverse` multiplies by.
    fn scale(self, n: usize, inverse: bool) -> f64 {
        match (self, inverse) {
            (Norm::Backward, false) | (Norm::Forward, true) => 1.0,
            (Norm::Ortho, _) => 1.0 / (n as f64).sqrt(),
            _ => 1.0 / n as f64,
        }
    }

    /// The mode with the directions exchanged (`hfft` is an inverse real transform, scaled
    /// as a forward one).
    fn swapped(self) -> Norm {
        match self {
            Norm::Backward => Norm::Forward,
            Norm::Forward => Norm::Backward,
            Norm::Ortho => Norm::Ortho,
        }
    }
}

impl std::str::FromStr for Norm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Norm> {
        match s {
            "backward" => Ok(Norm::Backward),
            "ortho" => Ok(Norm::Ortho),
            "forward" => Ok(Norm::Forward),
            other => Err(Error::invalid(
                "fft",
                format!("norm {other:?} is not one of \"backward\", \"ortho\" or \"forward\""),
            )),
        }
    }
}

/// The complex dtype a transform of `d` gives, and the dtype its input is read in: complex
/// stays, float32/16-bit floats read as float32, everything else as float64.
fn complex_compute(d: DType) -> (DType, DType) {
    match d {
        DType::C64 | DType::C128 => (d, d),
        DType::F32 | DType::F16 | DType::BF16 => (DType::C64, DType::F32),
        _ => (DType::C128, DType::F64),
    }
}

/// The real dtype a real-input transform reads `d` in; complex input is refused.
fn real_compute(op: &'static str, d: DType) -> Result<DType> {
    match d {
        DType::C64 | DType::C128 => Err(Error::UnsupportedDType {
            op,
            dtype: d,
            hint: "; this transform takes real input (use fft for complex input, or take the real part first)".into(),
        }),
        DType::F32 | DType::F16 | DType::BF16 => Ok(DType::F32),
        _ => Ok(DType::F64),
    }
}

/// Refuses 0-d input (there is no axis to transform).
fn check_ndim(op: &'static str, x: &Array) -> Result<()> {
    if x.ndim() == 0 {
        return Err(Error::invalid(op, "the input is 0-d; a transform needs at least one axis (reshape it to (1,))"));
    }
    Ok(())
}

/// A transform length: `n` as given, else `default`; lengths below 1 are refused.
fn length(op: &'static str, n: Option<usize>, default: usize) -> Result<usize> {
    match n.unwrap_or(default) {
        0 => Err(Error::invalid(
            op,
            match n {
                Some(_) => "invalid number of data points (0): n must be at least 1".to_string(),
                None => "invalid number of data points (0): the axis is empty (or too short for the \
                         default n); pass n >= 1"
                    .to_string(),
            },
        )),
        len => Ok(len),
    }
}

/// One 1-D transform of `x` along `axis`.
fn one_axis(op: &'static str, x: &Array, n: Option<usize>, axis: isize, norm: Norm, kind: Kind) -> Result<Array> {
    check_ndim(op, x)?;
    let ax = crate::layout::normalize_axis(op, axis, x.ndim())?;
    let m = x.shape()[ax];
    match kind {
        Kind::C2C { inverse } => {
            let (_, read) = complex_compute(x.dtype());
            let n = length(op, n, m)?;
            along(&x.cast_to(read)?, ax, kind, n, norm.scale(n, inverse), false)
        }
        Kind::R2C => {
            let read = real_compute(op, x.dtype())?;
            let n = length(op, n, m)?;
            along(&x.cast_to(read)?, ax, kind, n, norm.scale(n, false), false)
        }
        Kind::C2R => {
            let (_, read) = complex_compute(x.dtype());
            let n = length(op, n, 2 * m.saturating_sub(1))?;
            along(&x.cast_to(read)?, ax, kind, n, norm.scale(n, true), false)
        }
    }
}

/// The one-dimensional discrete Fourier transform along `axis`:
/// `y[k] = sum_j x[j] exp(-2πi jk/n)`, with `n` the axis length unless given (the input is
/// cut or zero-padded to it).
///
/// ```
/// use devarray::{fft, Array, Device};
/// use num_complex::Complex32;
/// let x = Array::from_slice(&[1.0f32, 2.0, 3.0], &[3], &Device::Cpu)?;
/// let y = fft::fft(&x, Some(4), 0, fft::Norm::Backward)?; // padded to 4
/// assert_eq!(y.dtype(), devarray::DType::C64);
/// assert_eq!(y.to_vec::<Complex32>()?[2], Complex32::new(2.0, 0.0));
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.fft(x, n, axis, norm)`; float32 input gives complex64.
pub fn fft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array> {
    one_axis("fft", x, n, axis, norm, Kind::C2C { inverse: false })
}

/// The inverse of [`fft`]: `y[j] = (1/n) sum_k x[k] exp(2πi jk/n)` (with `Norm::Backward`).
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::from_slice(&[1.0f64, 2.0, 3.0, 4.0, 5.0], &[5], &Device::Cpu)?;
/// let back = fft::ifft(&fft::fft(&x, None, -1, fft::Norm::Ortho)?, None, -1, fft::Norm::Ortho)?;
/// let v: Vec<num_complex::Complex64> = back.to_vec()?;
/// assert!((v[4].re - 5.0).abs() < 1e-12 && v[4].im.abs() < 1e-12);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.ifft(x, n, axis, norm)`.
pub fn ifft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array> {
    one_axis("ifft", x, n, axis, norm, Kind::C2C { inverse: true })
}

/// The transform of real input along `axis`, keeping the `n / 2 + 1` non-negative frequencies
/// (the others are their complex conjugates).
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::from_slice(&[1.0f64, 1.0, 1.0, 1.0, 1.0], &[5], &Device::Cpu)?;
/// let y = fft::rfft(&x, None, -1, fft::Norm::Backward)?;
/// assert_eq!(y.shape(), &[3]);
/// assert_eq!(y.to_vec::<num_complex::Complex64>()?[0].re, 5.0);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.rfft(x, n, axis, norm)`; complex input is refused (NumPy
/// discards the imaginary part with a warning).
pub fn rfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array> {
    one_axis("rfft", x, n, axis, norm, Kind::R2C)
}

/// The inverse of [`rfft`]: `n` real values (by default `2 * (m - 1)` for `m` input values
/// along `axis`) from the non-negative half of a Hermitian spectrum. The imaginary parts of
/// the zero frequency (and of `n / 2` for even `n`) are ignored, as NumPy ignores them.
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::from_slice(&[3.0f64, -1.0, 4.0, 1.0, 5.0], &[5], &Device::Cpu)?;
/// let spec = fft::rfft(&x, None, -1, fft::Norm::Backward)?;
/// let back = fft::irfft(&spec, Some(5), -1, fft::Norm::Backward)?.to_vec::<f64>()?;
/// assert!((back[2] - 4.0).abs() < 1e-12);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.irfft(x, n, axis, norm)`; pass `n` for odd lengths, as in NumPy.
pub fn irfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array> {
    one_axis("irfft", x, n, axis, norm, Kind::C2R)
}

/// The transform of a signal with Hermitian symmetry given by its non-negative half: real
/// output of length `n` (by default `2 * (m - 1)`). `hfft(x, n) == irfft(conj(x), n)` with the
/// normalisation directions exchanged.
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::from_slice(&[1.0f64, 2.0, 3.0], &[3], &Device::Cpu)?;
/// let y = fft::hfft(&x, None, -1, fft::Norm::Backward)?.to_vec::<f64>()?;
/// assert_eq!(y, vec![8.0, -2.0, 0.0, -2.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.hfft(x, n, axis, norm)`.
pub fn hfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array> {
    const OP: &str = "hfft";
    check_ndim(OP, x)?;
    let ax = crate::layout::normalize_axis(OP, axis, x.ndim())?;
    let (_, read) = complex_compute(x.dtype());
    let n = length(OP, n, 2 * x.shape()[ax].saturating_sub(1))?;
    along(&x.cast_to(read)?, ax, Kind::C2R, n, norm.swapped().scale(n, true), true)
}

/// The inverse of [`hfft`]: the non-negative half (`n / 2 + 1` values) of the spectrum of a
/// real signal, `conj(rfft(x, n))` with the normalisation directions exchanged.
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::from_slice(&[8.0f64, -2.0, 0.0, -2.0], &[4], &Device::Cpu)?;
/// let y = fft::ihfft(&x, None, -1, fft::Norm::Backward)?.to_vec::<num_complex::Complex64>()?;
/// assert_eq!(y.iter().map(|z| z.re).collect::<Vec<_>>(), vec![1.0, 2.0, 3.0]);
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.ihfft(x, n, axis, norm)`; complex input is refused.
pub fn ihfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Result<Array> {
    const OP: &str = "ihfft";
    check_ndim(OP, x)?;
    let ax = crate::layout::normalize_axis(OP, axis, x.ndim())?;
    let read = real_compute(OP, x.dtype())?;
    let n = length(OP, n, x.shape()[ax])?;
    along(&x.cast_to(read)?, ax, Kind::R2C, n, norm.swapped().scale(n, false), true)
}

/// The axes and lengths of a multi-axis transform: `axes` (default: the last `s.len()` axes
/// when `s` is given, else all), normalised, unique, and one length per axis (`s`, or the
/// axis' extent).
fn plan_axes(
    op: &'static str,
    x: &Array,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
) -> Result<Vec<(usize, Option<usize>)>> {
    check_ndim(op, x)?;
    let nd = x.ndim();
    let axes = match (axes, s) {
        (Some(a), _) => normalize_axes_in_order(op, a, nd)?,
        (None, Some(s)) if s.len() > nd => {
            return Err(Error::invalid(op, format!("s has {} lengths but the input has {nd} axes", s.len())))
        }
        (None, Some(s)) => (nd - s.len()..nd).collect(),
        (None, None) => (0..nd).collect(),
    };
    match s {
        Some(s) if s.len() != axes.len() => Err(Error::invalid(
            op,
            format!("s has {} lengths but {} axes are transformed; give one length per axis", s.len(), axes.len()),
        )),
        Some(s) => Ok(axes.into_iter().zip(s.iter().map(|&n| Some(n))).collect()),
        None => Ok(axes.into_iter().map(|a| (a, None)).collect()),
    }
}

/// The complex transform over several axes (the last listed axis first, as NumPy orders them;
/// the result does not depend on the order).
fn c2c_n(
    op: &'static str,
    x: &Array,
    s: Option<&[usize]>,
    axes: Option<&[isize]>,
    norm: Norm,
    inverse: bool,
) -> Result<Array> {
    let plan = plan_axes(op, x, s, axes)?;
    let (complex, read) = complex_compute(x.dtype());
    let mut y = x.cast_to(read)?;
    if plan.is_empty() {
        return y.cast_to(complex);
    }
    for &(ax, n) in plan.iter().rev() {
        let n = length(op, n, y.shape()[ax])?;
        y = along(&y, ax, Kind::C2C { inverse }, n, norm.scale(n, inverse), false)?;
    }
    Ok(y)
}

/// The N-dimensional discrete Fourier transform over `axes` (default: all, or the last
/// `s.len()` when `s` is given), with lengths `s` (default: the axes' extents).
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::ones(&[2, 3], devarray::DType::F64, &Device::Cpu)?;
/// let y = fft::fftn(&x, None, None, fft::Norm::Backward)?.to_vec::<num_complex::Complex64>()?;
/// assert_eq!(y[0].re, 6.0);
/// assert!(y[1..].iter().all(|z| z.norm() < 1e-12));
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.fftn(x, s, axes, norm)`; `axes=[]` returns the input as complex;
/// repeated axes are refused.
pub fn fftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Result<Array> {
    c2c_n("fftn", x, s, axes, norm, false)
}

/// The inverse of [`fftn`].
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::ones(&[2, 2], devarray::DType::C64, &Device::Cpu)?;
/// let y = fft::ifftn(&fft::fftn(&x, None, None, fft::Norm::Backward)?, None, None, fft::Norm::Backward)?;
/// assert!(y.to_vec::<num_complex::Complex32>()?.iter().all(|z| (z.re - 1.0).abs() < 1e-6));
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.ifftn(x, s, axes, norm)`.
pub fn ifftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Result<Array> {
    c2c_n("ifftn", x, s, axes, norm, true)
}

/// The N-dimensional transform of real input: [`rfft`] over the last of `axes`, then the
/// complex transform over the others.
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::ones(&[4, 6], devarray::DType::F32, &Device::Cpu)?;
/// let y = fft::rfftn(&x, None, None, fft::Norm::Backward)?;
/// assert_eq!((y.shape(), y.dtype()), (&[4, 4][..], devarray::DType::C64));
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.rfftn(x, s, axes, norm)`.
pub fn rfftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Result<Array> {
    const OP: &str = "rfftn";
    let plan = plan_axes(OP, x, s, axes)?;
    let read = real_compute(OP, x.dtype())?;
    let Some(&(last, n_last)) = plan.last() else {
        return Err(Error::invalid(OP, "no axes to transform; rfftn needs at least one"));
    };
    let n = length(OP, n_last, x.shape()[last])?;
    let mut y = along(&x.cast_to(read)?, last, Kind::R2C, n, norm.scale(n, false), false)?;
    for &(ax, n) in plan[..plan.len() - 1].iter().rev() {
        let n = length(OP, n, y.shape()[ax])?;
        y = along(&y, ax, Kind::C2C { inverse: false }, n, norm.scale(n, false), false)?;
    }
    Ok(y)
}

/// The inverse of [`rfftn`]: the complex inverse over all but the last of `axes`, then
/// [`irfft`] over the last, whose output length is `s`'s last entry (default
/// `2 * (m - 1)`).
///
/// ```
/// use devarray::{fft, Array, Device};
/// let x = Array::ones(&[4, 5], devarray::DType::F64, &Device::Cpu)?;
/// let spec = fft::rfftn(&x, None, None, fft::Norm::Backward)?;
/// let back = fft::irfftn(&spec, Some(&[4, 5]), None, fft::Norm::Backward)?;
/// assert!(back.to_vec::<f64>()?.iter().all(|v| (v - 1.0).abs() < 1e-12));
/// # Ok::<(), devarray::Error>(())
/// ```
///
/// **For NumPy users:** `np.fft.irfftn(x, s, axes, norm)`.
pub fn irfftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Result<Array> {
    const OP: &str = "irfftn";
    let plan = plan_axes(OP, x, s, axes)?;
    let (_, read) = complex_compute(x.dtype());
    let Some(&(last, n_last)) = plan.last() else {
        return Err(Error::invalid(OP, "no axes to transform; irfftn needs at least one"));
    };
    let mut y = x.cast_to(read)?;
    for &(ax, n) in plan[..plan.len() - 1].iter().rev() {
        let n = length(OP, n, y.shape()[ax])?;
        y = along(&y, ax, Kind::C2C { inverse: true }, n, norm.scale(n, true), false)?;
    }
    let n = length(OP, n_last, 2 * y.shape()[last].saturating_sub(1))?;
    along(&y, last, Kind::C2R, n, norm.scale(n, true), false)
}
