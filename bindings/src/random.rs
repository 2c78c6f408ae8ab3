//! `devarray.random`'s native part: `_Philox`, a thin wrapper over the core's
//! [`devarray::random::Generator`] (the NumPy-style `Generator` class, its keywords and its
//! `size` handling live in `python/devarray/random.py`). Every draw runs on the device with the
//! GIL released; nothing is copied to or from the host.

use crate::args::extract_shape;
use crate::array::PyNdarray;
use crate::device::extract_device;
use crate::dtype::extract_dtype;
use crate::errors::IntoPyResult;
use devarray::random::Generator;
use devarray::Array;
use pyo3::prelude::*;
use std::sync::Mutex;

/// A Philox4x32-10 stream (`devarray::random::Generator`); see `devarray.random.Generator`.
#[pyclass(module = "devarray._devarray", name = "_Philox", frozen)]
pub(crate) struct PyPhilox {
    inner: Mutex<Generator>,
}

/// The parsed `(shape, device)` of a draw.
type Target = (Vec<usize>, devarray::Device);

fn target(shape: &Bound<'_, PyAny>, device: Option<&Bound<'_, PyAny>>) -> PyResult<Target> {
    Ok((extract_shape(shape)?, extract_device(device)?))
}

impl PyPhilox {
    /// Runs a draw on the generator with the GIL released (the lock is held only by the draw).
    fn draw(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Generator) -> devarray::Result<Array> + Send,
    ) -> PyResult<PyNdarray> {
        let result = py.detach(|| {
            let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut g)
        });
        result.py_err().map(PyNdarray::new)
    }
}

#[pymethods]
impl PyPhilox {
    /// A stream keyed by the 64-bit `seed`, or by `key` (two 32-bit words) at counter `offset`.
    #[new]
    #[pyo3(signature = (seed, key=None, offset=0))]
    fn new(seed: u64, key: Option<[u32; 2]>, offset: u64) -> Self {
        let g = match key {
            Some(k) => Generator::from_key(k, offset),
            None => Generator::new(seed),
        };
        PyPhilox { inner: Mutex::new(g) }
    }

    /// The Philox key, two 32-bit words.
    #[getter]
    fn key(&self) -> [u32; 2] {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).key()
    }

    /// The counter block the next draw starts at.
    #[getter]
    fn offset(&self) -> u64 {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).offset()
    }

    /// `n` independent child streams.
    fn spawn(&self, n: usize) -> PyResult<Vec<PyPhilox>> {
        let kids = self.inner.lock().unwrap_or_else(|e| e.into_inner()).spawn(n).py_err()?;
        Ok(kids.into_iter().map(|g| PyPhilox { inner: Mutex::new(g) }).collect())
    }

    /// Uniform floats `low + (high - low) * u`, `u` in `[0, 1)`.
    #[pyo3(signature = (low, high, shape, dtype, device))]
    fn uniform(
        &self,
        py: Python<'_>,
        low: f64,
        high: f64,
        shape: &Bound<'_, PyAny>,
        dtype: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let ((shape, device), dtype) = (target(shape, device)?, extract_dtype(dtype)?);
        self.draw(py, |g| g.uniform(low, high, &shape, dtype, &device))
    }

    /// Normal floats of mean `loc` and standard deviation `scale`.
    #[pyo3(signature = (loc, scale, shape, dtype, device))]
    fn normal(
        &self,
        py: Python<'_>,
        loc: f64,
        scale: f64,
        shape: &Bound<'_, PyAny>,
        dtype: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let ((shape, device), dtype) = (target(shape, device)?, extract_dtype(dtype)?);
        self.draw(py, |g| g.normal(loc, scale, &shape, dtype, &device))
    }

    /// Exponential floats of mean `scale`.
    #[pyo3(signature = (scale, shape, dtype, device))]
    fn exponential(
        &self,
        py: Python<'_>,
        scale: f64,
        shape: &Bound<'_, PyAny>,
        dtype: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let ((shape, device), dtype) = (target(shape, device)?, extract_dtype(dtype)?);
        self.draw(py, |g| g.exponential(scale, &shape, dtype, &device))
    }

    /// Uniform integers in `[low, high)` (`[low, high]` with `endpoint`).
    #[pyo3(signature = (low, high, shape, dtype, endpoint, device))]
    #[allow(clippy::too_many_arguments)]
    fn integers(
        &self,
        py: Python<'_>,
        low: i128,
        high: i128,
        shape: &Bound<'_, PyAny>,
        dtype: &Bound<'_, PyAny>,
        endpoint: bool,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let ((shape, device), dtype) = (target(shape, device)?, extract_dtype(dtype)?);
        self.draw(py, |g| g.integers(low, high, &shape, dtype, endpoint, &device))
    }

    /// Gamma floats of shape `shape` and scale `scale`.
    #[pyo3(signature = (shape, scale, size, dtype, device))]
    fn gamma(
        &self,
        py: Python<'_>,
        shape: f64,
        scale: f64,
        size: &Bound<'_, PyAny>,
        dtype: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let ((dims, device), dtype) = (target(size, device)?, extract_dtype(dtype)?);
        self.draw(py, |g| g.gamma(shape, scale, &dims, dtype, &device))
    }

    /// Beta floats of shapes `a` and `b`.
    #[pyo3(signature = (a, b, size, dtype, device))]
    fn beta(
        &self,
        py: Python<'_>,
        a: f64,
        b: f64,
        size: &Bound<'_, PyAny>,
        dtype: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let ((dims, device), dtype) = (target(size, device)?, extract_dtype(dtype)?);
        self.draw(py, |g| g.beta(a, b, &dims, dtype, &device))
    }

    /// Booleans, `True` with probability `p`.
    #[pyo3(signature = (p, shape, device))]
    fn bernoulli(
        &self,
        py: Python<'_>,
        p: f64,
        shape: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let (shape, device) = target(shape, device)?;
        self.draw(py, |g| g.bernoulli(p, &shape, &device))
    }
}

#[pymethods]
impl PyPhilox {
    /// A random permutation of `0..n` (int64).
    #[pyo3(signature = (n, device))]
    fn permutation(&self, py: Python<'_>, n: usize, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
        let device = extract_device(device)?;
        self.draw(py, |g| g.permutation(n, &device))
    }

    /// A copy of `x` with its slices along `axis` permuted.
    #[pyo3(signature = (x, axis))]
    fn permutation_of(&self, py: Python<'_>, x: PyRef<'_, PyNdarray>, axis: isize) -> PyResult<PyNdarray> {
        let x = x.inner.clone();
        self.draw(py, |g| g.permutation_of(&x, axis))
    }

    /// Shuffles `x` in place along `axis`.
    #[pyo3(signature = (x, axis))]
    fn shuffle(&self, py: Python<'_>, x: PyRef<'_, PyNdarray>, axis: isize) -> PyResult<()> {
        let x = x.inner.clone();
        let result = py.detach(|| self.inner.lock().unwrap_or_else(|e| e.into_inner()).shuffle(&x, axis));
        result.py_err()
    }

    /// Random indices into a population of `n` (int64).
    #[pyo3(signature = (n, shape, replace, p, device))]
    fn choice(
        &self,
        py: Python<'_>,
        n: usize,
        shape: &Bound<'_, PyAny>,
        replace: bool,
        p: Option<PyRef<'_, PyNdarray>>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let (shape, device) = target(shape, device)?;
        let p = p.map(|p| p.inner.clone());
        self.draw(py, |g| g.choice(n, &shape, replace, p.as_ref(), &device))
    }

    /// A random sample of the slices of `a` along `axis`.
    #[pyo3(signature = (a, shape, replace, p, axis))]
    fn choice_from(
        &self,
        py: Python<'_>,
        a: PyRef<'_, PyNdarray>,
        shape: &Bound<'_, PyAny>,
        replace: bool,
        p: Option<PyRef<'_, PyNdarray>>,
        axis: isize,
    ) -> PyResult<PyNdarray> {
        let (a, shape) = (a.inner.clone(), extract_shape(shape)?);
        let p = p.map(|p| p.inner.clone());
        self.draw(py, |g| g.choice_from(&a, &shape, replace, p.as_ref(), axis))
    }

    /// Binomial counts (int64) of `n` trials of probability `p`.
    #[pyo3(signature = (n, p, shape, device))]
    fn binomial(
        &self,
        py: Python<'_>,
        n: i64,
        p: f64,
        shape: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let (shape, device) = target(shape, device)?;
        self.draw(py, |g| g.binomial(n, p, &shape, &device))
    }

    /// Poisson counts (int64) of mean `lam`.
    #[pyo3(signature = (lam, shape, device))]
    fn poisson(
        &self,
        py: Python<'_>,
        lam: f64,
        shape: &Bound<'_, PyAny>,
        device: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        let (shape, device) = target(shape, device)?;
        self.draw(py, |g| g.poisson(lam, &shape, &device))
    }
}

/// Registers `_Philox`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPhilox>()
}
