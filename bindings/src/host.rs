//! Explicit copies between device arrays and host objects: NumPy arrays (`get`, `asarray`),
//! Python scalars (`item`) and nested lists (`tolist`).

use crate::dtype::{from_numpy_dtype, numpy_dtype};
use crate::errors::IntoPyResult;
use devarray::{dispatch_dtype, Array, DType, Device, Element, Scalar};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyList, PyTuple};

/// Copies `array` into a new C-contiguous NumPy array (device → host; releases the GIL while
/// copying). bfloat16 arrays become `ml_dtypes.bfloat16` arrays.
pub(crate) fn to_numpy<'py>(py: Python<'py>, array: &Array) -> PyResult<Bound<'py, PyAny>> {
    let np = py.import("numpy")?;
    let dtype = numpy_dtype(py, array.dtype())?;
    let shape = PyTuple::new(py, array.shape())?;
    // bool: zero-filled, so the memory holds valid `bool` values before Rust writes to it.
    let ctor = if array.dtype() == DType::Bool { "zeros" } else { "empty" };
    let out = np.call_method1(ctor, (shape, dtype))?;
    let n = array.numel();
    if n == 0 {
        return Ok(out);
    }
    let addr = data_address(&out)?;
    py.detach(|| {
        dispatch_dtype!(array.dtype(), T => {
            // SAFETY: `out` is a fresh, C-contiguous, aligned NumPy array of `n` elements of
            // `T`'s layout that nothing else references yet; we hold a reference to it for the
            // whole copy.
            let dst = unsafe { std::slice::from_raw_parts_mut(addr as *mut T, n) };
            array.copy_to_host(dst)
        })
    })
    .py_err()?;
    Ok(out)
}

/// Address of the first element of a NumPy array.
fn data_address(arr: &Bound<'_, PyAny>) -> PyResult<usize> {
    arr.getattr("__array_interface__")?.get_item("data")?.get_item(0)?.extract()
}

/// Copies a NumPy array into a new array on `device` (host → device; releases the GIL while
/// copying). Any layout and byte order is accepted (NumPy makes a native, aligned, C-contiguous
/// copy first when needed).
///
/// **Errors:** `TypeError` for NumPy dtypes devarray does not have (complex, strings, objects).
pub(crate) fn from_numpy(py: Python<'_>, arr: &Bound<'_, PyAny>, device: Device) -> PyResult<Array> {
    let np = py.import("numpy")?;
    let arr = np.call_method1("asarray", (arr,))?;
    let np_dtype = arr.getattr("dtype")?;
    let Some(dtype) = from_numpy_dtype(&np_dtype)? else {
        return Err(PyTypeError::new_err(format!(
            "devarray has no dtype {}; supported: bool, int8-64, uint8-64, float16, bfloat16, float32, float64, \
             complex64, complex128",
            np_dtype.repr()?
        )));
    };
    let native = np_dtype.call_method1("newbyteorder", ("=",))?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("dtype", native)?;
    kwargs.set_item("requirements", "CA")?;
    let mut arr = np.getattr("require")?.call((arr,), Some(&kwargs))?;
    // bool: read the bytes as uint8 (a NumPy bool array may hold any byte) and convert on the
    // device, where every non-zero byte becomes true.
    let upload_dtype = if dtype == DType::Bool {
        arr = arr.call_method1("view", (np.getattr("uint8")?,))?;
        DType::U8
    } else {
        dtype
    };
    let shape: Vec<usize> = arr.getattr("shape")?.extract()?;
    let n: usize = shape.iter().product();
    let addr = if n == 0 { 0 } else { data_address(&arr)? };
    let uploaded = py
        .detach(|| {
            dispatch_dtype!(upload_dtype, T => {
                let src: &[T] = if n == 0 {
                    &[]
                } else {
                    // SAFETY: `arr` is an aligned, C-contiguous NumPy array of `n` elements whose
                    // bytes are valid `T` values (`T` is never `bool` here); we hold a reference
                    // to it for the whole copy.
                    unsafe { std::slice::from_raw_parts(addr as *const T, n) }
                };
                Array::from_slice(src, &shape, &device)
            })
        })
        .py_err()?;
    if dtype == DType::Bool {
        return py.detach(|| uploaded.astype(DType::Bool)).py_err();
    }
    Ok(uploaded)
}

/// A Python `bool`, `int` or `float` for a devarray scalar.
pub(crate) fn scalar_to_py(py: Python<'_>, s: Scalar) -> PyResult<Bound<'_, PyAny>> {
    Ok(match s {
        Scalar::Bool(b) => PyBool::new(py, b).to_owned().into_any(),
        Scalar::Int(i) => PyInt::new(py, i).into_any(),
        Scalar::UInt(u) => PyInt::new(py, u).into_any(),
        Scalar::Float(f) => PyFloat::new(py, f).into_any(),
        Scalar::Complex(z) => PyComplex::from_doubles(py, z.re, z.im).into_any(),
    })
}

/// The elements as nested Python lists of `bool`/`int`/`float` (a scalar for 0-d arrays).
pub(crate) fn to_list<'py>(py: Python<'py>, array: &Array) -> PyResult<Bound<'py, PyAny>> {
    let values: Vec<Scalar> = py
        .detach(|| {
            dispatch_dtype!(array.dtype(), T => {
                array
                    .to_vec::<T>()
                    .map(|v| v.into_iter().map(Element::to_scalar).collect::<Vec<_>>())
            })
        })
        .py_err()?;
    nest(py, array.shape(), &values)
}

fn nest<'py>(py: Python<'py>, shape: &[usize], values: &[Scalar]) -> PyResult<Bound<'py, PyAny>> {
    let Some((&n, rest)) = shape.split_first() else {
        return scalar_to_py(py, values[0]);
    };
    let stride: usize = rest.iter().product();
    let items = (0..n).map(|i| nest(py, rest, &values[i * stride..(i + 1) * stride])).collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, items)?.into_any())
}
