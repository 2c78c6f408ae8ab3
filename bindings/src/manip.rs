//! Manipulation functions with the Array API's signatures: `roll`, `repeat`, `tile`, `tril`,
//! `triu`, and `_pad` (the core of `devarray.pad`, whose Python wrapper in
//! `python/devarray/_manip.py` turns NumPy's `pad_width` and `constant_values` forms into one
//! pair per axis). Thin wrappers over the core's `Array` methods.
//!
//! `repeat` with an array of counts reads the output length back to the host (8 bytes): an
//! output size, not a transfer of array data, so the transfer guard lets it through at every
//! level (as it does `nonzero`'s count). Nothing else here reads from the device.

use crate::args::{extract_arg, extract_axes, int_arg, ints_arg, Arg};
use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use devarray::{Array, PadMode, Scalar};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// `x` rolled by `shift` along `axis` (flattened and reshaped back when `axis` is None); shifts
/// and axes broadcast, repeated axes add up.
#[pyfunction]
#[pyo3(signature = (x, /, shift, *, axis=None))]
fn roll(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    shift: &Bound<'_, PyAny>,
    axis: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let shifts =
        ints_arg(shift)?.ok_or_else(|| PyTypeError::new_err("roll: shift must be an int or a tuple of ints"))?;
    let shifts = shifts
        .into_iter()
        .map(|s| isize::try_from(s).map_err(|_| PyValueError::new_err("roll: shift out of range")))
        .collect::<PyResult<Vec<_>>>()?;
    let axes = extract_axes(axis)?;
    let a = x.inner.clone();
    py.detach(|| a.roll(&shifts, axes.as_deref())).py_err().map(PyNdarray::new)
}

/// Each element of `x` repeated `repeats` times along `axis` (None: flattened): an int, or an
/// integer array (or sequence) of one count per element.
#[pyfunction]
#[pyo3(signature = (x, repeats, /, *, axis=None))]
fn repeat(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    repeats: &Bound<'_, PyAny>,
    axis: Option<isize>,
) -> PyResult<PyNdarray> {
    let a = x.inner.clone();
    if let Ok(counts) = repeats.cast::<PyNdarray>() {
        let counts = counts.borrow().inner.clone();
        return py.detach(|| a.repeat_each(&counts, axis)).py_err().map(PyNdarray::new);
    }
    if let Some(r) = int_arg(repeats)? {
        let r = usize::try_from(r).map_err(|_| PyValueError::new_err("repeat: repeats may not be negative"))?;
        return py.detach(|| a.repeat(r, axis)).py_err().map(PyNdarray::new);
    }
    let Some(counts) = ints_arg(repeats)? else {
        return Err(PyTypeError::new_err("repeat: repeats must be an int, an integer array or a sequence of ints"));
    };
    // A host sequence of counts: uploaded (host to device), then as an array.
    py.detach(|| {
        let counts = Array::from_slice(&counts, &[counts.len()], &a.device())?;
        a.repeat_each(&counts, axis)
    })
    .py_err()
    .map(PyNdarray::new)
}

/// `x` repeated `repetitions[i]` times along axis `i` (NumPy's rules for unequal lengths).
#[pyfunction]
#[pyo3(signature = (x, repetitions, /))]
fn tile(py: Python<'_>, x: PyRef<'_, PyNdarray>, repetitions: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
    let reps = ints_arg(repetitions)?
        .ok_or_else(|| PyTypeError::new_err("tile: repetitions must be an int or a tuple of ints"))?;
    let reps = reps
        .into_iter()
        .map(|r| usize::try_from(r).map_err(|_| PyValueError::new_err("tile: repetitions may not be negative")))
        .collect::<PyResult<Vec<_>>>()?;
    let a = x.inner.clone();
    py.detach(|| a.tile(&reps)).py_err().map(PyNdarray::new)
}

/// The lower triangle (`j - i <= k`) of the matrices in the last two axes; zeros elsewhere.
#[pyfunction]
#[pyo3(signature = (x, /, *, k=0))]
fn tril(py: Python<'_>, x: PyRef<'_, PyNdarray>, k: i64) -> PyResult<PyNdarray> {
    let a = x.inner.clone();
    py.detach(|| a.tril(k)).py_err().map(PyNdarray::new)
}

/// The upper triangle (`j - i >= k`) of the matrices in the last two axes; zeros elsewhere.
#[pyfunction]
#[pyo3(signature = (x, /, *, k=0))]
fn triu(py: Python<'_>, x: PyRef<'_, PyNdarray>, k: i64) -> PyResult<PyNdarray> {
    let a = x.inner.clone();
    py.detach(|| a.triu(k)).py_err().map(PyNdarray::new)
}

/// A constant of `constant_values` as a core scalar (a Python or NumPy scalar).
fn pad_value(v: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    match extract_arg(v)? {
        Some(Arg::Weak(s)) | Some(Arg::Strong(s, _)) => Ok(s),
        _ => Err(PyTypeError::new_err(format!("pad: constant values must be scalars, not {}", v.get_type().name()?))),
    }
}

/// `x` padded by one `(before, after)` pair per axis (`widths`), with `mode` "constant" (one
/// `(before, after)` pair of constants per axis in `values`), "edge" or "reflect".
#[pyfunction]
#[pyo3(signature = (x, widths, mode, values))]
fn _pad(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    widths: Vec<(i64, i64)>,
    mode: &str,
    values: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)>,
) -> PyResult<PyNdarray> {
    let widths = widths
        .into_iter()
        .map(|(b, a)| match (usize::try_from(b), usize::try_from(a)) {
            (Ok(b), Ok(a)) => Ok((b, a)),
            _ => Err(PyValueError::new_err("pad: index can't contain negative values")),
        })
        .collect::<PyResult<Vec<_>>>()?;
    let mode = match mode {
        "constant" => PadMode::Constant(
            values.iter().map(|(b, a)| Ok((pad_value(b)?, pad_value(a)?))).collect::<PyResult<Vec<_>>>()?,
        ),
        "edge" => PadMode::Edge,
        "reflect" => PadMode::Reflect,
        other => {
            return Err(PyValueError::new_err(format!(
                "pad: mode {other:?} is not supported; use 'constant', 'edge' or 'reflect'"
            )))
        }
    };
    let a = x.inner.clone();
    py.detach(|| a.pad(&widths, &mode)).py_err().map(PyNdarray::new)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(roll, m)?)?;
    m.add_function(wrap_pyfunction!(repeat, m)?)?;
    m.add_function(wrap_pyfunction!(tile, m)?)?;
    m.add_function(wrap_pyfunction!(tril, m)?)?;
    m.add_function(wrap_pyfunction!(triu, m)?)?;
    m.add_function(wrap_pyfunction!(_pad, m)?)?;
    Ok(())
}
