"""NumPy's dispatch protocols for ``devarray.ndarray``: ``__array_ufunc__`` (NEP 13) and
``__array_function__`` (NEP 18).

NumPy calls on devarray arrays run on the device and return devarray arrays. A NumPy array (or
another library's array, or a list) among a ufunc's inputs or outputs raises devarray's own
``TypeError``, which names the explicit conversion (``devarray.asarray``). Whatever else
devarray cannot do as NumPy would (an unsupported ufunc, method or keyword) returns
``NotImplemented``, so NumPy raises ``TypeError`` instead of converting to the host.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any, Callable

import numpy as np

from . import _devarray as _core
from . import _array_api, _scan
from ._devarray import ndarray

# ----- __array_ufunc__ ------------------------------------------------------------------------

UNARY_UFUNCS: dict[Any, str] = {
    np.negative: "negative",
    np.positive: "positive",
    np.absolute: "abs",
    np.sign: "sign",
    np.sqrt: "sqrt",
    np.square: "square",
    np.exp: "exp",
    np.expm1: "expm1",
    np.log: "log",
    np.log1p: "log1p",
    np.log2: "log2",
    np.log10: "log10",
    np.sin: "sin",
    np.cos: "cos",
    np.tan: "tan",
    np.arcsin: "asin",
    np.arccos: "acos",
    np.arctan: "atan",
    np.sinh: "sinh",
    np.cosh: "cosh",
    np.tanh: "tanh",
    np.arcsinh: "asinh",
    np.arccosh: "acosh",
    np.arctanh: "atanh",
    np.floor: "floor",
    np.ceil: "ceil",
    np.trunc: "trunc",
    np.rint: "round",
    np.isnan: "isnan",
    np.isinf: "isinf",
    np.isfinite: "isfinite",
    np.logical_not: "logical_not",
    np.invert: "bitwise_invert",
    np.signbit: "signbit",
    np.conjugate: "conj",
}

# NumPy's reciprocal of integers is integer division; devarray's gives floats: floats only.
FLOAT_ONLY_UFUNCS: dict[Any, str] = {np.reciprocal: "reciprocal"}

BINARY_UFUNCS: dict[Any, str] = {
    np.add: "add",
    np.subtract: "subtract",
    np.multiply: "multiply",
    np.divide: "divide",
    np.floor_divide: "floor_divide",
    np.remainder: "remainder",
    np.power: "pow",
    np.maximum: "maximum",
    np.minimum: "minimum",
    np.arctan2: "atan2",
    np.hypot: "hypot",
    np.copysign: "copysign",
    np.logaddexp: "logaddexp",
    np.nextafter: "nextafter",
    np.equal: "equal",
    np.not_equal: "not_equal",
    np.less: "less",
    np.less_equal: "less_equal",
    np.greater: "greater",
    np.greater_equal: "greater_equal",
    np.logical_and: "logical_and",
    np.logical_or: "logical_or",
    np.logical_xor: "logical_xor",
    np.bitwise_and: "bitwise_and",
    np.bitwise_or: "bitwise_or",
    np.bitwise_xor: "bitwise_xor",
    np.left_shift: "bitwise_left_shift",
    np.right_shift: "bitwise_right_shift",
}

REDUCE_UFUNCS: dict[Any, Callable[..., ndarray]] = {
    np.add: _core.sum,
    np.multiply: _core.prod,
    np.maximum: _core.max,
    np.minimum: _core.min,
    np.logical_and: _core.all,
    np.logical_or: _core.any,
}

# The generalized ufuncs of matrix products (NumPy 2 has vecdot as one; with their `axes`/`axis`
# keywords at defaults only, which `_defaults_only` checks).
PRODUCT_UFUNCS: dict[Any, Callable[[ndarray, ndarray], ndarray]] = {
    np.matmul: _core.matmul,
    **({np.vecdot: _core.vecdot} if hasattr(np, "vecdot") else {}),
}

_SCALARS = (bool, int, float, np.generic)


def _supported_input(x: Any) -> bool:
    return isinstance(x, ndarray) or (isinstance(x, _SCALARS) and not isinstance(x, np.ndarray))


def _defaults_only(kwargs: dict[str, Any]) -> bool:
    """Whether the remaining ufunc keywords are all at NumPy's defaults."""
    for key, value in kwargs.items():
        if key == "where":
            ok = value is True
        elif key == "signature":
            ok = value is None
        elif key in ("casting", "order"):
            ok = isinstance(value, str) and value == {"casting": "same_kind", "order": "K"}[key]
        elif key == "subok":
            ok = value is True
        else:
            ok = False
        if not ok:
            return False
    return True


def array_ufunc(self: ndarray, ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``ndarray.__array_ufunc__``: runs supported ufuncs on the device."""
    out = kwargs.pop("out", None)
    outs = () if out is None else (out if isinstance(out, tuple) else (out,))
    for x in (*[i for i in inputs if not _supported_input(i)], *outs):
        if not isinstance(x, ndarray):
            # A NumPy array (or list, or another library's array) next to a devarray array:
            # devarray's own TypeError, naming the explicit conversion. (NotImplemented would
            # make NumPy raise its generic error, whose message holds the repr of every
            # operand: a device-to-host read.)
            error = _core._foreign_operand_error(ufunc.__name__, x)
            if error is not None:
                raise error
    if not all(_supported_input(x) for x in inputs) or not all(isinstance(o, ndarray) for o in outs):
        return NotImplemented
    if len(outs) > 1:
        return NotImplemented
    dtype = kwargs.pop("dtype", None)
    if method == "__call__":
        result = _call(ufunc, inputs, dtype, kwargs)
    elif method == "reduce":
        result = _reduce(ufunc, inputs, dtype, kwargs)
    else:
        return NotImplemented
    if result is NotImplemented or not outs:
        return result
    _core._write_out(result, outs[0], ufunc.__name__)
    return outs[0]


def _call(ufunc: Any, inputs: tuple[Any, ...], dtype: Any, kwargs: dict[str, Any]) -> Any:
    if not _defaults_only(kwargs):
        return NotImplemented
    if dtype is not None:
        inputs = tuple(x.astype(dtype, copy=False) if isinstance(x, ndarray) else x for x in inputs)
    if len(inputs) == 1 and isinstance(inputs[0], ndarray):
        (x,) = inputs
        if ufunc in UNARY_UFUNCS:
            return _core._unary(UNARY_UFUNCS[ufunc], x)
        if ufunc in FLOAT_ONLY_UFUNCS and _array_api.isdtype(x.dtype, "real floating"):
            return _core._unary(FLOAT_ONLY_UFUNCS[ufunc], x)
        return NotImplemented
    if len(inputs) == 2 and ufunc in BINARY_UFUNCS:
        return _core._binary(BINARY_UFUNCS[ufunc], inputs[0], inputs[1])
    if len(inputs) == 2 and ufunc in PRODUCT_UFUNCS and all(isinstance(x, ndarray) for x in inputs):
        return PRODUCT_UFUNCS[ufunc](inputs[0], inputs[1])
    return NotImplemented


def _reduce(ufunc: Any, inputs: tuple[Any, ...], dtype: Any, kwargs: dict[str, Any]) -> Any:
    if ufunc not in REDUCE_UFUNCS or len(inputs) != 1 or not isinstance(inputs[0], ndarray):
        return NotImplemented
    axis = kwargs.pop("axis", 0)
    keepdims = kwargs.pop("keepdims", False)
    if kwargs.pop("initial", np._NoValue) is not np._NoValue or kwargs.pop("where", True) is not True:
        return NotImplemented
    if kwargs:
        return NotImplemented
    func = REDUCE_UFUNCS[ufunc]
    if dtype is not None:
        if func in (_core.sum, _core.prod):
            return func(inputs[0], axis=axis, dtype=dtype, keepdims=keepdims)
        return NotImplemented
    return func(inputs[0], axis=axis, keepdims=keepdims)


# ----- __array_function__ ---------------------------------------------------------------------

FUNCTIONS: dict[Any, Callable[..., Any]] = {}

_NO = np._NoValue


def implements(*np_funcs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers a devarray implementation for NumPy functions."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        for f in np_funcs:
            if f is not None:
                FUNCTIONS[f] = impl
        return impl

    return register


def array_function(self: ndarray, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``ndarray.__array_function__``: NumPy functions on devarray arrays dispatch here."""
    if not all(issubclass(t, ndarray) for t in types):
        return NotImplemented
    impl = FUNCTIONS.get(func)
    if impl is not None:
        return impl(*args, **kwargs)
    like_impl = LIKE_FUNCTIONS.get(func)  # np.zeros(..., like=self) and the like
    if like_impl is None:
        return NotImplemented
    return like_impl(self, *args, **kwargs)


def _given(*values: Any) -> bool:
    """Whether any NumPy-only option was given a non-default value."""
    return any(v is not _NO and v is not None for v in values)


@implements(np.sum)
def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO, where=_NO):
    if _given(out, initial, where):
        return NotImplemented
    return _core.sum(a, axis=axis, dtype=dtype, keepdims=keepdims)


@implements(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO, where=_NO):
    if _given(out, initial, where):
        return NotImplemented
    return _core.prod(a, axis=axis, dtype=dtype, keepdims=keepdims)


@implements(np.max, getattr(np, "amax", None))
def _max(a, axis=None, out=None, keepdims=False, initial=_NO, where=_NO):
    if _given(out, initial, where):
        return NotImplemented
    return _core.max(a, axis=axis, keepdims=keepdims)


@implements(np.min, getattr(np, "amin", None))
def _min(a, axis=None, out=None, keepdims=False, initial=_NO, where=_NO):
    if _given(out, initial, where):
        return NotImplemented
    return _core.min(a, axis=axis, keepdims=keepdims)


@implements(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NO):
    if _given(dtype, out, where):
        return NotImplemented
    return _core.mean(a, axis=axis, keepdims=keepdims)


def _var_std(func, a, axis, dtype, out, ddof, keepdims, where, mean, correction):
    if _given(dtype, out, where, mean):
        return NotImplemented
    corr = ddof if correction is _NO else correction
    return func(a, axis=axis, correction=float(corr), keepdims=keepdims)


@implements(np.var)
def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NO, mean=_NO, correction=_NO):
    return _var_std(_core.var, a, axis, dtype, out, ddof, keepdims, where, mean, correction)


@implements(np.std)
def _std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=_NO, mean=_NO, correction=_NO):
    return _var_std(_core.std, a, axis, dtype, out, ddof, keepdims, where, mean, correction)


@implements(np.argmax)
def _argmax(a, axis=None, out=None, *, keepdims=False):
    if out is not None:
        return NotImplemented
    return _core.argmax(a, axis=axis, keepdims=keepdims)


@implements(np.argmin)
def _argmin(a, axis=None, out=None, *, keepdims=False):
    if out is not None:
        return NotImplemented
    return _core.argmin(a, axis=axis, keepdims=keepdims)


# ----- sorting, searching, sets ---------------------------------------------------------------

_SORT_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _sort_args(a, axis, kind, order):
    """``(array, axis)`` for NumPy's sort functions (``axis=None`` sorts the flattened array), or
    ``None`` when an option devarray does not have was given."""
    if order is not None or kind not in _SORT_KINDS:
        return None
    if axis is None:
        return _core.reshape(a, (-1,)), -1
    return a, operator.index(axis)


@implements(np.sort)
def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    args = _sort_args(a, axis, kind, order)
    if args is None:
        return NotImplemented
    return _core.sort(args[0], axis=args[1])


@implements(np.argsort)
def _argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    args = _sort_args(a, axis, kind, order)
    if args is None:
        return NotImplemented
    return _core.argsort(args[0], axis=args[1])


@implements(np.searchsorted)
def _searchsorted(a, v, side="left", sorter=None):
    if not isinstance(a, ndarray) or (sorter is not None and not isinstance(sorter, ndarray)):
        return NotImplemented
    return _array_api.searchsorted(a, v, side=side, sorter=sorter)


@implements(np.unique)
def _unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *, equal_nan=True,
            sorted=True):
    if axis is not None or not isinstance(ar, ndarray):
        return NotImplemented
    values, index, inverse, counts = _core._unique(ar, builtins.bool(equal_nan), builtins.bool(return_inverse))
    extra = [r for r, want in ((index, return_index), (inverse, return_inverse), (counts, return_counts)) if want]
    return (values, *extra) if extra else values


@implements(np.all)
def _all(a, axis=None, out=None, keepdims=False, *, where=_NO):
    if _given(out, where):
        return NotImplemented
    return _core.all(a, axis=axis, keepdims=keepdims)


@implements(np.any)
def _any(a, axis=None, out=None, keepdims=False, *, where=_NO):
    if _given(out, where):
        return NotImplemented
    return _core.any(a, axis=axis, keepdims=keepdims)


@implements(np.where)
def _where(condition, x=_NO, y=_NO):
    if x is _NO and y is _NO and isinstance(condition, ndarray):
        return _scan.nonzero(condition)  # reads the count to the host (guarded)
    if x is _NO or y is _NO or not isinstance(condition, ndarray):
        return NotImplemented
    return _core.where(condition, x, y)


@implements(np.nancumsum)
def _nancumsum(a, axis=None, dtype=None, out=None):
    if out is not None:
        return NotImplemented
    return _scan.nancumsum(a, axis, dtype)


@implements(np.nancumprod)
def _nancumprod(a, axis=None, dtype=None, out=None):
    if out is not None:
        return NotImplemented
    return _scan.nancumprod(a, axis, dtype)


@implements(np.nonzero)
def _nonzero(a):
    return _scan.nonzero(a)


@implements(np.argwhere)
def _argwhere(a):
    return _core.argwhere(a)


@implements(np.flatnonzero)
def _flatnonzero(a):
    return _core.flatnonzero(a)


@implements(np.clip)
def _clip(a, a_min=_NO, a_max=_NO, out=None, *, min=_NO, max=_NO, **kwargs):
    if out is not None or kwargs:
        return NotImplemented
    lo = min if a_min is _NO else a_min
    hi = max if a_max is _NO else a_max
    return _core.clip(a, None if lo is _NO else lo, None if hi is _NO else hi)


@implements(np.reshape)
def _reshape(a, /, shape=None, order="C", *, newshape=None, copy=None):
    if order != "C":
        return NotImplemented
    return _core.reshape(a, newshape if shape is None else shape, copy=copy)


@implements(np.ravel)
def _ravel(a, order="C"):
    if order != "C":
        return NotImplemented
    return a.ravel()


@implements(np.transpose, getattr(np, "permute_dims", None))
def _transpose(a, axes=None):
    return a.transpose() if axes is None else _core.permute_dims(a, tuple(axes))


@implements(getattr(np, "matrix_transpose", None))
def _matrix_transpose(x, /):
    return x.mT


@implements(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    return a.swapaxes(axis1, axis2)


@implements(np.moveaxis)
def _moveaxis(a, source, destination):
    return _array_api.moveaxis(a, source, destination)


@implements(np.squeeze)
def _squeeze(a, axis=None):
    return _core.squeeze(a, axis)


@implements(np.expand_dims)
def _expand_dims(a, axis):
    axes = _array_api._int_or_ints(axis)
    ndim = a.ndim + len(axes)
    for ax in sorted(_array_api._normalize_axis(x, ndim) for x in axes):
        a = _core.expand_dims(a, axis=ax)
    return a


@implements(np.flip)
def _flip(m, axis=None):
    return _core.flip(m, axis=axis)


@implements(np.broadcast_to)
def _broadcast_to(array, shape, subok=False):
    return _core.broadcast_to(array, shape)


@implements(np.broadcast_arrays)
def _broadcast_arrays(*args, subok=False):
    return tuple(_core.broadcast_arrays(*args))


def _cast_all(arrays, dtype):
    return [x.astype(dtype, copy=False) for x in arrays] if dtype is not None else list(arrays)


@implements(np.concatenate)
def _concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    if out is not None or not all(isinstance(x, ndarray) for x in arrays):
        return NotImplemented
    return _core.concat(_cast_all(arrays, dtype), axis=axis)


@implements(getattr(np, "concat", None))
def _concat(arrays, /, *, axis=0, out=None, dtype=None, casting="same_kind"):
    return _concatenate(arrays, axis, out, dtype=dtype, casting=casting)


@implements(np.stack)
def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    if out is not None or not all(isinstance(x, ndarray) for x in arrays):
        return NotImplemented
    return _core.stack(_cast_all(arrays, dtype), axis=axis)


@implements(np.copy)
def _copy(a, order="K", subok=False):
    return a.copy()


@implements(getattr(np, "astype", None))
def _astype(x, dtype, /, *, copy=True, device=None):
    if device is not None:
        return NotImplemented
    return x.astype(dtype, copy=copy)


@implements(np.cumsum)
def _cumsum(a, axis=None, dtype=None, out=None):
    if out is not None:
        return NotImplemented
    return _core.cumsum(a, axis, dtype)


@implements(np.cumprod)
def _cumprod(a, axis=None, dtype=None, out=None):
    if out is not None:
        return NotImplemented
    return _core.cumprod(a, axis, dtype)


@implements(getattr(np, "cumulative_sum", None))
def _cumulative_sum(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    if out is not None:
        return NotImplemented
    return _core.cumulative_sum(x, axis=axis, dtype=dtype, include_initial=include_initial)


@implements(getattr(np, "cumulative_prod", None))
def _cumulative_prod(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
    if out is not None:
        return NotImplemented
    return _core.cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)


@implements(np.diff)
def _diff(a, n=1, axis=-1, prepend=_NO, append=_NO):
    return _scan.diff(
        a, n=n, axis=axis, prepend=None if prepend is _NO else prepend, append=None if append is _NO else append
    )


@implements(np.count_nonzero)
def _count_nonzero(a, axis=None, *, keepdims=False):
    return _array_api.count_nonzero(a, axis=axis, keepdims=keepdims)


@implements(np.take)
def _take(a, indices, axis=None, out=None, mode="raise"):
    if out is not None or mode != "raise":
        return NotImplemented
    if axis is None and a.ndim != 1:
        a = a.ravel()
    return _array_api.take(a, indices, axis=axis)


@implements(np.take_along_axis)
def _take_along_axis(arr, indices, axis=-1):
    if axis is None:
        return NotImplemented  # NumPy's flattening form: spell it arr.ravel()
    return _array_api.take_along_axis(arr, indices, axis=axis)


@implements(np.put)
def _put(a, ind, v, mode="raise"):
    if mode != "raise":
        return NotImplemented
    return _array_api.put(a, ind, v)


@implements(np.split)
def _split(ary, indices_or_sections, axis=0):
    return _array_api.split(ary, indices_or_sections, axis)


@implements(np.array_split)
def _array_split(ary, indices_or_sections, axis=0):
    return _array_api.array_split(ary, indices_or_sections, axis)


@implements(np.dot)
def _dot(a, b, out=None):
    if out is not None or not (isinstance(a, ndarray) and isinstance(b, ndarray)):
        return NotImplemented
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    # NumPy's dot: the last axis of `a` with the second-to-last of `b` (the only one if 1-D).
    return _core._tensordot(a, b, ([-1], [0 if b.ndim == 1 else -2]))


@implements(np.inner)
def _inner(a, b, /):
    if not (isinstance(a, ndarray) and isinstance(b, ndarray)):
        return NotImplemented
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return _core._tensordot(a, b, ([-1], [-1]))


@implements(np.tensordot, getattr(np.linalg, "tensordot", None))
def _np_tensordot(a, b, axes=2):
    if not (isinstance(a, ndarray) and isinstance(b, ndarray)):
        return NotImplemented
    return _core._tensordot(a, b, axes)


@implements(np.einsum)
def _einsum(subscripts, *operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    # `optimize` only chooses NumPy's contraction order; devarray always plans greedily.
    if out is not None or dtype is not None or not isinstance(subscripts, str):
        return NotImplemented
    if not all(isinstance(x, ndarray) for x in operands):
        return NotImplemented
    return _core.einsum(subscripts, *operands)


@implements(np.outer)
def _outer(a, b, out=None):
    if out is not None or not (isinstance(a, ndarray) and isinstance(b, ndarray)):
        return NotImplemented
    return _core.outer(a, b)


@implements(np.diagonal)
def _diagonal(a, offset=0, axis1=0, axis2=1):
    return _core.diagonal(a, offset, axis1, axis2)


@implements(np.trace)
def _np_trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if out is not None:
        return NotImplemented
    return _core.sum(_core.diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


@implements(getattr(np.linalg, "matmul", None))
def _linalg_matmul(x1, x2, /):
    return _core.matmul(x1, x2)


@implements(getattr(np.linalg, "vecdot", None))
def _linalg_vecdot(x1, x2, /, *, axis=-1):
    return _core.vecdot(x1, x2, axis=axis)


@implements(getattr(np.linalg, "outer", None))
def _linalg_outer(x1, x2, /):
    return _linalg_namespace().outer(x1, x2)


@implements(getattr(np.linalg, "diagonal", None))
def _linalg_diagonal(x, /, *, offset=0):
    return _core.diagonal(x, offset, -2, -1)


@implements(getattr(np.linalg, "trace", None))
def _linalg_trace(x, /, *, offset=0, dtype=None):
    return _linalg_namespace().trace(x, offset=offset, dtype=dtype)


@implements(getattr(np.linalg, "matrix_transpose", None))
def _linalg_matrix_transpose(x, /):
    return x.mT


def _linalg_namespace():
    from . import linalg

    return linalg


@implements(np.shape)
def _shape(a):
    return a.shape


@implements(np.ndim)
def _ndim(a):
    return a.ndim


@implements(np.size)
def _size(a, axis=None):
    return a.size if axis is None else a.shape[axis]


# The `*_like` functions and the creation functions they become when NumPy's `shape=` is given
# (Dask asks for `np.zeros_like(meta, shape=(1, 1), dtype=...)` to infer a block's type).
_SHAPED = {"zeros_like": "zeros", "ones_like": "ones", "empty_like": "empty", "full_like": "full"}


def _like(func, a, dtype, order, subok, shape, device, *extra):
    if order not in ("K", "C") or device is not None:
        return NotImplemented
    if shape is None:
        return func(a, *extra, dtype=dtype)
    create = getattr(_core, _SHAPED[func.__name__])
    shape = (operator.index(shape),) if not isinstance(shape, (tuple, list)) else tuple(shape)
    return create(shape, *extra, dtype=a.dtype if dtype is None else dtype, device=a.device)


@implements(np.zeros_like)
def _zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _like(_core.zeros_like, a, dtype, order, subok, shape, device)


@implements(np.ones_like)
def _ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _like(_core.ones_like, a, dtype, order, subok, shape, device)


@implements(np.empty_like)
def _empty_like(prototype, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _like(_core.empty_like, prototype, dtype, order, subok, shape, device)


@implements(np.full_like)
def _full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _like(_core.full_like, a, dtype, order, subok, shape, device, fill_value)


# ----- np.linalg decompositions, solvers and norms (devarray.linalg) ---------------------------


@implements(getattr(np.linalg, "cholesky", None))
def _linalg_cholesky(a, /, *, upper=False):
    return _linalg_namespace().cholesky(a, upper=upper)


@implements(getattr(np.linalg, "qr", None))
def _linalg_qr(a, mode="reduced"):
    if mode not in ("reduced", "complete"):
        return NotImplemented  # 'r' and 'raw' are NumPy-only
    return _linalg_namespace().qr(a, mode=mode)


@implements(getattr(np.linalg, "svd", None))
def _linalg_svd(a, full_matrices=True, compute_uv=True, hermitian=False):
    if hermitian:
        return NotImplemented
    if not compute_uv:
        return _linalg_namespace().svdvals(a)
    return _linalg_namespace().svd(a, full_matrices=full_matrices)


@implements(getattr(np.linalg, "svdvals", None))
def _linalg_svdvals(x, /):
    return _linalg_namespace().svdvals(x)


@implements(getattr(np.linalg, "eigh", None))
def _linalg_eigh(a, UPLO="L"):
    if UPLO != "L":
        return NotImplemented
    return _linalg_namespace().eigh(a)


@implements(getattr(np.linalg, "eigvalsh", None))
def _linalg_eigvalsh(a, UPLO="L"):
    if UPLO != "L":
        return NotImplemented
    return _linalg_namespace().eigvalsh(a)


@implements(getattr(np.linalg, "inv", None))
def _linalg_inv(a):
    return _linalg_namespace().inv(a)


@implements(getattr(np.linalg, "solve", None))
def _linalg_solve(a, b):
    if not (isinstance(a, ndarray) and isinstance(b, ndarray)):
        return NotImplemented
    return _linalg_namespace().solve(a, b)


@implements(getattr(np.linalg, "det", None))
def _linalg_det(a):
    return _linalg_namespace().det(a)


@implements(getattr(np.linalg, "slogdet", None))
def _linalg_slogdet(a):
    return _linalg_namespace().slogdet(a)


@implements(getattr(np.linalg, "pinv", None))
def _linalg_pinv(a, rcond=None, hermitian=False, *, rtol=_NO):
    if hermitian:
        return NotImplemented
    # NumPy's cutoff: rtol, else rcond, else 1e-15 (not the Array API's max(m, n) * eps).
    cutoff = rtol if rtol is not _NO and rtol is not None else (1e-15 if rcond is None else rcond)
    return _linalg_namespace().pinv(a, rtol=cutoff)


@implements(getattr(np.linalg, "matrix_rank", None))
def _linalg_matrix_rank(A, tol=None, hermitian=False, *, rtol=None):
    if tol is not None or hermitian or A.ndim < 2:
        return NotImplemented  # an absolute tol, and NumPy's 0-D/1-D forms, are NumPy-only
    return _linalg_namespace().matrix_rank(A, rtol=rtol)


@implements(getattr(np.linalg, "matrix_power", None))
def _linalg_matrix_power(a, n):
    return _linalg_namespace().matrix_power(a, n)


@implements(getattr(np.linalg, "cross", None))
def _linalg_cross(x1, x2, /, *, axis=-1):
    if not (isinstance(x1, ndarray) and isinstance(x2, ndarray)):
        return NotImplemented
    return _linalg_namespace().cross(x1, x2, axis=axis)


@implements(np.cross)
def _cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    if not (isinstance(a, ndarray) and isinstance(b, ndarray)) or not axisa == axisb == axisc:
        return NotImplemented  # different axes per operand are NumPy-only
    return _linalg_namespace().cross(a, b, axis=axisa)


@implements(getattr(np.linalg, "vector_norm", None))
def _linalg_vector_norm(x, /, *, axis=None, keepdims=False, ord=2):
    return _linalg_namespace().vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)


@implements(getattr(np.linalg, "matrix_norm", None))
def _linalg_matrix_norm(x, /, *, keepdims=False, ord="fro"):
    return _linalg_namespace().matrix_norm(x, keepdims=keepdims, ord=ord)


@implements(getattr(np.linalg, "norm", None))
def _linalg_norm(x, ord=None, axis=None, keepdims=False):
    la = _linalg_namespace()
    if isinstance(axis, tuple) and len(axis) == 1:
        axis = axis[0]
    if axis is None and ord is None:
        return la.vector_norm(x, keepdims=keepdims)  # every element as one vector
    if axis is None:
        if x.ndim not in (1, 2):
            return NotImplemented  # NumPy refuses an ord with no axis beyond 2-D
        axis = 0 if x.ndim == 1 else (0, 1)
    if isinstance(axis, int):
        if isinstance(ord, str):
            return NotImplemented
        return la.vector_norm(x, axis=axis, keepdims=keepdims, ord=2 if ord is None else ord)
    if isinstance(axis, tuple) and len(axis) == 2 and x.ndim >= 2:
        if sorted(a % x.ndim for a in axis) != [x.ndim - 2, x.ndim - 1] or axis[0] % x.ndim > axis[1] % x.ndim:
            return NotImplemented  # matrix axes other than the last two, in order
        return la.matrix_norm(x, keepdims=keepdims, ord="fro" if ord is None else ord)
    return NotImplemented


# More NumPy functions (creation with like=, index arithmetic, NaN reductions, ...), registered
# into FUNCTIONS and LIKE_FUNCTIONS when this module is first imported.
from ._interop_more import LIKE_FUNCTIONS  # noqa: E402
