//! Matrix products and the matrix views of the namespace and of `devarray.linalg`: thin
//! wrappers over the core's `matmul`, `tensordot`, `vecdot`, `outer`, `einsum`, `diagonal`,
//! `trace`, and `linalg::matrix_power` and `linalg::cross`.

use crate::args::{extract_axes, run_on};
use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use devarray::Array;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// Elements a product reads, for deciding whether to release the GIL.
fn work(a: &Array, b: &Array) -> usize {
    a.numel().saturating_add(b.numel())
}

/// The matrix product (`x1 @ x2`), with NumPy's 1-D promotion and batch broadcasting.
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
pub(crate) fn matmul(py: Python<'_>, x1: PyRef<'_, PyNdarray>, x2: PyRef<'_, PyNdarray>) -> PyResult<PyNdarray> {
    product(py, &x1.inner, &x2.inner).map(PyNdarray::new)
}

/// `a @ b`, releasing the GIL for work worth it (the `@` operators use this too).
pub(crate) fn product(py: Python<'_>, a: &Array, b: &Array) -> PyResult<Array> {
    run_on(py, a.device(), work(a, b), || a.matmul(b)).py_err()
}

/// Contracts axes of `x1` with axes of `x2`: `axes` is an int `n` (the last `n` of `x1` with the
/// first `n` of `x2`) or a pair of axis sequences. (`devarray.tensordot` gives `axes` its
/// default, 2.)
#[pyfunction]
#[pyo3(signature = (x1, x2, axes))]
fn _tensordot(
    py: Python<'_>,
    x1: PyRef<'_, PyNdarray>,
    x2: PyRef<'_, PyNdarray>,
    axes: &Bound<'_, PyAny>,
) -> PyResult<PyNdarray> {
    let (a, b) = (&x1.inner, &x2.inner);
    if let Ok(n) = axes.extract::<usize>() {
        return run_on(py, a.device(), work(a, b), || a.tensordot_n(b, n)).py_err().map(PyNdarray::new);
    }
    let (p, q) = axis_pair(axes)?;
    run_on(py, a.device(), work(a, b), || a.tensordot(b, (&p, &q))).py_err().map(PyNdarray::new)
}

/// `axes` as a pair of axis lists (each may be a single int, as NumPy allows).
fn axis_pair(axes: &Bound<'_, PyAny>) -> PyResult<(Vec<isize>, Vec<isize>)> {
    let items: Vec<Bound<'_, PyAny>> = axes
        .try_iter()
        .and_then(|it| it.collect::<PyResult<_>>())
        .map_err(|_| PyTypeError::new_err("tensordot: axes must be an int or a pair of axis sequences"))?;
    let [first, second] = items.as_slice() else {
        return Err(PyTypeError::new_err("tensordot: axes must be an int or a pair of axis sequences"));
    };
    let list = |x: &Bound<'_, PyAny>| -> PyResult<Vec<isize>> { Ok(extract_axes(Some(x))?.unwrap_or_default()) };
    Ok((list(first)?, list(second)?))
}

/// The dot product of vectors along `axis`, the other axes broadcasting.
#[pyfunction]
#[pyo3(signature = (x1, x2, /, *, axis=-1), text_signature = "(x1, x2, /, *, axis=-1)")]
fn vecdot(py: Python<'_>, x1: PyRef<'_, PyNdarray>, x2: PyRef<'_, PyNdarray>, axis: isize) -> PyResult<PyNdarray> {
    let (a, b) = (&x1.inner, &x2.inner);
    run_on(py, a.device(), work(a, b), || a.vecdot(b, axis)).py_err().map(PyNdarray::new)
}

/// The outer product of two arrays, flattened first (NumPy's `outer`).
#[pyfunction]
#[pyo3(signature = (x1, x2, /))]
fn outer(py: Python<'_>, x1: PyRef<'_, PyNdarray>, x2: PyRef<'_, PyNdarray>) -> PyResult<PyNdarray> {
    let (a, b) = (&x1.inner, &x2.inner);
    run_on(py, a.device(), work(a, b), || a.outer(b)).py_err().map(PyNdarray::new)
}

/// Einstein summation over the operands (the core's `einsum`: greedy pairwise contraction
/// onto batched matmul).
#[pyfunction]
#[pyo3(signature = (subscripts, /, *operands))]
fn einsum(py: Python<'_>, subscripts: &str, operands: Vec<PyRef<'_, PyNdarray>>) -> PyResult<PyNdarray> {
    let arrays: Vec<Array> = operands.iter().map(|o| o.inner.clone()).collect();
    let refs: Vec<&Array> = arrays.iter().collect();
    let elements = arrays.iter().fold(0usize, |n, a| n.saturating_add(a.numel()));
    let device = arrays.first().map(Array::device).unwrap_or(devarray::Device::Cpu);
    run_on(py, device, elements, || devarray::einsum(subscripts, &refs)).py_err().map(PyNdarray::new)
}

/// The diagonal over `axis1` and `axis2` as a view, appended as the last axis.
#[pyfunction]
#[pyo3(signature = (x, /, offset=0, axis1=-2, axis2=-1), text_signature = "(x, /, offset=0, axis1=-2, axis2=-1)")]
fn diagonal(x: PyRef<'_, PyNdarray>, offset: isize, axis1: isize, axis2: isize) -> PyResult<PyNdarray> {
    x.inner.diagonal(offset, axis1, axis2).py_err().map(PyNdarray::new)
}

/// The sum along the diagonal of the last two axes.
#[pyfunction]
#[pyo3(signature = (x, /, *, offset=0))]
fn _trace(py: Python<'_>, x: PyRef<'_, PyNdarray>, offset: isize) -> PyResult<PyNdarray> {
    let a = &x.inner;
    run_on(py, a.device(), a.numel(), || a.trace(offset)).py_err().map(PyNdarray::new)
}

/// `x` to the integer power `n` (the core's `linalg::matrix_power`).
#[pyfunction]
#[pyo3(signature = (x, n))]
fn _linalg_matrix_power(py: Python<'_>, x: PyRef<'_, PyNdarray>, n: i64) -> PyResult<PyNdarray> {
    let a = &x.inner;
    let m = a.shape().last().copied().unwrap_or(1);
    run_on(py, a.device(), a.numel().saturating_mul(m), || devarray::linalg::matrix_power(a, n))
        .py_err()
        .map(PyNdarray::new)
}

/// The cross product of 3-vectors along `axis` (the core's `linalg::cross`).
#[pyfunction]
#[pyo3(signature = (x1, x2, axis))]
fn _linalg_cross(
    py: Python<'_>,
    x1: PyRef<'_, PyNdarray>,
    x2: PyRef<'_, PyNdarray>,
    axis: isize,
) -> PyResult<PyNdarray> {
    let (a, b) = (&x1.inner, &x2.inner);
    run_on(py, a.device(), work(a, b), || devarray::linalg::cross(a, b, axis)).py_err().map(PyNdarray::new)
}

/// Adds the functions of this file to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for f in [
        wrap_pyfunction!(matmul, m)?,
        wrap_pyfunction!(_tensordot, m)?,
        wrap_pyfunction!(vecdot, m)?,
        wrap_pyfunction!(outer, m)?,
        wrap_pyfunction!(einsum, m)?,
        wrap_pyfunction!(diagonal, m)?,
        wrap_pyfunction!(_trace, m)?,
        wrap_pyfunction!(_linalg_matrix_power, m)?,
        wrap_pyfunction!(_linalg_cross, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
