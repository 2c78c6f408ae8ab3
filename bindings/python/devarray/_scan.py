"""Scans and the functions built on them: ``diff`` (slicing and ``subtract``, no kernel of its
own), and the searching functions ``nonzero``, ``argwhere``, ``flatnonzero`` and ``where(cond)``.

``cumulative_sum``, ``cumulative_prod``, ``cumsum`` and ``cumprod`` are native
(``devarray._devarray``); this module only composes them.
"""

from __future__ import annotations

import operator
from typing import Any

from . import _devarray as _core
from ._array_api import _normalize_axis
from ._devarray import ndarray


def nonzero(x: ndarray, /) -> tuple[ndarray, ...]:
    """The indices of the non-zero elements, one int64 array per axis, in C order (NaN is
    non-zero). The number of non-zero elements is read back to the host first (8 bytes, a
    synchronisation point); the transfer guard applies to that read. A 0-d input raises
    ``ValueError`` (use ``argwhere``)."""
    return tuple(_core._nonzero(x))


def where(condition: ndarray, x1: Any = None, x2: Any = None, /) -> Any:
    """``x1`` where ``condition`` is true, ``x2`` elsewhere; with ``condition`` alone,
    ``nonzero(condition)`` (NumPy's one-argument ``where``)."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise TypeError("where: pass both x1 and x2, or only the condition (which is nonzero(condition))")
    return _core.where(condition, x1, x2)


def _nan_to(a: ndarray, value: int) -> ndarray:
    """``a`` with NaNs replaced by ``value`` (floats only; other dtypes have no NaN)."""
    if a.dtype not in (_core.float16, _core.bfloat16, _core.float32, _core.float64):
        return a
    return _core.where(_core._unary("isnan", a), value, a)


def nancumsum(a: ndarray, axis: int | None = None, dtype: Any = None) -> ndarray:
    """NumPy's ``nancumsum``: ``cumsum`` with NaNs counted as zero (``axis=None`` flattens)."""
    return _core.cumsum(_nan_to(a, 0), axis, dtype)


def nancumprod(a: ndarray, axis: int | None = None, dtype: Any = None) -> ndarray:
    """NumPy's ``nancumprod``: ``cumprod`` with NaNs counted as one (``axis=None`` flattens)."""
    return _core.cumprod(_nan_to(a, 1), axis, dtype)


def _along(ndim: int, axis: int, index: Any) -> tuple[Any, ...]:
    """The indexing tuple selecting ``index`` along ``axis`` and everything elsewhere."""
    return (slice(None),) * axis + (index,)


def _edge(value: Any, x: ndarray, axis: int) -> ndarray:
    """``prepend``/``append``: an array, or a scalar broadcast to length 1 along ``axis`` (as a
    NumPy scalar would: an array of the scalar's default dtype, int64 for ``int``)."""
    if not isinstance(value, ndarray):
        shape = list(x.shape)
        shape[axis] = 1
        return _core.full(tuple(shape), value, device=x.device)
    if value.ndim == 0:
        shape = list(x.shape)
        shape[axis] = 1
        return _core.broadcast_to(value, tuple(shape))
    return value


def diff(
    x: ndarray,
    /,
    *,
    axis: int = -1,
    n: int = 1,
    prepend: ndarray | int | float | bool | None = None,
    append: ndarray | int | float | bool | None = None,
) -> ndarray:
    """The ``n``-th forward difference along ``axis``: ``x[1:] - x[:-1]``, ``n`` times (for
    ``bool``, ``x[1:] != x[:-1]``, as NumPy). ``prepend``/``append`` (arrays, or scalars
    broadcast to length 1 along ``axis``) are concatenated first. The result's length along
    ``axis`` is ``max(length - n, 0)``."""
    n = operator.index(n)
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, not {n}")
    if x.ndim == 0:
        raise ValueError("diff: requires an input with at least one dimension")
    axis = _normalize_axis(axis, x.ndim)
    parts = [p for p in (prepend,) if p is not None] + [x] + [a for a in (append,) if a is not None]
    if len(parts) > 1:
        edges = [_edge(p, x, axis) if p is not x else p for p in parts]
        dtype = _core.result_type(*edges)
        x = _core.concat([_core.astype(e, dtype) for e in edges], axis=axis)
    for _ in range(n):
        if x.shape[axis] == 0:
            break
        hi, lo = x[_along(x.ndim, axis, slice(1, None))], x[_along(x.ndim, axis, slice(None, -1))]
        x = _core._binary("not_equal" if x.dtype == _core.bool else "subtract", hi, lo)
    return x
