//! Sorting, searching and set functions: `sort`, `argsort` (Array API signatures),
//! `_searchsorted`, `_unique`, `_unique_counts` (wrapped by `devarray/_array_api.py`), and the `ndarray.sort()`
//! (in place, as NumPy's) and `ndarray.argsort()` methods. Thin wrappers over the core.

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use devarray::{Array, Side};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

/// A sorted copy of `x` along `axis` (stable; NaNs last; `descending` reverses the order and
/// keeps equal elements in their original order).
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=-1, descending=false, stable=true), text_signature = "(x, /, *, axis=-1, descending=False, stable=True)")]
pub(crate) fn sort(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: isize,
    descending: bool,
    stable: bool,
) -> PyResult<PyNdarray> {
    let a = x.inner.clone();
    py.detach(|| a.sort(axis, descending, stable)).py_err().map(PyNdarray::new)
}

/// The int64 indices that sort `x` along `axis` (always stable).
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=-1, descending=false, stable=true), text_signature = "(x, /, *, axis=-1, descending=False, stable=True)")]
pub(crate) fn argsort(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: isize,
    descending: bool,
    stable: bool,
) -> PyResult<PyNdarray> {
    let a = x.inner.clone();
    py.detach(|| a.argsort(axis, descending, stable)).py_err().map(PyNdarray::new)
}

/// `side` as the core's [`Side`].
fn parse_side(side: &str) -> PyResult<Side> {
    match side {
        "left" => Ok(Side::Left),
        "right" => Ok(Side::Right),
        other => Err(PyValueError::new_err(format!("side must be 'left' or 'right', not {other:?}"))),
    }
}

/// Insertion points of `x2` in the sorted 1-D `x1` (read through `sorter` when given).
#[pyfunction]
#[pyo3(signature = (x1, x2, side, sorter))]
pub(crate) fn _searchsorted(
    py: Python<'_>,
    x1: PyRef<'_, PyNdarray>,
    x2: PyRef<'_, PyNdarray>,
    side: &str,
    sorter: Option<PyRef<'_, PyNdarray>>,
) -> PyResult<PyNdarray> {
    let side = parse_side(side)?;
    let (a, v, s) = (x1.inner.clone(), x2.inner.clone(), sorter.map(|s| s.inner.clone()));
    py.detach(|| a.searchsorted(&v, side, s.as_ref())).py_err().map(PyNdarray::new)
}

/// `(values, indices, inverse_indices, counts)` of the flattened `x`; NaNs are one value with
/// `equal_nan`, each distinct without. The inverse indices are computed only with `inverse`
/// (else an uninitialised array of `x`'s shape). The number of unique values is read to the
/// host: an output size, not array data, so the transfer guard lets it through at every level
/// (as it does `nonzero`'s count).
#[pyfunction]
#[pyo3(signature = (x, equal_nan, inverse))]
#[allow(clippy::type_complexity)]
pub(crate) fn _unique(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    equal_nan: bool,
    inverse: bool,
) -> PyResult<(PyNdarray, PyNdarray, PyNdarray, PyNdarray)> {
    let a = x.inner.clone();
    let u = py.detach(|| a.unique_with(equal_nan, inverse)).py_err()?;
    Ok((
        PyNdarray::new(u.values),
        PyNdarray::new(u.indices),
        PyNdarray::new(u.inverse_indices),
        PyNdarray::new(u.counts),
    ))
}

/// The unique values of `x` (each NaN distinct) and how often each occurs: `unique_values`
/// and `unique_counts`, from the sorted values with no argsort.
#[pyfunction]
pub(crate) fn _unique_counts(py: Python<'_>, x: PyRef<'_, PyNdarray>) -> PyResult<(PyNdarray, PyNdarray)> {
    let a = x.inner.clone();
    let (values, counts) = py.detach(|| a.unique_counts()).py_err()?;
    Ok((PyNdarray::new(values), PyNdarray::new(counts)))
}

/// Checks NumPy's `kind` and `order` arguments of the sort methods (every sort is stable).
fn check_kind(kind: Option<&str>, order: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    if order.is_some_and(|o| !o.is_none()) {
        return Err(PyTypeError::new_err("sort: order= applies to structured dtypes, which devarray does not have"));
    }
    match kind {
        None | Some("quicksort" | "mergesort" | "heapsort" | "stable") => Ok(()),
        Some(k) => Err(PyValueError::new_err(format!(
            "sort kind must be one of 'quicksort', 'mergesort', 'heapsort', 'stable', not {k:?}"
        ))),
    }
}

#[pymethods]
impl PyNdarray {
    /// Sorts the array in place along `axis` (NumPy's `ndarray.sort`; always stable, NaNs last;
    /// `descending` is devarray's extension).
    #[pyo3(
        signature = (axis=-1, kind=None, order=None, *, descending=false, stable=None),
        text_signature = "($self, axis=-1, kind=None, order=None, *, descending=False, stable=None)"
    )]
    fn sort(
        &self,
        py: Python<'_>,
        axis: isize,
        kind: Option<&str>,
        order: Option<&Bound<'_, PyAny>>,
        descending: bool,
        stable: Option<bool>,
    ) -> PyResult<()> {
        check_kind(kind, order)?;
        let a = self.inner.clone();
        let _ = stable;
        py.detach(|| -> devarray::Result<()> {
            let sorted: Array = a.sort(axis, descending, true)?;
            a.assign(&sorted)
        })
        .py_err()
    }

    /// The int64 indices that sort the array along `axis` (NumPy's `ndarray.argsort`; always
    /// stable).
    #[pyo3(
        signature = (axis=-1, kind=None, order=None, *, descending=false, stable=None),
        text_signature = "($self, axis=-1, kind=None, order=None, *, descending=False, stable=None)"
    )]
    fn argsort(
        &self,
        py: Python<'_>,
        axis: isize,
        kind: Option<&str>,
        order: Option<&Bound<'_, PyAny>>,
        descending: bool,
        stable: Option<bool>,
    ) -> PyResult<PyNdarray> {
        check_kind(kind, order)?;
        let a = self.inner.clone();
        let _ = stable;
        py.detach(|| a.argsort(axis, descending, true)).py_err().map(PyNdarray::new)
    }
}
