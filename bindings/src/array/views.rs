//! Shape and view methods of `devarray.ndarray`: `T`, `mT`, `reshape`, `transpose`, `squeeze`, …

use super::PyNdarray;
use crate::args::{extract_axes, ints_arg, resolve_reshape};
use crate::errors::IntoPyResult;
use devarray::Array;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pymethods]
impl PyNdarray {
    /// All axes reversed (a view).
    #[getter(T)]
    fn t(&self) -> PyNdarray {
        PyNdarray::new(self.inner.transpose())
    }

    /// The real part: a writable view of the real components of a complex array (float32 for
    /// complex64, float64 for complex128), the array itself for a real one (NumPy's `x.real`).
    #[getter]
    fn real(&self) -> PyNdarray {
        PyNdarray::new(self.inner.real())
    }

    /// The imaginary part: a writable view of the imaginary components of a complex array;
    /// new zeros for a real one (NumPy's `x.imag`).
    #[getter]
    fn imag(&self) -> PyResult<PyNdarray> {
        Ok(PyNdarray::new(self.inner.imag().py_err()?))
    }

    /// The last two axes swapped (a view); needs at least 2 dimensions.
    #[getter(mT)]
    fn mt(&self) -> PyResult<PyNdarray> {
        if self.inner.ndim() < 2 {
            return Err(PyValueError::new_err(format!(
                "mT needs an array of at least 2 dimensions, this one has {}",
                self.inner.ndim()
            )));
        }
        Ok(PyNdarray::new(self.inner.swapaxes(-1, -2).py_err()?))
    }

    /// The same elements in C order with a new shape: `x.reshape(2, 3)` or
    /// `x.reshape((2, -1))`. A view when the strides allow (a copy otherwise, or an error with
    /// `copy=False`; always a copy with `copy=True`).
    #[pyo3(signature = (*shape, copy=None))]
    fn reshape(&self, py: Python<'_>, shape: &Bound<'_, PyTuple>, copy: Option<bool>) -> PyResult<PyNdarray> {
        let target = if shape.len() == 1 { shape.get_item(0)? } else { shape.clone().into_any() };
        let dims: Vec<i64> = ints_arg(&target)?
            .ok_or_else(|| PyTypeError::new_err("reshape: the shape must be ints or one sequence of ints"))?;
        reshape(py, &self.inner, &dims, copy).map(PyNdarray::new)
    }

    /// Axes reordered: `x.transpose()` reverses them, `x.transpose(1, 0, 2)` or
    /// `x.transpose((1, 0, 2))` permutes them. A view.
    #[pyo3(signature = (*axes))]
    fn transpose(&self, axes: &Bound<'_, PyTuple>) -> PyResult<PyNdarray> {
        if axes.is_empty() {
            return Ok(PyNdarray::new(self.inner.transpose()));
        }
        let axes: Vec<isize> = if axes.len() == 1 && axes.get_item(0)?.extract::<isize>().is_err() {
            axes.get_item(0)?.extract()?
        } else {
            axes.extract()?
        };
        Ok(PyNdarray::new(self.inner.permute_dims(&axes).py_err()?))
    }

    /// Two axes exchanged (a view).
    fn swapaxes(&self, axis1: isize, axis2: isize) -> PyResult<PyNdarray> {
        Ok(PyNdarray::new(self.inner.swapaxes(axis1, axis2).py_err()?))
    }

    /// Length-1 axes removed: the given ones, or all when `axis` is `None` (a view).
    #[pyo3(signature = (axis=None))]
    fn squeeze(&self, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
        let axes = extract_axes(axis)?;
        Ok(PyNdarray::new(self.inner.squeeze(axes.as_deref()).py_err()?))
    }

    /// The elements as a 1-D array (a view when possible).
    fn ravel(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        reshape(py, &self.inner, &[-1], None).map(PyNdarray::new)
    }

    /// The elements as a new 1-D array (always a copy).
    fn flatten(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        reshape(py, &self.inner, &[-1], Some(true)).map(PyNdarray::new)
    }
}

/// `reshape` with a `-1` dimension and the Array API's `copy` flag.
pub(crate) fn reshape(py: Python<'_>, a: &Array, dims: &[i64], copy: Option<bool>) -> PyResult<Array> {
    let shape = resolve_reshape(dims, a.numel())?;
    py.detach(|| match copy {
        Some(true) => a.copy()?.reshape(&shape),
        Some(false) => a.reshape_view(&shape),
        None => a.reshape(&shape),
    })
    .py_err()
}
