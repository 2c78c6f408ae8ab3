//! `devarray.ndarray`: the Python array type, a thin handle on a core [`Array`].
//!
//! The methods are split by family, like the core's: shape and views ([`views`]), operators
//! and elementwise methods ([`operators`]), reductions ([`reductions`]), indexing and iteration
//! ([`indexing`]), and NumPy/DLPack/Array API interop ([`interop`]). This file holds the type,
//! its attributes, copies and transfers, and the scalar and text conversions.

mod indexing;
mod interop;
mod operators;
mod reductions;
mod scan;
mod views;

pub use indexing::ArrayIterator;
pub(crate) use views::reshape;

use crate::device::{extract_device, PyDevice};
use crate::dtype::{dtype_object, extract_dtype, PyDType};
use crate::errors::IntoPyResult;
use crate::{guard, host};
use devarray::{Array, PrintOptions, Scalar};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyTuple};
use pyo3::IntoPyObjectExt;

/// An n-dimensional array whose elements live on a device (a CUDA GPU or the CPU backend).
///
/// Create arrays with the module functions (`devarray.asarray`, `zeros`, `arange`, …). Ops run
/// where the data is; elements reach the host only through explicit copies: `x.get()`,
/// `devarray.asnumpy(x)`, `numpy.asarray(x, copy=True)`, `x.item()`, `x.tolist()`.
/// `numpy.asarray(x)` without `copy=True` raises `TypeError` on every device.
#[pyclass(name = "ndarray", module = "devarray", frozen, weakref)]
pub struct PyNdarray {
    pub(crate) inner: Array,
}

impl PyNdarray {
    /// Wraps a core array.
    pub(crate) fn new(inner: Array) -> Self {
        PyNdarray { inner }
    }

    /// `TypeError` for `float()`/`int()` of a complex array, as Python and NumPy refuse them
    /// (use `.real` first).
    fn refuse_complex(&self, what: &str) -> PyResult<()> {
        if self.inner.dtype().is_complex() {
            return Err(PyTypeError::new_err(format!(
                "{what}() argument must be a real number, not {} (take .real first)",
                self.inner.dtype()
            )));
        }
        Ok(())
    }

    /// The one element of a size-1 array, checked by the transfer guard as `what`.
    fn scalar_read(&self, py: Python<'_>, what: &str) -> PyResult<Scalar> {
        if self.inner.numel() != 1 {
            return Err(PyTypeError::new_err(format!(
                "only size-1 arrays can be converted to Python scalars by {what}; this array has shape {:?}",
                self.inner.shape()
            )));
        }
        guard::check(py, what, &self.inner)?;
        let a = &self.inner;
        py.detach(|| a.item_scalar()).py_err()
    }
}

#[pymethods]
impl PyNdarray {
    /// The extent of each axis.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.shape())
    }

    /// The element type (a `devarray` dtype object such as `devarray.float32`).
    #[getter]
    fn dtype(&self, py: Python<'_>) -> PyResult<Py<PyDType>> {
        dtype_object(py, self.inner.dtype())
    }

    /// The device holding the elements.
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice { device: self.inner.device() }
    }

    /// Number of axes.
    #[getter]
    fn ndim(&self) -> usize {
        self.inner.ndim()
    }

    /// Number of elements.
    #[getter]
    fn size(&self) -> usize {
        self.inner.numel()
    }

    /// Bytes the elements occupy (`size * itemsize`).
    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.nbytes()
    }

    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.inner.dtype().itemsize()
    }

    /// Strides in **bytes** per axis, as NumPy reports them (0 for broadcast axes, negative for
    /// flipped ones).
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let itemsize = self.inner.dtype().itemsize() as isize;
        PyTuple::new(py, self.inner.strides().iter().map(|s| s * itemsize))
    }

    /// Whether writes through this array are refused (broadcast views, read-only imports).
    #[getter]
    fn is_readonly(&self) -> bool {
        self.inner.is_read_only()
    }

    /// A new array with the elements converted to `dtype` (NumPy's casting results). With
    /// `copy=False`, returns `self` when the dtype already matches.
    #[pyo3(signature = (dtype, /, *, copy=true))]
    fn astype(slf: &Bound<'_, Self>, dtype: &Bound<'_, PyAny>, copy: bool) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let dtype = extract_dtype(dtype)?;
        let a = &slf.get().inner;
        if !copy && a.dtype() == dtype {
            return Ok(slf.clone().into_any().unbind());
        }
        PyNdarray::new(py.detach(|| a.astype(dtype)).py_err()?).into_py_any(py)
    }

    /// A new contiguous, writable array with the same elements, on the same device.
    fn copy(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        let a = &self.inner;
        Ok(PyNdarray::new(py.detach(|| a.copy()).py_err()?))
    }

    fn __copy__(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        self.copy(py)
    }

    #[pyo3(signature = (memo, /))]
    fn __deepcopy__(&self, py: Python<'_>, memo: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
        let _ = memo; // a copy holds no references to other objects
        self.copy(py)
    }

    /// A copy of this array on `device` (`self` when it is already there). An explicit
    /// transfer: never refused by the transfer guard. Only `stream=None` is supported.
    #[pyo3(signature = (device, /, *, stream=None))]
    fn to_device(
        &self,
        py: Python<'_>,
        device: &Bound<'_, PyAny>,
        stream: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        if stream.is_some_and(|s| !s.is_none()) {
            return Err(PyValueError::new_err("to_device: only stream=None is supported"));
        }
        let device = extract_device(Some(device))?;
        let a = &self.inner;
        Ok(PyNdarray::new(py.detach(|| a.to_device(&device)).py_err()?))
    }

    /// A new NumPy array with a copy of the elements: the explicit device-to-host transfer
    /// (bfloat16 gives an `ml_dtypes.bfloat16` array). Never refused by the transfer guard.
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        host::to_numpy(py, &self.inner)
    }

    /// Pickling copies the values to the host (a transfer the transfer guard checks, under
    /// the name "pickle") and records the device; unpickling copies them to that device of
    /// the unpickling process (`devarray._rebuild`). Dask's multi-process schedulers move
    /// chunks this way.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Reduced<'py>> {
        guard::check(py, "pickle", &self.inner)?;
        let rebuild = py.import("devarray")?.getattr("_rebuild")?;
        Ok((rebuild, (host::to_numpy(py, &self.inner)?, self.inner.device().to_string())))
    }

    /// The one element of a size-1 array as a Python `bool`, `int` or `float` (an explicit
    /// scalar read, never refused by the transfer guard).
    fn item<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let a = &self.inner;
        let s = py.detach(|| a.item_scalar()).py_err()?;
        host::scalar_to_py(py, s)
    }

    /// The elements as nested Python lists (a scalar for 0-d arrays). Checked by the transfer
    /// guard.
    fn tolist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard::check(py, "tolist()", &self.inner)?;
        host::to_list(py, &self.inner)
    }

    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        if self.inner.numel() != 1 {
            let msg = if self.inner.numel() == 0 {
                "The truth value of an empty array is ambiguous. Use `x.size > 0` to check that an array is not empty."
            } else {
                "The truth value of an array with more than one element is ambiguous. Use x.any() or x.all()"
            };
            return Err(PyValueError::new_err(msg));
        }
        Ok(match self.scalar_read(py, "bool()")? {
            Scalar::Bool(b) => b,
            Scalar::Int(i) => i != 0,
            Scalar::UInt(u) => u != 0,
            Scalar::Float(f) => f != 0.0,
            Scalar::Complex(z) => z.re != 0.0 || z.im != 0.0,
        })
    }

    fn __float__(&self, py: Python<'_>) -> PyResult<f64> {
        self.refuse_complex("float")?;
        Ok(self.scalar_read(py, "float()")?.as_f64())
    }

    fn __int__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.refuse_complex("int")?;
        match self.scalar_read(py, "int()")? {
            Scalar::Float(f) => PyFloat::new(py, f).call_method0("__int__"),
            Scalar::Bool(b) => (b as i64).into_bound_py_any(py),
            s => host::scalar_to_py(py, s),
        }
    }

    fn __index__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if !self.inner.dtype().is_integer() {
            return Err(PyTypeError::new_err(format!(
                "only integer scalar arrays can be converted to a scalar index (this array is {})",
                self.inner.dtype()
            )));
        }
        let s = self.scalar_read(py, "__index__()")?;
        host::scalar_to_py(py, s)
    }

    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let z = self.scalar_read(py, "complex()")?.as_complex();
        Ok(pyo3::types::PyComplex::from_doubles(py, z.re, z.im).into_any())
    }

    /// Values, shape, dtype and device, laid out as NumPy's `repr` (with NumPy's summary past
    /// `threshold` elements; `devarray.set_printoptions`). Reading the values shown is a
    /// device-to-host copy, checked by the transfer guard.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let a = &self.inner;
        let options = print_options(py)?;
        guard::check(py, "repr()", a)?;
        let prefix = "devarray.ndarray(";
        let body = py.detach(|| a.display_with(&options)).py_err()?.prefix(prefix).suffix(",");
        let text = format!("{prefix}{body},");
        // NumPy's rule for the metadata: on the last line unless that would pass linewidth.
        let meta = format!("shape={}, dtype={}, device={})", shape_text(a.shape()), a.dtype(), a.device());
        let last_line = text.rsplit('\n').next().unwrap_or_default().chars().count();
        let spacer = if last_line + meta.len() + 1 > options.linewidth {
            format!("\n{}", " ".repeat(prefix.len()))
        } else {
            " ".to_string()
        };
        Ok(format!("{text}{spacer}{meta}"))
    }

    /// The values as NumPy's `str` shows them (checked by the transfer guard).
    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        let a = &self.inner;
        let options = print_options(py)?;
        guard::check(py, "str()", a)?;
        Ok(py.detach(|| a.display_with(&options)).py_err()?.str_style().to_string())
    }
}

/// The print options in force in the calling context (`devarray.set_printoptions`, kept in a
/// `ContextVar` by `devarray._printing`).
fn print_options(py: Python<'_>) -> PyResult<PrintOptions> {
    let (threshold, edgeitems, precision, linewidth, suppress): (usize, usize, usize, usize, bool) =
        py.import("devarray._printing")?.getattr("_current")?.call0()?.extract()?;
    let mut options = PrintOptions::default();
    options.threshold = threshold;
    options.edgeitems = edgeitems;
    options.precision = precision;
    options.linewidth = linewidth;
    options.suppress = suppress;
    Ok(options)
}

/// What `__reduce__` returns: the rebuilding function and its arguments (host values, device).
type Reduced<'py> = (Bound<'py, PyAny>, (Bound<'py, PyAny>, String));

/// `(2, 3)`, `(5,)`, `()`.
fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}
