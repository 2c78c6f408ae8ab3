//! The transfer guard: the level that decides what happens on an implicit-looking
//! device-to-host read (`np.array(x)`, `float(x)`, `repr(x)`, `x.tolist()`, …).
//!
//! `"allow"` (default) lets them through, `"log"` lets them through and logs a warning on the
//! `devarray` logger, `"disallow"` raises [`TransferGuardError`]. The explicit paths
//! (`x.get()`, `devarray.asnumpy(x)`, `x.item()`, `x.to_device()`, DLPack) are never guarded.
//!
//! Two settings, as JAX has: a process-wide default (`devarray.set_transfer_guard`), and a
//! context-local level in a `contextvars.ContextVar` that `with devarray.transfer_guard(level)`
//! sets and resets. The context-local level, when set, overrides the default; it belongs to one
//! thread (or one asyncio task), so a guard in one thread never blocks reads in another, and
//! context managers in different threads cannot restore each other's levels.

use crate::errors::TransferGuardError;
use devarray::Array;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

const ALLOW: u8 = 0;
const LOG: u8 = 1;
const DISALLOW: u8 = 2;
const NAMES: [&str; 3] = ["allow", "log", "disallow"];

/// The process-wide default level.
static LEVEL: AtomicU8 = AtomicU8::new(ALLOW);

/// The context-local level: a `contextvars.ContextVar` holding a level name, or `None` (the
/// default: use [`LEVEL`]).
static CONTEXT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn context_var(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    CONTEXT
        .get_or_try_init(py, || {
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("default", py.None())?;
            let var =
                py.import("contextvars")?.getattr("ContextVar")?.call(("devarray_transfer_guard",), Some(&kwargs))?;
            Ok::<_, PyErr>(var.unbind())
        })
        .map(|v| v.bind(py))
}

/// The index of a level name; `ValueError` for anything else.
fn parse_level(level: &str) -> PyResult<u8> {
    NAMES.iter().position(|&n| n == level).map(|i| i as u8).ok_or_else(|| {
        PyValueError::new_err(format!("transfer guard level must be 'allow', 'log' or 'disallow', not {level:?}"))
    })
}

/// The level in force here: the context-local one when set, else the process-wide default.
fn current(py: Python<'_>) -> PyResult<u8> {
    let local = context_var(py)?.call_method0("get")?;
    if local.is_none() {
        return Ok(LEVEL.load(Ordering::SeqCst));
    }
    parse_level(&local.extract::<String>()?)
}

/// Sets the process-wide default transfer-guard level (`"allow"`, `"log"` or `"disallow"`)
/// and returns the previous default.
#[pyfunction]
pub(crate) fn _set_transfer_guard(level: &str) -> PyResult<&'static str> {
    let new = parse_level(level)?;
    let old = LEVEL.swap(new, Ordering::SeqCst);
    Ok(NAMES[old as usize])
}

/// The transfer-guard level in force in the calling context.
#[pyfunction]
pub(crate) fn _get_transfer_guard(py: Python<'_>) -> PyResult<&'static str> {
    Ok(NAMES[current(py)? as usize])
}

/// Sets the context-local level (after checking the name) and returns the
/// `contextvars.Token` that [`_reset_transfer_guard`] takes to undo it.
#[pyfunction]
pub(crate) fn _enter_transfer_guard<'py>(py: Python<'py>, level: &str) -> PyResult<Bound<'py, PyAny>> {
    parse_level(level)?;
    context_var(py)?.call_method1("set", (level,))
}

/// Restores the context-local level that was in force before the `_enter_transfer_guard` call
/// that returned `token`.
#[pyfunction]
pub(crate) fn _reset_transfer_guard(py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<()> {
    context_var(py)?.call_method1("reset", (token,))?;
    Ok(())
}

/// Checks a level name (`ValueError` for an unknown one).
#[pyfunction]
pub(crate) fn _check_transfer_guard_level(level: &str) -> PyResult<()> {
    parse_level(level).map(|_| ())
}

/// Applies the guard to an implicit device-to-host read of `array` by `what` (for example
/// `"float()"`): `Ok` under "allow", a warning under "log", [`TransferGuardError`] under
/// "disallow".
pub(crate) fn check(py: Python<'_>, what: &str, array: &Array) -> PyResult<()> {
    match current(py)? {
        ALLOW => Ok(()),
        LOG => {
            let logger = py
                .import("logging")?
                .getattr("getLogger")?
                .call1(("devarray",))?;
            logger.call_method1(
                "warning",
                (format!(
                    "devarray transfer guard: implicit device-to-host transfer by {what} of an array of shape {:?}, dtype {}, on {}",
                    array.shape(),
                    array.dtype(),
                    array.device()
                ),),
            )?;
            Ok(())
        }
        DISALLOW => Err(TransferGuardError::new_err(format!(
            "{what} would copy a {} array of shape {:?} from {} to the host implicitly, and the transfer guard is 'disallow' here (devarray.transfer_guard or devarray.set_transfer_guard); copy explicitly with x.get(), devarray.asnumpy(x) or x.item(), or allow it in a `with devarray.transfer_guard('allow'):` block",
            array.dtype(),
            array.shape(),
            array.device()
        ))),
        _ => unreachable!("the level is always one of the three"),
    }
}
