//! `devarray.memory_info`, `devarray.empty_cache` and `devarray.reset_peak_memory`: the core's
//! [`devarray::MemoryInfo`] ([`devarray::Device::memory_info`]), [`devarray::empty_cache`] and
//! [`devarray::Device::reset_peak_memory`].

use crate::device::extract_device;
use crate::errors::IntoPyResult;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Memory figures of `device` (default: the default device) as a dict of byte counts, one key
/// per figure the device keeps. Every device: `cached_bytes` (freed memory kept for reuse: the
/// CPU buffer cache, or a CUDA pool's reserved but unused memory) and `cache_limit_bytes` (the
/// cap: `DEVARRAY_CPU_CACHE_BYTES` on the CPU, the device's memory on CUDA, where devarray caps
/// nothing). CUDA devices add `used_bytes`, `reserved_bytes`, `peak_used_bytes`,
/// `peak_reserved_bytes` (the memory pool's) and `free_bytes`, `total_bytes` (the device's).
#[pyfunction]
#[pyo3(signature = (device=None))]
fn memory_info<'py>(py: Python<'py>, device: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyDict>> {
    let d = extract_device(device)?;
    let info = py.detach(|| d.memory_info()).py_err()?;
    let out = PyDict::new(py);
    out.set_item("cached_bytes", info.cached_bytes)?;
    out.set_item("cache_limit_bytes", info.cache_limit_bytes)?;
    let optional = [
        ("used_bytes", info.used_bytes),
        ("reserved_bytes", info.reserved_bytes),
        ("peak_used_bytes", info.peak_used_bytes),
        ("peak_reserved_bytes", info.peak_reserved_bytes),
        ("free_bytes", info.free_bytes),
        ("total_bytes", info.total_bytes),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            out.set_item(key, v)?;
        }
    }
    Ok(out)
}

/// Gives cached memory back: the CPU buffer cache's freed buffers to the system, and the unused
/// memory of each opened CUDA device's pool to the driver (after waiting for the device's
/// queued work). Arrays still alive are not touched.
#[pyfunction]
fn empty_cache(py: Python<'_>) -> PyResult<()> {
    py.detach(devarray::empty_cache).py_err()
}

/// Restarts `peak_used_bytes` and `peak_reserved_bytes` of `device` (default: the default
/// device) at the current figures; nothing to do on the CPU.
#[pyfunction]
#[pyo3(signature = (device=None))]
fn reset_peak_memory(py: Python<'_>, device: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let d = extract_device(device)?;
    py.detach(|| d.reset_peak_memory()).py_err()
}

/// Adds the functions of this file to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(memory_info, m)?)?;
    m.add_function(wrap_pyfunction!(empty_cache, m)?)?;
    m.add_function(wrap_pyfunction!(reset_peak_memory, m)?)?;
    Ok(())
}
