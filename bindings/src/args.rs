//! Parsing Python arguments: operands (arrays and scalars), shapes and axes.

use crate::array::PyNdarray;
use crate::dtype::from_numpy_dtype;
use crate::errors::IntoPyResult;
use devarray::{Array, BinaryOp, DType, DTypeKind, Device, Operand, Scalar};
use pyo3::exceptions::{PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyComplex, PyFloat, PyInt, PyType};

/// One operand of an elementwise op, as Python passed it (arrays borrowed from their Python
/// objects: no copy of the array handle per call).
pub(crate) enum Arg<'a> {
    /// A devarray array.
    Array(&'a Array),
    /// A Python `bool`, `int` or `float`: a "weak" scalar that takes the array's dtype when its
    /// kind allows (NEP 50: `uint8_array + 1` stays uint8).
    Weak(Scalar),
    /// A NumPy scalar (`numpy.float32(2)`): a strong operand with its own dtype, like a 0-d
    /// array.
    Strong(Scalar, DType),
}

/// An operand ready for the core: an array (borrowed, or a NumPy scalar made a 0-d array), or
/// a weak scalar.
pub(crate) enum Ready<'a> {
    Borrowed(&'a Array),
    Owned(Array),
    Scalar(Scalar),
}

impl Ready<'_> {
    /// The core's view of this operand.
    pub(crate) fn operand(&self) -> Operand<'_> {
        match self {
            Ready::Borrowed(a) => Operand::Array(a),
            Ready::Owned(a) => Operand::Array(a),
            Ready::Scalar(s) => Operand::Scalar(*s),
        }
    }

    /// Elements of the array operand (1 for a scalar).
    fn numel(&self) -> usize {
        match self {
            Ready::Borrowed(a) => a.numel(),
            Ready::Owned(a) => a.numel(),
            Ready::Scalar(_) => 1,
        }
    }

    /// The array operand's shape (empty for a scalar).
    fn shape(&self) -> &[usize] {
        match self {
            Ready::Borrowed(a) => a.shape(),
            Ready::Owned(a) => a.shape(),
            Ready::Scalar(_) => &[],
        }
    }
}

impl<'a> Arg<'a> {
    /// The array, if this is one.
    pub(crate) fn array(&self) -> Option<&'a Array> {
        match self {
            Arg::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Makes a NumPy scalar a 0-d array on `device` (a fill on the device, no transfer).
    pub(crate) fn ready(&self, py: Python<'_>, device: Device) -> PyResult<Ready<'a>> {
        Ok(match self {
            Arg::Array(a) => Ready::Borrowed(a),
            Arg::Weak(s) => Ready::Scalar(*s),
            Arg::Strong(s, d) => {
                let (s, d) = (*s, *d);
                Ready::Owned(run_on(py, device, 1, || Array::full(&[], s, d, &device)).py_err()?)
            }
        })
    }
}

/// Elements below which an op on the CPU device runs without releasing the GIL: releasing and
/// re-taking it costs more than the whole op on a small array (NumPy draws the same line at
/// 500 elements). Above it, and always on CUDA devices (whose calls may block in the driver),
/// the GIL is released so that other Python threads run meanwhile.
pub(crate) const DETACH_MIN_ELEMENTS: usize = 1 << 12;

/// Whether an op producing about `elements` elements on `device` runs with the GIL held (small
/// work on the CPU device; see [`DETACH_MIN_ELEMENTS`]).
pub(crate) fn keeps_gil(device: Device, elements: usize) -> bool {
    device == Device::Cpu && elements < DETACH_MIN_ELEMENTS
}

/// Runs `work` (an op producing about `elements` elements on `device`) with the GIL released,
/// unless it is small work on the CPU device.
///
/// Small CPU work keeps the GIL while it waits for the CPU queue; that wait is at most one
/// other op, and no code holding the queue ever waits for the GIL, so this cannot deadlock.
pub(crate) fn run_on<T: Send>(py: Python<'_>, device: Device, elements: usize, work: impl FnOnce() -> T + Send) -> T {
    if keeps_gil(device, elements) {
        work()
    } else {
        py.detach(work)
    }
}

static NUMPY_GENERIC: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Parses an operand: a devarray array, a Python scalar or a NumPy scalar. `Ok(None)` for
/// anything else (NumPy arrays, lists, …), which operators answer with `NotImplemented`.
pub(crate) fn extract_arg<'a>(obj: &'a Bound<'_, PyAny>) -> PyResult<Option<Arg<'a>>> {
    if let Ok(a) = obj.cast::<PyNdarray>() {
        return Ok(Some(Arg::Array(&a.get().inner)));
    }
    if let Ok(b) = obj.cast_exact::<PyBool>() {
        return Ok(Some(Arg::Weak(Scalar::Bool(b.is_true()))));
    }
    if obj.is_exact_instance_of::<PyInt>() {
        return py_int(obj).map(|s| Some(Arg::Weak(s)));
    }
    if obj.is_exact_instance_of::<PyFloat>() {
        return Ok(Some(Arg::Weak(Scalar::Float(obj.extract()?))));
    }
    if obj.is_exact_instance_of::<PyComplex>() {
        return Ok(Some(Arg::Weak(Scalar::Complex(py_complex(obj)?))));
    }
    let py = obj.py();
    // NumPy scalars: checked before the float/int subclasses, since numpy.float64 subclasses
    // float. Only when NumPy is already imported (a NumPy scalar implies it).
    let numpy_loaded = py.import("sys")?.getattr("modules")?.contains("numpy")?;
    if numpy_loaded {
        let generic = NUMPY_GENERIC.import(py, "numpy", "generic")?;
        if obj.is_instance(generic)? {
            return numpy_scalar(obj);
        }
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Some(Arg::Weak(Scalar::Bool(obj.is_truthy()?))));
    }
    if obj.is_instance_of::<PyInt>() {
        return py_int(obj).map(|s| Some(Arg::Weak(s)));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Ok(Some(Arg::Weak(Scalar::Float(obj.extract()?))));
    }
    if obj.is_instance_of::<PyComplex>() {
        return Ok(Some(Arg::Weak(Scalar::Complex(py_complex(obj)?))));
    }
    Ok(None)
}

/// A Python int as a scalar: `Int` when it fits int64, `UInt` when it fits uint64.
fn py_int(obj: &Bound<'_, PyAny>) -> PyResult<Scalar> {
    if let Ok(i) = obj.extract::<i64>() {
        return Ok(Scalar::Int(i));
    }
    if let Ok(u) = obj.extract::<u64>() {
        return Ok(Scalar::UInt(u));
    }
    Err(PyOverflowError::new_err(format!(
        "Python integer {} is out of bounds for every devarray integer dtype (int64 and uint64)",
        obj.repr()?
    )))
}

/// A Python or NumPy complex (anything with `__complex__`) as a `Complex64`.
fn py_complex(obj: &Bound<'_, PyAny>) -> PyResult<devarray::num_complex::Complex64> {
    let z = obj.call_method0("__complex__")?.cast_into::<PyComplex>()?;
    Ok(devarray::num_complex::Complex64::new(z.real(), z.imag()))
}

/// A NumPy scalar of a dtype devarray has, else `None`.
fn numpy_scalar(obj: &Bound<'_, PyAny>) -> PyResult<Option<Arg<'static>>> {
    let Some(dtype) = from_numpy_dtype(&obj.getattr("dtype")?)? else {
        return Ok(None);
    };
    let s = match dtype.kind() {
        DTypeKind::Bool => Scalar::Bool(obj.is_truthy()?),
        DTypeKind::SignedInt => Scalar::Int(obj.call_method0("__int__")?.extract()?),
        DTypeKind::UnsignedInt => Scalar::UInt(obj.call_method0("__int__")?.extract()?),
        DTypeKind::Float => Scalar::Float(obj.call_method0("__float__")?.extract()?),
        DTypeKind::Complex => Scalar::Complex(py_complex(obj)?),
    };
    Ok(Some(Arg::Strong(s, dtype)))
}

/// The inclusive range of an integer dtype (`None` for bool and float dtypes).
fn int_range(dtype: DType) -> Option<(i128, i128)> {
    let bits = 8 * dtype.itemsize() as u32;
    match dtype.kind() {
        DTypeKind::SignedInt => Some((-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)),
        DTypeKind::UnsignedInt => Some((0, (1i128 << bits) - 1)),
        DTypeKind::Bool | DTypeKind::Float | DTypeKind::Complex => None,
    }
}

/// Whether the integer scalar `s` lies outside integer `dtype` (false for other scalars and
/// dtypes).
fn int_out_of_range(s: Scalar, dtype: DType) -> bool {
    let v = match s {
        Scalar::Int(v) => v as i128,
        Scalar::UInt(v) => v as i128,
        _ => return false,
    };
    int_range(dtype).is_some_and(|(lo, hi)| v < lo || v > hi)
}

/// A scalar to be stored into an array of `dtype` (`full`, `full_like`, `x[key] = value`),
/// checked as NumPy 2 checks Python scalars (NEP 50): a Python int must fit an integer dtype
/// (`OverflowError`); a float stored into an integer dtype must be finite (NaN: `ValueError`,
/// infinity: `OverflowError`) and, truncated, fit it (`OverflowError`). `weak` is true for
/// Python scalars; NumPy scalars (`weak == false`) convert as NumPy's unsafe casts do, except
/// that NaN and infinity are refused for integer dtypes too.
pub(crate) fn stored_scalar(s: Scalar, weak: bool, dtype: DType) -> PyResult<Scalar> {
    let Some((lo, hi)) = int_range(dtype) else {
        return Ok(s);
    };
    match s {
        Scalar::Float(f) if f.is_nan() => Err(PyValueError::new_err(format!(
            "cannot convert float NaN to integer: {dtype} has no NaN; use a float dtype or replace NaN first"
        ))),
        Scalar::Float(f) if f.is_infinite() => Err(PyOverflowError::new_err(format!(
            "cannot convert float {} to integer: {dtype} has no infinity",
            if f > 0.0 { "infinity" } else { "-infinity" }
        ))),
        Scalar::Float(f) if weak && !(lo..=hi).contains(&(f.trunc() as i128)) => {
            Err(PyOverflowError::new_err(format!("Python float {f} is out of bounds for {dtype} (range {lo}..={hi})")))
        }
        _ if weak && int_out_of_range(s, dtype) => Err(PyOverflowError::new_err(format!(
            "Python integer {s} is out of bounds for {dtype} (range {lo}..={hi}); use a wider dtype"
        ))),
        _ => Ok(s),
    }
}

/// The Python exception for a core error of an op that had Python scalar operands `weak`
/// next to arrays of `dtypes`: `OverflowError` when the core refused a Python int that does
/// not fit the integer dtype it had to take (`uint8_array + 300`, as NumPy 2 raises), else the
/// error's usual class.
pub(crate) fn op_error(e: devarray::Error, weak: &[Scalar], dtypes: &[DType]) -> PyErr {
    let overflow = matches!(e, devarray::Error::InvalidArgument { .. })
        && weak.iter().any(|&s| dtypes.iter().any(|&d| int_out_of_range(s, d)));
    if overflow {
        PyOverflowError::new_err(e.to_string())
    } else {
        crate::errors::to_pyerr(e)
    }
}

impl Arg<'_> {
    /// The Python scalar, if this is one.
    pub(crate) fn weak(&self) -> Option<Scalar> {
        match self {
            Arg::Weak(s) => Some(*s),
            _ => None,
        }
    }

    /// The dtype of an array or NumPy scalar.
    pub(crate) fn dtype(&self) -> Option<DType> {
        match self {
            Arg::Array(a) => Some(a.dtype()),
            Arg::Strong(_, d) => Some(*d),
            Arg::Weak(_) => None,
        }
    }
}

/// The `TypeError` for another library's array (NumPy, PyTorch, JAX, CuPy, anything with
/// `__array__`, `__array_interface__`, `__array_struct__`, `__dlpack__` or
/// `__cuda_array_interface__`), or with `sequences` a Python list/tuple, used as an operand of
/// `op` next to a devarray array: devarray never converts them implicitly, so the message says
/// how to convert explicitly. `Ok(None)` for other objects (operators answer those with
/// `NotImplemented`; they leave lists and tuples to it too, so that `[0] * n` with a 0-d
/// device int still repeats the list). Never calls `repr` on either operand (that would read
/// device memory).
pub(crate) fn foreign_operand_error(op: &str, other: &Bound<'_, PyAny>, sequences: bool) -> PyResult<Option<PyErr>> {
    let py = other.py();
    let ty = other.get_type();
    let mut foreign =
        sequences && (other.is_instance_of::<pyo3::types::PyList>() || other.is_instance_of::<pyo3::types::PyTuple>());
    if !foreign && py.import("sys")?.getattr("modules")?.contains("numpy")? {
        foreign = other.is_instance(&py.import("numpy")?.getattr("ndarray")?)?;
    }
    for attr in ["__array__", "__array_interface__", "__array_struct__", "__dlpack__", "__cuda_array_interface__"] {
        if foreign {
            break;
        }
        foreign = ty.hasattr(attr)?;
    }
    if !foreign {
        return Ok(None);
    }
    let module: String = ty.getattr("__module__").and_then(|m| m.extract()).unwrap_or_default();
    let name = ty.qualname()?;
    let name = if module.is_empty() || module == "builtins" { name.to_string() } else { format!("{module}.{name}") };
    Ok(Some(PyTypeError::new_err(format!(
        "{op}: cannot mix a devarray.ndarray with a {name}: devarray never converts host data or other libraries' arrays implicitly; copy it to the device explicitly with devarray.asarray(value, device=x.device) (or copy the devarray array to the host with x.get())"
    ))))
}

/// [`foreign_operand_error`] for Python (the ufunc dispatch, where lists and tuples are host
/// data too): the exception to raise, or `None`.
#[pyfunction]
pub(crate) fn _foreign_operand_error(
    py: Python<'_>,
    op: &str,
    other: &Bound<'_, PyAny>,
) -> PyResult<Option<Py<PyAny>>> {
    Ok(foreign_operand_error(op, other, true)?.map(|e| e.into_value(py).into_any()))
}

/// The device of the first array among `args`; a `TypeError` when there is none.
pub(crate) fn common_device(args: &[&Arg<'_>]) -> PyResult<Device> {
    args.iter()
        .find_map(|a| a.array().map(Array::device))
        .ok_or_else(|| PyTypeError::new_err("at least one argument must be a devarray array"))
}

/// `op(lhs, rhs)` on the device of the array operand (releases the GIL unless the work is
/// small, see [`run_on`]).
pub(crate) fn binary(py: Python<'_>, op: BinaryOp, lhs: &Arg<'_>, rhs: &Arg<'_>) -> PyResult<Array> {
    let device = common_device(&[lhs, rhs])?;
    let (l, r) = (lhs.ready(py, device)?, rhs.ready(py, device)?);
    let elements = output_elements(&l, &r);
    run_on(py, device, elements, || Array::binary(op, l.operand(), r.operand())).map_err(|e| {
        let weak: Vec<Scalar> = [lhs, rhs].iter().filter_map(|a| a.weak()).collect();
        let dtypes: Vec<DType> = [lhs, rhs].iter().filter_map(|a| a.dtype()).collect();
        op_error(e, &weak, &dtypes)
    })
}

/// About how many elements `l op r` writes: the broadcast size (`usize::MAX` when the shapes do
/// not broadcast; the op reports that error).
fn output_elements(l: &Ready<'_>, r: &Ready<'_>) -> usize {
    let (ls, rs) = (l.shape(), r.shape());
    if ls == rs || rs.is_empty() {
        return l.numel();
    }
    if ls.is_empty() {
        return r.numel();
    }
    devarray::broadcast_shapes(ls, rs).map_or(usize::MAX, |s| s.iter().product())
}

/// Writes `result` into `out` (NumPy's `out=` and in-place operators): casts with the
/// `same_kind` rule (`devarray::can_cast_same_kind`), broadcasts to `out`'s shape, refuses read-only `out`.
pub(crate) fn write_into(py: Python<'_>, op: &str, result: Array, out: &Array) -> PyResult<()> {
    let target = out.dtype();
    if result.dtype() != target && !devarray::can_cast_same_kind(result.dtype(), target) {
        return Err(PyTypeError::new_err(format!(
            "Cannot cast {op} output from dtype {} to dtype {target} with casting rule 'same_kind'",
            result.dtype()
        )));
    }
    py.detach(|| {
        let r = if result.dtype() == target { result } else { result.astype(target)? };
        out.assign(&r)
    })
    .py_err()
}

/// An integer argument: a Python int or anything with `__index__` (a NumPy integer, a 0-d
/// devarray integer array). `Ok(None)` when `obj` is not an integer (`TypeError` from
/// `__index__`); every other error propagates, so the transfer guard's refusal to read a 0-d
/// device array is reported as itself, not as a confusing `TypeError`.
pub(crate) fn int_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<i64>> {
    match obj.extract::<i64>() {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance_of::<PyTypeError>(obj.py()) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Integers: one ([`int_arg`]) or a sequence of them; `Ok(None)` when `obj` is neither. Errors
/// from the items' `__index__` other than `TypeError` propagate.
pub(crate) fn ints_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<i64>>> {
    if let Some(v) = int_arg(obj)? {
        return Ok(Some(vec![v]));
    }
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Ok(None);
    }
    let Ok(items) = obj.try_iter() else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            Ok(item) => match int_arg(&item)? {
                Some(v) => out.push(v),
                None => return Ok(None),
            },
            Err(e) if e.is_instance_of::<PyTypeError>(obj.py()) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(Some(out))
}

/// A shape argument: an int or a sequence of non-negative ints.
pub(crate) fn extract_shape(obj: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    let dims: Vec<i64> =
        ints_arg(obj)?.ok_or_else(|| PyTypeError::new_err("shape must be an int or a sequence of ints"))?;
    dims.into_iter()
        .map(|d| usize::try_from(d).map_err(|_| PyValueError::new_err("negative dimensions are not allowed")))
        .collect()
}

/// A shape for `reshape`: ints, at most one of them -1 (inferred from `numel`).
pub(crate) fn resolve_reshape(dims: &[i64], numel: usize) -> PyResult<Vec<usize>> {
    let unknown: Vec<usize> = (0..dims.len()).filter(|&i| dims[i] == -1).collect();
    if unknown.len() > 1 {
        return Err(PyValueError::new_err("can only specify one unknown dimension (-1)"));
    }
    if let Some(&d) = dims.iter().find(|&&d| d < -1) {
        return Err(PyValueError::new_err(format!("invalid dimension {d} in reshape")));
    }
    // Checked: a product of the given extents that overflows matches no array (NumPy's answer is
    // the same ValueError), and must not wrap into one that does.
    let known = dims.iter().filter(|&&d| d >= 0).try_fold(1usize, |acc, &d| acc.checked_mul(d as usize));
    let Some(known) = known else {
        return Err(PyValueError::new_err(format!("cannot reshape an array of size {numel} into shape {dims:?}")));
    };
    dims.iter()
        .map(|&d| {
            if d >= 0 {
                Ok(d as usize)
            } else if known == 0 || numel % known != 0 {
                Err(PyValueError::new_err(format!("cannot reshape an array of size {numel} into shape {dims:?}")))
            } else {
                Ok(numel / known)
            }
        })
        .collect()
}

/// An `axis=` argument: `None` (all axes), an int, or a sequence of ints.
pub(crate) fn extract_axes(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<isize>>> {
    match obj {
        None => Ok(None),
        Some(o) if o.is_none() => Ok(None),
        Some(o) => {
            let axes =
                ints_arg(o)?.ok_or_else(|| PyTypeError::new_err("axis must be None, an int or a tuple of ints"))?;
            // An axis beyond isize is out of range for every array: isize::MAX says so.
            Ok(Some(axes.into_iter().map(|a| isize::try_from(a).unwrap_or(isize::MAX)).collect()))
        }
    }
}
