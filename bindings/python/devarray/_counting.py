"""NumPy's counting functions beyond the Array API: ``bincount`` and ``histogram``, on the
device (the core sorts the values and searches the bin edges; ``src/ops/count.rs``).

``bincount`` reads its input's smallest and largest value to size its result (a size and a
flag, which the transfer guard allows). ``histogram`` with a number of bins and no ``range``
reads the data's range to place the edges: that is a read of data, refused under
``transfer_guard("disallow")``; pass ``range=`` (or explicit edges) to avoid it.
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

from . import _array_api
from . import _devarray as _core
from ._devarray import ndarray


def bincount(x: ndarray, /, weights: ndarray | None = None, minlength: builtins.int = 0) -> ndarray:
    """How often each value ``0, 1, …, max(x)`` occurs in the 1-D non-negative integer array
    ``x`` (``int64``), or the sum of ``weights`` at each value (``float64``); at least
    ``minlength`` long. As NumPy's ``bincount``.

    >>> import devarray as dv
    >>> dv.bincount(dv.asarray([1, 3, 1, 0])).get().tolist()
    [1, 2, 0, 1]
    """
    minlength = operator.index(minlength)
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    return _core._bincount(x, weights, minlength)


def histogram(
    a: ndarray,
    bins: Any = 10,
    range: tuple[builtins.float, builtins.float] | None = None,
    density: builtins.bool | None = None,
    weights: ndarray | None = None,
) -> tuple[ndarray, ndarray]:
    """The histogram of ``a``'s values (flattened) and the bin edges, as NumPy's ``histogram``:
    ``bins`` equal bins over ``range`` (the data's range when ``None``), or the given edges (a
    devarray array, or a sequence copied to ``a``'s device). Counts are ``int64``; with
    ``weights`` the sums have the weights' dtype; with ``density`` they are ``float64`` and
    integrate to 1. String bin rules (``"auto"``, ...) are not supported.

    >>> import devarray as dv
    >>> h, e = dv.histogram(dv.asarray([0.5, 1.0, 1.5, 2.0]), bins=2, range=(0, 2))
    >>> h.get().tolist(), e.get().tolist()
    ([1, 3], [0.0, 1.0, 2.0])
    """
    if isinstance(bins, str):
        raise TypeError(f"histogram: bin rule {bins!r} is not supported; pass a number of bins or the edges")
    edges = None
    count = 0
    if isinstance(bins, builtins.int) or (not isinstance(bins, ndarray) and hasattr(bins, "__index__")):
        count = operator.index(bins)
        if count < 1:
            raise ValueError(f"histogram: bins must be a positive integer, got {count}")
    else:
        edges = bins if isinstance(bins, ndarray) else _array_api.asarray(bins, device=a.device)
    if range is not None:
        lo, hi = range
        range = (builtins.float(lo), builtins.float(hi))
    return _core._histogram(a, count, range, edges, weights, builtins.bool(density))
