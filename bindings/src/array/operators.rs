//! Operators and elementwise methods of `devarray.ndarray`: arithmetic, bitwise, comparison and
//! unary operators (each a core op), and `clip`.

use super::PyNdarray;
use crate::args::{binary, extract_arg, foreign_operand_error, run_on, write_into, Arg};
use crate::errors::IntoPyResult;
use devarray::{BinaryOp, UnaryOp};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;

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

/// The matrix-product operators, over the core's `matmul`.
#[pymethods]
impl PyNdarray {
    fn __matmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.matmul_operator(py, other, false)
    }

    fn __rmatmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.matmul_operator(py, other, true)
    }

    /// `self @= other`: NumPy allows it when the product has `self`'s shape (a square
    /// `other`), and writes the product into `self` with `same_kind` casting.
    fn __imatmul__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<()> {
        let Ok(other) = other.cast::<PyNdarray>() else {
            return Err(foreign_operand_error("matmul", other, false)?
                .unwrap_or_else(|| PyTypeError::new_err("in-place matmul needs a devarray array on the right")));
        };
        let (a, b) = (&self.inner, &other.get().inner);
        let result = crate::linalg::product(py, a, b)?;
        if result.shape() != a.shape() {
            return Err(PyValueError::new_err(format!(
                "matmul: in-place product of shape {:?} does not fit the array's shape {:?}",
                result.shape(),
                a.shape()
            )));
        }
        write_into(py, "matmul", result, a)
    }
}

impl PyNdarray {
    /// `self @ other` (or `other @ self`). Only devarray arrays multiply as matrices: NumPy
    /// arrays and other libraries' tensors raise devarray's `TypeError` naming the explicit
    /// conversion; anything else (scalars included, as in the Array API) gets
    /// `NotImplemented`, so Python raises its own `TypeError`.
    fn matmul_operator(&self, py: Python<'_>, other: &Bound<'_, PyAny>, reflected: bool) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<PyNdarray>() else {
            if let Some(e) = foreign_operand_error("matmul", other, false)? {
                return Err(e);
            }
            return Ok(py.NotImplemented());
        };
        let (me, other) = (&self.inner, &other.get().inner);
        let (a, b) = if reflected { (other, me) } else { (me, other) };
        let out = crate::linalg::product(py, a, b)?;
        PyNdarray::new(out).into_py_any(py)
    }

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
}

#[pymethods]
impl PyNdarray {
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
