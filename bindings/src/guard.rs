//! The transfer guard: the process-wide level that decides what happens on an implicit-looking
//! device-to-host read (`np.array(x)`, `float(x)`, `repr(x)`, `x.tolist()`, …).
//!
//! `"allow"` (default) lets them through, `"log"` lets them through and logs a warning on the
//! `devarray` logger, `"disallow"` raises [`TransferGuardError`]. The explicit paths
//! (`x.get()`, `devarray.asnumpy(x)`, `x.item()`, `x.to_device()`, DLPack) are never guarded.
//! The Python side (`devarray.transfer_guard`) is a context manager over these functions.

use crate::errors::TransferGuardError;
use devarray::Array;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::atomic::{AtomicU8, Ordering};

const ALLOW: u8 = 0;
const LOG: u8 = 1;
const DISALLOW: u8 = 2;
const NAMES: [&str; 3] = ["allow", "log", "disallow"];

static LEVEL: AtomicU8 = AtomicU8::new(ALLOW);

/// Sets the process-wide transfer-guard level (`"allow"`, `"log"` or `"disallow"`) and returns
/// the previous one.
#[pyfunction]
pub(crate) fn _set_transfer_guard(level: &str) -> PyResult<&'static str> {
    let new = NAMES.iter().position(|&n| n == level).ok_or_else(|| {
        PyValueError::new_err(format!("transfer guard level must be 'allow', 'log' or 'disallow', not {level:?}"))
    })?;
    let old = LEVEL.swap(new as u8, Ordering::SeqCst);
    Ok(NAMES[old as usize])
}

/// The process-wide transfer-guard level.
#[pyfunction]
pub(crate) fn _get_transfer_guard() -> &'static str {
    NAMES[LEVEL.load(Ordering::SeqCst) as usize]
}

/// Applies the guard to an implicit device-to-host read of `array` by `what` (for example
/// `"float()"`): `Ok` under "allow", a warning under "log", [`TransferGuardError`] under
/// "disallow".
pub(crate) fn check(py: Python<'_>, what: &str, array: &Array) -> PyResult<()> {
    match LEVEL.load(Ordering::SeqCst) {
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
            "{what} would copy a {} array of shape {:?} from {} to the host implicitly, and devarray.transfer_guard('disallow') is active; copy explicitly with x.get(), devarray.asnumpy(x) or x.item(), or allow it with devarray.transfer_guard('allow')",
            array.dtype(),
            array.shape(),
            array.device()
        ))),
        _ => unreachable!("the level is always one of the three"),
    }
}
