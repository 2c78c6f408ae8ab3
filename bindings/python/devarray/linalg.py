"""``devarray.linalg``: the Array API's linear algebra extension, as far as it is built.

Present: the products and matrix views (``matmul``, ``tensordot``, ``vecdot``, ``outer``,
``matrix_transpose``, ``diagonal``, ``trace``). The decompositions, solvers and norms
(``cholesky``, ``qr``, ``svd``, ``inv``, ``solve``, ``det``, ``matrix_norm``, ...) are not built
yet and are absent: asking for one raises ``AttributeError`` rather than reaching a stub.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _devarray as _core
from ._array_api import matrix_transpose
from ._devarray import DType, ndarray

__all__ = ["diagonal", "matmul", "matrix_transpose", "outer", "tensordot", "trace", "vecdot"]

matmul = _core.matmul
vecdot = _core.vecdot


def tensordot(x1: ndarray, x2: ndarray, /, *, axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> ndarray:
    """Contracts the last ``axes`` axes of ``x1`` with the first ``axes`` of ``x2`` (an int), or
    the axes paired by two sequences; the free axes of ``x1`` come first in the result."""
    return _core._tensordot(x1, x2, axes)


def outer(x1: ndarray, x2: ndarray, /) -> ndarray:
    """The outer product of two 1-D arrays: ``out[i, j] = x1[i] * x2[j]``."""
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"outer: both operands must be 1-D, got {x1.ndim}-D and {x2.ndim}-D")
    return _core.outer(x1, x2)


def diagonal(x: ndarray, /, *, offset: int = 0) -> ndarray:
    """The diagonals of the matrices in the last two axes, as a view."""
    return _core.diagonal(x, offset, -2, -1)


def trace(x: ndarray, /, *, offset: int = 0, dtype: DType | Any | None = None) -> ndarray:
    """The sums along the diagonals of the matrices in the last two axes, in ``sum``'s dtype
    unless ``dtype`` is given."""
    if dtype is None:
        return _core._trace(x, offset=offset)
    return _core.sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)
