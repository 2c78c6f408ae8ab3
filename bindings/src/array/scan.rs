//! Scan methods of `devarray.ndarray`: NumPy's `cumsum` and `cumprod`.

use super::PyNdarray;
use crate::scan::numpy_scan;
use devarray::ScanOp;
use pyo3::prelude::*;

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
}
