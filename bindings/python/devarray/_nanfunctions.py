"""NumPy's NaN-ignoring reductions (``nansum``, ``nanmean``, ``nanmax``, ...), beyond the Array
API, composed from device ops as NumPy composes its own ``numpy/lib/_nanfunctions_impl.py``.

Every one runs on the device and returns a devarray array. Integer and bool inputs have no NaNs:
they take the plain reduction. Differences from NumPy, all for the sake of never reading data on
the host: an all-NaN slice gives NaN (``nanmax``/``nanmin``/``nanmean``/``nanvar``) without
NumPy's ``RuntimeWarning``. ``nanargmax``/``nanargmin`` raise ``ValueError`` on an all-NaN
slice, as NumPy does; deciding that reads one flag from the device (an explicit ``item()``, so
not a transfer the transfer guard refuses).
"""

from __future__ import annotations

import builtins
from typing import Any

from . import _devarray as _core
from ._array_api import ELEMENTWISE as _EW
from ._devarray import ndarray

_Axis = Any


def _has_nans(a: ndarray) -> builtins.bool:
    return a.dtype.kind in "fc"


def _count(a: ndarray, axis: _Axis, keepdims: builtins.bool) -> ndarray:
    """The number of non-NaN elements along ``axis`` (int64)."""
    return _core.sum(_EW["logical_not"](_EW["isnan"](a)), axis=axis, keepdims=keepdims, dtype=_core.int64)


def _replace_nans(a: ndarray, value: float) -> ndarray:
    return _core.where(_EW["isnan"](a), value, a)


def nansum(a: ndarray, /, *, axis: _Axis = None, dtype: Any = None, keepdims: builtins.bool = False) -> ndarray:
    """The sum of the elements along ``axis``, NaNs counted as zero (NumPy's ``nansum``).

    >>> import devarray as dv
    >>> dv.nansum(dv.asarray([1.0, dv.nan, 2.0])).item()
    3.0
    """
    src = _replace_nans(a, 0.0) if _has_nans(a) else a
    return _core.sum(src, axis=axis, dtype=dtype, keepdims=keepdims)


def nanprod(a: ndarray, /, *, axis: _Axis = None, dtype: Any = None, keepdims: builtins.bool = False) -> ndarray:
    """The product along ``axis``, NaNs counted as one (NumPy's ``nanprod``)."""
    src = _replace_nans(a, 1.0) if _has_nans(a) else a
    return _core.prod(src, axis=axis, dtype=dtype, keepdims=keepdims)


def _nan_extreme(reduce: Any, fill: float, a: ndarray, axis: _Axis, keepdims: builtins.bool) -> ndarray:
    if not _has_nans(a):
        return reduce(a, axis=axis, keepdims=keepdims)
    nans = _EW["isnan"](a)
    best = reduce(_core.where(nans, fill, a), axis=axis, keepdims=keepdims)
    return _core.where(_core.all(nans, axis=axis, keepdims=keepdims), float("nan"), best)


def nanmax(a: ndarray, /, *, axis: _Axis = None, keepdims: builtins.bool = False) -> ndarray:
    """The maximum along ``axis`` ignoring NaNs; NaN where a slice is all NaN (NumPy's
    ``nanmax``, without its warning).

    >>> import devarray as dv
    >>> dv.nanmax(dv.asarray([1.0, dv.nan, 2.0])).item()
    2.0
    """
    return _nan_extreme(_core.max, float("-inf"), a, axis, keepdims)


def nanmin(a: ndarray, /, *, axis: _Axis = None, keepdims: builtins.bool = False) -> ndarray:
    """The minimum along ``axis`` ignoring NaNs (NumPy's ``nanmin``); see :func:`nanmax`."""
    return _nan_extreme(_core.min, float("inf"), a, axis, keepdims)


def nanmean(a: ndarray, /, *, axis: _Axis = None, dtype: Any = None, keepdims: builtins.bool = False) -> ndarray:
    """The mean of the non-NaN elements along ``axis``; NaN for an all-NaN slice (NumPy's
    ``nanmean``).

    >>> import devarray as dv
    >>> dv.nanmean(dv.asarray([1.0, dv.nan, 2.0])).item()
    1.5
    """
    if not _has_nans(a):
        return _core.mean(a if dtype is None else _core.astype(a, dtype), axis=axis, keepdims=keepdims)
    total = nansum(a, axis=axis, dtype=dtype, keepdims=keepdims)
    return _EW["divide"](total, _core.astype(_count(a, axis, keepdims), total.dtype))


def nanvar(
    a: ndarray, /, *, axis: _Axis = None, dtype: Any = None, ddof: float = 0, keepdims: builtins.bool = False
) -> ndarray:
    """The variance of the non-NaN elements along ``axis`` with ``ddof`` delta degrees of
    freedom; NaN where fewer than ``ddof + 1`` elements remain (NumPy's ``nanvar``)."""
    if dtype is not None:
        a = _core.astype(a, dtype)
    if not _has_nans(a):
        return _core.var(a, axis=axis, correction=ddof, keepdims=keepdims)
    count = _core.astype(_count(a, axis, True), a.dtype)
    mean = _EW["divide"](nansum(a, axis=axis, keepdims=True), count)
    # Zero where the input is NaN; an inf input still makes a NaN deviation (inf - inf), as
    # in NumPy.
    deviation = _core.where(_EW["isnan"](a), 0.0, _EW["subtract"](a, mean))
    squares = _core.sum(_EW["multiply"](deviation, deviation), axis=axis, keepdims=keepdims)
    dof = _EW["subtract"](count if keepdims else _squeeze(count, axis, a.ndim), ddof)
    return _core.where(_EW["greater"](dof, 0), _EW["divide"](squares, dof), float("nan"))


def nanstd(
    a: ndarray, /, *, axis: _Axis = None, dtype: Any = None, ddof: float = 0, keepdims: builtins.bool = False
) -> ndarray:
    """The standard deviation of the non-NaN elements (NumPy's ``nanstd``); see :func:`nanvar`."""
    return _EW["sqrt"](nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def _squeeze(x: ndarray, axis: _Axis, ndim: int) -> ndarray:
    if axis is None:
        return _core.reshape(x, ())
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return _core.squeeze(x, axis=tuple(ax % ndim for ax in axes))


def _nan_arg(arg: Any, fill: float, name: str, a: ndarray, axis: int | None, keepdims: builtins.bool) -> ndarray:
    if not _has_nans(a):
        return arg(a, axis=axis, keepdims=keepdims)
    nans = _EW["isnan"](a)
    if a.size and _core.any(_core.all(nans, axis=axis)).item():
        raise ValueError(f"{name}: all-NaN slice encountered")
    # NumPy's own method: NaNs become the fill, then the plain arg-reduction (so a slice whose
    # extreme is the fill itself may answer a NaN's position, exactly as NumPy does).
    return arg(_core.where(nans, fill, a), axis=axis, keepdims=keepdims)


def nanargmax(a: ndarray, /, *, axis: int | None = None, keepdims: builtins.bool = False) -> ndarray:
    """The index of the first maximum along ``axis`` ignoring NaNs (NumPy's ``nanargmax``);
    ``ValueError`` for an all-NaN slice, as NumPy raises.

    >>> import devarray as dv
    >>> dv.nanargmax(dv.asarray([dv.nan, 3.0, 1.0])).item()
    1
    """
    return _nan_arg(_core.argmax, float("-inf"), "nanargmax", a, axis, keepdims)


def nanargmin(a: ndarray, /, *, axis: int | None = None, keepdims: builtins.bool = False) -> ndarray:
    """The index of the first minimum along ``axis`` ignoring NaNs (NumPy's ``nanargmin``)."""
    return _nan_arg(_core.argmin, float("inf"), "nanargmin", a, axis, keepdims)
