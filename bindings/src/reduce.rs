//! Reductions with Python's argument conventions (shared by the methods and the module
//! functions).

use crate::args::extract_axes;
use crate::errors::IntoPyResult;
use devarray::{Array, DType, ReduceOp};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// `op` over `axis` (`None`, an int or a tuple); `dtype` (only for `sum` and `prod`) sets the
/// accumulation and result dtype.
pub(crate) fn reduce(
    py: Python<'_>,
    x: &Array,
    op: ReduceOp,
    axis: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
    dtype: Option<DType>,
) -> PyResult<Array> {
    let axes = extract_axes(axis)?;
    let axes = axes.as_deref();
    match (op, dtype) {
        (ReduceOp::Sum, Some(d)) => py.detach(|| x.sum_as(axes, keepdims, d)).py_err(),
        (ReduceOp::Prod, Some(d)) => py.detach(|| x.prod_as(axes, keepdims, d)).py_err(),
        (_, Some(_)) => {
            Err(PyTypeError::new_err(format!("{}: the dtype argument is only supported by sum and prod", op.name())))
        }
        (ReduceOp::Argmin | ReduceOp::Argmax, None) => {
            let axis = match axes {
                None => None,
                Some([a]) => Some(*a),
                Some(_) => {
                    return Err(PyTypeError::new_err(format!("{}: axis must be None or a single int", op.name())))
                }
            };
            arg_extreme(py, x, op == ReduceOp::Argmax, axis, keepdims)
        }
        (_, None) => py.detach(|| x.reduce(op, axes, keepdims)).py_err(),
    }
}

/// `var` (or `std`) over `axis` with `correction` (NumPy's `ddof`; default 0).
pub(crate) fn var_std(
    py: Python<'_>,
    x: &Array,
    std: bool,
    axis: Option<&Bound<'_, PyAny>>,
    correction: Option<f64>,
    keepdims: bool,
) -> PyResult<Array> {
    let axes = extract_axes(axis)?;
    let correction = correction.unwrap_or(0.0);
    py.detach(|| {
        if std {
            x.std(axes.as_deref(), correction, keepdims)
        } else {
            x.var(axes.as_deref(), correction, keepdims)
        }
    })
    .py_err()
}

/// `argmax` (or `argmin`) along one axis, or over the flattened array.
pub(crate) fn arg_extreme(
    py: Python<'_>,
    x: &Array,
    max: bool,
    axis: Option<isize>,
    keepdims: bool,
) -> PyResult<Array> {
    py.detach(|| if max { x.argmax(axis, keepdims) } else { x.argmin(axis, keepdims) }).py_err()
}
