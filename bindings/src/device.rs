//! `devarray.Device`: where arrays live, and the conversion of `device=` arguments.

use crate::errors::IntoPyResult;
use devarray::Device;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// A place arrays live and ops run: the CPU backend (`Device("cpu")`) or a CUDA GPU
/// (`Device("cuda:0")`). Arrays on different devices never mix implicitly: move one with
/// `x.to_device(d)`.
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

/// The default device: `DEVARRAY_DEVICE` when set (an unusable value is a `ValueError` that
/// lists the devices), else CUDA device 0 when usable, else the CPU.
pub(crate) fn default_device() -> PyResult<Device> {
    Device::from_env().py_err()
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
