//! `ndarray.__dlpack__` as a hand-written `METH_FASTCALL | METH_KEYWORDS` method descriptor.
//!
//! Why not a `#[pymethods]` method: pyo3's argument parser turns each keyword name into UTF-8
//! and compares strings, and converts `max_version` through its generic tuple extraction. For
//! `numpy.from_dlpack(x)`, which passes three keywords, that was about 55 ns of a 16-element
//! export's ~480 ns on a Zen 2 core, the whole gap to NumPy's own exchange. Here the keyword
//! names are matched by address against interned names (falling back to a string comparison),
//! and the common call takes no detour:
//! - the array is on the host and small (the GIL is not worth releasing),
//! - `stream`, `dl_device` and `copy` are absent or `None`,
//! - `max_version` is absent, `None` or a tuple of two non-negative ints.
//!
//! Every other call (a stream, a target device, a copy, positional arguments, an unknown
//! keyword, any error to raise) goes through [`dlpack::export`] under [`Python::attach`], with
//! the errors the generated method gave.

use crate::array::PyNdarray;
use crate::dlpack;
use devarray::dlpack::ExportOptions;
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use std::ffi::CStr;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The keyword parameters, in the order of the values [`parse_keywords`] fills.
const NAMES: [&CStr; 4] = [c"stream", c"max_version", c"dl_device", c"copy"];
const STREAM: usize = 0;
const MAX_VERSION: usize = 1;
const DL_DEVICE: usize = 2;
const COPY: usize = 3;

/// The interned `str` objects of [`NAMES`] (references kept for the life of the process).
static INTERNED: [AtomicPtr<ffi::PyObject>; 4] = [const { AtomicPtr::new(null_mut()) }; 4];

const DOC: &CStr = c"__dlpack__($self, /, *, stream=None, max_version=None, dl_device=None, copy=None)
--

Exports the array as a DLPack capsule (zero-copy): \"dltensor_versioned\" when the consumer
passes max_version >= (1, 0), else a legacy \"dltensor\". dl_device=(1, 0) asks for a host copy
of a CUDA array; CPU arrays accept only stream=None.";

/// Installs `__dlpack__` on `devarray.ndarray` (once per module initialisation).
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    for (slot, name) in INTERNED.iter().zip(NAMES) {
        if slot.load(Ordering::Acquire).is_null() {
            let s = PyString::intern(py, name.to_str().expect("ASCII names"));
            // The reference is kept: the address must stay this string's. A lost race gives
            // the same interned object, whose extra reference is simply kept too.
            slot.store(s.into_ptr(), Ordering::Release);
        }
    }
    let ty = py.get_type::<PyNdarray>();
    // Leaked: a method descriptor keeps a pointer to its definition for the life of the type.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c"__dlpack__".as_ptr(),
        ml_meth: ffi::PyMethodDefPointer { PyCFunctionFastWithKeywords: dlpack_method },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: DOC.as_ptr(),
    }));
    // SAFETY: `ty` is a live type object and `def` lives for the rest of the process; the
    // result is a new reference or NULL with an exception set.
    let descr = unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyDescr_NewMethod(ty.as_type_ptr(), def))? };
    ty.setattr("__dlpack__", descr)
}

/// The method's C entry point. Panics become `PanicException`s, as in pyo3's own methods.
unsafe extern "C" fn dlpack_method(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls a method descriptor with the GIL held, `slf` an instance of the
    // type it was made for (it checks), and `args`/`kwnames` as the vectorcall protocol lays
    // them out.
    let call = std::panic::AssertUnwindSafe(|| unsafe { call(slf, args, nargsf, kwnames) });
    match std::panic::catch_unwind(call) {
        Ok(result) => result,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic in __dlpack__".to_string());
            Python::attach(|py| PanicException::new_err(msg).restore(py));
            null_mut()
        }
    }
}

/// The fast path when it applies, else the general one.
///
/// # Safety
/// As for [`dlpack_method`]'s arguments.
unsafe fn call(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: the caller's contract.
    let nargs = unsafe { ffi::PyVectorcall_NARGS(nargsf as usize) };
    if nargs == 0 {
        // SAFETY: the caller's contract.
        if let Ok(values) = unsafe { parse_keywords(args, kwnames) } {
            // SAFETY: as above.
            if let Some(capsule) = unsafe { export_common(slf, &values) } {
                return capsule;
            }
        }
    }
    Python::attach(|py| {
        // SAFETY: the caller's contract.
        match unsafe { general(py, slf, args, nargs, kwnames) } {
            Ok(capsule) => capsule.into_ptr(),
            Err(e) => {
                e.restore(py);
                null_mut()
            }
        }
    })
}

/// Which of [`NAMES`] `name` is: by address (interned names, as Python's own calls pass), else
/// by comparing the text. `None` for a name that is none of them or not a `str`.
///
/// # Safety
/// The GIL is held and `name` is a live object.
unsafe fn keyword_index(name: *mut ffi::PyObject) -> Option<usize> {
    if let Some(i) = INTERNED.iter().position(|p| p.load(Ordering::Relaxed) == name) {
        return Some(i);
    }
    // SAFETY: the caller's contract; the comparison runs only on a `str`.
    unsafe {
        if ffi::PyUnicode_Check(name) == 0 {
            return None;
        }
        NAMES.iter().position(|n| ffi::PyUnicode_CompareWithASCIIString(name, n.as_ptr()) == 0)
    }
}

/// A keyword argument [`parse_keywords`] refuses.
enum KeywordError {
    /// The `i`th keyword is none of [`NAMES`] (or not a `str`).
    Unknown(usize),
    /// [`NAMES`]`[k]` was given twice.
    Repeated(usize),
}

/// The keyword arguments' values in the order of [`NAMES`] (borrowed, NULL when absent).
///
/// # Safety
/// The GIL is held; there are no positional arguments; `kwnames` is NULL or a tuple of names
/// whose values are `args[0..]`.
unsafe fn parse_keywords(
    args: *const *mut ffi::PyObject,
    kwnames: *mut ffi::PyObject,
) -> Result<[*mut ffi::PyObject; 4], KeywordError> {
    let mut values = [null_mut(); 4];
    if kwnames.is_null() {
        return Ok(values);
    }
    // SAFETY: the caller's contract: `kwnames` is a tuple, and its `i`th name's value is
    // `args[i]`.
    unsafe {
        for i in 0..ffi::PyTuple_GET_SIZE(kwnames) {
            let k = keyword_index(ffi::PyTuple_GET_ITEM(kwnames, i)).ok_or(KeywordError::Unknown(i as usize))?;
            if !values[k].is_null() {
                return Err(KeywordError::Repeated(k));
            }
            values[k] = *args.offset(i);
        }
    }
    Ok(values)
}

/// The capsule for the common call (see the module documentation), or `None` when the call is
/// not the common one or the export fails (the general path repeats it and raises).
///
/// # Safety
/// The GIL is held; `slf` is a live `devarray.ndarray`; `values` are NULL or live objects.
unsafe fn export_common(slf: *mut ffi::PyObject, values: &[*mut ffi::PyObject; 4]) -> Option<*mut ffi::PyObject> {
    // SAFETY: the caller's contract: the GIL is held (no pyo3 bookkeeping is needed for
    // borrowed references, which are all this function makes).
    let py = unsafe { Python::assume_attached() };
    // SAFETY: `Py_None` only reads the address of the `None` singleton.
    let none = unsafe { ffi::Py_None() };
    let is_none = |v: *mut ffi::PyObject| v.is_null() || v == none;
    if !is_none(values[STREAM]) || !is_none(values[DL_DEVICE]) || !is_none(values[COPY]) {
        return None;
    }
    // SAFETY: as above.
    let versioned = match unsafe { max_version_major(values[MAX_VERSION]) }? {
        None => false,
        Some(major) => major >= 1,
    };
    // SAFETY: `slf` is a live instance of `devarray.ndarray` (the descriptor checked).
    let array = &unsafe { Bound::from_borrowed_ptr(py, slf).cast_into_unchecked::<PyNdarray>() };
    let array = &array.get().inner;
    if !crate::args::keeps_gil(array.device(), array.numel()) {
        return None;
    }
    let options = if versioned { ExportOptions::versioned() } else { ExportOptions::legacy() };
    let tensor = array.to_dlpack(&options).ok()?;
    // A failed capsule allocation (the tensor is released) raises its error from here.
    Some(dlpack::into_capsule(py, tensor).map(Py::into_ptr).unwrap_or_else(|e| {
        e.restore(py);
        null_mut()
    }))
}

/// The major version of a `max_version` argument: `Some(None)` for absent or `None`,
/// `Some(Some(major))` for a tuple of two ints in `u32` range, and `None` for anything else
/// (the general path then extracts it and raises).
///
/// # Safety
/// The GIL is held and `v` is NULL or a live object.
unsafe fn max_version_major(v: *mut ffi::PyObject) -> Option<Option<u32>> {
    // SAFETY: the caller's contract; items are read only from an exact 2-tuple, and
    // `PyLong_AsLong` runs only on exact ints (its error, on overflow, is cleared).
    unsafe {
        if v.is_null() || v == ffi::Py_None() {
            return Some(None);
        }
        if ffi::PyTuple_CheckExact(v) == 0 || ffi::PyTuple_GET_SIZE(v) != 2 {
            return None;
        }
        let mut parts = [0u32; 2];
        for (i, part) in parts.iter_mut().enumerate() {
            let item = ffi::PyTuple_GET_ITEM(v, i as ffi::Py_ssize_t);
            if ffi::PyLong_CheckExact(item) == 0 {
                return None;
            }
            let n = ffi::PyLong_AsLong(item);
            if n == -1 && !ffi::PyErr_Occurred().is_null() {
                ffi::PyErr_Clear();
                return None;
            }
            *part = u32::try_from(n).ok()?;
        }
        Some(Some(parts[0]))
    }
}

/// Every call: checks the arguments as a keyword-only signature does and exports through
/// [`dlpack::export`], raising its errors.
///
/// # Safety
/// As for [`dlpack_method`]'s arguments, with `nargs` positional arguments.
unsafe fn general(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<Py<PyAny>> {
    if nargs != 0 {
        return Err(PyTypeError::new_err(format!(
            "ndarray.__dlpack__() takes 0 positional arguments but {nargs} were given (its arguments are keyword-only)"
        )));
    }
    // SAFETY: the caller's contract, with no positional arguments (checked above).
    let values = match unsafe { parse_keywords(args, kwnames) } {
        Ok(values) => values,
        Err(KeywordError::Unknown(i)) => {
            // SAFETY: as above: `kwnames` is a tuple with an `i`th name.
            let names = unsafe { Bound::from_borrowed_ptr(py, kwnames).cast_into_unchecked::<PyTuple>() };
            return Err(PyTypeError::new_err(format!(
                "ndarray.__dlpack__() got an unexpected keyword argument {}",
                names.get_item(i)?.repr()?
            )));
        }
        Err(KeywordError::Repeated(k)) => {
            return Err(PyTypeError::new_err(format!(
                "ndarray.__dlpack__() got multiple values for argument '{}'",
                NAMES[k].to_str().unwrap_or("?")
            )));
        }
    };
    // SAFETY: each non-NULL value is a live argument of this call.
    let values = values.map(|v| (!v.is_null()).then(|| unsafe { Bound::from_borrowed_ptr(py, v) }));
    let copy = match &values[COPY] {
        Some(c) if !c.is_none() => {
            Some(c.extract::<bool>().map_err(|_| PyTypeError::new_err("__dlpack__: copy must be None or a bool"))?)
        }
        _ => None,
    };
    // SAFETY: `slf` is a live instance of `devarray.ndarray` (the descriptor checked).
    let array = unsafe { Bound::from_borrowed_ptr(py, slf).cast_into_unchecked::<PyNdarray>() };
    dlpack::export(
        py,
        &array.get().inner,
        values[STREAM].as_ref(),
        values[MAX_VERSION].as_ref(),
        values[DL_DEVICE].as_ref(),
        copy,
    )
}
