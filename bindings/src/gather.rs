//! Gather functions of the array API namespace: thin wrappers over the core's `take`.

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use crate::guard;
use pyo3::prelude::*;

/// `take(x, indices, axis)` with `axis` already normalised by the Python layer. The indices are
/// read to the host by the core (an implicit transfer the transfer guard checks).
#[pyfunction]
pub(crate) fn _take(
    py: Python<'_>,
    x: &Bound<'_, PyNdarray>,
    indices: &Bound<'_, PyNdarray>,
    axis: Option<isize>,
) -> PyResult<PyNdarray> {
    let (x, i) = (x.get().inner.clone(), indices.get().inner.clone());
    guard::check(py, "take", &i)?;
    py.detach(|| x.take(&i, axis)).py_err().map(PyNdarray::new)
}
