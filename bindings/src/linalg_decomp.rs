//! The decompositions, solvers and norms of `devarray.linalg`: thin wrappers over the core's
//! `devarray::linalg`. The Array API signatures (keyword names, defaults, the result
//! namedtuples) live in `devarray/linalg.py`; these take plain positional arguments.

use crate::args::{extract_axes, run_on};
use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use devarray::linalg::{self, MatrixNorm, QrMode};
use devarray::{Array, Result};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Runs `f` on `x`'s device, releasing the GIL unless the work is tiny (a factorization of
/// `k` elements costs far more than `k` operations, so any non-trivial matrix qualifies).
fn on<T: Send>(py: Python<'_>, x: &Array, f: impl FnOnce() -> Result<T> + Send) -> PyResult<T> {
    run_on(py, x.device(), x.numel().saturating_mul(x.shape().last().copied().unwrap_or(1)), f).py_err()
}

fn wrap2((a, b): (Array, Array)) -> (PyNdarray, PyNdarray) {
    (PyNdarray::new(a), PyNdarray::new(b))
}

/// `L` (or `U = Lᵀ` when `upper`) with `x = L @ Lᵀ`.
#[pyfunction]
#[pyo3(signature = (x, upper))]
fn _linalg_cholesky(py: Python<'_>, x: PyRef<'_, PyNdarray>, upper: bool) -> PyResult<PyNdarray> {
    let a = &x.inner;
    on(py, a, || linalg::cholesky(a, upper)).map(PyNdarray::new)
}

/// `(Q, R)`; `complete` is NumPy's `mode='complete'`.
#[pyfunction]
#[pyo3(signature = (x, complete))]
fn _linalg_qr(py: Python<'_>, x: PyRef<'_, PyNdarray>, complete: bool) -> PyResult<(PyNdarray, PyNdarray)> {
    let a = &x.inner;
    let mode = if complete { QrMode::Complete } else { QrMode::Reduced };
    on(py, a, || linalg::qr(a, mode)).map(wrap2)
}

/// `(U, S, Vh)`.
#[pyfunction]
#[pyo3(signature = (x, full_matrices))]
fn _linalg_svd(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    full_matrices: bool,
) -> PyResult<(PyNdarray, PyNdarray, PyNdarray)> {
    let a = &x.inner;
    let (u, s, vh) = on(py, a, || linalg::svd(a, full_matrices))?;
    Ok((PyNdarray::new(u), PyNdarray::new(s), PyNdarray::new(vh)))
}

/// `(eigenvalues, eigenvectors)` of a symmetric matrix (or stack).
#[pyfunction]
#[pyo3(signature = (x,))]
fn _linalg_eigh(py: Python<'_>, x: PyRef<'_, PyNdarray>) -> PyResult<(PyNdarray, PyNdarray)> {
    let a = &x.inner;
    on(py, a, || linalg::eigh(a)).map(wrap2)
}

/// `(sign, logabsdet)`.
#[pyfunction]
#[pyo3(signature = (x,))]
fn _linalg_slogdet(py: Python<'_>, x: PyRef<'_, PyNdarray>) -> PyResult<(PyNdarray, PyNdarray)> {
    let a = &x.inner;
    on(py, a, || linalg::slogdet(a)).map(wrap2)
}

/// One-array functions with no options: `svdvals`, `eigvalsh`, `inv`, `det`.
macro_rules! unary_linalg {
    ($($(#[$doc:meta])* $py:ident => $f:path;)*) => {$(
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (x,))]
        fn $py(py: Python<'_>, x: PyRef<'_, PyNdarray>) -> PyResult<PyNdarray> {
            let a = &x.inner;
            on(py, a, || $f(a)).map(PyNdarray::new)
        }
    )*};
}

unary_linalg! {
    /// The singular values, descending.
    _linalg_svdvals => linalg::svdvals;
    /// The eigenvalues of a symmetric matrix (or stack), ascending.
    _linalg_eigvalsh => linalg::eigvalsh;
    /// The inverse.
    _linalg_inv => linalg::inv;
    /// The determinant.
    _linalg_det => linalg::det;
}

/// Solves `x1 @ x = x2` (a 1-D `x2` is one vector for every matrix of the stack).
#[pyfunction]
#[pyo3(signature = (x1, x2))]
fn _linalg_solve(py: Python<'_>, x1: PyRef<'_, PyNdarray>, x2: PyRef<'_, PyNdarray>) -> PyResult<PyNdarray> {
    let (a, b) = (&x1.inner, &x2.inner);
    on(py, a, || linalg::solve(a, b)).map(PyNdarray::new)
}

/// `rtol` as the Python wrapper passes it: a devarray array (broadcast against the batch
/// axes), a number, or None for the Array API default.
#[derive(FromPyObject)]
enum Rtol<'py> {
    Array(PyRef<'py, PyNdarray>),
    Number(f64),
}

/// The pseudo-inverse; `rtol=None` is the Array API default.
#[pyfunction]
#[pyo3(signature = (x, rtol))]
fn _linalg_pinv(py: Python<'_>, x: PyRef<'_, PyNdarray>, rtol: Option<Rtol<'_>>) -> PyResult<PyNdarray> {
    let a = &x.inner;
    match rtol {
        Some(Rtol::Array(r)) => {
            let r = &r.inner;
            on(py, a, || linalg::pinv_rtol(a, r))
        }
        Some(Rtol::Number(r)) => on(py, a, || linalg::pinv(a, Some(r))),
        None => on(py, a, || linalg::pinv(a, None)),
    }
    .map(PyNdarray::new)
}

/// The rank (int64); `rtol=None` is the Array API default.
#[pyfunction]
#[pyo3(signature = (x, rtol))]
fn _linalg_matrix_rank(py: Python<'_>, x: PyRef<'_, PyNdarray>, rtol: Option<Rtol<'_>>) -> PyResult<PyNdarray> {
    let a = &x.inner;
    match rtol {
        Some(Rtol::Array(r)) => {
            let r = &r.inner;
            on(py, a, || linalg::matrix_rank_rtol(a, r))
        }
        Some(Rtol::Number(r)) => on(py, a, || linalg::matrix_rank(a, Some(r))),
        None => on(py, a, || linalg::matrix_rank(a, None)),
    }
    .map(PyNdarray::new)
}

/// The vector norm over `axis` (None, an int or a tuple of ints) of order `ord`.
#[pyfunction]
#[pyo3(signature = (x, axis, keepdims, ord))]
fn _linalg_vector_norm(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
    ord: f64,
) -> PyResult<PyNdarray> {
    let a = &x.inner;
    let axes = extract_axes(axis)?;
    on(py, a, || linalg::vector_norm(a, axes.as_deref(), keepdims, ord)).map(PyNdarray::new)
}

/// The matrix norm; `ord` is one of `"fro"`, `"nuc"`, `"1"`, `"-1"`, `"2"`, `"-2"`, `"inf"`,
/// `"-inf"` (`devarray.linalg.matrix_norm` spells NumPy's values this way).
#[pyfunction]
#[pyo3(signature = (x, keepdims, ord))]
fn _linalg_matrix_norm(py: Python<'_>, x: PyRef<'_, PyNdarray>, keepdims: bool, ord: &str) -> PyResult<PyNdarray> {
    let ord = match ord {
        "fro" => MatrixNorm::Fro,
        "nuc" => MatrixNorm::Nuc,
        "1" => MatrixNorm::One,
        "-1" => MatrixNorm::NegOne,
        "2" => MatrixNorm::Two,
        "-2" => MatrixNorm::NegTwo,
        "inf" => MatrixNorm::Inf,
        "-inf" => MatrixNorm::NegInf,
        other => {
            return Err(PyValueError::new_err(format!(
                "matrix_norm: invalid ord {other:?}; use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf"
            )))
        }
    };
    let a = &x.inner;
    on(py, a, || linalg::matrix_norm(a, keepdims, ord)).map(PyNdarray::new)
}

/// Adds the functions of this file to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for f in [
        wrap_pyfunction!(_linalg_cholesky, m)?,
        wrap_pyfunction!(_linalg_qr, m)?,
        wrap_pyfunction!(_linalg_svd, m)?,
        wrap_pyfunction!(_linalg_svdvals, m)?,
        wrap_pyfunction!(_linalg_eigh, m)?,
        wrap_pyfunction!(_linalg_eigvalsh, m)?,
        wrap_pyfunction!(_linalg_inv, m)?,
        wrap_pyfunction!(_linalg_solve, m)?,
        wrap_pyfunction!(_linalg_det, m)?,
        wrap_pyfunction!(_linalg_slogdet, m)?,
        wrap_pyfunction!(_linalg_pinv, m)?,
        wrap_pyfunction!(_linalg_matrix_rank, m)?,
        wrap_pyfunction!(_linalg_vector_norm, m)?,
        wrap_pyfunction!(_linalg_matrix_norm, m)?,
    ] {
        m.add_function(f)?;
    }
    Ok(())
}
