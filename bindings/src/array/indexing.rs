//! Indexing and iteration of `devarray.ndarray`: `x[key]`, `x[key] = v`, `len(x)`, `iter(x)`.
//! Keys are parsed by `crate::index`; the core selects.

use super::PyNdarray;
use crate::errors::IntoPyResult;
use crate::index;
use devarray::Array;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

#[pymethods]
impl PyNdarray {
    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
        let key = index::parse_key(py, key, index::Use::Get(&self.inner))?;
        index::get(py, &self.inner, &key).map(PyNdarray::new)
    }

    fn __setitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Some(mask) = index::full_mask(key, &self.inner) {
            if let Some(done) = index::set_where(py, &self.inner, &mask, value)? {
                return Ok(done);
            }
        }
        let key = index::parse_key(py, key, index::Use::Set)?;
        let value = index::extract_value(value)?;
        index::set(py, &self.inner, &key, value)
    }

    fn __len__(&self) -> PyResult<usize> {
        self.inner.shape().first().copied().ok_or_else(|| PyTypeError::new_err("len() of unsized object (a 0-d array)"))
    }

    /// Iterates over the first axis, yielding views.
    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<ArrayIterator> {
        if slf.get().inner.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d array"));
        }
        Ok(ArrayIterator { array: slf.get().inner.clone(), next: std::sync::atomic::AtomicUsize::new(0) })
    }
}

/// Iterator over the first axis of an array.
#[pyclass(module = "devarray", frozen)]
pub struct ArrayIterator {
    array: Array,
    next: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl ArrayIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self) -> PyResult<Option<PyNdarray>> {
        use std::sync::atomic::Ordering;
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        if i >= self.array.shape()[0] {
            return Ok(None);
        }
        let row = self.array.slice(&[devarray::AxisSlice::Index(i as isize)]).py_err()?;
        Ok(Some(PyNdarray::new(row)))
    }
}
