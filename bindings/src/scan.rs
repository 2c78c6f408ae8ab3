//! Scans with Python's argument conventions: the Array API's `cumulative_sum` and
//! `cumulative_prod`, NumPy's `cumsum`/`cumprod` (functions and `ndarray` methods), and the
//! searching functions built on them (`nonzero`, `argwhere`, `flatnonzero`).
//!
//! The searching functions read the number of non-zero elements back to the host (8 bytes)
//! before their result exists: one value that sizes the result, not a transfer of array data,
//! so the transfer guard lets it through at every level (as it does `x[mask]`'s count and the
//! bounds flags of integer-array indexing; docs/dask.md lists these reads).

use crate::array::PyNdarray;
use crate::dtype::extract_opt_dtype;
use crate::errors::IntoPyResult;
use devarray::{Array, ScanOp};
use pyo3::prelude::*;

/// The Array API form: `axis` may be `None` only for arrays of at most one dimension.
fn cumulative(
    py: Python<'_>,
    x: &Array,
    op: ScanOp,
    axis: Option<isize>,
    dtype: Option<&Bound<'_, PyAny>>,
    include_initial: bool,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?;
    py.detach(|| x.scan(op, axis, dtype, include_initial)).py_err().map(PyNdarray::new)
}

/// NumPy's form: `axis=None` scans the flattened array.
pub(crate) fn numpy_scan(
    py: Python<'_>,
    x: &Array,
    op: ScanOp,
    axis: Option<isize>,
    dtype: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?;
    let run = || match op {
        ScanOp::Prod => x.cumprod(axis, dtype),
        _ => x.cumsum(axis, dtype),
    };
    py.detach(run).py_err().map(PyNdarray::new)
}

/// Cumulative sum along `axis` (required above one dimension); `include_initial` starts with 0.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, dtype=None, include_initial=false))]
fn cumulative_sum(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<isize>,
    dtype: Option<&Bound<'_, PyAny>>,
    include_initial: bool,
) -> PyResult<PyNdarray> {
    cumulative(py, &x.inner, ScanOp::Sum, axis, dtype, include_initial)
}

/// Cumulative product along `axis` (required above one dimension); `include_initial` starts
/// with 1.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, dtype=None, include_initial=false))]
fn cumulative_prod(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<isize>,
    dtype: Option<&Bound<'_, PyAny>>,
    include_initial: bool,
) -> PyResult<PyNdarray> {
    cumulative(py, &x.inner, ScanOp::Prod, axis, dtype, include_initial)
}

/// NumPy's `cumsum`: along `axis`, or over the flattened array when `None`.
#[pyfunction]
#[pyo3(signature = (a, axis=None, dtype=None))]
fn cumsum(
    py: Python<'_>,
    a: PyRef<'_, PyNdarray>,
    axis: Option<isize>,
    dtype: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    numpy_scan(py, &a.inner, ScanOp::Sum, axis, dtype)
}

/// NumPy's `cumprod`: along `axis`, or over the flattened array when `None`.
#[pyfunction]
#[pyo3(signature = (a, axis=None, dtype=None))]
fn cumprod(
    py: Python<'_>,
    a: PyRef<'_, PyNdarray>,
    axis: Option<isize>,
    dtype: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    numpy_scan(py, &a.inner, ScanOp::Prod, axis, dtype)
}

/// The indices of the non-zero elements, one int64 array per axis (a list; the Python layer
/// makes it a tuple). Reads the count to the host to size the result: one value, not a
/// transfer of array data, so the transfer guard does not refuse it (docs/dask.md).
pub(crate) fn nonzero_impl(py: Python<'_>, x: &Array) -> PyResult<Vec<PyNdarray>> {
    let parts = py.detach(|| x.nonzero()).py_err()?;
    Ok(parts.into_iter().map(PyNdarray::new).collect())
}

#[pyfunction]
#[pyo3(signature = (x, /))]
fn _nonzero(py: Python<'_>, x: PyRef<'_, PyNdarray>) -> PyResult<Vec<PyNdarray>> {
    nonzero_impl(py, &x.inner)
}

/// The indices of the non-zero elements as one `(count, ndim)` int64 array.
#[pyfunction]
#[pyo3(signature = (a, /))]
fn argwhere(py: Python<'_>, a: PyRef<'_, PyNdarray>) -> PyResult<PyNdarray> {
    let a = &a.inner;
    py.detach(|| a.argwhere()).py_err().map(PyNdarray::new)
}

/// The flat (C-order) indices of the non-zero elements, int64.
#[pyfunction]
#[pyo3(signature = (a, /))]
fn flatnonzero(py: Python<'_>, a: PyRef<'_, PyNdarray>) -> PyResult<PyNdarray> {
    let a = &a.inner;
    py.detach(|| a.flatnonzero()).py_err().map(PyNdarray::new)
}

/// Registers the scan functions.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cumulative_sum, m)?)?;
    m.add_function(wrap_pyfunction!(cumulative_prod, m)?)?;
    m.add_function(wrap_pyfunction!(cumsum, m)?)?;
    m.add_function(wrap_pyfunction!(cumprod, m)?)?;
    m.add_function(wrap_pyfunction!(_nonzero, m)?)?;
    m.add_function(wrap_pyfunction!(argwhere, m)?)?;
    m.add_function(wrap_pyfunction!(flatnonzero, m)?)?;
    Ok(())
}
