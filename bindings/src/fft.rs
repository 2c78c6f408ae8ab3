//! `devarray.fft`: thin wrappers over the core's `devarray::fft`. The Array API signatures
//! (keyword-only `n`/`s`, `axis`/`axes`, `norm`, `d`, `dtype`, `device`) live in
//! `devarray/fft.py`; these take plain positional arguments, with the transform named by a
//! string.

use crate::args::run_on;
use crate::array::PyNdarray;
use crate::device::extract_device;
use crate::dtype::extract_opt_dtype;
use crate::errors::IntoPyResult;
use devarray::fft::{self, Norm};
use devarray::{Array, DType, Result};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The transform `kind` names.
type One = fn(&Array, Option<usize>, isize, Norm) -> Result<Array>;
type Many = fn(&Array, Option<&[usize]>, Option<&[isize]>, Norm) -> Result<Array>;

fn one(kind: &str) -> PyResult<One> {
    Ok(match kind {
        "fft" => fft::fft,
        "ifft" => fft::ifft,
        "rfft" => fft::rfft,
        "irfft" => fft::irfft,
        "hfft" => fft::hfft,
        "ihfft" => fft::ihfft,
        other => return Err(PyValueError::new_err(format!("unknown transform {other:?}"))),
    })
}

fn many(kind: &str) -> PyResult<Many> {
    Ok(match kind {
        "fftn" => fft::fftn,
        "ifftn" => fft::ifftn,
        "rfftn" => fft::rfftn,
        "irfftn" => fft::irfftn,
        other => return Err(PyValueError::new_err(format!("unknown transform {other:?}"))),
    })
}

fn norm(s: &str) -> PyResult<Norm> {
    s.parse::<Norm>().py_err()
}

/// Work to decide whether to release the GIL: a transform costs about `n log n` per value.
fn work(x: &Array) -> usize {
    x.numel().saturating_mul(16)
}

/// A 1-D transform: `kind` in fft, ifft, rfft, irfft, hfft, ihfft.
#[pyfunction]
#[pyo3(signature = (kind, x, n, axis, norm_))]
fn _fft1(
    py: Python<'_>,
    kind: &str,
    x: PyRef<'_, PyNdarray>,
    n: Option<usize>,
    axis: isize,
    norm_: &str,
) -> PyResult<PyNdarray> {
    let (f, mode, a) = (one(kind)?, norm(norm_)?, &x.inner);
    run_on(py, a.device(), work(a), || f(a, n, axis, mode)).py_err().map(PyNdarray::new)
}

/// A multi-axis transform: `kind` in fftn, ifftn, rfftn, irfftn.
#[pyfunction]
#[pyo3(signature = (kind, x, s, axes, norm_))]
fn _fftn(
    py: Python<'_>,
    kind: &str,
    x: PyRef<'_, PyNdarray>,
    s: Option<Vec<usize>>,
    axes: Option<Vec<isize>>,
    norm_: &str,
) -> PyResult<PyNdarray> {
    let (f, mode, a) = (many(kind)?, norm(norm_)?, &x.inner);
    run_on(py, a.device(), work(a), || f(a, s.as_deref(), axes.as_deref(), mode)).py_err().map(PyNdarray::new)
}

/// `fftfreq` (or `rfftfreq` when `real`), float64 unless `dtype` is given.
#[pyfunction]
#[pyo3(signature = (n, d, dtype, device, real))]
fn _fftfreq(
    n: usize,
    d: f64,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    real: bool,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?.unwrap_or(DType::F64);
    let device = extract_device(device)?;
    let f = if real { fft::rfftfreq } else { fft::fftfreq };
    f(n, d, dtype, &device).py_err().map(PyNdarray::new)
}

/// `fftshift` (or `ifftshift` when `inverse`).
#[pyfunction]
#[pyo3(signature = (x, axes, inverse))]
fn _fftshift(py: Python<'_>, x: PyRef<'_, PyNdarray>, axes: Option<Vec<isize>>, inverse: bool) -> PyResult<PyNdarray> {
    let a = &x.inner;
    let f = if inverse { fft::ifftshift } else { fft::fftshift };
    run_on(py, a.device(), a.numel(), || f(a, axes.as_deref())).py_err().map(PyNdarray::new)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for f in [
        wrap_pyfunction!(_fft1, m)?,
        wrap_pyfunction!(_fftn, m)?,
        wrap_pyfunction!(_fftfreq, m)?,
        wrap_pyfunction!(_fftshift, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
