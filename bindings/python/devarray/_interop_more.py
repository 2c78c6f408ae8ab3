"""More of NumPy's functions for ``__array_function__``: the ones Dask and other NumPy-based
libraries call on chunks and metas. Registered into ``_interop.FUNCTIONS`` at import.

- Creation with ``like=`` (``np.asarray(obj, like=x)``, ``np.zeros(..., like=x)``, ``np.tri``,
  ...): a new devarray array on ``x``'s device. A list or NumPy array given to them is copied to
  the device: asking for an array "like" a device array is the explicit request.
- Index arithmetic: ``np.unravel_index`` and ``np.ravel_multi_index`` on device index arrays.
- ``np.round`` with ``decimals``, ``np.tril``/``np.triu``/``np.diag``, and the NaN-ignoring
  reductions (``np.nansum``, ``np.nanmean``, ...; see ``_nanfunctions``).
- Counting and selection: ``np.bincount``, ``np.histogram`` (``_counting``), and
  ``np.partition``/``np.argpartition`` (Dask's ``topk``), answered by a full sort: a sorted
  array is a valid partition for every ``kth``.
- Manipulation: ``np.roll``, ``np.repeat``, ``np.tile`` and ``np.pad`` (modes ``constant``,
  ``edge``, ``reflect``), through the core's functions.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any, Callable

import numpy as np

from . import _devarray as _core
from . import _array_api, _counting, _manip, _nanfunctions
from ._array_api import ELEMENTWISE as _EW
from ._devarray import ndarray
from ._interop import _NO, _given, implements

# NumPy functions that dispatch through ``like=`` only; each implementation takes the ``like``
# array first (``_interop.array_function`` passes it).
LIKE_FUNCTIONS: dict[Any, Callable[..., Any]] = {}


def implements_like(*np_funcs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        for f in np_funcs:
            if f is not None:
                LIKE_FUNCTIONS[f] = impl
        return impl

    return register


# ----- creation with like= -------------------------------------------------------------------


@implements_like(np.asarray, np.asanyarray, np.array, np.ascontiguousarray)
def _like_asarray(like, a, dtype=None, order=None, *, copy=None, ndmin=0, **kwargs):
    if ndmin or order not in (None, "C", "K", "A"):
        return NotImplemented
    if isinstance(a, ndarray):
        return _array_api.asarray(a, dtype=dtype, copy=copy)
    return _array_api.asarray(a, dtype=dtype, device=like.device, copy=copy)


@implements_like(np.empty)
def _like_empty(like, shape, dtype=float, order="C", **kwargs):
    return _core.empty(shape, dtype=dtype, device=like.device)


@implements_like(np.zeros)
def _like_zeros(like, shape, dtype=float, order="C", **kwargs):
    return _core.zeros(shape, dtype=dtype, device=like.device)


@implements_like(np.ones)
def _like_ones(like, shape, dtype=None, order="C", **kwargs):
    return _core.ones(shape, dtype=float if dtype is None else dtype, device=like.device)


@implements_like(np.full)
def _like_full(like, shape, fill_value, dtype=None, order="C", **kwargs):
    return _core.full(shape, fill_value, dtype=dtype, device=like.device)


@implements_like(np.arange)
def _like_arange(like, start, stop=None, step=None, dtype=None, **kwargs):
    return _core.arange(start, stop, 1 if step is None else step, dtype=dtype, device=like.device)


@implements_like(np.eye)
def _like_eye(like, N, M=None, k=0, dtype=float, order="C", **kwargs):
    return _core.eye(N, M, k=k, dtype=dtype, device=like.device)


@implements_like(np.identity)
def _like_identity(like, n, dtype=None, **kwargs):
    return _core.eye(n, dtype=float if dtype is None else dtype, device=like.device)


@implements_like(np.tri)
def _like_tri(like, N, M=None, k=0, dtype=float, **kwargs):
    return _core.astype(_lower_mask(N, N if M is None else M, k, like.device), dtype)


def _lower_mask(rows: int, cols: int, k: int, device: Any) -> ndarray:
    """``mask[i, j] = j - i <= k``: NumPy's ``tri``, as bool."""
    i = _core.reshape(_core.arange(rows, dtype=_core.int64, device=device), (rows, 1))
    j = _core.reshape(_core.arange(cols, dtype=_core.int64, device=device), (1, cols))
    return _EW["less_equal"](_EW["subtract"](j, i), k)


# ----- triangles and diagonals ---------------------------------------------------------------


@implements(np.tril)
def _tril(m, k=0):
    return _core.tril(m, k=operator.index(k))


@implements(np.triu)
def _triu(m, k=0):
    return _core.triu(m, k=operator.index(k))


@implements(np.diag)
def _diag(v, k=0):
    k = operator.index(k)
    if v.ndim == 2:
        return _core.diagonal(v, k, 0, 1).copy()
    if v.ndim != 1:
        raise ValueError(f"diag: input must be 1-d or 2-d, not {v.ndim}-d")
    n = v.shape[0] + builtins.abs(k)
    padded = _core.concat([v, _core.zeros((builtins.abs(k),), dtype=v.dtype, device=v.device)])
    values = _core.reshape(padded, (n, 1) if k >= 0 else (1, n))
    i = _core.reshape(_core.arange(n, dtype=_core.int64, device=v.device), (n, 1))
    j = _core.reshape(_core.arange(n, dtype=_core.int64, device=v.device), (1, n))
    on_diagonal = _EW["equal"](_EW["subtract"](j, i), k)
    return _core.where(on_diagonal, values, _core.zeros((), dtype=v.dtype, device=v.device))


# ----- manipulation ------------------------------------------------------------------------


@implements(np.roll)
def _roll(a, shift, axis=None):
    return _core.roll(a, shift, axis=axis)


@implements(np.repeat)
def _repeat(a, repeats, axis=None):
    if axis is not None:
        axis = operator.index(axis)
    return _core.repeat(a, repeats, axis=axis)


@implements(np.tile)
def _tile(A, reps):
    return _core.tile(A, reps)


_PAD_MODES = ("constant", "edge", "reflect")


@implements(np.pad)
def _pad(array, pad_width, mode="constant", **kwargs):
    has_values = "constant_values" in kwargs
    constant_values = kwargs.pop("constant_values", 0)
    reflect_type = kwargs.pop("reflect_type", "even")
    if kwargs or not isinstance(mode, str) or mode not in _PAD_MODES or reflect_type != "even":
        return NotImplemented
    if mode != "constant" and has_values:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {{'constant_values'}}")
    return _manip.pad(array, pad_width, mode, constant_values=constant_values)


# ----- index arithmetic ----------------------------------------------------------------------


def _index_array(x: Any, device: Any) -> ndarray:
    if isinstance(x, ndarray):
        if x.dtype.kind not in "iu":
            raise TypeError(f"index arrays must have an integer dtype, not {x.dtype}")
        return x
    return _array_api.asarray(x, dtype=_core.int64, device=device)


def _flag(x: ndarray) -> builtins.bool:
    """One bool read from the device to decide an error (``item()``: an explicit scalar read,
    which the transfer guard never refuses; it copies no array data)."""
    return builtins.bool(_core.any(x).item())


@implements(np.unravel_index)
def _unravel_index(indices, shape, order="C"):
    if order not in ("C", "F"):
        raise ValueError(f"unravel_index: order must be 'C' or 'F', not {order!r}")
    dims = (operator.index(shape),) if not isinstance(shape, (tuple, list)) else tuple(map(operator.index, shape))
    flat = _index_array(indices, None)
    size = math.prod(dims)
    if flat.size and _flag(_EW["logical_or"](_EW["less"](flat, 0), _EW["greater_equal"](flat, size))):
        raise ValueError(f"unravel_index: an index is out of bounds for an array of size {size}")
    out = []
    rest = flat
    for d in reversed(dims) if order == "C" else dims:
        out.append(_EW["remainder"](rest, d) if d else rest)
        rest = _EW["floor_divide"](rest, d) if d else rest
    coords = out[::-1] if order == "C" else out
    return tuple(_core.astype(c, _core.int64) for c in coords)


@implements(np.ravel_multi_index)
def _ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    if mode != "raise" or order not in ("C", "F"):
        return NotImplemented
    dims = tuple(map(operator.index, dims))
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: {len(multi_index)} index arrays for {len(dims)} dimensions")
    device = next((m.device for m in multi_index if isinstance(m, ndarray)), None)
    coords = [_index_array(m, device) for m in multi_index]
    for c, d in zip(coords, dims):
        if c.size and _flag(_EW["logical_or"](_EW["less"](c, 0), _EW["greater_equal"](c, d))):
            raise ValueError(f"ravel_multi_index: an index is out of bounds for a dimension of size {d}")
    order_dims = list(zip(coords, dims))
    if order == "F":
        order_dims.reverse()
    flat = _core.astype(order_dims[0][0], _core.int64) if order_dims else _array_api.asarray(0, device=device)
    for c, d in order_dims[1:]:
        flat = _EW["add"](_EW["multiply"](flat, d), _core.astype(c, _core.int64))
    return flat


# ----- rounding ------------------------------------------------------------------------------


@implements(np.round, getattr(np, "around", None))
def _round(a, decimals=0, out=None):
    if out is not None:
        return NotImplemented
    decimals = operator.index(decimals)
    if a.dtype.kind not in "fc":
        if decimals >= 0:
            return a.copy()
        return NotImplemented  # NumPy rounds integers to tens, hundreds, ...: not supported
    if decimals == 0:
        return _core._unary("round", a)
    # NumPy's own method: scale, round half to even, unscale (in the array's dtype).
    scale = 10.0**decimals if decimals > 0 else 10.0 ** (-decimals)
    if decimals > 0:
        return _EW["divide"](_core._unary("round", _EW["multiply"](a, scale)), scale)
    return _EW["multiply"](_core._unary("round", _EW["divide"](a, scale)), scale)


# ----- NaN-ignoring reductions ---------------------------------------------------------------


def _nan_reduction(func: Callable[..., ndarray], *, takes_dtype: builtins.bool) -> Callable[..., Any]:
    def impl(a, axis=None, dtype=None, out=None, keepdims=_NO, **kwargs):
        ddof = kwargs.pop("ddof", 0)
        if out is not None or _given(*kwargs.values()):
            return NotImplemented
        options = {"axis": axis, "keepdims": builtins.bool(keepdims) if keepdims is not _NO else False}
        if takes_dtype:
            options["dtype"] = dtype
        elif dtype is not None:
            return NotImplemented
        if ddof:
            options["ddof"] = ddof
        return func(a, **options)

    return impl


implements(np.nansum)(_nan_reduction(_nanfunctions.nansum, takes_dtype=True))
implements(np.nanprod)(_nan_reduction(_nanfunctions.nanprod, takes_dtype=True))
implements(np.nanmean)(_nan_reduction(_nanfunctions.nanmean, takes_dtype=True))
implements(np.nanvar)(_nan_reduction(_nanfunctions.nanvar, takes_dtype=True))
implements(np.nanstd)(_nan_reduction(_nanfunctions.nanstd, takes_dtype=True))


@implements(np.nanmax)
def _np_nanmax(a, axis=None, out=None, keepdims=_NO, initial=_NO, where=_NO):
    if out is not None or _given(initial, where):
        return NotImplemented
    return _nanfunctions.nanmax(a, axis=axis, keepdims=keepdims is not _NO and builtins.bool(keepdims))


@implements(np.nanmin)
def _np_nanmin(a, axis=None, out=None, keepdims=_NO, initial=_NO, where=_NO):
    if out is not None or _given(initial, where):
        return NotImplemented
    return _nanfunctions.nanmin(a, axis=axis, keepdims=keepdims is not _NO and builtins.bool(keepdims))


@implements(np.nanargmax)
def _np_nanargmax(a, axis=None, out=None, *, keepdims=_NO):
    if out is not None:
        return NotImplemented
    return _nanfunctions.nanargmax(a, axis=axis, keepdims=keepdims is not _NO and builtins.bool(keepdims))


@implements(np.nanargmin)
def _np_nanargmin(a, axis=None, out=None, *, keepdims=_NO):
    if out is not None:
        return NotImplemented
    return _nanfunctions.nanargmin(a, axis=axis, keepdims=keepdims is not _NO and builtins.bool(keepdims))


# ----- counting and partial sorts ------------------------------------------------------------


@implements(np.bincount)
def _np_bincount(x, /, weights=None, minlength=0):
    if weights is not None and not isinstance(weights, ndarray):
        return NotImplemented
    return _counting.bincount(x, weights=weights, minlength=minlength)


@implements(np.histogram)
def _np_histogram(a, bins=10, range=None, density=None, weights=None):
    if not isinstance(a, ndarray) or (weights is not None and not isinstance(weights, ndarray)):
        return NotImplemented
    return _counting.histogram(a, bins=bins, range=range, density=density, weights=weights)


def _partition_axis(a, kth, axis):
    """``(array, axis)`` for NumPy's partition functions after checking ``kth`` as NumPy does
    (``axis=None`` partitions the flattened array)."""
    if axis is None:
        a, axis = _core.reshape(a, (-1,)), -1
    axis = operator.index(axis)
    if not -a.ndim <= axis < a.ndim:
        raise np.exceptions.AxisError(axis, a.ndim)
    n = a.shape[axis]
    for k in np.atleast_1d(np.asarray(kth)).tolist():
        if not isinstance(k, builtins.int):
            raise TypeError(f"kth must be integers, got {k!r}")
        if not -n <= k < n:
            raise ValueError(f"kth(={k}) out of bounds ({n})")
    return a, axis


@implements(np.partition)
def _np_partition(a, kth, axis=-1, kind="introselect", order=None):
    if order is not None or kind != "introselect" or isinstance(kth, ndarray):
        return NotImplemented
    a, axis = _partition_axis(a, kth, axis)
    return _core.sort(a, axis=axis)


@implements(np.argpartition)
def _np_argpartition(a, kth, axis=-1, kind="introselect", order=None):
    if order is not None or kind != "introselect" or isinstance(kth, ndarray):
        return NotImplemented
    a, axis = _partition_axis(a, kth, axis)
    return _core.argsort(a, axis=axis)


# ----- complex parts -------------------------------------------------------------------------


@implements(np.real)
def _np_real(val):
    return _array_api.real(val) if val.dtype.kind == "c" else val


@implements(np.imag)
def _np_imag(val):
    return _array_api.imag(val)


@implements(np.angle)
def _np_angle(z, deg=False):
    return _array_api.angle(z, deg=deg)


@implements(np.iscomplexobj)
def _np_iscomplexobj(x):
    return x.dtype.kind == "c"


@implements(np.isrealobj)
def _np_isrealobj(x):
    return x.dtype.kind != "c"


@implements(np.iscomplex)
def _np_iscomplex(x):
    if x.dtype.kind != "c":
        return _core.zeros(x.shape, dtype=_core.bool, device=x.device)
    return _EW["not_equal"](_array_api.imag(x), 0)


@implements(np.isreal)
def _np_isreal(x):
    if x.dtype.kind != "c":
        return _core.ones(x.shape, dtype=_core.bool, device=x.device)
    return _EW["equal"](_array_api.imag(x), 0)


@implements(np.vdot)
def _np_vdot(a, b):
    # NumPy's vdot: both flattened, the first conjugated.
    a, b = _core.reshape(a, (-1,)), _core.reshape(b, (-1,))
    return _core.vecdot(a, b)
