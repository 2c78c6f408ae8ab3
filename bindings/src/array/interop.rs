//! NumPy, Array API and DLPack interop of `devarray.ndarray`: `__array__`,
//! `__array_ufunc__`/`__array_function__`, `__array_namespace__`, `__dlpack_device__` and the
//! CUDA Array Interface (`__dlpack__` is in `crate::dlpack_method`).

use super::PyNdarray;
use crate::{dlpack, guard, host};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

static INTEROP: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// A function of `devarray._interop` (the NumPy protocol dispatch tables).
fn interop<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let m = INTEROP.get_or_try_init(py, || py.import("devarray._interop").map(Bound::unbind))?;
    m.bind(py).getattr(name)
}

#[pymethods]
impl PyNdarray {
    /// The NumPy conversion protocol. Only `copy=True` converts (a fresh host copy, with
    /// `dtype` honoured): `numpy.asarray(x, copy=True)` and `numpy.array(x)` work, while
    /// `numpy.asarray(x)` (`copy=None`) raises `TypeError` and `copy=False` raises
    /// `ValueError`, on every device.
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(
        &self,
        py: Python<'py>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match copy {
            None => Err(PyTypeError::new_err(format!(
                "Implicit conversion of a devarray.ndarray (on {}) to a NumPy array is not allowed. Copy it explicitly with x.get(), devarray.asnumpy(x) or np.asarray(x, copy=True).",
                self.inner.device()
            ))),
            Some(false) => Err(PyValueError::new_err(format!(
                "A devarray.ndarray (on {}) cannot be viewed as a NumPy array without a copy, so np.asarray(x, copy=False) is impossible; use x.get(), devarray.asnumpy(x) or np.asarray(x, copy=True).",
                self.inner.device()
            ))),
            Some(true) => {
                guard::check(py, "__array__(copy=True)", &self.inner)?;
                let out = host::to_numpy(py, &self.inner)?;
                match dtype {
                    Some(d) if !d.is_none() => {
                        let kwargs = PyDict::new(py);
                        kwargs.set_item("copy", false)?;
                        out.call_method("astype", (d,), Some(&kwargs))
                    }
                    _ => Ok(out),
                }
            }
        }
    }

    /// NumPy ufuncs on devarray arrays run on the device (`np.sin(x)`, `np.add(x, 1, out=y)`,
    /// `np.add.reduce(x, axis=0)`); NumPy arrays among the inputs, or an unsupported ufunc or
    /// method, give `NotImplemented`, so NumPy raises `TypeError`.
    #[pyo3(signature = (ufunc, method, *inputs, **kwargs))]
    fn __array_ufunc__<'py>(
        slf: &Bound<'py, Self>,
        ufunc: &Bound<'py, PyAny>,
        method: &Bound<'py, PyAny>,
        inputs: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let kwargs = match kwargs {
            Some(k) => k.clone(),
            None => PyDict::new(py),
        };
        interop(py, "array_ufunc")?.call1((slf, ufunc, method, inputs, kwargs))
    }

    /// NEP 18: `np.sum`, `np.mean`, `np.concatenate`, `np.where`, … on devarray arrays dispatch
    /// to devarray; other functions return `NotImplemented` (NumPy raises `TypeError`).
    fn __array_function__<'py>(
        slf: &Bound<'py, Self>,
        func: &Bound<'py, PyAny>,
        types: &Bound<'py, PyAny>,
        args: &Bound<'py, PyAny>,
        kwargs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        interop(slf.py(), "array_function")?.call1((slf, func, types, args, kwargs))
    }

    /// NumPy's priority of this type in mixed operations: above NumPy's arrays (0.0), as
    /// CuPy's (100.0). Dask's `tensordot` picks the operand with the highest priority to choose
    /// whose `tensordot` runs a block product.
    #[classattr]
    fn __array_priority__() -> f64 {
        100.0
    }

    /// NEP 30: a devarray array is its own duck array.
    fn __duckarray__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    /// The Array API namespace of this array: the `devarray` module.
    #[pyo3(signature = (*, api_version=None))]
    fn __array_namespace__<'py>(&self, py: Python<'py>, api_version: Option<&str>) -> PyResult<Bound<'py, PyModule>> {
        if let Some(v) = api_version {
            if !["2021.12", "2022.12", "2023.12", "2024.12"].contains(&v) {
                return Err(PyValueError::new_err(format!(
                    "unsupported Array API version {v:?}; devarray implements 2024.12"
                )));
            }
        }
        py.import("devarray")
    }

    // `__dlpack__` is installed by `crate::dlpack_method` (a hand-written fast-call method).

    /// `(device_type, device_id)` of the array's memory in DLPack terms.
    fn __dlpack_device__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        dlpack::dlpack_device(py, &self.inner)
    }

    /// The CUDA Array Interface (version 3, with the stream to synchronise on). Only CUDA
    /// arrays have it: on CPU arrays it raises `AttributeError`, so `hasattr` is false.
    #[getter]
    fn __cuda_array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dlpack::cuda_array_interface(py, &self.inner)
    }
}
