//! `devarray.Device`: where arrays live, and the conversion of `device=` arguments.

use crate::errors::IntoPyResult;
use devarray::Device;
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyString, PyTuple};

/// A place arrays live and ops run: the CPU backend (`Device("cpu")`) or a CUDA GPU
/// (`Device("cuda:0")`). Arrays on different devices never mix implicitly: move one with
/// `x.to_device(d)`.
///
/// `with Device("cuda:1"):` makes it the default device inside the block (as CuPy's
/// `cupy.cuda.Device` does): functions called without `device=` create arrays there. The
/// override is context-local (a `contextvars.ContextVar`: per thread and per asyncio task),
/// nests, and is restored when the block exits, by an exception too.
#[pyclass(name = "Device", module = "devarray", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash, Clone, Copy)]
pub struct PyDevice {
    pub(crate) device: Device,
}

#[pymethods]
impl PyDevice {
    /// Parses `"cpu"`, `"cuda"` (= `"cuda:0"`) or `"cuda:N"`. Only the syntax is checked here;
    /// using a device that does not exist is an error at the first array created on it.
    #[new]
    fn new(name: &str) -> PyResult<Self> {
        Ok(PyDevice { device: name.parse::<Device>().py_err()? })
    }

    /// `"cpu"` or `"cuda"`.
    #[getter]
    fn kind(&self) -> &'static str {
        if self.device.is_cuda() {
            "cuda"
        } else {
            "cpu"
        }
    }

    /// The CUDA ordinal (0 for the CPU).
    #[getter]
    fn index(&self) -> usize {
        match self.device {
            Device::Cuda(i) => i,
            _ => 0,
        }
    }

    /// Waits until every operation queued on this device has finished (releases the GIL).
    fn synchronize(&self, py: Python<'_>) -> PyResult<()> {
        let d = self.device;
        py.detach(|| d.synchronize()).py_err()
    }

    /// Makes this device the default one until the matching `__exit__` (see the class doc).
    /// Only the syntax was checked: a device that does not exist is an error at the first
    /// array created in the block.
    fn __enter__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, Self>> {
        let py = slf.py();
        let var = override_var(py)?;
        let stack = override_stack(py)?;
        let mut items: Vec<Bound<'_, PyAny>> = stack.iter().collect();
        items.push(slf.clone().into_any());
        var.call_method1("set", (PyTuple::new(py, items)?,))?;
        Ok(slf.clone())
    }

    /// Restores the default device that was in effect before the matching `__enter__`.
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyAny>>,
        exc: Option<&Bound<'_, PyAny>>,
        tb: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        let _ = (exc_type, exc, tb); // the device is restored whatever happened in the block
        let stack = override_stack(py)?;
        let n = stack.len();
        if n == 0 {
            return Err(PyRuntimeError::new_err(
                "Device.__exit__ without a matching __enter__: use the device in a `with` block",
            ));
        }
        override_var(py)?.call_method1("set", (stack.get_slice(0, n - 1),))?;
        Ok(false) // exceptions propagate
    }

    fn __repr__(&self) -> String {
        format!("Device('{}')", self.device)
    }

    fn __str__(&self) -> String {
        self.device.to_string()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> (Bound<'py, PyAny>, (String,)) {
        let cls = slf.get_type().into_any();
        (cls, (slf.get().device.to_string(),))
    }
}

/// The `contextvars.ContextVar` holding the stack (a tuple) of devices entered with `with
/// Device(...)`: a context variable rather than a thread-local so that asyncio tasks and
/// `contextvars.copy_context()` each see their own override, as they do for `decimal`'s context.
static OVERRIDE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn override_var(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    OVERRIDE
        .get_or_try_init(py, || {
            let cv = py.import("contextvars")?.getattr("ContextVar")?;
            Ok::<_, PyErr>(cv.call1(("devarray_default_device",))?.unbind())
        })
        .map(|v| v.bind(py))
}

/// The devices entered in this context, innermost last (empty outside every `with Device`).
fn override_stack(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let v = override_var(py)?.call_method1("get", (PyTuple::empty(py),))?;
    Ok(v.cast_into::<PyTuple>()?)
}

/// The default device: the innermost `with Device(...)` of this context, else `DEVARRAY_DEVICE`
/// when set (an unusable value is a `ValueError` that lists the devices), else CUDA device 0
/// when usable, else the CPU.
pub(crate) fn default_device() -> PyResult<Device> {
    let entered = Python::attach(|py| -> PyResult<Option<Device>> {
        let stack = override_stack(py)?;
        match stack.len() {
            0 => Ok(None),
            n => Ok(Some(stack.get_item(n - 1)?.cast::<PyDevice>()?.get().device)),
        }
    })?;
    match entered {
        Some(d) => Ok(d),
        None => Device::from_env().py_err(),
    }
}

/// A `device=` argument: `None` (the default device), a `devarray.Device` or a name.
pub(crate) fn extract_device(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Device> {
    match obj {
        None => default_device(),
        Some(o) if o.is_none() => default_device(),
        Some(o) => {
            if let Ok(d) = o.cast::<PyDevice>() {
                return Ok(d.get().device);
            }
            if let Ok(s) = o.cast::<PyString>() {
                return s.to_str()?.parse::<Device>().py_err();
            }
            Err(PyTypeError::new_err(format!(
                "device must be a devarray.Device or a name such as 'cpu' or 'cuda:0', not {}",
                o.get_type().name()?
            )))
        }
    }
}

/// An optional `device=` argument: `None` stays `None`.
pub(crate) fn extract_opt_device(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Device>> {
    match obj {
        Some(o) if !o.is_none() => extract_device(Some(o)).map(Some),
        _ => Ok(None),
    }
}
