//! NumPy's counting functions, `bincount` and `histogram`, with Python's argument conventions;
//! the algorithms are the core's ([`devarray::Array::bincount`], [`devarray::Array::histogram`]).
//!
//! Host reads: `bincount` reads its input's smallest and largest value (its output's size, and
//! the check for negatives): sizes and flags, which the transfer guard lets through at every
//! level, as it does `nonzero`'s count. `histogram` with a number of bins and no `range` reads
//! the data's range to place its edges: values that become the output's data, so that read is
//! an implicit transfer under the guard. Explicit edges read one flag (are they increasing).

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use crate::guard;
use devarray::Bins;
use pyo3::prelude::*;

/// `bincount(x, weights, minlength)`: the count (or summed weight) of each value `0..=max(x)`.
#[pyfunction]
#[pyo3(signature = (x, weights, minlength))]
fn _bincount(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    weights: Option<PyRef<'_, PyNdarray>>,
    minlength: usize,
) -> PyResult<PyNdarray> {
    let (x, w) = (x.inner.clone(), weights.map(|w| w.inner.clone()));
    py.detach(|| x.bincount(w.as_ref(), minlength)).py_err().map(PyNdarray::new)
}

/// `histogram(a, count, range, edges, weights, density)`: `edges` (an array) or `count` equal
/// bins over `range` (the data's range when `None`). Returns `(hist, bin_edges)`.
#[pyfunction]
#[pyo3(signature = (a, count, range, edges, weights, density))]
fn _histogram(
    py: Python<'_>,
    a: PyRef<'_, PyNdarray>,
    count: usize,
    range: Option<(f64, f64)>,
    edges: Option<PyRef<'_, PyNdarray>>,
    weights: Option<PyRef<'_, PyNdarray>>,
    density: bool,
) -> PyResult<(PyNdarray, PyNdarray)> {
    let (x, w, e) = (a.inner.clone(), weights.map(|w| w.inner.clone()), edges.map(|e| e.inner.clone()));
    if e.is_none() && range.is_none() && x.numel() > 0 {
        guard::check(py, "histogram (the data's range, to place the bins; pass range= to avoid it)", &x)?;
    }
    let run = || {
        let bins = match &e {
            Some(e) => Bins::Edges(e),
            None => Bins::Count { count, range },
        };
        x.histogram(bins, w.as_ref(), density)
    };
    let (hist, edges) = py.detach(run).py_err()?;
    Ok((PyNdarray::new(hist), PyNdarray::new(edges)))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_bincount, m)?)?;
    m.add_function(wrap_pyfunction!(_histogram, m)?)?;
    Ok(())
}
