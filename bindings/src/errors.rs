//! devarray's error kinds as Python exception classes.
//!
//! Each [`devarray::Error`] variant maps to the built-in class a NumPy user would expect, so
//! `except ValueError` / `except TypeError` work as they do with NumPy:
//!
//! | Rust variant | Python exception |
//! |---|---|
//! | `ShapeMismatch`, `InvalidArgument`, `RepeatedAxis`, `SizeOverflow`, `TooManyDims` (but `IndexError` from indexing, as NumPy), `EmptyReduction`, `DeviceMismatch`, `BadDeviceName`, `HostLength`, `DLPackStream` | `ValueError` |
//! | `AxisOutOfRange` | `numpy.exceptions.AxisError` (a subclass of `ValueError` and `IndexError`) |
//! | `IndexOutOfBounds` | `IndexError` |
//! | `DTypeMismatch`, `UnsupportedDType` | `TypeError` |
//! | `ReadOnly` | `ValueError("assignment destination is read-only ...")`, NumPy's text |
//! | `OutOfMemory` | `MemoryError` |
//! | `CudaUnavailable`, `LibraryUnavailable`, `Driver`, `Kernel` | `RuntimeError` |
//! | `NotSquare`, `SingularMatrix`, `NotPositiveDefinite`, `NoConvergence` | `numpy.linalg.LinAlgError` (a subclass of `ValueError`; plain `ValueError` without NumPy) |
//! | `UnsupportedOnDevice` | `NotImplementedError` (a subclass of `RuntimeError`) |
//! | `DLPackVersion`, `DLPackDType`, `DLPackDevice`, `DLPackMalformed`, `DLPackExport`, `DLPackMemory` | `BufferError` |

use devarray::Error;
use pyo3::exceptions::{
    PyBufferError, PyIndexError, PyMemoryError, PyNotImplementedError, PyRuntimeError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;

pyo3::create_exception!(
    devarray,
    TransferGuardError,
    PyRuntimeError,
    "An implicit device-to-host transfer was refused by `devarray.transfer_guard(\"disallow\")`."
);

/// The Python exception for a devarray error (the message is the error's `Display` text).
pub(crate) fn to_pyerr(e: Error) -> PyErr {
    let msg = e.to_string();
    match e {
        Error::AxisOutOfRange { .. } => axis_error(msg),
        Error::IndexOutOfBounds { .. } | Error::InvalidIndex { .. } => PyIndexError::new_err(msg),
        Error::DTypeMismatch { .. } | Error::UnsupportedDType { .. } => PyTypeError::new_err(msg),
        Error::ReadOnly { .. } => PyValueError::new_err(format!("assignment destination is read-only ({msg})")),
        Error::OutOfMemory { .. } => PyMemoryError::new_err(msg),
        Error::CudaUnavailable { .. }
        | Error::LibraryUnavailable { .. }
        | Error::Driver { .. }
        | Error::Kernel { .. } => PyRuntimeError::new_err(msg),
        Error::NotSquare { .. }
        | Error::SingularMatrix { .. }
        | Error::NotPositiveDefinite { .. }
        | Error::NoConvergence { .. } => linalg_error(msg),
        Error::UnsupportedOnDevice { .. } => PyNotImplementedError::new_err(msg),
        Error::DLPackVersion { .. }
        | Error::DLPackDType { .. }
        | Error::DLPackDevice { .. }
        | Error::DLPackMalformed { .. }
        | Error::DLPackExport { .. }
        | Error::DLPackMemory { .. } => PyBufferError::new_err(msg),
        // NumPy: IndexError when indexing would pass 64 dimensions, ValueError elsewhere.
        Error::TooManyDims { op: "slice", .. } => PyIndexError::new_err(msg),
        Error::ShapeMismatch { .. }
        | Error::TooManyDims { .. }
        | Error::InvalidArgument { .. }
        | Error::RepeatedAxis { .. }
        | Error::SizeOverflow { .. }
        | Error::EmptyReduction { .. }
        | Error::DeviceMismatch { .. }
        | Error::BadDeviceName { .. }
        | Error::HostLength { .. }
        | Error::DLPackStream { .. } => PyValueError::new_err(msg),
        // `Error` is non-exhaustive: a variant added later is still reported, as RuntimeError.
        _ => PyRuntimeError::new_err(msg),
    }
}

/// `numpy.exceptions.AxisError(msg)` when NumPy is importable, else `IndexError(msg)`.
fn axis_error(msg: String) -> PyErr {
    Python::attach(|py| {
        match py
            .import("numpy.exceptions")
            .and_then(|m| m.getattr("AxisError"))
            .and_then(|cls| cls.call1((msg.as_str(),)))
        {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => PyIndexError::new_err(msg),
        }
    })
}

/// `numpy.linalg.LinAlgError(msg)` (what NumPy users catch; it subclasses `ValueError`) when
/// NumPy is importable, else `ValueError(msg)`.
fn linalg_error(msg: String) -> PyErr {
    Python::attach(|py| {
        match py
            .import("numpy.linalg")
            .and_then(|m| m.getattr("LinAlgError"))
            .and_then(|cls| cls.call1((msg.as_str(),)))
        {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => PyValueError::new_err(msg),
        }
    })
}

/// `Result<T, devarray::Error>` → `PyResult<T>` with [`to_pyerr`].
pub(crate) trait IntoPyResult<T> {
    /// Converts the error with [`to_pyerr`].
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for devarray::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}
