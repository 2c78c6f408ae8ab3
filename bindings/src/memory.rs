//! `devarray.memory_info` and `devarray.empty_cache`: the core's buffer-cache statistics and
//! trim ([`devarray::cpu_cache_bytes`], [`devarray::cpu_cache_limit`], [`devarray::cpu_cache_trim`]).

use crate::device::extract_device;
use pyo3::exceptions::PyNotImplementedError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Memory figures of `device` (default: the default device) as a dict. CPU device:
/// `cached_bytes` (freed buffers kept for reuse by the buffer cache, shared by the process) and
/// `cache_limit_bytes` (its cap, `DEVARRAY_CPU_CACHE_BYTES`, default 1 GiB). CUDA devices are
/// not reported yet (`NotImplementedError`): the core has no statistics of the driver's pool.
#[pyfunction]
#[pyo3(signature = (device=None))]
fn memory_info<'py>(py: Python<'py>, device: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyDict>> {
    let d = extract_device(device)?;
    if d.is_cuda() {
        return Err(PyNotImplementedError::new_err(format!(
            "memory_info({d}): CUDA memory figures are not available yet (devarray's CUDA backend \
             keeps no pool statistics); only the CPU device is reported"
        )));
    }
    let out = PyDict::new(py);
    out.set_item("cached_bytes", devarray::cpu_cache_bytes())?;
    out.set_item("cache_limit_bytes", devarray::cpu_cache_limit())?;
    Ok(out)
}

/// Releases the freed CPU buffers the cache keeps back to the system (arrays still alive are not
/// touched). The CUDA driver's memory pool is not trimmed yet: its freed blocks stay cached
/// for reuse by this process until it exits.
#[pyfunction]
fn empty_cache(py: Python<'_>) {
    py.detach(devarray::cpu_cache_trim);
}

/// Adds the functions of this file to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(memory_info, m)?)?;
    m.add_function(wrap_pyfunction!(empty_cache, m)?)?;
    Ok(())
}
