"""``devarray.pad``: NumPy's ``pad`` (modes ``constant``, ``edge`` and ``reflect``) over the
core's ``Array::pad``. The wrapper only turns ``pad_width`` and ``constant_values`` from NumPy's
forms (an int, ``(n,)``, ``(before, after)``, or one pair per axis) into one pair per axis."""

from __future__ import annotations

import builtins
import operator
from typing import Any

from . import _devarray as _core
from ._devarray import ndarray


def _pairs(x: Any, ndim: int, what: str) -> list[tuple[Any, Any]]:
    """``x`` broadcast to shape ``(ndim, 2)`` as NumPy's ``pad`` does (``_as_pairs``): a
    scalar or one-element sequence for every side, a ``(before, after)`` pair for every axis,
    or one pair (or one value) per axis."""
    if isinstance(x, ndarray):
        raise TypeError(f"pad: {what} must be Python or NumPy numbers, not a devarray array")
    if not isinstance(x, (list, tuple)):
        shape = getattr(x, "shape", None)
        if shape is None or shape == ():
            return [(x, x)] * ndim
        x = x.tolist()  # a NumPy array of widths or values (host data)
    items = list(x)
    nested = [isinstance(i, (list, tuple)) for i in items]
    if builtins.all(nested) and items:
        rows = [tuple(i) for i in items]
        if not builtins.all(len(r) in (1, 2) for r in rows) or len(rows) not in (1, ndim):
            raise ValueError(f"pad: {what} of shape ({len(rows)}, ...) cannot be broadcast to ({ndim}, 2)")
        pairs = [(r[0], r[-1]) for r in rows]
        return pairs * ndim if len(pairs) == 1 else pairs
    if builtins.any(nested):
        raise ValueError(f"pad: {what} mixes numbers and sequences")
    if len(items) == 1:
        return [(items[0], items[0])] * ndim
    if len(items) == 2:
        return [(items[0], items[1])] * ndim
    raise ValueError(f"pad: {what} of length {len(items)} cannot be broadcast to ({ndim}, 2)")


def _width(v: Any) -> int:
    """A pad width as an int: NumPy rounds floats (``np.round(x).astype(intp)``)."""
    if isinstance(v, float):
        return builtins.round(v)
    return operator.index(v)


def pad(x: ndarray, /, pad_width: Any, mode: str = "constant", *, constant_values: Any = 0) -> ndarray:
    """``x`` with ``pad_width`` new elements before and after each axis (NumPy's ``pad``):
    ``pad_width`` is an int, ``(before, after)``, or one ``(before, after)`` per axis.
    ``mode`` is ``"constant"`` (``constant_values``, in the same forms, cast to ``x``'s dtype;
    corners take the last axis' value, as NumPy), ``"edge"`` (the edge repeated) or
    ``"reflect"`` (mirrored without repeating the edge). A new array on ``x``'s device; nothing
    is read back to the host."""
    if not isinstance(x, ndarray):
        raise TypeError(f"pad: expected a devarray array, not {type(x).__name__}")
    widths = [(_width(b), _width(a)) for b, a in _pairs(pad_width, x.ndim, "pad_width")]
    values = _pairs(constant_values, x.ndim, "constant_values") if mode == "constant" else []
    return _core._pad(x, widths, mode, values)
