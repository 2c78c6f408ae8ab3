//! The module functions of the Array API namespace that call the core directly: creation,
//! elementwise dispatch by name, manipulation, reductions and dtype queries. (The pure-Python
//! parts of the namespace are in `python/devarray/_array_api.py`.)

use crate::args::{extract_arg, extract_axes, extract_shape, op_error, run_on, stored_scalar, Arg, Ready};
use crate::array::{reshape as reshape_array, PyNdarray};
use crate::device::{extract_device, extract_opt_device, PyDevice};
use crate::dtype::{dtype_object, extract_dtype, extract_opt_dtype, PyDType};
use crate::errors::IntoPyResult;
use crate::{host, reduce};
use devarray::{Array, BinaryOp, DType, Device, ReduceOp, Scalar, UnaryOp};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

// ----- creation ------------------------------------------------------------------------------

/// A fill value, whether it is a Python scalar (weak), and the dtype it implies when none is
/// given (bool, int64, float64, or a NumPy scalar's own dtype).
fn parse_fill(value: &Bound<'_, PyAny>) -> PyResult<(Scalar, bool, DType)> {
    match extract_arg(value)? {
        Some(Arg::Weak(s)) => Ok((s, true, default_dtype(s))),
        Some(Arg::Strong(s, d)) => Ok((s, false, d)),
        _ => Err(PyTypeError::new_err(format!(
            "fill_value must be a Python or NumPy scalar, not {}",
            value.get_type().name()?
        ))),
    }
}

/// The Array API default dtype of a Python scalar.
fn default_dtype(s: Scalar) -> DType {
    match s {
        Scalar::Bool(_) => DType::Bool,
        Scalar::Int(_) => DType::I64,
        Scalar::UInt(_) => DType::U64,
        Scalar::Float(_) => DType::F64,
        Scalar::Complex(_) => DType::C128,
    }
}

fn created(py: Python<'_>, f: impl FnOnce() -> devarray::Result<Array> + Send) -> PyResult<PyNdarray> {
    Ok(PyNdarray::new(py.detach(f).py_err()?))
}

/// A new array of `shape` whose elements are unspecified (default dtype float64).
#[pyfunction]
#[pyo3(signature = (shape, *, dtype=None, device=None))]
fn empty(
    py: Python<'_>,
    shape: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (shape, dtype, device) =
        (extract_shape(shape)?, extract_opt_dtype(dtype)?.unwrap_or(DType::F64), extract_device(device)?);
    created(py, || Array::empty(&shape, dtype, &device))
}

/// A new array of zeros (default dtype float64).
#[pyfunction]
#[pyo3(signature = (shape, *, dtype=None, device=None))]
fn zeros(
    py: Python<'_>,
    shape: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (shape, dtype, device) =
        (extract_shape(shape)?, extract_opt_dtype(dtype)?.unwrap_or(DType::F64), extract_device(device)?);
    created(py, || Array::zeros(&shape, dtype, &device))
}

/// A new array of ones (default dtype float64).
#[pyfunction]
#[pyo3(signature = (shape, *, dtype=None, device=None))]
fn ones(
    py: Python<'_>,
    shape: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (shape, dtype, device) =
        (extract_shape(shape)?, extract_opt_dtype(dtype)?.unwrap_or(DType::F64), extract_device(device)?);
    created(py, || Array::ones(&shape, dtype, &device))
}

/// A new array filled with `fill_value` (dtype inferred from it when not given).
#[pyfunction]
#[pyo3(signature = (shape, fill_value, *, dtype=None, device=None))]
fn full(
    py: Python<'_>,
    shape: &Bound<'_, PyAny>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (value, weak, implied) = parse_fill(fill_value)?;
    let (shape, dtype, device) =
        (extract_shape(shape)?, extract_opt_dtype(dtype)?.unwrap_or(implied), extract_device(device)?);
    let value = stored_scalar(value, weak, dtype)?;
    created(py, || Array::full(&shape, value, dtype, &device))
}

/// The dtype and device of a `*_like` call: the prototype's unless given.
fn like(
    x: &Array,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Vec<usize>, DType, Device)> {
    Ok((
        x.shape().to_vec(),
        extract_opt_dtype(dtype)?.unwrap_or(x.dtype()),
        extract_opt_device(device)?.unwrap_or(x.device()),
    ))
}

/// `empty` with `x`'s shape, dtype and device.
#[pyfunction]
#[pyo3(signature = (x, /, *, dtype=None, device=None))]
fn empty_like(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (shape, dtype, device) = like(&x.inner, dtype, device)?;
    created(py, || Array::empty(&shape, dtype, &device))
}

/// `zeros` with `x`'s shape, dtype and device.
#[pyfunction]
#[pyo3(signature = (x, /, *, dtype=None, device=None))]
fn zeros_like(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (shape, dtype, device) = like(&x.inner, dtype, device)?;
    created(py, || Array::zeros(&shape, dtype, &device))
}

/// `ones` with `x`'s shape, dtype and device.
#[pyfunction]
#[pyo3(signature = (x, /, *, dtype=None, device=None))]
fn ones_like(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (shape, dtype, device) = like(&x.inner, dtype, device)?;
    created(py, || Array::ones(&shape, dtype, &device))
}

/// `full` with `x`'s shape, dtype and device.
#[pyfunction]
#[pyo3(signature = (x, /, fill_value, *, dtype=None, device=None))]
fn full_like(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    fill_value: &Bound<'_, PyAny>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let (value, weak, _) = parse_fill(fill_value)?;
    let (shape, dtype, device) = like(&x.inner, dtype, device)?;
    let value = stored_scalar(value, weak, dtype)?;
    created(py, || Array::full(&shape, value, dtype, &device))
}

/// Evenly spaced values in `[start, stop)` (`arange(n)` is `0, 1, …, n-1`). The dtype is
/// int64 when every bound is an int, float64 otherwise, unless given.
#[pyfunction]
#[pyo3(signature = (start, /, stop=None, step=None, *, dtype=None, device=None))]
fn arange(
    py: Python<'_>,
    start: &Bound<'_, PyAny>,
    stop: Option<&Bound<'_, PyAny>>,
    step: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let bound = |v: &Bound<'_, PyAny>| -> PyResult<(f64, bool)> {
        match extract_arg(v)? {
            Some(Arg::Weak(s)) | Some(Arg::Strong(s, _)) => Ok((s.as_f64(), !matches!(s, Scalar::Float(_)))),
            _ => Err(PyTypeError::new_err("arange bounds must be real numbers")),
        }
    };
    let (a, a_int) = bound(start)?;
    let (lo, hi, hi_int) = match stop {
        Some(s) if !s.is_none() => {
            let (b, b_int) = bound(s)?;
            (a, b, b_int)
        }
        _ => (0.0, a, true),
    };
    let (st, st_int) = match step {
        Some(s) if !s.is_none() => bound(s)?,
        _ => (1.0, true),
    };
    let implied = if a_int && hi_int && st_int { DType::I64 } else { DType::F64 };
    let dtype = extract_opt_dtype(dtype)?.unwrap_or(implied);
    let device = extract_device(device)?;
    created(py, || Array::arange(lo, hi, st, dtype, &device))
}

/// `num` evenly spaced values over `[start, stop]` (`[start, stop)` with `endpoint=False`),
/// float64 unless given.
#[pyfunction]
#[pyo3(signature = (start, stop, /, num, *, dtype=None, device=None, endpoint=true))]
fn linspace(
    py: Python<'_>,
    start: f64,
    stop: f64,
    num: usize,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
    endpoint: bool,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?.unwrap_or(DType::F64);
    let device = extract_device(device)?;
    created(py, || Array::linspace(start, stop, num, endpoint, dtype, &device))
}

/// A 2-D array with ones on diagonal `k` and zeros elsewhere (float64 unless given).
#[pyfunction]
#[pyo3(
    signature = (n_rows, n_cols=None, /, *, k=None, dtype=None, device=None),
    text_signature = "(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None)"
)]
fn eye(
    py: Python<'_>,
    n_rows: usize,
    n_cols: Option<usize>,
    k: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?.unwrap_or(DType::F64);
    let device = extract_device(device)?;
    let cols = n_cols.unwrap_or(n_rows);
    // Any int is a valid diagonal (NumPy: zeros when it misses the matrix); one beyond isize
    // misses it like isize::MIN/MAX does.
    let Some(k) = k else {
        return created(py, || Array::eye(n_rows, cols, 0, dtype, &device));
    };
    let k: isize = match k.extract::<isize>() {
        Ok(k) => k,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(py) => {
            if k.lt(0)? {
                isize::MIN
            } else {
                isize::MAX
            }
        }
        Err(_) => return Err(PyTypeError::new_err(format!("eye: k must be an int, not {}", k.get_type().name()?))),
    };
    created(py, || Array::eye(n_rows, cols, k, dtype, &device))
}

/// Copies a host array (anything `numpy.asarray` accepts) to `device`; used by `asarray`.
#[pyfunction]
#[pyo3(signature = (obj, device=None))]
fn _from_host(py: Python<'_>, obj: &Bound<'_, PyAny>, device: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
    let device = extract_device(device)?;
    host::from_numpy(py, obj, device).map(PyNdarray::new)
}

// ----- elementwise ---------------------------------------------------------------------------

/// Applies the unary elementwise function `name` (an Array API name such as `"sin"`).
#[pyfunction]
fn _unary(py: Python<'_>, name: &str, x: &Bound<'_, PyNdarray>) -> PyResult<PyNdarray> {
    let op = UnaryOp::from_name(name).ok_or_else(|| PyValueError::new_err(format!("no unary function {name:?}")))?;
    let a = &x.get().inner;
    Ok(PyNdarray::new(run_on(py, a.device(), a.numel(), || a.unary(op)).py_err()?))
}

/// Applies the binary elementwise function `name` (an Array API name such as `"add"`) to
/// arrays and scalars (at least one array).
#[pyfunction]
fn _binary(py: Python<'_>, name: &str, x1: &Bound<'_, PyAny>, x2: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
    let op = BinaryOp::from_name(name).ok_or_else(|| PyValueError::new_err(format!("no binary function {name:?}")))?;
    let (a, b) = (operand(x1)?, operand(x2)?);
    crate::args::binary(py, op, &a, &b).map(PyNdarray::new)
}

/// An operand of a module function: an array or a scalar (`TypeError` otherwise).
fn operand<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Arg<'a>> {
    extract_arg(obj)?.ok_or_else(|| {
        let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        PyTypeError::new_err(format!(
            "expected a devarray array or a Python scalar, not {name}; copy host data to the device explicitly with devarray.asarray"
        ))
    })
}

/// `x1` where `condition` is true, `x2` elsewhere (broadcast together; `x1`/`x2` may be
/// scalars).
#[pyfunction(name = "where")]
#[pyo3(signature = (condition, x1, x2, /))]
fn where_(
    py: Python<'_>,
    condition: PyRef<'_, PyNdarray>,
    x1: &Bound<'_, PyAny>,
    x2: &Bound<'_, PyAny>,
) -> PyResult<PyNdarray> {
    let (a, b) = (operand(x1)?, operand(x2)?);
    let device = condition.inner.device();
    let weak: Vec<Scalar> = [&a, &b].iter().filter_map(|o| o.weak()).collect();
    let dtypes: Vec<DType> = [&a, &b].iter().filter_map(|o| o.dtype()).collect();
    let (a, b) = (a.ready(py, device)?, b.ready(py, device)?);
    let cond = &condition.inner;
    py.detach(|| Array::where_(cond, a.operand(), b.operand()))
        .map(PyNdarray::new)
        .map_err(|e| op_error(e, &weak, &dtypes))
}

/// `clip` with optional bounds (arrays or scalars).
pub(crate) fn clip_impl<'a>(
    py: Python<'_>,
    x: &Array,
    min: Option<&'a Bound<'_, PyAny>>,
    max: Option<&'a Bound<'_, PyAny>>,
) -> PyResult<Array> {
    let mut weak = Vec::new();
    let mut bound = |b: Option<&'a Bound<'_, PyAny>>| -> PyResult<Option<Ready<'a>>> {
        match b {
            Some(v) if !v.is_none() => {
                let arg = operand(v)?;
                weak.extend(arg.weak());
                Ok(Some(arg.ready(py, x.device())?))
            }
            _ => Ok(None),
        }
    };
    let (lo, hi) = (bound(min)?, bound(max)?);
    py.detach(|| x.clip_bounds(lo.as_ref().map(Ready::operand), hi.as_ref().map(Ready::operand)))
        .map_err(|e| op_error(e, &weak, &[x.dtype()]))
}

/// Limits every element of `x` to `[min, max]` (either bound may be `None`, an array or a
/// scalar; NaN propagates).
#[pyfunction]
#[pyo3(signature = (x, /, min=None, max=None))]
fn clip(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    min: Option<&Bound<'_, PyAny>>,
    max: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyNdarray> {
    clip_impl(py, &x.inner, min, max).map(PyNdarray::new)
}

// ----- manipulation --------------------------------------------------------------------------

/// `x` with a new shape (one dimension may be -1); a view when possible, see
/// `ndarray.reshape` for `copy`.
#[pyfunction]
#[pyo3(signature = (x, /, shape, *, copy=None))]
fn reshape(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    shape: &Bound<'_, PyAny>,
    copy: Option<bool>,
) -> PyResult<PyNdarray> {
    let dims: Vec<i64> = crate::args::ints_arg(shape)?
        .ok_or_else(|| PyTypeError::new_err("reshape: the shape must be an int or a sequence of ints"))?;
    reshape_array(py, &x.inner, &dims, copy).map(PyNdarray::new)
}

/// `x` broadcast to `shape` (a read-only view).
#[pyfunction]
#[pyo3(signature = (x, /, shape))]
fn broadcast_to(x: PyRef<'_, PyNdarray>, shape: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
    let shape = extract_shape(shape)?;
    Ok(PyNdarray::new(x.inner.broadcast_to(&shape).py_err()?))
}

/// The arrays broadcast against each other (read-only views).
#[pyfunction]
#[pyo3(signature = (*arrays))]
fn broadcast_arrays(arrays: Vec<PyRef<'_, PyNdarray>>) -> PyResult<Vec<PyNdarray>> {
    let mut shape: Vec<usize> = Vec::new();
    for a in &arrays {
        shape = devarray::broadcast_shapes(&shape, a.inner.shape()).py_err()?;
    }
    arrays.iter().map(|a| Ok(PyNdarray::new(a.inner.broadcast_to(&shape).py_err()?))).collect()
}

/// Joins arrays along an existing axis (`axis=None` flattens them first). The result has the
/// arrays' promoted dtype; all must be on one device (the core's `Array::concat`).
#[pyfunction]
#[pyo3(signature = (arrays, /, *, axis=Some(0)), text_signature = "(arrays, /, *, axis=0)")]
pub(crate) fn concat(py: Python<'_>, arrays: Vec<PyRef<'_, PyNdarray>>, axis: Option<isize>) -> PyResult<PyNdarray> {
    let parts: Vec<Array> = arrays.iter().map(|a| a.inner.clone()).collect();
    py.detach(|| Array::concat(&parts, axis)).py_err().map(PyNdarray::new)
}

/// Joins arrays of one shape along a new axis (the core's `Array::stack`).
#[pyfunction]
#[pyo3(signature = (arrays, /, *, axis=0))]
fn stack(py: Python<'_>, arrays: Vec<PyRef<'_, PyNdarray>>, axis: isize) -> PyResult<PyNdarray> {
    let parts: Vec<Array> = arrays.iter().map(|a| a.inner.clone()).collect();
    py.detach(|| Array::stack(&parts, axis)).py_err().map(PyNdarray::new)
}

/// The views of `x` along `axis` (the core's `Array::unstack`).
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=0))]
fn _unstack(x: PyRef<'_, PyNdarray>, axis: isize) -> PyResult<Vec<PyNdarray>> {
    Ok(x.inner.unstack(axis).py_err()?.into_iter().map(PyNdarray::new).collect())
}

/// Removes the given length-1 axes (all of them when `axis` is `None`).
#[pyfunction]
#[pyo3(signature = (x, /, axis=None))]
fn squeeze(x: PyRef<'_, PyNdarray>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
    let axes = extract_axes(axis)?;
    Ok(PyNdarray::new(x.inner.squeeze(axes.as_deref()).py_err()?))
}

/// A new length-1 axis at `axis` (a view).
#[pyfunction]
#[pyo3(signature = (x, /, axis=0))]
fn expand_dims(x: PyRef<'_, PyNdarray>, axis: isize) -> PyResult<PyNdarray> {
    Ok(PyNdarray::new(x.inner.expand_dims(axis).py_err()?))
}

/// Axes reordered: axis `i` of the result is axis `axes[i]` of `x` (a view).
#[pyfunction]
#[pyo3(signature = (x, /, axes))]
fn permute_dims(x: PyRef<'_, PyNdarray>, axes: Vec<isize>) -> PyResult<PyNdarray> {
    Ok(PyNdarray::new(x.inner.permute_dims(&axes).py_err()?))
}

/// The elements reversed along `axis` (all axes when `None`; a view).
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None))]
fn flip(x: PyRef<'_, PyNdarray>, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
    let axes = extract_axes(axis)?;
    Ok(PyNdarray::new(x.inner.flip(axes.as_deref()).py_err()?))
}

/// `x` converted to `dtype` (a copy unless `copy=False` and nothing changes), optionally on
/// another device.
#[pyfunction]
#[pyo3(signature = (x, dtype, /, *, copy=true, device=None))]
fn astype(
    py: Python<'_>,
    x: &Bound<'_, PyNdarray>,
    dtype: &Bound<'_, PyAny>,
    copy: bool,
    device: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let dtype = extract_dtype(dtype)?;
    let a = &x.get().inner;
    let device = extract_opt_device(device)?.unwrap_or(a.device());
    if !copy && a.dtype() == dtype && a.device() == device {
        return Ok(x.clone().into_any().unbind());
    }
    let out = py
        .detach(|| {
            let moved = a.to_device(&device)?;
            if moved.dtype() == dtype && moved.device() != a.device() {
                Ok(moved)
            } else {
                moved.astype(dtype)
            }
        })
        .py_err()?;
    Ok(Py::new(py, PyNdarray::new(out))?.into_any())
}

// ----- reductions ----------------------------------------------------------------------------

macro_rules! reduction_functions {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (x, /, *, axis=None, keepdims=false))]
        fn $name(py: Python<'_>, x: PyRef<'_, PyNdarray>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
            reduce::reduce(py, &x.inner, ReduceOp::$op, axis, keepdims, None).map(PyNdarray::new)
        }
    )*};
}

reduction_functions! {
    /// Smallest element over `axis` (all axes when `None`); NaN propagates.
    min => Min;
    /// Largest element over `axis` (all axes when `None`); NaN propagates.
    max => Max;
    /// Arithmetic mean over `axis` (float64 for integer input; NaN when empty).
    mean => Mean;
    /// Whether every element over `axis` is non-zero.
    all => All;
    /// Whether any element over `axis` is non-zero.
    any => Any;
}

/// Sum over `axis` (all axes when `None`); int64/uint64 for integers, `dtype` to choose.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, dtype=None, keepdims=false))]
fn sum(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?;
    reduce::reduce(py, &x.inner, ReduceOp::Sum, axis, keepdims, dtype).map(PyNdarray::new)
}

/// Product over `axis` (all axes when `None`); int64/uint64 for integers, `dtype` to choose.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, dtype=None, keepdims=false))]
fn prod(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<&Bound<'_, PyAny>>,
    dtype: Option<&Bound<'_, PyAny>>,
    keepdims: bool,
) -> PyResult<PyNdarray> {
    let dtype = extract_opt_dtype(dtype)?;
    reduce::reduce(py, &x.inner, ReduceOp::Prod, axis, keepdims, dtype).map(PyNdarray::new)
}

/// Variance over `axis`, dividing by `n - correction`.
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, correction=0.0, keepdims=false))]
fn var(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<&Bound<'_, PyAny>>,
    correction: f64,
    keepdims: bool,
) -> PyResult<PyNdarray> {
    reduce::var_std(py, &x.inner, false, axis, Some(correction), keepdims).map(PyNdarray::new)
}

/// Standard deviation over `axis`, dividing by `n - correction`.
#[pyfunction(name = "std")]
#[pyo3(signature = (x, /, *, axis=None, correction=0.0, keepdims=false))]
fn std_(
    py: Python<'_>,
    x: PyRef<'_, PyNdarray>,
    axis: Option<&Bound<'_, PyAny>>,
    correction: f64,
    keepdims: bool,
) -> PyResult<PyNdarray> {
    reduce::var_std(py, &x.inner, true, axis, Some(correction), keepdims).map(PyNdarray::new)
}

/// Index of the smallest element along `axis` (of the flattened array when `None`).
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, keepdims=false))]
fn argmin(py: Python<'_>, x: PyRef<'_, PyNdarray>, axis: Option<isize>, keepdims: bool) -> PyResult<PyNdarray> {
    reduce::arg_extreme(py, &x.inner, false, axis, keepdims).map(PyNdarray::new)
}

/// Index of the largest element along `axis` (of the flattened array when `None`).
#[pyfunction]
#[pyo3(signature = (x, /, *, axis=None, keepdims=false))]
fn argmax(py: Python<'_>, x: PyRef<'_, PyNdarray>, axis: Option<isize>, keepdims: bool) -> PyResult<PyNdarray> {
    reduce::arg_extreme(py, &x.inner, true, axis, keepdims).map(PyNdarray::new)
}

// ----- dtypes and devices ------------------------------------------------------------------

/// The dtype that arrays, dtypes and Python scalars promote to (Array API rules; Python scalars
/// are weak). At least one array or dtype is required.
#[pyfunction]
#[pyo3(signature = (*arrays_and_dtypes))]
fn result_type(py: Python<'_>, arrays_and_dtypes: Vec<Bound<'_, PyAny>>) -> PyResult<Py<PyDType>> {
    let mut strong: Option<DType> = None;
    let mut weak: Vec<Scalar> = Vec::new();
    for obj in &arrays_and_dtypes {
        let d = match extract_arg(obj)? {
            Some(Arg::Array(a)) => a.dtype(),
            Some(Arg::Strong(_, d)) => d,
            Some(Arg::Weak(s)) => {
                weak.push(s);
                continue;
            }
            None => extract_dtype(obj)?,
        };
        strong = Some(strong.map_or(d, |s| devarray::result_type(s, d)));
    }
    let Some(mut dtype) = strong else {
        return Err(PyTypeError::new_err("result_type needs at least one array or dtype"));
    };
    // Weak scalars: by kind, not value (NumPy: result_type(uint8, 300) is uint8).
    for s in weak {
        dtype = devarray::result_type_with_scalar(dtype, s);
    }
    dtype_object(py, dtype)
}

/// Whether `from_` (a dtype or an array) converts to `to` without losing values (Array API
/// casting rules).
#[pyfunction]
#[pyo3(signature = (from_, to, /))]
fn can_cast(from_: &Bound<'_, PyAny>, to: &Bound<'_, PyAny>) -> PyResult<bool> {
    let from = match from_.cast::<PyNdarray>() {
        Ok(a) => a.get().inner.dtype(),
        Err(_) => extract_dtype(from_)?,
    };
    Ok(devarray::can_cast(from, extract_dtype(to)?))
}

/// Every device on this machine: the CPU, then each CUDA device.
#[pyfunction]
fn devices() -> Vec<PyDevice> {
    Device::all().into_iter().map(|device| PyDevice { device }).collect()
}

/// The default device (the innermost `with Device(...)`, else `DEVARRAY_DEVICE`, else CUDA
/// device 0 when usable, else the CPU).
#[pyfunction]
fn _default_device() -> PyResult<PyDevice> {
    Ok(PyDevice { device: crate::device::default_device()? })
}

/// A text report of the devices and the CUDA driver/NVRTC versions.
#[pyfunction]
fn devices_report() -> String {
    devarray::devices_report().to_string()
}

/// Writes a ufunc `result` into NumPy's `out=` array (the `same_kind` casting rule; `result`
/// broadcast to `out`'s shape).
#[pyfunction]
fn _write_out(py: Python<'_>, result: PyRef<'_, PyNdarray>, out: PyRef<'_, PyNdarray>, name: &str) -> PyResult<()> {
    crate::args::write_into(py, name, result.inner.clone(), &out.inner)
}

/// Adds the functions of this file to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    macro_rules! add {
        ($($f:ident),* $(,)?) => {$( m.add_function(wrap_pyfunction!($f, m)?)?; )*};
    }
    add!(
        empty,
        zeros,
        ones,
        full,
        empty_like,
        zeros_like,
        ones_like,
        full_like,
        arange,
        linspace,
        eye,
        _from_host,
        _unary,
        _binary,
        where_,
        clip,
        reshape,
        broadcast_to,
        broadcast_arrays,
        concat,
        stack,
        _unstack,
        squeeze,
        expand_dims,
        permute_dims,
        flip,
        astype,
        min,
        max,
        mean,
        all,
        any,
        sum,
        prod,
        var,
        std_,
        argmin,
        argmax,
        result_type,
        can_cast,
        devices,
        _default_device,
        devices_report,
        _write_out,
    );
    Ok(())
}
