//! `devarray.DType`: the dtype objects (`devarray.float32`, …) and the conversions of dtype
//! arguments and NumPy dtypes.

use devarray::{DType, DTypeKind};
use pyo3::basic::CompareOp;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyString, PyType};

/// A devarray data type. The module attributes `devarray.bool`, `devarray.int8`, …,
/// `devarray.float64` are the only instances.
///
/// Equality: a devarray dtype equals itself, and the NumPy dtype of the same name (and the
/// types NumPy's dtype equals: its scalar type, as `np.dtype("float32") == np.float32` does, and
/// Python's `bool`, `int` and `float` for bool, int64 and float64), in both orders; never
/// another devarray dtype and never a string. NumPy reads the `dtype` attribute, so
/// `np.dtype(x.dtype)` works and NumPy's side of the comparison agrees with ours; the hash is
/// the NumPy dtype's, so a devarray dtype and its NumPy dtype hash equal (Python's `float` type
/// does not, as with NumPy's own dtypes). Dask reads a chunk's dtype this way: `kind`, `type`
/// and NumPy's other dtype attributes are there too.
#[pyclass(name = "DType", module = "devarray", frozen)]
pub struct PyDType {
    pub(crate) dtype: DType,
}

#[pymethods]
impl PyDType {
    /// The name, as NumPy spells it (`"float32"`, `"bfloat16"`, `"bool"`).
    #[getter]
    fn name(&self) -> &'static str {
        self.dtype.name()
    }

    /// Bytes per element.
    #[getter]
    fn itemsize(&self) -> usize {
        self.dtype.itemsize()
    }

    /// NumPy's one-letter kind code: `"b"` (bool), `"i"` (signed integer), `"u"` (unsigned
    /// integer), `"c"` (complex) or `"f"` (floating, bfloat16 included, although NumPy reports ml_dtypes'
    /// bfloat16 as `"V"`). NumPy-based code such as Dask reads `x.dtype.kind` of chunks and metas;
    /// the Array API's kind names are what `devarray.isdtype` takes.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.dtype.kind() {
            DTypeKind::Bool => "b",
            DTypeKind::SignedInt => "i",
            DTypeKind::UnsignedInt => "u",
            DTypeKind::Float => "f",
            DTypeKind::Complex => "c",
        }
    }

    /// NumPy's scalar type for this dtype (`numpy.float32`, `ml_dtypes.bfloat16`), as NumPy's
    /// `dtype.type` is; code such as `issubclass(x.dtype.type, np.floating)` reads it.
    #[getter(r#type)]
    fn scalar_type<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        numpy_dtype(py, self.dtype)?.getattr("type")
    }

    /// Every other attribute of NumPy's dtype of the same name (`char`, `str`, `num`,
    /// `byteorder`, `alignment`, …), read from it, so a devarray dtype reads as a NumPy dtype
    /// wherever NumPy-based code inspects one.
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        if name.starts_with("__") {
            return Err(pyo3::exceptions::PyAttributeError::new_err(name.to_owned()));
        }
        numpy_dtype(py, self.dtype)?.getattr(name)
    }

    /// The NumPy dtype of the same name (`ml_dtypes.bfloat16` for bfloat16), so that
    /// `np.dtype(devarray.float32)` is `np.dtype("float32")`: NumPy reads a `dtype` attribute
    /// of the objects it is given, and Dask and other NumPy-based code call `np.dtype(x.dtype)`.
    /// The devarray dtype still compares equal only to itself, as the Array API requires.
    #[getter]
    fn dtype<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        numpy_dtype(py, self.dtype)
    }

    fn __richcmp__(&self, other: &Bound<'_, PyAny>, op: CompareOp) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let equal = match op {
            CompareOp::Eq => self.equals(other)?,
            CompareOp::Ne => !self.equals(other)?,
            _ => return Ok(py.NotImplemented()),
        };
        Ok(PyBool::new(py, equal).to_owned().into_any().unbind())
    }

    fn __hash__(&self, py: Python<'_>) -> PyResult<isize> {
        match numpy_dtype(py, self.dtype) {
            Ok(d) => d.hash(),
            Err(_) => PyString::new(py, self.dtype.name()).hash(),
        }
    }

    fn __repr__(&self) -> String {
        format!("devarray.{}", self.dtype.name())
    }

    fn __str__(&self) -> &'static str {
        self.dtype.name()
    }

    /// Pickles as the module attribute of the same name, so unpickling gives the singleton.
    fn __reduce__(&self) -> &'static str {
        self.dtype.name()
    }
}

impl PyDType {
    /// See the type's docs: the same devarray dtype, or a NumPy dtype or scalar type that
    /// `np.dtype` maps to the NumPy dtype of the same name.
    fn equals(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if let Ok(d) = other.cast::<PyDType>() {
            return Ok(d.get().dtype == self.dtype);
        }
        let py = other.py();
        if other.is_instance_of::<PyString>() || !py.import("sys")?.getattr("modules")?.contains("numpy")? {
            return Ok(false); // no NumPy object can exist before NumPy is imported
        }
        let np = py.import("numpy")?;
        let is_numpy_dtype = other.is_instance(&np.getattr("dtype")?)?;
        let is_type = other.is_instance_of::<PyType>();
        if !(is_numpy_dtype || is_type) {
            return Ok(false);
        }
        let Ok(theirs) = np.getattr("dtype")?.call1((other,)) else {
            return Ok(false); // a type NumPy has no dtype for
        };
        match numpy_dtype(py, self.dtype) {
            Ok(mine) => mine.eq(theirs),
            Err(_) => Ok(false), // bfloat16 without ml_dtypes: nothing NumPy has can equal it
        }
    }
}

static SINGLETONS: PyOnceLock<Vec<Py<PyDType>>> = PyOnceLock::new();

/// The dtype object for `dtype` (one instance per dtype).
pub(crate) fn dtype_object(py: Python<'_>, dtype: DType) -> PyResult<Py<PyDType>> {
    let all = SINGLETONS.get_or_try_init(py, || {
        DType::ALL.iter().map(|&d| Py::new(py, PyDType { dtype: d })).collect::<PyResult<Vec<_>>>()
    })?;
    let i = DType::ALL.iter().position(|&d| d == dtype).expect("DType::ALL lists every dtype");
    Ok(all[i].clone_ref(py))
}

/// A dtype argument: a devarray dtype, a name (`"float32"`), the Python types `bool`, `int`
/// (int64) and `float` (float64), or anything `numpy.dtype()` accepts that names a supported
/// dtype (`numpy.float32`, `ml_dtypes.bfloat16`).
pub(crate) fn extract_dtype(obj: &Bound<'_, PyAny>) -> PyResult<DType> {
    if let Ok(d) = obj.cast::<PyDType>() {
        return Ok(d.get().dtype);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if let Ok(d) = s.to_str()?.parse::<DType>() {
            return Ok(d);
        }
    }
    let py = obj.py();
    if let Ok(t) = obj.cast::<PyType>() {
        if t.is(py.get_type::<pyo3::types::PyBool>()) {
            return Ok(DType::Bool);
        }
        if t.is(py.get_type::<pyo3::types::PyInt>()) {
            return Ok(DType::I64);
        }
        if t.is(py.get_type::<pyo3::types::PyFloat>()) {
            return Ok(DType::F64);
        }
    }
    let np_dtype = py.import("numpy")?.getattr("dtype")?.call1((obj,)).map_err(|_| unsupported_dtype(obj))?;
    let name: String = np_dtype.getattr("name")?.extract()?;
    name.parse::<DType>().map_err(|_| unsupported_dtype(obj))
}

/// An optional dtype argument (`None` → `None`).
pub(crate) fn extract_opt_dtype(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<DType>> {
    match obj {
        Some(o) if !o.is_none() => extract_dtype(o).map(Some),
        _ => Ok(None),
    }
}

fn unsupported_dtype(obj: &Bound<'_, PyAny>) -> PyErr {
    let names: Vec<&str> = DType::ALL.iter().map(|d| d.name()).collect();
    let shown = obj.repr().map(|r| r.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("devarray has no dtype {shown}; supported dtypes: {}", names.join(", ")))
}

/// The NumPy dtype for `dtype` (`ml_dtypes.bfloat16` for bfloat16, which NumPy lacks).
pub(crate) fn numpy_dtype<'py>(py: Python<'py>, dtype: DType) -> PyResult<Bound<'py, PyAny>> {
    let np_dtype = py.import("numpy")?.getattr("dtype")?;
    if dtype == DType::BF16 {
        let bf16 = py.import("ml_dtypes").and_then(|m| m.getattr("bfloat16")).map_err(|_| {
            PyTypeError::new_err(
                "NumPy has no bfloat16: converting a bfloat16 array to NumPy needs the \
                     ml_dtypes package (pip install ml_dtypes), or astype(devarray.float32) first",
            )
        })?;
        return np_dtype.call1((bf16,));
    }
    np_dtype.call1((dtype.name(),))
}

/// The devarray dtype of a NumPy dtype object, or `None` when devarray has no such dtype.
pub(crate) fn from_numpy_dtype(np_dtype: &Bound<'_, PyAny>) -> PyResult<Option<DType>> {
    let name: String = np_dtype.getattr("name")?.extract()?;
    Ok(name.parse::<DType>().ok())
}
