//! The Python DLPack protocol over the core's DLPack export/import: capsules, their names and
//! destructors, and the consumer side of `from_dlpack`.
//!
//! Capsule lifecycle (the DLPack Python specification):
//! - `__dlpack__` returns a capsule named `"dltensor"` (legacy) or `"dltensor_versioned"`.
//! - A consumer takes ownership by renaming it to `"used_dltensor"` /
//!   `"used_dltensor_versioned"` and later calls the tensor's deleter exactly once.
//! - The capsule destructor calls the deleter only for a capsule that was never consumed.
//! - The deleter of an exported tensor only releases devarray's buffer (no Python objects), so it
//!   is safe on any thread and at interpreter exit; the deleter devarray installs on imported
//!   tensors takes the GIL to release the producer object, and leaks it if the interpreter is
//!   gone.

use crate::array::PyNdarray;
use crate::device::extract_opt_device;
use crate::errors::{to_pyerr, IntoPyResult};
use devarray::dlpack::ffi::{
    DLDevice, DLManagedTensor, DLManagedTensorVersioned, DLPackVersion, DLPACK_MAJOR_VERSION, DLPACK_MINOR_VERSION,
    KDL_CPU, KDL_CUDA, KDL_CUDA_HOST, KDL_CUDA_MANAGED,
};
use devarray::dlpack::{current_stream_arg, DLPackTensor, ExportOptions, RawDLPack};
use devarray::{Array, Device};
use pyo3::exceptions::{PyAttributeError, PyBufferError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyCapsule, PyDict, PyTuple};
use pyo3::{ffi, intern};
use std::ffi::{c_void, CStr};
use std::sync::atomic::{AtomicPtr, Ordering};

const LEGACY: &CStr = c"dltensor";
const USED_LEGACY: &CStr = c"used_dltensor";
const VERSIONED: &CStr = c"dltensor_versioned";
const USED_VERSIONED: &CStr = c"used_dltensor_versioned";

/// `x.__dlpack__(...)`: exports `array` as a capsule (releases the GIL while exporting).
pub(crate) fn export(
    py: Python<'_>,
    array: &Array,
    stream: Option<&Bound<'_, PyAny>>,
    max_version: Option<&Bound<'_, PyAny>>,
    dl_device: Option<&Bound<'_, PyAny>>,
    copy: Option<bool>,
) -> PyResult<Py<PyAny>> {
    let stream: Option<i64> = match stream {
        Some(s) if !s.is_none() => Some(
            s.extract()
                .map_err(|_| PyTypeError::new_err("__dlpack__: stream must be None or an int (a stream handle)"))?,
        ),
        _ => None,
    };
    let max_version: Option<(u32, u32)> = match max_version {
        Some(v) if !v.is_none() => Some(
            v.extract()
                .map_err(|_| PyTypeError::new_err("__dlpack__: max_version must be None or a (major, minor) tuple"))?,
        ),
        _ => None,
    };
    let mut options = ExportOptions::for_max_version(max_version).with_copy(copy);
    if let Some(d) = dl_device {
        if !d.is_none() {
            let (device_type, device_id): (i32, i32) = d.extract().map_err(|_| {
                PyTypeError::new_err("__dlpack__: dl_device must be None or a (device_type, device_id) tuple")
            })?;
            options = options.with_dl_device(DLDevice { device_type, device_id });
        }
    }
    // SAFETY: a `stream` above 2 is a consumer's CUDA stream handle for this array's device,
    // passed by the consumer's `from_dlpack` as the protocol prescribes; like every DLPack
    // producer, devarray trusts it (other values are validated by the core).
    let options = unsafe { options.with_stream(stream) };
    let tensor = crate::args::run_on(py, array.device(), array.numel(), || array.to_dlpack(&options)).py_err()?;
    into_capsule(py, tensor)
}

/// Wraps an exported tensor in a capsule whose destructor releases it unless consumed.
pub(crate) fn into_capsule(py: Python<'_>, tensor: DLPackTensor) -> PyResult<Py<PyAny>> {
    let raw = tensor.into_raw();
    let (pointer, name, destructor): (*mut c_void, &'static CStr, ffi::PyCapsule_Destructor) = match raw {
        RawDLPack::Legacy(p) => (p.cast(), LEGACY, destroy_legacy),
        RawDLPack::Versioned(p) => (p.cast(), VERSIONED, destroy_versioned),
    };
    // SAFETY: `pointer` is a live tensor we own; the name is a static C string, as capsule names
    // must outlive the capsule.
    let capsule = unsafe { ffi::PyCapsule_New(pointer, name.as_ptr(), Some(destructor)) };
    if capsule.is_null() {
        // SAFETY: the capsule was not made, so we still own the tensor: release it once.
        drop(unsafe { DLPackTensor::from_raw(raw) });
        return Err(PyErr::fetch(py));
    }
    // SAFETY: a new reference returned by PyCapsule_New.
    Ok(unsafe { Bound::from_owned_ptr(py, capsule) }.unbind())
}

/// Capsule destructor for `"dltensor"` capsules.
unsafe extern "C" fn destroy_legacy(capsule: *mut ffi::PyObject) {
    // SAFETY: called by Python with the GIL held, for a capsule made by `into_capsule`.
    unsafe {
        destroy(capsule, LEGACY, USED_LEGACY, |p| {
            let m = p.cast::<DLManagedTensor>();
            if let Some(deleter) = (*m).deleter {
                deleter(m);
            }
        })
    }
}

/// Capsule destructor for `"dltensor_versioned"` capsules.
unsafe extern "C" fn destroy_versioned(capsule: *mut ffi::PyObject) {
    // SAFETY: as in `destroy_legacy`.
    unsafe {
        destroy(capsule, VERSIONED, USED_VERSIONED, |p| {
            let m = p.cast::<DLManagedTensorVersioned>();
            if let Some(deleter) = (*m).deleter {
                deleter(m);
            }
        })
    }
}

/// Calls `release` on the tensor of a capsule that was never consumed; does nothing for a
/// consumed (renamed) one. Keeps any exception that is being raised.
///
/// # Safety
/// The GIL is held and `capsule` is a live capsule.
unsafe fn destroy(capsule: *mut ffi::PyObject, name: &CStr, used: &CStr, release: impl FnOnce(*mut c_void)) {
    // SAFETY: the caller holds the GIL.
    let py = unsafe { Python::assume_attached() };
    // SAFETY: `capsule` is live (caller's contract); its name is NULL or a NUL-terminated
    // string it keeps alive.
    let current = unsafe { ffi::PyCapsule_GetName(capsule) };
    // A consumer renames the capsule: one still carrying our name (the very string we gave it)
    // was never consumed (an address comparison); only a renamed one is compared by text. A
    // name that is neither ours nor the consumed one makes GetPointer below fail, which is
    // reported.
    // SAFETY: as above.
    if current != name.as_ptr() && unsafe { c_str_is(current, used) } {
        return; // consumed: the consumer owns the tensor now
    }
    let in_flight = PyErr::take(py);
    // SAFETY: as above.
    let pointer = unsafe { ffi::PyCapsule_GetPointer(capsule, name.as_ptr()) };
    if pointer.is_null() {
        // SAFETY: GIL held; reports the GetPointer error without raising.
        unsafe { ffi::PyErr_WriteUnraisable(capsule) };
    } else {
        release(pointer);
    }
    if let Some(e) = in_flight {
        e.restore(py);
    }
}

static DL_DEVICE_TYPE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static KDL_CPU_MEMBER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static KDL_CUDA_MEMBER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static CPU_DEVICE_TUPLE: PyOnceLock<Py<PyTuple>> = PyOnceLock::new();

/// The `devarray.DLDeviceType` member for a DLPack device type code (the two codes devarray
/// exports are looked up once).
fn device_type_member<'py>(py: Python<'py>, device_type: i32) -> PyResult<Bound<'py, PyAny>> {
    let lookup = || -> PyResult<Py<PyAny>> {
        let enum_type = DL_DEVICE_TYPE
            .get_or_try_init(py, || py.import("devarray._dlpack")?.getattr("DLDeviceType").map(Bound::unbind))?;
        Ok(enum_type.bind(py).call1((device_type,))?.unbind())
    };
    let cached = match device_type {
        KDL_CPU => KDL_CPU_MEMBER.get_or_try_init(py, lookup)?,
        KDL_CUDA => KDL_CUDA_MEMBER.get_or_try_init(py, lookup)?,
        _ => return Ok(lookup()?.into_bound(py)),
    };
    Ok(cached.bind(py).clone())
}

/// `x.__dlpack_device__()`: `(devarray.DLDeviceType.kDLCPU, 0)` or `(kDLCUDA, ordinal)`.
pub(crate) fn dlpack_device<'py>(py: Python<'py>, array: &Array) -> PyResult<Bound<'py, PyTuple>> {
    let d = array.dlpack_device();
    let make = |d: DLDevice| -> PyResult<Bound<'py, PyTuple>> {
        let device_type = device_type_member(py, d.device_type)?;
        PyTuple::new(py, [device_type, d.device_id.into_pyobject(py)?.into_any()])
    };
    if d == DLDevice::CPU {
        // Tuples are immutable: every CPU array shares one.
        return Ok(CPU_DEVICE_TUPLE.get_or_try_init(py, || make(d).map(Bound::unbind))?.bind(py).clone());
    }
    make(d)
}

/// An imported tensor wrapped by devarray: the producer's tensor, plus a strong reference to the
/// producer object, released (under the GIL) when the imported array's last view is dropped.
#[repr(C)]
struct Keeper {
    /// First, so a pointer to it is a pointer to the keeper.
    managed: DLManagedTensorVersioned,
    inner: RawDLPack,
    producer: Option<Py<PyAny>>,
}

/// The deleter of a [`Keeper`]: releases the producer's tensor, then the producer object.
unsafe extern "C" fn delete_keeper(managed: *mut DLManagedTensorVersioned) {
    if managed.is_null() {
        return;
    }
    // SAFETY: `managed` is the first field of a `Box<Keeper>` leaked by `keep`, and the DLPack
    // contract makes this the only call that releases it.
    let keeper = unsafe { Box::from_raw(managed.cast::<Keeper>()) };
    let Keeper { inner, producer, .. } = *keeper;
    // SAFETY: `inner` was validated (major version 1) and is owned by the keeper; dropping the
    // handle calls the producer's deleter exactly once (which takes the GIL itself if needed).
    drop(unsafe { DLPackTensor::from_raw(inner) });
    if let Some(obj) = producer {
        let mut slot = Some(obj);
        let _ = Python::try_attach(|_py| drop(slot.take()));
        // The interpreter is finalizing or gone: leak the reference instead of touching it.
        std::mem::forget(slot);
    }
}

/// Wraps a validated producer tensor so that `producer` stays alive as long as the memory is in
/// use.
fn keep(tensor: DLPackTensor, producer: Option<Py<PyAny>>) -> DLPackTensor {
    let flags = tensor.flags();
    let dl_tensor = *tensor.dl_tensor();
    let keeper = Box::new(Keeper {
        managed: DLManagedTensorVersioned {
            version: DLPackVersion { major: DLPACK_MAJOR_VERSION, minor: DLPACK_MINOR_VERSION },
            manager_ctx: std::ptr::null_mut(),
            deleter: Some(delete_keeper),
            flags,
            dl_tensor,
        },
        inner: tensor.into_raw(),
        producer,
    });
    let p = Box::into_raw(keeper);
    // SAFETY: `p` is the keeper just leaked; its first field is the managed tensor.
    unsafe {
        (*p).managed.manager_ctx = p.cast();
        DLPackTensor::from_raw(RawDLPack::Versioned(p.cast()))
    }
    .expect("a keeper has major version 1 and is not NULL")
}

/// Takes the tensor out of a capsule and marks the capsule consumed.
fn consume(capsule: &Bound<'_, PyAny>) -> PyResult<DLPackTensor> {
    let c = capsule.cast::<PyCapsule>()?;
    let ptr = c.as_ptr();
    // SAFETY: `ptr` is a live capsule; GetName/GetPointer/SetName only read and rename it, and
    // a non-NULL name is a NUL-terminated string the capsule keeps alive.
    unsafe {
        // The name is read once and compared here: each capsule call would compare it again.
        let name = ffi::PyCapsule_GetName(ptr);
        if name.is_null() && !ffi::PyErr_Occurred().is_null() {
            return Err(PyErr::fetch(capsule.py()));
        }
        let (raw, used) = if c_str_is(name, VERSIONED) {
            let p = ffi::PyCapsule_GetPointer(ptr, VERSIONED.as_ptr());
            (RawDLPack::Versioned(p.cast()), USED_VERSIONED)
        } else if c_str_is(name, LEGACY) {
            let p = ffi::PyCapsule_GetPointer(ptr, LEGACY.as_ptr());
            (RawDLPack::Legacy(p.cast()), USED_LEGACY)
        } else if c_str_is(name, USED_VERSIONED) || c_str_is(name, USED_LEGACY) {
            return Err(PyValueError::new_err(
                "from_dlpack: this DLPack capsule was already consumed; a capsule can be imported only once",
            ));
        } else {
            return Err(PyTypeError::new_err(
                "from_dlpack: expected a capsule named 'dltensor' or 'dltensor_versioned'",
            ));
        };
        if ffi::PyCapsule_SetName(ptr, used.as_ptr()) != 0 {
            return Err(PyErr::fetch(capsule.py()));
        }
        // From here on we own the tensor: errors below release it through its deleter.
        DLPackTensor::from_raw(raw).py_err()
    }
}

/// Whether the C string at `name` (NULL allowed: it equals nothing) is `expected`. Compares
/// byte by byte up to `expected`'s NUL, so it reads no further than either string's end and
/// needs no `strlen` first (a capsule's name is compared on every import and release).
///
/// # Safety
/// `name` is NULL or points to a NUL-terminated string.
unsafe fn c_str_is(name: *const std::ffi::c_char, expected: &CStr) -> bool {
    if name.is_null() {
        return false;
    }
    for (i, &want) in expected.to_bytes_with_nul().iter().enumerate() {
        // SAFETY: bytes 0..i of `name` matched non-NUL bytes of `expected`, so `name` has not
        // ended before byte `i`.
        if unsafe { *name.add(i) } as u8 != want {
            return false;
        }
    }
    true
}

/// The devarray device for a DLPack `(device_type, device_id)`.
fn source_device(device_type: i32, device_id: i32) -> PyResult<Device> {
    match device_type {
        KDL_CPU | KDL_CUDA_HOST | KDL_CUDA_MANAGED => Ok(Device::Cpu),
        KDL_CUDA => Ok(Device::Cuda(usize::try_from(device_id).map_err(|_| {
            PyBufferError::new_err(format!("from_dlpack: invalid CUDA device id {device_id}"))
        })?)),
        other => Err(PyBufferError::new_err(format!(
            "from_dlpack: the producer's memory is on DLPack device type {other}, which devarray cannot address (it supports kDLCPU, kDLCUDA, kDLCUDAHost and kDLCUDAManaged)"
        ))),
    }
}

/// `devarray.from_dlpack(x, /, *, device=None, copy=None)`: imports an array from any DLPack
/// producer (NumPy, PyTorch, JAX, CuPy, devarray) without copying, or from a raw capsule.
///
/// `device` picks the device of the result (a copy when it differs from the producer's; for a
/// CUDA producer and `device="cpu"`, the producer is asked for a host copy). `copy=True` always
/// copies, `copy=False` never does (an error when a copy is needed), `None` copies only when
/// needed. The result shares memory with the producer otherwise, keeps it alive, and is
/// read-only when the producer marks the tensor read-only. JAX exports legacy capsules, which
/// carry no read-only flag: the import of a JAX array is a writable alias of an immutable JAX
/// buffer (do not write to it; `devarray.asarray(jax_array)` copies).
#[pyfunction]
#[pyo3(signature = (x, /, *, device=None, copy=None))]
pub(crate) fn from_dlpack<'py>(
    py: Python<'py>,
    x: &Bound<'py, PyAny>,
    device: Option<&Bound<'py, PyAny>>,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyNdarray>> {
    let target = extract_opt_device(device)?;
    let tensor = if x.is_instance_of::<PyCapsule>() { consume(x)? } else { call_producer(py, x, target, copy)? };
    let copied = tensor.is_copied();
    // Wrapping host memory is a few field reads: not worth releasing the GIL for.
    let on_host = matches!(tensor.dl_tensor().device.device_type, KDL_CPU | KDL_CUDA_HOST | KDL_CUDA_MANAGED);
    let imported = if on_host { Array::from_dlpack(tensor) } else { py.detach(|| Array::from_dlpack(tensor)) };
    // Matched here, and the object made here, rather than through `py_err` and a returned
    // `PyNdarray`: each conversion of the result's type moved the 100-byte array again, and a
    // small import is dominated by such fixed costs.
    let mut array = match imported {
        Ok(a) => a,
        Err(e) => return Err(to_pyerr(e)),
    };
    let moves = target.is_some_and(|d| d != array.device());
    if moves || (copy == Some(true) && !copied) {
        array = finish(py, array, target, copy)?;
    }
    Bound::new(py, PyNdarray::new(array))
}

/// Calls `x.__dlpack__` as a consumer: asks `__dlpack_device__` first, passes our stream and
/// `max_version`, and retries without the newer keywords for older producers. Returns the
/// tensor, wrapped to keep `x` alive (not NumPy's, whose tensor keeps its array itself).
fn call_producer(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    target: Option<Device>,
    copy: Option<bool>,
) -> PyResult<DLPackTensor> {
    let name = intern!(py, "__dlpack__");
    let numpy = is_numpy_ndarray(x);
    let (device_type, device_id): (i32, i32) = if numpy {
        // NumPy arrays live on the host (their `__dlpack_device__` is always `(kDLCPU, 0)`):
        // skipping the two probes is a third of a small import's cost.
        (KDL_CPU, 0)
    } else {
        // The type lookup finds `__dlpack__` without making a bound method; instance attributes
        // are still honoured when the type has none.
        if !x.get_type().hasattr(name)? && !x.hasattr(name)? {
            return Err(PyAttributeError::new_err(format!(
                "from_dlpack: {} has no __dlpack__ method; copy host data to a device with devarray.asarray instead",
                x.get_type().name()?
            )));
        }
        x.call_method0(intern!(py, "__dlpack_device__"))?.extract()?
    };
    let source = source_device(device_type, device_id)?;
    let to_host = target == Some(Device::Cpu) && source.is_cuda();
    let stream = if source.is_cuda() && !to_host { current_stream_arg(&source).py_err()? } else { None };
    let stream = stream.into_pyobject(py)?.into_any();
    let capsule = match first_call(x, &stream, to_host, copy) {
        Ok(c) => c,
        Err(e) if e.is_instance_of::<PyTypeError>(py) => {
            // An older producer: without max_version / dl_device / copy.
            let names = PyTuple::new(py, [intern!(py, "stream")])?;
            match call_dlpack(x, &names, &[&stream]) {
                Ok(c) => c,
                Err(e2) if e2.is_instance_of::<PyTypeError>(py) && stream.is_none() => x.call_method0(name)?,
                Err(e2) => return Err(e2),
            }
        }
        Err(e) => return Err(e),
    };
    let tensor = consume(&capsule)?;
    if numpy {
        // NumPy's tensor holds a reference to the array itself (its manager context), so the
        // memory outlives `x` without a keeper: one allocation less per import.
        return Ok(tensor);
    }
    Ok(keep(tensor, Some(x.clone().unbind())))
}

/// `numpy.ndarray`'s type object, once seen (kept alive by a reference taken then).
static NUMPY_NDARRAY_TYPE: AtomicPtr<ffi::PyTypeObject> = AtomicPtr::new(std::ptr::null_mut());

/// Whether `x` is exactly a `numpy.ndarray` (not a subclass, whose `__dlpack_device__` could
/// differ), told by the type's C name: no import of NumPy and no attribute lookups. The type
/// is remembered, so later calls compare one pointer.
fn is_numpy_ndarray(x: &Bound<'_, PyAny>) -> bool {
    // SAFETY: `x` is a live object (the GIL is held), so its type object is live.
    let ty = unsafe { ffi::Py_TYPE(x.as_ptr()) };
    if ty == NUMPY_NDARRAY_TYPE.load(Ordering::Relaxed) {
        return true;
    }
    // SAFETY: `tp_name` of every type is a NUL-terminated C string that lives as long as it.
    if unsafe { CStr::from_ptr((*ty).tp_name) } != c"numpy.ndarray" {
        return false;
    }
    // SAFETY: the GIL is held; the new reference keeps the type (and so the remembered address)
    // alive for the life of the process. Only one thread's store wins; a loser gives its back.
    unsafe {
        ffi::Py_IncRef(ty.cast());
        if NUMPY_NDARRAY_TYPE.compare_exchange(std::ptr::null_mut(), ty, Ordering::Relaxed, Ordering::Relaxed).is_err()
        {
            ffi::Py_DecRef(ty.cast());
        }
    }
    true
}

static MAX_VERSION: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static STREAM_MAX_VERSION: PyOnceLock<Py<PyTuple>> = PyOnceLock::new();

/// `x.__dlpack__(stream=stream, max_version=(1, 1))`, plus `dl_device=(kDLCPU, 0)` when the
/// data must come to the host and `copy` when given.
fn first_call<'py>(
    x: &Bound<'py, PyAny>,
    stream: &Bound<'py, PyAny>,
    to_host: bool,
    copy: Option<bool>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = x.py();
    let max_version = MAX_VERSION
        .get_or_try_init(py, || {
            (DLPACK_MAJOR_VERSION, DLPACK_MINOR_VERSION).into_pyobject(py).map(|t| t.into_any().unbind())
        })?
        .bind(py);
    if !to_host && copy.is_none() {
        let names = STREAM_MAX_VERSION.get_or_try_init(py, || {
            PyTuple::new(py, [intern!(py, "stream"), intern!(py, "max_version")]).map(Bound::unbind)
        })?;
        return call_dlpack(x, names.bind(py), &[stream, max_version]);
    }
    let mut names = vec![intern!(py, "stream"), intern!(py, "max_version")];
    let mut values = vec![stream.clone(), max_version.clone()];
    if to_host {
        names.push(intern!(py, "dl_device"));
        values.push((KDL_CPU, 0).into_pyobject(py)?.into_any());
    }
    if let Some(c) = copy {
        names.push(intern!(py, "copy"));
        values.push(PyBool::new(py, c).to_owned().into_any());
    }
    let values: Vec<&Bound<'py, PyAny>> = values.iter().collect();
    call_dlpack(x, &PyTuple::new(py, names)?, &values)
}

/// `x.__dlpack__(**dict(zip(names, values)))` through the vectorcall protocol (no keyword dict,
/// no bound method).
fn call_dlpack<'py>(
    x: &Bound<'py, PyAny>,
    names: &Bound<'py, PyTuple>,
    values: &[&Bound<'py, PyAny>],
) -> PyResult<Bound<'py, PyAny>> {
    const MAX_KEYWORDS: usize = 4;
    assert!(values.len() == names.len() && values.len() <= MAX_KEYWORDS, "one value per keyword name");
    let mut args = [std::ptr::null_mut(); 1 + MAX_KEYWORDS];
    args[0] = x.as_ptr();
    for (slot, value) in args[1..].iter_mut().zip(values) {
        *slot = value.as_ptr();
    }
    let py = x.py();
    // SAFETY: the GIL is held; `args` holds `x` (the one positional argument, counted by
    // nargsf = 1) followed by one borrowed value per name in `names`, all alive for the call;
    // the result is a new reference or NULL with an exception set.
    unsafe {
        let result =
            ffi::PyObject_VectorcallMethod(intern!(py, "__dlpack__").as_ptr(), args.as_ptr(), 1, names.as_ptr());
        Bound::from_owned_ptr_or_err(py, result)
    }
}

/// Moves the imported array to `target` (a copy), or copies it for `copy=True`.
#[inline(never)]
fn finish(py: Python<'_>, array: Array, target: Option<Device>, copy: Option<bool>) -> PyResult<Array> {
    let device = target.unwrap_or(array.device());
    if device != array.device() {
        if copy == Some(false) {
            return Err(PyValueError::new_err(format!(
                "from_dlpack: the data is on {} and moving it to {device} needs a copy, but copy=False was given",
                array.device()
            )));
        }
        return py.detach(|| array.to_device(&device)).py_err();
    }
    py.detach(|| array.copy()).py_err()
}

/// `__cuda_array_interface__` (version 3) of a CUDA array.
pub(crate) fn cuda_array_interface<'py>(py: Python<'py>, array: &Array) -> PyResult<Bound<'py, PyDict>> {
    if !array.device().is_cuda() {
        return Err(PyAttributeError::new_err(format!(
            "__cuda_array_interface__ is only defined for arrays on a CUDA device; this array is on {}",
            array.device()
        )));
    }
    let typestr = match typestr(array.dtype()) {
        Some(t) => t,
        None => {
            return Err(PyAttributeError::new_err(
                "__cuda_array_interface__ cannot describe bfloat16 (no typestr exists for it); use DLPack",
            ))
        }
    };
    // The data address, from a DLPack export that does not synchronise (the dict carries our
    // stream instead); the export holds no extra resources once dropped.
    // SAFETY: -1 names no stream.
    let options = unsafe { ExportOptions::versioned().with_stream(Some(-1)) };
    let tensor = py.detach(|| array.to_dlpack(&options)).py_err()?;
    let data = if array.numel() == 0 { 0 } else { tensor.dl_tensor().data as usize };
    drop(tensor);
    let stream = devarray::Stream::current(&array.device()).py_err()?.dlpack_stream_arg();
    let itemsize = array.dtype().itemsize() as isize;
    let d = PyDict::new(py);
    d.set_item("version", 3)?;
    d.set_item("shape", PyTuple::new(py, array.shape())?)?;
    d.set_item("typestr", typestr)?;
    d.set_item("descr", vec![("", typestr)])?;
    d.set_item("data", (data, array.is_read_only()))?;
    if array.is_contiguous() {
        d.set_item("strides", py.None())?;
    } else {
        let strides: Vec<isize> = array.strides().iter().map(|s| s * itemsize).collect();
        d.set_item("strides", PyTuple::new(py, strides)?)?;
    }
    d.set_item("stream", stream)?;
    Ok(d)
}

/// NumPy's array-interface type string (little-endian), or `None` for bfloat16.
fn typestr(dtype: devarray::DType) -> Option<&'static str> {
    use devarray::DType::*;
    Some(match dtype {
        Bool => "|b1",
        I8 => "|i1",
        I16 => "<i2",
        I32 => "<i4",
        I64 => "<i8",
        U8 => "|u1",
        U16 => "<u2",
        U32 => "<u4",
        U64 => "<u8",
        F16 => "<f2",
        F32 => "<f4",
        F64 => "<f8",
        C64 => "<c8",
        C128 => "<c16",
        BF16 => return None,
    })
}
