//! The `devarray._devarray` extension module: Python bindings over the devarray Rust crate.
//!
//! Thin wrappers only: each function parses its Python arguments, calls the core with the GIL
//! released ([`Python::detach`]) for anything that touches device memory, and maps
//! [`devarray::Error`] to a Python exception class ([`errors`]). The Python package
//! `devarray` (in `python/devarray`) re-exports this module and adds the pure-Python parts of
//! the Array API namespace and the NumPy protocol dispatch tables.
//!
//! Gaps waiting for core primitives (see `bindings/README.md`): advanced indexing is composed
//! from one view and one copy per selected position (no gather/scatter kernel). `repr` and
//! `str` print with NumPy's layout through the core's `Array::display_with`, under the print
//! options of `devarray.set_printoptions` (`python/devarray/_printing.py`).

mod args;
mod array;
mod count;
mod device;
mod dlpack;
mod dlpack_method;
mod dtype;
mod errors;
mod fft;
mod functions;
mod gather;
mod guard;
mod host;
mod index;
mod linalg;
mod linalg_decomp;
mod manip;
mod memory;
mod random;
mod reduce;
mod scan;
mod sort;
mod stream;

use pyo3::prelude::*;

/// GPU-first n-dimensional arrays (native part of the `devarray` package).
#[pymodule]
fn _devarray(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<array::PyNdarray>()?;
    dlpack_method::install(py)?;
    m.add_class::<array::ArrayIterator>()?;
    m.add_class::<dtype::PyDType>()?;
    m.add_class::<device::PyDevice>()?;
    m.add("TransferGuardError", py.get_type::<errors::TransferGuardError>())?;
    for d in devarray::DType::ALL {
        m.add(d.name(), dtype::dtype_object(py, d)?)?;
    }
    functions::register(m)?;
    linalg::register(m)?;
    fft::register(m)?;
    linalg_decomp::register(m)?;
    random::register(m)?;
    count::register(m)?;
    scan::register(m)?;
    manip::register(m)?;
    stream::register(m)?;
    memory::register(m)?;
    m.add_function(wrap_pyfunction!(dlpack::from_dlpack, m)?)?;
    m.add_function(wrap_pyfunction!(sort::sort, m)?)?;
    m.add_function(wrap_pyfunction!(sort::argsort, m)?)?;
    m.add_function(wrap_pyfunction!(sort::_searchsorted, m)?)?;
    m.add_function(wrap_pyfunction!(sort::_unique, m)?)?;
    m.add_function(wrap_pyfunction!(sort::_unique_counts, m)?)?;
    m.add_function(wrap_pyfunction!(gather::_take, m)?)?;
    m.add_function(wrap_pyfunction!(gather::_take_along_axis, m)?)?;
    m.add_function(wrap_pyfunction!(gather::_put, m)?)?;
    m.add_function(wrap_pyfunction!(gather::_split, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_set_transfer_guard, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_get_transfer_guard, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_enter_transfer_guard, m)?)?;
    m.add_function(wrap_pyfunction!(args::_foreign_operand_error, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_reset_transfer_guard, m)?)?;
    m.add_function(wrap_pyfunction!(guard::_check_transfer_guard_level, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
