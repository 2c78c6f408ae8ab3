//! `x[key]` and `x[key] = value`: Python keys parsed into the core's index description
//! ([`devarray::IndexItem`]); the core resolves them with NumPy's rules (a view for basic keys,
//! one gather or scatter for keys with index arrays; see `devarray::Array::select`).
//!
//! Boolean masks that live on a device are read to the host by the core (the selection's size
//! depends on them), an implicit transfer that the transfer guard checks here, while parsing.
//! Integer index arrays are resolved on the device (only a bounds flag comes back), so the
//! guard has nothing to check. Lists and NumPy arrays become CPU index arrays
//! (`tests/test_index_fuzz.py` compares get and set with NumPy).

use crate::array::PyNdarray;
use crate::errors::IntoPyResult;
use crate::guard;
use devarray::{Array, AxisSlice, DType, Device, IndexItem, Scalar};
use pyo3::exceptions::{PyIndexError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyEllipsis, PyInt, PyList, PyNone, PySlice, PyString, PyTuple};

type Item = IndexItem;

/// A parsed key.
pub(crate) struct Key {
    items: Vec<Item>,
}

/// How a key will be used: whether a lone boolean mask over `x`'s leading axes is selected on
/// the device (`x[mask]` reads only the count of true values, which is not a transfer of array
/// data and so not the transfer guard's to refuse), or read to the host.
pub(crate) enum Use<'a> {
    Get(&'a Array),
    Set,
}

/// Parses a `__getitem__`/`__setitem__` key.
pub(crate) fn parse_key(py: Python<'_>, key: &Bound<'_, PyAny>, used: Use<'_>) -> PyResult<Key> {
    let mut items = Vec::new();
    match key.cast::<PyTuple>() {
        Ok(t) => {
            for k in t.iter() {
                items.push(parse_item(py, &k, false)?);
            }
        }
        Err(_) => {
            let on_device = match used {
                Use::Get(x) => key.cast::<PyNdarray>().is_ok_and(|m| masks_on_device(&m.get().inner, x)),
                Use::Set => false,
            };
            items.push(parse_item(py, key, on_device)?);
        }
    }
    Ok(Key { items })
}

/// Whether `x[mask]` with this lone key selects on the device (`devarray::Array::index`'s
/// mask path: a bool mask over `x`'s leading axes, on `x`'s device).
fn masks_on_device(mask: &Array, x: &Array) -> bool {
    let k = mask.ndim();
    mask.dtype() == DType::Bool
        && k > 0
        && k <= x.ndim()
        && mask.shape() == &x.shape()[..k]
        && mask.device() == x.device()
}

fn invalid_index() -> PyErr {
    PyIndexError::new_err(
        "only integers, slices (`:`), ellipsis (`...`), None and integer or boolean arrays are valid indices",
    )
}

/// One key item; `mask_on_device`: a devarray bool mask that the core selects with on the
/// device (no transfer to check).
fn parse_item(py: Python<'_>, k: &Bound<'_, PyAny>, mask_on_device: bool) -> PyResult<Item> {
    if k.is_instance_of::<PyNone>() {
        Ok(Item::Basic(AxisSlice::NewAxis))
    } else if k.is_instance_of::<PyEllipsis>() {
        Ok(Item::Basic(AxisSlice::Ellipsis))
    } else if let Ok(s) = k.cast::<PySlice>() {
        if let Some(range) = unpack_slice(s) {
            return Ok(Item::Basic(range));
        }
        let part = |name: &Bound<'_, PyString>| -> PyResult<Option<isize>> {
            let v = s.getattr(name)?;
            if v.is_none() {
                Ok(None)
            } else {
                slice_int(&v).map(Some)
            }
        };
        // A step of isize::MIN is the core's to clamp (to -isize::MAX, as CPython does).
        let step = part(intern!(py, "step"))?.unwrap_or(1);
        let (start, stop) = (part(intern!(py, "start"))?, part(intern!(py, "stop"))?);
        Ok(Item::Basic(AxisSlice::Range { start, stop, step }))
    } else if k.is_exact_instance_of::<PyInt>() {
        // The commonest index, before the NumPy type checks below (an int is neither).
        Ok(Item::Basic(AxisSlice::Index(index_value(k.clone())?)))
    } else if let Ok(b) = k.cast::<PyBool>() {
        // A Python bool is a 0-d boolean mask, as in NumPy (not the integer 0 or 1).
        mask_item(vec![b.is_true()], &[])
    } else if let Ok(a) = k.cast::<PyNdarray>() {
        device_index(py, &a.get().inner, mask_on_device)
    } else if k.is_instance_of::<PyList>() || has_numpy_type(py, k, "ndarray")? {
        // NumPy arrays before `__index__`: a 0-d integer array is an index array of every
        // integer dtype, read exactly and checked in order with the other items.
        host_index(py, k)
    } else if let Some(i) = index_int(k)? {
        Ok(Item::Basic(AxisSlice::Index(i)))
    } else if has_numpy_type(py, k, "generic")? {
        // NumPy scalars without `__index__`: `numpy.bool_` (a 0-d mask), floats (refused).
        host_index(py, k)
    } else {
        Err(invalid_index())
    }
}

/// A slice through `PySlice_Unpack`, which reads its three fields without attribute lookups:
/// `None` becomes the bound that walks to the end (the core clamps it exactly as it treats
/// `None`), int-like values go through `__index__` and are clamped to the `isize` range.
/// `None` (with no exception left set) when it fails, a zero step or a non-integer bound: the
/// attribute path then reports those in order.
fn unpack_slice(s: &Bound<'_, PySlice>) -> Option<AxisSlice> {
    let (mut start, mut stop, mut step) = (0, 0, 0);
    // SAFETY: the GIL is held and `s` is a live slice; the three out-pointers are valid.
    if unsafe { pyo3::ffi::PySlice_Unpack(s.as_ptr(), &mut start, &mut stop, &mut step) } != 0 {
        drop(PyErr::take(s.py()));
        return None;
    }
    Some(AxisSlice::Range { start: Some(start), stop: Some(stop), step })
}

/// An integer index through `__index__` (Python ints, NumPy integers); `None` when `v` has no
/// `__index__`. Ints beyond `isize` are `IndexError`s, as in NumPy.
fn index_int(v: &Bound<'_, PyAny>) -> PyResult<Option<isize>> {
    match operator_index(v) {
        Ok(i) => index_value(i).map(Some),
        Err(_) => Ok(None),
    }
}

/// An int as an index: `IndexError` beyond `isize`, as in NumPy.
fn index_value(i: Bound<'_, PyAny>) -> PyResult<isize> {
    i.extract().map_err(|_| {
        PyIndexError::new_err(format!(
            "index {} does not fit an index-sized integer ({}..={})",
            i.str().map(|s| s.to_string()).unwrap_or_default(),
            isize::MIN,
            isize::MAX
        ))
    })
}

/// `operator.index(v)`: `v` itself for an int, else the int its `__index__` returns
/// (`TypeError` without one), through the C API rather than a call into the `operator` module.
fn operator_index<'py>(v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if v.is_exact_instance_of::<PyInt>() {
        return Ok(v.clone());
    }
    // SAFETY: the GIL is held and `v` is live; PyNumber_Index returns a new reference or NULL
    // with an exception set.
    unsafe { Bound::from_owned_ptr_or_err(v.py(), pyo3::ffi::PyNumber_Index(v.as_ptr())) }
}

/// A slice bound or step: an int (through `__index__`), clamped to the `isize` range as Python
/// clamps slice values (`x[:2**70]` is `x[:]`).
fn slice_int(v: &Bound<'_, PyAny>) -> PyResult<isize> {
    let i = operator_index(v)
        .map_err(|_| PyTypeError::new_err("slice indices must be integers or None or have an __index__ method"))?;
    match i.extract::<isize>() {
        Ok(i) => Ok(i),
        Err(_) if i.lt(0)? => Ok(isize::MIN),
        Err(_) => Ok(isize::MAX),
    }
}

/// Whether `k` is an instance of `numpy.<name>` (without importing NumPy).
fn has_numpy_type(py: Python<'_>, k: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    let loaded = py.import("sys")?.getattr("modules")?.contains("numpy")?;
    if !loaded {
        return Ok(false);
    }
    k.is_instance(&py.import("numpy")?.getattr(name)?)
}

fn index_dtype_error() -> PyErr {
    PyIndexError::new_err("arrays used as indices must be of integer (or boolean) type")
}

/// A list, NumPy array or NumPy scalar used as an index (host data, no transfer).
fn host_index(py: Python<'_>, k: &Bound<'_, PyAny>) -> PyResult<Item> {
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (k,))?;
    let dtype = arr.getattr("dtype")?;
    let kind: String = dtype.getattr("kind")?.extract()?;
    let itemsize: usize = dtype.getattr("itemsize")?.extract()?;
    let shape: Vec<usize> = arr.getattr("shape")?.extract()?;
    // The values in C order as raw bytes of one dtype: exact for every integer dtype (int64
    // holds all but uint64, which stays uint64).
    let raw = |target: &str| -> PyResult<Vec<u8>> {
        let c = np.call_method1("ascontiguousarray", (&arr, target))?;
        Ok(c.call_method0("tobytes")?.cast::<PyBytes>()?.as_bytes().to_vec())
    };
    let words =
        |bytes: Vec<u8>| -> Vec<[u8; 8]> { bytes.chunks_exact(8).map(|w| std::array::from_fn(|i| w[i])).collect() };
    let cpu = &Device::Cpu;
    match kind.as_str() {
        "b" => mask_item(raw("bool")?.iter().map(|&b| b != 0).collect(), &shape),
        "u" if itemsize == 8 => {
            let v: Vec<u64> = words(raw("uint64")?).into_iter().map(u64::from_ne_bytes).collect();
            Ok(Item::Ints(Array::from_slice(&v, &shape, cpu).py_err()?))
        }
        "i" | "u" => {
            let v: Vec<i64> = words(raw("int64")?).into_iter().map(i64::from_ne_bytes).collect();
            Ok(Item::Ints(Array::from_slice(&v, &shape, cpu).py_err()?))
        }
        // An empty list has dtype float64 in NumPy; it selects nothing.
        "f" if shape.iter().product::<usize>() == 0 => {
            Ok(Item::Ints(Array::from_slice::<i64>(&[], &shape, cpu).py_err()?))
        }
        _ => Err(index_dtype_error()),
    }
}

/// A host boolean mask as a CPU index array.
fn mask_item(flat: Vec<bool>, shape: &[usize]) -> PyResult<Item> {
    Ok(Item::Mask(Array::from_slice(&flat, shape, &Device::Cpu).py_err()?))
}

/// A devarray array used as an index: passed to the core, which reads a boolean mask to the
/// host (the transfer guard checks that here, in key order) and resolves integer indices of
/// every dtype exactly on the device.
fn device_index(py: Python<'_>, a: &Array, mask_on_device: bool) -> PyResult<Item> {
    match a.dtype() {
        DType::Bool => {
            if !mask_on_device {
                guard::check(py, "boolean-array indexing", a)?;
            }
            Ok(Item::Mask(a.clone()))
        }
        d if d.is_integer() => Ok(Item::Ints(a.clone())),
        _ => Err(index_dtype_error()),
    }
}

/// `x[key]`: a view for basic keys, a new array for advanced ones (releases the GIL).
pub(crate) fn get(py: Python<'_>, x: &Array, key: &Key) -> PyResult<Array> {
    if key.items.iter().all(|item| matches!(item, Item::Basic(_))) {
        // A view: a few layout computations, not worth releasing the GIL for.
        return x.index(&key.items).py_err();
    }
    py.detach(|| x.index(&key.items)).py_err()
}

/// The value of `x[key] = value`: an array, or a scalar converted to `x`'s dtype.
pub(crate) enum Value {
    Array(Array),
    /// A scalar, and whether it is a Python scalar (weak, NEP 50) rather than a NumPy one.
    Scalar(Scalar, bool),
}

/// `x[key] = value` (releases the GIL). Errors of the key come first, then the value's; array
/// values are converted to `x`'s dtype (NumPy's unsafe casting) and broadcast to the selection.
pub(crate) fn set(py: Python<'_>, x: &Array, key: &Key, value: Value) -> PyResult<()> {
    let sel = py.detach(|| x.select(&key.items)).py_err()?;
    let (dtype, device): (DType, Device) = (x.dtype(), x.device());
    let value = match value {
        Value::Scalar(s, weak) => Value::Scalar(crate::args::stored_scalar(s, weak, dtype)?, weak),
        v => v,
    };
    py.detach(|| -> devarray::Result<()> {
        let value = match value {
            Value::Array(a) if a.dtype() == dtype => a,
            Value::Array(a) => a.astype(dtype)?,
            Value::Scalar(s, _) => Array::full(&[], s, dtype, &device)?,
        };
        sel.assign(&value)
    })
    .py_err()
}

/// The key of `x[mask] = value` when it is one devarray bool array of `x`'s shape, which
/// [`set_where`] can assign without reading the mask.
pub(crate) fn full_mask(key: &Bound<'_, PyAny>, x: &Array) -> Option<Array> {
    let a = key.cast::<PyNdarray>().ok()?;
    let mask = &a.get().inner;
    (mask.dtype() == DType::Bool && mask.shape() == x.shape() && mask.device() == x.device()).then(|| mask.clone())
}

/// `x[mask] = value` on the device (`Array::assign_where`) when `value` is a scalar or a
/// size-1 array: no host read of the mask, so the transfer guard has nothing to check. `None`
/// when the value has another form (the general path then reads the mask).
pub(crate) fn set_where(py: Python<'_>, x: &Array, mask: &Array, value: &Bound<'_, PyAny>) -> PyResult<Option<()>> {
    let dtype = x.dtype();
    let value = match extract_value(value)? {
        Value::Scalar(s, weak) => {
            Array::full(&[], crate::args::stored_scalar(s, weak, dtype)?, dtype, &x.device()).py_err()?
        }
        Value::Array(a) if a.numel() == 1 && a.device() == x.device() => a,
        Value::Array(_) => return Ok(None),
    };
    py.detach(|| {
        let value = if value.dtype() == dtype { value } else { value.astype(dtype)? };
        x.assign_where(mask, &value)
    })
    .py_err()
    .map(Some)
}

/// Parses the value of `x[key] = value`: a devarray array or a Python/NumPy scalar. Host
/// arrays and lists are refused: upload them explicitly with `devarray.asarray`.
pub(crate) fn extract_value(v: &Bound<'_, PyAny>) -> PyResult<Value> {
    match crate::args::extract_arg(v)? {
        Some(crate::args::Arg::Array(a)) => Ok(Value::Array(a.clone())),
        Some(crate::args::Arg::Weak(s)) => Ok(Value::Scalar(s, true)),
        Some(crate::args::Arg::Strong(s, _)) => Ok(Value::Scalar(s, false)),
        None => Err(PyTypeError::new_err(format!(
            "cannot assign a {} to a devarray array: values must be devarray arrays or scalars; copy host data to the device explicitly with devarray.asarray(value, device=x.device)",
            v.get_type().name()?
        ))),
    }
}
