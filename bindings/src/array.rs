//! `devarray.ndarray`: the Python array type, a thin handle on a core [`Array`].

use crate::args::{
    binary, extract_arg, extract_axes, foreign_operand_error, ints_arg, resolve_reshape, run_on, write_into, Arg,
};
use crate::device::{extract_device, PyDevice};
use crate::dtype::{dtype_object, extract_dtype, PyDType};
use crate::errors::IntoPyResult;
use crate::{dlpack, guard, host, index, reduce};
use devarray::{Array, BinaryOp, DType, ReduceOp, Scalar, UnaryOp};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyTuple};
use pyo3::IntoPyObjectExt;

/// An n-dimensional array whose elements live on a device (a CUDA GPU or the CPU backend).
///
/// Create arrays with the module functions (`devarray.asarray`, `zeros`, `arange`, …). Ops run
/// where the data is; elements reach the host only through explicit copies: `x.get()`,
/// `devarray.asnumpy(x)`, `numpy.asarray(x, copy=True)`, `x.item()`, `x.tolist()`.
/// `numpy.asarray(x)` without `copy=True` raises `TypeError` on every device.
#[pyclass(name = "ndarray", module = "devarray", frozen, weakref)]
pub struct PyNdarray {
    pub(crate) inner: Array,
}

impl PyNdarray {
    /// Wraps a core array.
    pub(crate) fn new(inner: Array) -> Self {
        PyNdarray { inner }
    }
}

static INTEROP: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// A function of `devarray._interop` (the NumPy protocol dispatch tables).
fn interop<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let m = INTEROP.get_or_try_init(py, || py.import("devarray._interop").map(Bound::unbind))?;
    m.bind(py).getattr(name)
}

/// Generates the binary operators: `__op__`, `__rop__` and `__iop__` for one [`BinaryOp`].
macro_rules! binary_operators {
    ($($op:ident: $fwd:ident, $rev:ident, $inplace:ident;)*) => {
        #[pymethods]
        impl PyNdarray {$(
            fn $fwd(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                self.operator(py, BinaryOp::$op, other, false)
            }

            fn $rev(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
                self.operator(py, BinaryOp::$op, other, true)
            }

            fn $inplace(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<()> {
                self.inplace(py, BinaryOp::$op, other)
            }
        )*}
    };
}

binary_operators! {
    Add: __add__, __radd__, __iadd__;
    Subtract: __sub__, __rsub__, __isub__;
    Multiply: __mul__, __rmul__, __imul__;
    Divide: __truediv__, __rtruediv__, __itruediv__;
    FloorDivide: __floordiv__, __rfloordiv__, __ifloordiv__;
    Remainder: __mod__, __rmod__, __imod__;
    BitwiseAnd: __and__, __rand__, __iand__;
    BitwiseOr: __or__, __ror__, __ior__;
    BitwiseXor: __xor__, __rxor__, __ixor__;
    BitwiseLeftShift: __lshift__, __rlshift__, __ilshift__;
    BitwiseRightShift: __rshift__, __rrshift__, __irshift__;
}

impl PyNdarray {
    /// `self op other` (or `other op self`). Other libraries' arrays (NumPy arrays,
    /// PyTorch/JAX tensors) raise devarray's `TypeError`, which names the explicit conversion;
    /// other unknown operands (lists included) get `NotImplemented`, so Python tries their
    /// reflected operator.
    fn operator(&self, py: Python<'_>, op: BinaryOp, other: &Bound<'_, PyAny>, reflected: bool) -> PyResult<Py<PyAny>> {
        let Some(other) = extract_arg(other)? else {
            if let Some(e) = foreign_operand_error(op.name(), other, false)? {
                return Err(e);
            }
            return Ok(py.NotImplemented());
        };
        let me = Arg::Array(&self.inner);
        let (l, r) = if reflected { (&other, &me) } else { (&me, &other) };
        let out = binary(py, op, l, r)?;
        PyNdarray::new(out).into_py_any(py)
    }

    /// `self op= other`: computes `self op other`, then writes it into `self` (NumPy's
    /// `same_kind` casting; the shape must not grow).
    fn inplace(&self, py: Python<'_>, op: BinaryOp, other: &Bound<'_, PyAny>) -> PyResult<()> {
        let Some(other) = extract_arg(other)? else {
            if let Some(e) = foreign_operand_error(op.name(), other, false)? {
                return Err(e);
            }
            return Err(PyTypeError::new_err(format!(
                "unsupported operand type for in-place {}: devarray.ndarray and {}; devarray arrays combine with devarray arrays and Python scalars",
                op.name(),
                other.get_type().name()?
            )));
        };
        let result = binary(py, op, &Arg::Array(&self.inner), &other)?;
        if result.shape() != self.inner.shape() {
            return Err(PyValueError::new_err(format!(
                "non-broadcastable output operand with shape {:?} doesn't match the broadcast shape {:?}",
                self.inner.shape(),
                result.shape()
            )));
        }
        write_into(py, op.name(), result, &self.inner)
    }

    fn unary(&self, py: Python<'_>, op: UnaryOp) -> PyResult<PyNdarray> {
        let a = &self.inner;
        Ok(PyNdarray::new(run_on(py, a.device(), a.numel(), || a.unary(op)).py_err()?))
    }

    /// The one element of a size-1 array, checked by the transfer guard as `what`.
    fn scalar_read(&self, py: Python<'_>, what: &str) -> PyResult<Scalar> {
        if self.inner.numel() != 1 {
            return Err(PyTypeError::new_err(format!(
                "only size-1 arrays can be converted to Python scalars by {what}; this array has shape {:?}",
                self.inner.shape()
            )));
        }
        guard::check(py, what, &self.inner)?;
        let a = &self.inner;
        py.detach(|| a.item_scalar()).py_err()
    }

    fn reduction(
        &self,
        py: Python<'_>,
        op: ReduceOp,
        axis: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
        dtype: Option<DType>,
    ) -> PyResult<PyNdarray> {
        reduce::reduce(py, &self.inner, op, axis, keepdims, dtype).map(PyNdarray::new)
    }
}

#[pymethods]
impl PyNdarray {
    // ----- attributes --------------------------------------------------------------------

    /// The extent of each axis.
    #[getter]
    fn shape<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.shape())
    }

    /// The element type (a `devarray` dtype object such as `devarray.float32`).
    #[getter]
    fn dtype(&self, py: Python<'_>) -> PyResult<Py<PyDType>> {
        dtype_object(py, self.inner.dtype())
    }

    /// The device holding the elements.
    #[getter]
    fn device(&self) -> PyDevice {
        PyDevice { device: self.inner.device() }
    }

    /// Number of axes.
    #[getter]
    fn ndim(&self) -> usize {
        self.inner.ndim()
    }

    /// Number of elements.
    #[getter]
    fn size(&self) -> usize {
        self.inner.numel()
    }

    /// Bytes the elements occupy (`size * itemsize`).
    #[getter]
    fn nbytes(&self) -> usize {
        self.inner.nbytes()
    }

    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.inner.dtype().itemsize()
    }

    /// Strides in **bytes** per axis, as NumPy reports them (0 for broadcast axes, negative for
    /// flipped ones).
    #[getter]
    fn strides<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let itemsize = self.inner.dtype().itemsize() as isize;
        PyTuple::new(py, self.inner.strides().iter().map(|s| s * itemsize))
    }

    /// All axes reversed (a view).
    #[getter(T)]
    fn t(&self) -> PyNdarray {
        PyNdarray::new(self.inner.transpose())
    }

    /// The last two axes swapped (a view); needs at least 2 dimensions.
    #[getter(mT)]
    fn mt(&self) -> PyResult<PyNdarray> {
        if self.inner.ndim() < 2 {
            return Err(PyValueError::new_err(format!(
                "mT needs an array of at least 2 dimensions, this one has {}",
                self.inner.ndim()
            )));
        }
        Ok(PyNdarray::new(self.inner.swapaxes(-1, -2).py_err()?))
    }

    /// Whether writes through this array are refused (broadcast views, read-only imports).
    #[getter]
    fn is_readonly(&self) -> bool {
        self.inner.is_read_only()
    }

    // ----- methods -----------------------------------------------------------------------

    /// A new array with the elements converted to `dtype` (NumPy's casting results). With
    /// `copy=False`, returns `self` when the dtype already matches.
    #[pyo3(signature = (dtype, /, *, copy=true))]
    fn astype(slf: &Bound<'_, Self>, dtype: &Bound<'_, PyAny>, copy: bool) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let dtype = extract_dtype(dtype)?;
        let a = &slf.get().inner;
        if !copy && a.dtype() == dtype {
            return Ok(slf.clone().into_any().unbind());
        }
        PyNdarray::new(py.detach(|| a.astype(dtype)).py_err()?).into_py_any(py)
    }

    /// The same elements in C order with a new shape: `x.reshape(2, 3)` or
    /// `x.reshape((2, -1))`. A view when the strides allow (a copy otherwise, or an error with
    /// `copy=False`; always a copy with `copy=True`).
    #[pyo3(signature = (*shape, copy=None))]
    fn reshape(&self, py: Python<'_>, shape: &Bound<'_, PyTuple>, copy: Option<bool>) -> PyResult<PyNdarray> {
        let target = if shape.len() == 1 { shape.get_item(0)? } else { shape.clone().into_any() };
        let dims: Vec<i64> = ints_arg(&target)?
            .ok_or_else(|| PyTypeError::new_err("reshape: the shape must be ints or one sequence of ints"))?;
        reshape(py, &self.inner, &dims, copy).map(PyNdarray::new)
    }

    /// Axes reordered: `x.transpose()` reverses them, `x.transpose(1, 0, 2)` or
    /// `x.transpose((1, 0, 2))` permutes them. A view.
    #[pyo3(signature = (*axes))]
    fn transpose(&self, axes: &Bound<'_, PyTuple>) -> PyResult<PyNdarray> {
        if axes.is_empty() {
            return Ok(PyNdarray::new(self.inner.transpose()));
        }
        let axes: Vec<isize> = if axes.len() == 1 && axes.get_item(0)?.extract::<isize>().is_err() {
            axes.get_item(0)?.extract()?
        } else {
            axes.extract()?
        };
        Ok(PyNdarray::new(self.inner.permute_dims(&axes).py_err()?))
    }

    /// Two axes exchanged (a view).
    fn swapaxes(&self, axis1: isize, axis2: isize) -> PyResult<PyNdarray> {
        Ok(PyNdarray::new(self.inner.swapaxes(axis1, axis2).py_err()?))
    }

    /// Length-1 axes removed: the given ones, or all when `axis` is `None` (a view).
    #[pyo3(signature = (axis=None))]
    fn squeeze(&self, axis: Option<&Bound<'_, PyAny>>) -> PyResult<PyNdarray> {
        let axes = extract_axes(axis)?;
        Ok(PyNdarray::new(self.inner.squeeze(axes.as_deref()).py_err()?))
    }

    /// The elements as a 1-D array (a view when possible).
    fn ravel(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        reshape(py, &self.inner, &[-1], None).map(PyNdarray::new)
    }

    /// The elements as a new 1-D array (always a copy).
    fn flatten(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        reshape(py, &self.inner, &[-1], Some(true)).map(PyNdarray::new)
    }

    /// A new contiguous, writable array with the same elements, on the same device.
    fn copy(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        let a = &self.inner;
        Ok(PyNdarray::new(py.detach(|| a.copy()).py_err()?))
    }

    fn __copy__(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        self.copy(py)
    }

    #[pyo3(signature = (memo, /))]
    fn __deepcopy__(&self, py: Python<'_>, memo: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
        let _ = memo; // a copy holds no references to other objects
        self.copy(py)
    }

    /// A copy of this array on `device` (`self` when it is already there). An explicit
    /// transfer: never refused by the transfer guard. Only `stream=None` is supported.
    #[pyo3(signature = (device, /, *, stream=None))]
    fn to_device(
        &self,
        py: Python<'_>,
        device: &Bound<'_, PyAny>,
        stream: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        if stream.is_some_and(|s| !s.is_none()) {
            return Err(PyValueError::new_err("to_device: only stream=None is supported"));
        }
        let device = extract_device(Some(device))?;
        let a = &self.inner;
        Ok(PyNdarray::new(py.detach(|| a.to_device(&device)).py_err()?))
    }

    /// Limits every element to `[min, max]` (either may be `None`); see `devarray.clip`.
    #[pyo3(signature = (min=None, max=None))]
    fn clip(
        &self,
        py: Python<'_>,
        min: Option<&Bound<'_, PyAny>>,
        max: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyNdarray> {
        crate::functions::clip_impl(py, &self.inner, min, max).map(PyNdarray::new)
    }

    /// Sum over `axis` (all axes when `None`); `dtype` sets the accumulation and result type.
    #[pyo3(signature = (axis=None, dtype=None, keepdims=false))]
    fn sum(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<PyNdarray> {
        let dtype = crate::dtype::extract_opt_dtype(dtype)?;
        self.reduction(py, ReduceOp::Sum, axis, keepdims, dtype)
    }

    /// Product over `axis` (all axes when `None`).
    #[pyo3(signature = (axis=None, dtype=None, keepdims=false))]
    fn prod(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        dtype: Option<&Bound<'_, PyAny>>,
        keepdims: bool,
    ) -> PyResult<PyNdarray> {
        let dtype = crate::dtype::extract_opt_dtype(dtype)?;
        self.reduction(py, ReduceOp::Prod, axis, keepdims, dtype)
    }

    /// Smallest element over `axis`; NaN propagates.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn min(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Min, axis, keepdims, None)
    }

    /// Largest element over `axis`; NaN propagates.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn max(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Max, axis, keepdims, None)
    }

    /// Arithmetic mean over `axis` (float64 for integer input).
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn mean(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Mean, axis, keepdims, None)
    }

    /// Variance over `axis`; `correction` (or NumPy's `ddof`) is subtracted from the count.
    #[pyo3(signature = (axis=None, correction=None, keepdims=false, *, ddof=None))]
    fn var(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        correction: Option<f64>,
        keepdims: bool,
        ddof: Option<f64>,
    ) -> PyResult<PyNdarray> {
        reduce::var_std(py, &self.inner, false, axis, correction.or(ddof), keepdims).map(PyNdarray::new)
    }

    /// Standard deviation over `axis`; `correction` (or NumPy's `ddof`) as in `var`.
    #[pyo3(signature = (axis=None, correction=None, keepdims=false, *, ddof=None))]
    fn std(
        &self,
        py: Python<'_>,
        axis: Option<&Bound<'_, PyAny>>,
        correction: Option<f64>,
        keepdims: bool,
        ddof: Option<f64>,
    ) -> PyResult<PyNdarray> {
        reduce::var_std(py, &self.inner, true, axis, correction.or(ddof), keepdims).map(PyNdarray::new)
    }

    /// Index of the smallest element along `axis` (of the flattened array when `None`).
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn argmin(&self, py: Python<'_>, axis: Option<isize>, keepdims: bool) -> PyResult<PyNdarray> {
        reduce::arg_extreme(py, &self.inner, false, axis, keepdims).map(PyNdarray::new)
    }

    /// Index of the largest element along `axis` (of the flattened array when `None`).
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn argmax(&self, py: Python<'_>, axis: Option<isize>, keepdims: bool) -> PyResult<PyNdarray> {
        reduce::arg_extreme(py, &self.inner, true, axis, keepdims).map(PyNdarray::new)
    }

    /// Whether every element over `axis` is non-zero.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn all(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::All, axis, keepdims, None)
    }

    /// Whether any element over `axis` is non-zero.
    #[pyo3(signature = (axis=None, keepdims=false))]
    fn any(&self, py: Python<'_>, axis: Option<&Bound<'_, PyAny>>, keepdims: bool) -> PyResult<PyNdarray> {
        self.reduction(py, ReduceOp::Any, axis, keepdims, None)
    }

    // ----- explicit transfers to the host ------------------------------------------------

    /// A new NumPy array with a copy of the elements: the explicit device-to-host transfer
    /// (bfloat16 gives an `ml_dtypes.bfloat16` array). Never refused by the transfer guard.
    fn get<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        host::to_numpy(py, &self.inner)
    }

    /// The one element of a size-1 array as a Python `bool`, `int` or `float` (an explicit
    /// scalar read, never refused by the transfer guard).
    fn item<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let a = &self.inner;
        let s = py.detach(|| a.item_scalar()).py_err()?;
        host::scalar_to_py(py, s)
    }

    /// The elements as nested Python lists (a scalar for 0-d arrays). Checked by the transfer
    /// guard.
    fn tolist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard::check(py, "tolist()", &self.inner)?;
        host::to_list(py, &self.inner)
    }

    /// The NumPy conversion protocol. Only `copy=True` converts (a fresh host copy, with
    /// `dtype` honoured): `numpy.asarray(x, copy=True)` and `numpy.array(x)` work, while
    /// `numpy.asarray(x)` (`copy=None`) raises `TypeError` and `copy=False` raises
    /// `ValueError`, on every device.
    #[pyo3(signature = (dtype=None, copy=None))]
    fn __array__<'py>(
        &self,
        py: Python<'py>,
        dtype: Option<&Bound<'py, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match copy {
            None => Err(PyTypeError::new_err(format!(
                "Implicit conversion of a devarray.ndarray (on {}) to a NumPy array is not allowed. Copy it explicitly with x.get(), devarray.asnumpy(x) or np.asarray(x, copy=True).",
                self.inner.device()
            ))),
            Some(false) => Err(PyValueError::new_err(format!(
                "A devarray.ndarray (on {}) cannot be viewed as a NumPy array without a copy, so np.asarray(x, copy=False) is impossible; use x.get(), devarray.asnumpy(x) or np.asarray(x, copy=True).",
                self.inner.device()
            ))),
            Some(true) => {
                guard::check(py, "__array__(copy=True)", &self.inner)?;
                let out = host::to_numpy(py, &self.inner)?;
                match dtype {
                    Some(d) if !d.is_none() => {
                        let kwargs = PyDict::new(py);
                        kwargs.set_item("copy", false)?;
                        out.call_method("astype", (d,), Some(&kwargs))
                    }
                    _ => Ok(out),
                }
            }
        }
    }

    /// NumPy ufuncs on devarray arrays run on the device (`np.sin(x)`, `np.add(x, 1, out=y)`,
    /// `np.add.reduce(x, axis=0)`); NumPy arrays among the inputs, or an unsupported ufunc or
    /// method, give `NotImplemented`, so NumPy raises `TypeError`.
    #[pyo3(signature = (ufunc, method, *inputs, **kwargs))]
    fn __array_ufunc__<'py>(
        slf: &Bound<'py, Self>,
        ufunc: &Bound<'py, PyAny>,
        method: &Bound<'py, PyAny>,
        inputs: &Bound<'py, PyTuple>,
        kwargs: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let kwargs = match kwargs {
            Some(k) => k.clone(),
            None => PyDict::new(py),
        };
        interop(py, "array_ufunc")?.call1((slf, ufunc, method, inputs, kwargs))
    }

    /// NEP 18: `np.sum`, `np.mean`, `np.concatenate`, `np.where`, … on devarray arrays dispatch
    /// to devarray; other functions return `NotImplemented` (NumPy raises `TypeError`).
    fn __array_function__<'py>(
        slf: &Bound<'py, Self>,
        func: &Bound<'py, PyAny>,
        types: &Bound<'py, PyAny>,
        args: &Bound<'py, PyAny>,
        kwargs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        interop(slf.py(), "array_function")?.call1((slf, func, types, args, kwargs))
    }

    /// NEP 30: a devarray array is its own duck array.
    fn __duckarray__<'py>(slf: &Bound<'py, Self>) -> Bound<'py, Self> {
        slf.clone()
    }

    /// The Array API namespace of this array: the `devarray` module.
    #[pyo3(signature = (*, api_version=None))]
    fn __array_namespace__<'py>(&self, py: Python<'py>, api_version: Option<&str>) -> PyResult<Bound<'py, PyModule>> {
        if let Some(v) = api_version {
            if !["2021.12", "2022.12", "2023.12", "2024.12"].contains(&v) {
                return Err(PyValueError::new_err(format!(
                    "unsupported Array API version {v:?}; devarray implements 2024.12"
                )));
            }
        }
        py.import("devarray")
    }

    // ----- DLPack and the CUDA array interface -------------------------------------------

    /// Exports the array as a DLPack capsule (zero-copy): `"dltensor_versioned"` when the
    /// consumer passes `max_version >= (1, 0)`, else a legacy `"dltensor"`. `dl_device=(1, 0)`
    /// asks for a host copy of a CUDA array; CPU arrays accept only `stream=None`.
    #[pyo3(signature = (*, stream=None, max_version=None, dl_device=None, copy=None))]
    fn __dlpack__(
        &self,
        py: Python<'_>,
        stream: Option<&Bound<'_, PyAny>>,
        max_version: Option<&Bound<'_, PyAny>>,
        dl_device: Option<&Bound<'_, PyAny>>,
        copy: Option<bool>,
    ) -> PyResult<Py<PyAny>> {
        dlpack::export(py, &self.inner, stream, max_version, dl_device, copy)
    }

    /// `(device_type, device_id)` of the array's memory in DLPack terms.
    fn __dlpack_device__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        dlpack::dlpack_device(py, &self.inner)
    }

    /// The CUDA Array Interface (version 3, with the stream to synchronise on). Only CUDA
    /// arrays have it: on CPU arrays it raises `AttributeError`, so `hasattr` is false.
    #[getter]
    fn __cuda_array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        dlpack::cuda_array_interface(py, &self.inner)
    }

    // ----- Python protocols --------------------------------------------------------------

    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<PyNdarray> {
        let key = index::parse_key(py, key)?;
        index::get(py, &self.inner, &key).map(PyNdarray::new)
    }

    fn __setitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let key = index::parse_key(py, key)?;
        let value = index::extract_value(value)?;
        index::set(py, &self.inner, &key, value)
    }

    fn __len__(&self) -> PyResult<usize> {
        self.inner.shape().first().copied().ok_or_else(|| PyTypeError::new_err("len() of unsized object (a 0-d array)"))
    }

    /// Iterates over the first axis, yielding views.
    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<ArrayIterator> {
        if slf.get().inner.ndim() == 0 {
            return Err(PyTypeError::new_err("iteration over a 0-d array"));
        }
        Ok(ArrayIterator { array: slf.get().inner.clone(), next: std::sync::atomic::AtomicUsize::new(0) })
    }

    fn __bool__(&self, py: Python<'_>) -> PyResult<bool> {
        if self.inner.numel() != 1 {
            let msg = if self.inner.numel() == 0 {
                "The truth value of an empty array is ambiguous. Use `x.size > 0` to check that an array is not empty."
            } else {
                "The truth value of an array with more than one element is ambiguous. Use x.any() or x.all()"
            };
            return Err(PyValueError::new_err(msg));
        }
        Ok(match self.scalar_read(py, "bool()")? {
            Scalar::Bool(b) => b,
            Scalar::Int(i) => i != 0,
            Scalar::UInt(u) => u != 0,
            Scalar::Float(f) => f != 0.0,
        })
    }

    fn __float__(&self, py: Python<'_>) -> PyResult<f64> {
        Ok(self.scalar_read(py, "float()")?.as_f64())
    }

    fn __int__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.scalar_read(py, "int()")? {
            Scalar::Float(f) => PyFloat::new(py, f).call_method0("__int__"),
            Scalar::Bool(b) => (b as i64).into_bound_py_any(py),
            s => host::scalar_to_py(py, s),
        }
    }

    fn __index__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if !self.inner.dtype().is_integer() {
            return Err(PyTypeError::new_err(format!(
                "only integer scalar arrays can be converted to a scalar index (this array is {})",
                self.inner.dtype()
            )));
        }
        let s = self.scalar_read(py, "__index__()")?;
        host::scalar_to_py(py, s)
    }

    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let f = self.scalar_read(py, "complex()")?.as_f64();
        py.get_type::<pyo3::types::PyComplex>().call1((f,))
    }

    /// Values, shape, dtype and device. Reading the values is a device-to-host copy, checked
    /// by the transfer guard; arrays of more than 1000 elements show no values.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let a = &self.inner;
        let shape = shape_text(a.shape());
        let meta = format!("shape={shape}, dtype={}, device={}", a.dtype(), a.device());
        let prefix = "devarray.ndarray(";
        if a.numel() > REPR_MAX {
            return Ok(format!("{prefix}<{} values not shown; use x.get()>, {meta})", a.numel()));
        }
        guard::check(py, "repr()", a)?;
        let values = py.detach(|| a.format_values()).py_err()?;
        let indent = format!("\n{}", " ".repeat(prefix.len()));
        Ok(format!("{prefix}{}, {meta})", values.replace('\n', &indent)))
    }

    /// The values as NumPy's `str` shows them (checked by the transfer guard).
    fn __str__(&self, py: Python<'_>) -> PyResult<String> {
        let a = &self.inner;
        if a.numel() > REPR_MAX {
            return Ok(format!("<{} values not shown; use x.get()>", a.numel()));
        }
        guard::check(py, "str()", a)?;
        py.detach(|| a.format_values()).py_err()
    }

    // ----- comparisons and unary operators -------------------------------------------------

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.operator(py, BinaryOp::Equal, other, false)
    }

    fn __ne__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.operator(py, BinaryOp::NotEqual, other, false)
    }

    fn __lt__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.operator(py, BinaryOp::Less, other, false)
    }

    fn __le__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.operator(py, BinaryOp::LessEqual, other, false)
    }

    fn __gt__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.operator(py, BinaryOp::Greater, other, false)
    }

    fn __ge__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.operator(py, BinaryOp::GreaterEqual, other, false)
    }

    fn __pow__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, modulo: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if !modulo.is_none() {
            return Ok(py.NotImplemented());
        }
        self.operator(py, BinaryOp::Pow, other, false)
    }

    fn __rpow__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, modulo: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if !modulo.is_none() {
            return Ok(py.NotImplemented());
        }
        self.operator(py, BinaryOp::Pow, other, true)
    }

    fn __ipow__(&self, py: Python<'_>, other: &Bound<'_, PyAny>, _modulo: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inplace(py, BinaryOp::Pow, other)
    }

    fn __neg__(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        self.unary(py, UnaryOp::Negative)
    }

    fn __pos__(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        self.unary(py, UnaryOp::Positive)
    }

    fn __abs__(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        self.unary(py, UnaryOp::Abs)
    }

    fn __invert__(&self, py: Python<'_>) -> PyResult<PyNdarray> {
        self.unary(py, UnaryOp::BitwiseInvert)
    }
}

/// Arrays with more elements than this show no values in `repr`/`str` (NumPy summarises
/// above 1000 elements; the core has no summarising formatter yet).
const REPR_MAX: usize = 1000;

/// `(2, 3)`, `(5,)`, `()`.
fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// `reshape` with a `-1` dimension and the Array API's `copy` flag.
pub(crate) fn reshape(py: Python<'_>, a: &Array, dims: &[i64], copy: Option<bool>) -> PyResult<Array> {
    let shape = resolve_reshape(dims, a.numel())?;
    py.detach(|| match copy {
        Some(true) => a.copy()?.reshape(&shape),
        Some(false) => a.reshape_view(&shape),
        None => a.reshape(&shape),
    })
    .py_err()
}

/// Iterator over the first axis of an array.
#[pyclass(module = "devarray", frozen)]
pub struct ArrayIterator {
    array: Array,
    next: std::sync::atomic::AtomicUsize,
}

#[pymethods]
impl ArrayIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self) -> PyResult<Option<PyNdarray>> {
        use std::sync::atomic::Ordering;
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        if i >= self.array.shape()[0] {
            return Ok(None);
        }
        let row = self.array.slice(&[devarray::AxisSlice::Index(i as isize)]).py_err()?;
        Ok(Some(PyNdarray::new(row)))
    }
}
