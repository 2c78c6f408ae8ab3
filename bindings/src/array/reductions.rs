//! Reduction methods of `devarray.ndarray`: `sum`, `prod`, `min`, `max`, `mean`, `var`, `std`,
//! `argmin`, `argmax`, `all`, `any` (each parsed here and run by the core).

use super::PyNdarray;
use crate::reduce;
use devarray::{DType, ReduceOp};
use pyo3::prelude::*;

impl PyNdarray {
    fn reduction(
        &self,
        py: Python<'_>,
        op: ReduceOp,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
        dtype: Option<DType>,
    ) -> PyResult<PyNdarray> {
        reduce::reduce(py, &self.inner, op, axis, keepdims, dtype).map(PyNdarray::new)
    }
}

#[pymethods]
impl PyNdarray {
    /// Sum over `axis` (all axes when `None`); `dtype` sets the accumulation and result type.
    #[pyo3(signature = (axis=None, dtype=None, keepdims=false))]
    fn sum(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<PyNdarray> {
        let dtype = crate::dtype::extract_opt_dtype(dtype)?;
        self.reduction(py, ReduceOp::Sum, axis, keepdims, dtype)
    }

    /// Product over `axis` (all axes when `None`).
    #[pyo3(signature = (axis=None, dtype=None, keepdims=false))]
    fn prod(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<PyNdarray> {
        let dtype = crate::dtype::extract_opt_dtype(dtype)?;
        self.reduction(py, ReduceOp::Prod, axis, keepdims, dtype)
    }

    /// Smallest element over `axis`; NaN propagates.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn min(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Min, axis, keepdims, None)
    }

    /// Largest element over `axis`; NaN propagates.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn max(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Max, axis, keepdims, None)
    }

    /// Arithmetic mean over `axis` (float64 for integer input).
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn mean(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Mean, axis, keepdims, None)
    }

    /// Variance over `axis`; `correction` (or NumPy's `ddof`) is subtracted from the count.
    #[pyo3(signature = (axis=None, correction=None, keepdims=false, *, ddof=None))]
    fn var(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        correction: Option<f64>,
        keepdims: bool,
        ddof: Option<f64>,
    ) -> PyResult<PyNdarray> {
        reduce::var_std(py, &self.inner, false, axis, correction.or(ddof), keepdims).map(PyNdarray::new)
    }

    /// Standard deviation over `axis`; `correction` (or NumPy's `ddof`) as in `var`.
    #[pyo3(signature = (axis=None, correction=None, keepdims=false, *, ddof=None))]
    fn std(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        correction: Option<f64>,
        keepdims: bool,
        ddof: Option<f64>,
    ) -> PyResult<PyNdarray> {
        reduce::var_std(py, &self.inner, true, axis, correction.or(ddof), keepdims).map(PyNdarray::new)
    }

    /// Index of the smallest element along `axis` (of the flattened array when `None`).
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn argmin(&self, py: Python<'_>, axis: Option<isize>, keepdims: bool) -> PyResult<PyNdarray> {
        reduce::arg_extreme(py, &self.inner, false, axis, keepdims).map(PyNdarray::new)
    }

    /// Index of the largest element along `axis` (of the flattened array when `None`).
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn argmax(&self, py: Python<'_>, axis: Option<isize>, keepdims: bool) -> PyResult<PyNdarray> {
        reduce::arg_extreme(py, &self.inner, true, axis, keepdims).map(PyNdarray::new)
    }

    /// Whether every element over `axis` is non-zero.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn all(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::All, axis, keepdims, None)
    }

    /// Whether any element over `axis` is non-zero.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn any(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Any, axis, keepdims, None)
    }
}
