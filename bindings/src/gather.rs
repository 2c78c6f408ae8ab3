//! Gather, scatter and split functions of the namespace: thin wrappers over the core's `take`,
//! `take_along_axis`, `put` and `split`.

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use pyo3::prelude::*;

/// `take(x, indices, axis)` with `axis` already normalised by the Python layer. The core
/// resolves the indices on `x`'s device: no index data is read to the host (only a bounds
/// flag), so the transfer guard has nothing to check.
#[pyfunction]
pub(crate) fn _take(
    py: Python<'_>,
    x: &Bound<'_, PyNdarray>,
    indices: &Bound<'_, PyNdarray>,
    axis: Option<isize>,
) -> PyResult<PyNdarray> {
    let (x, i) = (x.get().inner.clone(), indices.get().inner.clone());
    py.detach(|| x.take(&i, axis)).py_err().map(PyNdarray::new)
}

/// `take_along_axis(x, indices, axis)`: the core's `take_along_axis`, on the device (as
/// `_take`).
#[pyfunction]
pub(crate) fn _take_along_axis(
    py: Python<'_>,
    x: &Bound<'_, PyNdarray>,
    indices: &Bound<'_, PyNdarray>,
    axis: isize,
) -> PyResult<PyNdarray> {
    let (x, i) = (x.get().inner.clone(), indices.get().inner.clone());
    py.detach(|| x.take_along_axis(&i, axis)).py_err().map(PyNdarray::new)
}

/// `put(x, indices, values)`: the core's `put` (flat C-order positions, `values` already of
/// `x`'s dtype and device), on the device as `_take`.
#[pyfunction]
pub(crate) fn _put(
    py: Python<'_>,
    x: &Bound<'_, PyNdarray>,
    indices: &Bound<'_, PyNdarray>,
    values: &Bound<'_, PyNdarray>,
) -> PyResult<()> {
    let (x, i, v) = (x.get().inner.clone(), indices.get().inner.clone(), values.get().inner.clone());
    py.detach(|| x.put(&i, &v)).py_err()
}

/// `split(x, indices, axis)` with non-negative, already normalised split points: the core's
/// `split` (views, no copy).
#[pyfunction]
pub(crate) fn _split(x: &Bound<'_, PyNdarray>, indices: Vec<usize>, axis: isize) -> PyResult<Vec<PyNdarray>> {
    Ok(x.get().inner.split(&indices, axis).py_err()?.into_iter().map(PyNdarray::new).collect())
}
