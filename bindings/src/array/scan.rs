//! Scan methods of `devarray.ndarray`: NumPy's `cumsum`, `cumprod` and `nonzero`.

use super::PyNdarray;
use crate::scan::{nonzero_impl, numpy_scan};
use devarray::ScanOp;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pymethods]
impl PyNdarray {
    /// Cumulative sum along `axis`, or over the flattened array when `None` (NumPy's method).
    #[pyo3(signature = (axis=None, dtype=None))]
    fn cumsum(&self, py: Python<'_>, axis: Option<isize>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
        numpy_scan(py, &self.inner, ScanOp::Sum, axis, dtype)
    }

    /// Cumulative product along `axis`, or over the flattened array when `None`.
    #[pyo3(signature = (axis=None, dtype=None))]
    fn cumprod(&self, py: Python<'_>, axis: Option<isize>, dtype: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
        numpy_scan(py, &self.inner, ScanOp::Prod, axis, dtype)
    }

    /// The indices of the non-zero elements, a tuple of int64 arrays (one per axis). Reads the
    /// number of non-zero elements to the host (the transfer guard applies).
    fn nonzero<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, nonzero_impl(py, &self.inner)?)
    }
}
