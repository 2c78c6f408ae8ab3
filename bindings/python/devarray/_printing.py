"""Print options for ``repr(x)`` and ``str(x)``, mirroring NumPy's ``set_printoptions``,
``get_printoptions`` and ``printoptions`` for the options devarray has: ``threshold``,
``edgeitems``, ``precision``, ``linewidth`` and ``suppress``.

As in NumPy 2, the options live in a ``contextvars.ContextVar``: ``set_printoptions`` changes
them for the current thread or asyncio task (and the contexts it starts afterwards), and
``with printoptions(...)`` restores them on exit. The formatting itself is the core's
``Array::display`` (NumPy's layout and float text); printing reads the values shown (only
the corners of a summarised array), and that read is checked by the transfer guard.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
import operator
import sys
from collections.abc import Iterator
from typing import Any

_DEFAULTS: dict[str, Any] = {
    "edgeitems": 3,
    "threshold": 1000,
    "precision": 8,
    "linewidth": 75,
    "suppress": False,
}

_options: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar(
    "devarray_printoptions", default=_DEFAULTS
)


def _as_int(name: str, value: Any) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}") from None


def _checked(
    precision: Any, threshold: Any, edgeitems: Any, linewidth: Any, suppress: Any
) -> dict[str, Any]:
    """The options given (not None), validated as NumPy validates them."""
    out: dict[str, Any] = {}
    if precision is not None:
        out["precision"] = _as_int("precision", precision)
        if out["precision"] < 0:
            raise ValueError("precision must be >= 0")
    if threshold is not None:
        if not isinstance(threshold, numbers.Number):
            raise TypeError("threshold must be numeric")
        if math.isnan(threshold):  # type: ignore[arg-type]
            raise ValueError("threshold must be non-NAN, try sys.maxsize for untruncated representation")
        out["threshold"] = threshold
    if edgeitems is not None:
        out["edgeitems"] = _as_int("edgeitems", edgeitems)
        if out["edgeitems"] < 0:
            raise ValueError("edgeitems must be >= 0")
    if linewidth is not None:
        out["linewidth"] = _as_int("linewidth", linewidth)
    if suppress is not None:
        out["suppress"] = bool(suppress)
    return out


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    suppress: bool | None = None,
) -> None:
    """Sets how ``repr(x)`` and ``str(x)`` print arrays (NumPy's ``set_printoptions`` for the
    options of the same names; those not given keep their values).

    ``threshold``: arrays of more elements are summarised with ``...`` (default 1000; use
    ``sys.maxsize`` or ``math.inf`` to print everything). ``edgeitems``: entries shown at each
    end of a summarised axis (3). ``precision``: most fractional digits of a float (8).
    ``linewidth``: characters per line (75). ``suppress``: never use scientific notation for
    small values (False).

    For NumPy users: NumPy's ``sign``, ``floatmode``, ``formatter``, ``nanstr``, ``infstr`` and
    ``legacy`` are not supported.
    """
    new = dict(_options.get())
    new.update(_checked(precision, threshold, edgeitems, linewidth, suppress))
    _options.set(new)


def get_printoptions() -> dict[str, Any]:
    """The print options in force here, as a new dict (keys ``edgeitems``, ``threshold``,
    ``precision``, ``linewidth``, ``suppress``)."""
    return dict(_options.get())


@contextlib.contextmanager
def printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    suppress: bool | None = None,
) -> Iterator[dict[str, Any]]:
    """Sets print options inside a ``with`` block and restores them on exit; yields the options
    in force inside (NumPy's ``printoptions``)::

        with devarray.printoptions(precision=3, suppress=True):
            print(x)
    """
    new = dict(_options.get())
    new.update(_checked(precision, threshold, edgeitems, linewidth, suppress))
    token = _options.set(new)
    try:
        yield dict(new)
    finally:
        _options.reset(token)


def _current() -> tuple[int, int, int, int, bool]:
    """The options as the core takes them: (threshold, edgeitems, precision, linewidth,
    suppress), each a non-negative int (a threshold of inf or above ``sys.maxsize`` means no
    summary; a negative one summarises everything, as in NumPy)."""
    o = _options.get()
    t = o["threshold"]
    threshold = sys.maxsize if t >= sys.maxsize else max(0, math.floor(t)) if t >= 0 else 0
    return (threshold, o["edgeitems"], o["precision"], max(0, o["linewidth"]), o["suppress"])
