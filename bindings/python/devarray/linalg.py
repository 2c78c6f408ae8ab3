"""``devarray.linalg``: the Array API's linear algebra extension.

Products and matrix views: ``matmul``, ``tensordot``, ``vecdot``, ``outer``, ``cross``,
``matrix_power``, ``matrix_transpose``, ``diagonal``, ``trace`` (every device).

Decompositions and solvers: ``cholesky``, ``qr``, ``svd``, ``svdvals``, ``eigh``, ``eigvalsh``,
``inv``, ``solve``, ``det``, ``slogdet``, ``pinv``, ``matrix_rank``. They are computed on the
CPU device (faer) and on a CUDA device through cuSOLVER (``pinv`` and ``matrix_rank`` from its
SVD), without copying to the host behind your back. Norms: ``vector_norm`` and
``matrix_norm`` (every ``ord``; ``'nuc'``, ``2``, ``-2`` through ``svdvals``) run on every
device.

Dtypes: float32 and float64 compute in their own precision; integer and bool inputs are
promoted to float64 (as NumPy does); float16 and bfloat16 are computed in float32 and rounded
back (NumPy refuses float16).

Errors (NumPy's classes): ``numpy.linalg.LinAlgError`` (a ``ValueError``) for a singular matrix
(``inv``, ``solve``), a matrix that is not positive definite (``cholesky``), non-square input
where square matrices are needed, and a decomposition that does not converge; ``ValueError``
for fewer than 2 dimensions and for shapes that do not fit (``solve``).

Differences from NumPy: singular and eigenvectors are unique only up to sign, so ``U``, ``Vh``
and ``eigenvectors`` may differ from NumPy's by column signs (reconstructions agree);
``qr``'s ``'r'``/``'raw'`` modes, ``eigh``'s ``UPLO`` and ``matrix_rank``'s absolute ``tol`` are
not offered.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

from . import _devarray as _core
from ._array_api import asarray as _asarray
from ._array_api import matrix_transpose
from ._devarray import DType, ndarray

__all__ = [
    "EighResult",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "matmul",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "matrix_transpose",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "tensordot",
    "trace",
    "vecdot",
    "vector_norm",
]

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


def cross(x1: ndarray, x2: ndarray, /, *, axis: int = -1) -> ndarray:
    """The cross product of 3-element vectors along ``axis``; the other axes broadcast. Integer
    dtypes stay integer (wrapping like NumPy). A negative ``axis`` counts from the end of each
    array. Raises ``ValueError`` when ``axis`` does not have length 3 or the shapes do not
    broadcast."""
    return _core._linalg_cross(x1, x2, operator.index(axis))


def matrix_power(x: ndarray, n: int, /) -> ndarray:
    """``x`` (a square matrix or stack) to the integer power ``n`` by repeated squaring with
    ``matmul``: ``n = 0`` gives the identity, a negative ``n`` a power of ``inv(x)``."""
    return _core._linalg_matrix_power(x, operator.index(n))


# ----- decompositions, solvers and norms --------------------------------------------------------


class QRResult(NamedTuple):
    """``qr``'s result: ``x = Q @ R``."""

    Q: ndarray
    R: ndarray


class SVDResult(NamedTuple):
    """``svd``'s result: ``x = U @ diag(S) @ Vh``."""

    U: ndarray
    S: ndarray
    Vh: ndarray


class EighResult(NamedTuple):
    """``eigh``'s result: ascending eigenvalues and the eigenvectors as columns."""

    eigenvalues: ndarray
    eigenvectors: ndarray


class SlogdetResult(NamedTuple):
    """``slogdet``'s result: ``det = sign * exp(logabsdet)``."""

    sign: ndarray
    logabsdet: ndarray


def cholesky(x: ndarray, /, *, upper: bool = False) -> ndarray:
    """The Cholesky factor of a symmetric positive-definite matrix (or stack): lower ``L`` with
    ``x = L @ L.mT``, or upper ``U = L.mT`` when ``upper``. Raises ``LinAlgError`` when a matrix
    is not positive definite."""
    return _core._linalg_cholesky(x, bool(upper))


def qr(x: ndarray, /, *, mode: str = "reduced") -> QRResult:
    """The QR decomposition ``x = Q @ R``; ``mode`` is ``'reduced'`` (``Q`` is ``(..., m, k)``,
    ``k = min(m, n)``) or ``'complete'`` (``Q`` is ``(..., m, m)``)."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    return QRResult(*_core._linalg_qr(x, mode == "complete"))


def svd(x: ndarray, /, *, full_matrices: bool = True) -> SVDResult:
    """The singular value decomposition ``x = U @ diag(S) @ Vh``, ``S`` descending."""
    return SVDResult(*_core._linalg_svd(x, bool(full_matrices)))


def svdvals(x: ndarray, /) -> ndarray:
    """The singular values of a matrix (or stack), descending."""
    return _core._linalg_svdvals(x)


def eigh(x: ndarray, /) -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (or stack); only the lower
    triangle is read."""
    return EighResult(*_core._linalg_eigh(x))


def eigvalsh(x: ndarray, /) -> ndarray:
    """Eigenvalues of a symmetric matrix (or stack), ascending; only the lower triangle is read."""
    return _core._linalg_eigvalsh(x)


def inv(x: ndarray, /) -> ndarray:
    """The inverse of a square matrix (or stack). Raises ``LinAlgError`` for a singular matrix."""
    return _core._linalg_inv(x)


def solve(x1: ndarray, x2: ndarray, /) -> ndarray:
    """Solves ``x1 @ x = x2``. ``x2`` is one vector ``(n,)`` when 1-D (solved against every
    matrix of the stack), otherwise a stack of matrices ``(..., n, k)`` whose batch axes
    broadcast with ``x1``'s. Raises ``LinAlgError`` for a singular ``x1``."""
    return _core._linalg_solve(x1, x2)


def det(x: ndarray, /) -> ndarray:
    """The determinant of a square matrix (or stack)."""
    return _core._linalg_det(x)


def slogdet(x: ndarray, /) -> SlogdetResult:
    """The sign and the natural log of the absolute determinant; ``(0, -inf)`` when singular."""
    return SlogdetResult(*_core._linalg_slogdet(x))


def _rtol(x: ndarray, rtol: float | ndarray | None) -> float | ndarray | None:
    """``rtol`` for the core: None, a Python float, or a devarray array on ``x``'s device (an
    array broadcasts against ``x``'s batch axes ``x.shape[:-2]``)."""
    if rtol is None or isinstance(rtol, ndarray):
        return rtol
    if isinstance(rtol, (int, float)) and not isinstance(rtol, bool):
        return float(rtol)
    return _asarray(rtol, device=x.device)


def pinv(x: ndarray, /, *, rtol: float | ndarray | None = None) -> ndarray:
    """The pseudo-inverse, from the SVD: singular values at most ``rtol * largest`` count as
    zero; ``rtol`` defaults to ``max(m, n) * eps`` (the Array API default; NumPy's is 1e-15). An
    array ``rtol`` broadcasts against the batch axes ``x.shape[:-2]`` (one cutoff per matrix)."""
    return _core._linalg_pinv(x, _rtol(x, rtol))


def matrix_rank(x: ndarray, /, *, rtol: float | ndarray | None = None) -> ndarray:
    """The number of singular values above ``rtol * largest`` (int64); ``rtol`` defaults to
    ``max(m, n) * eps``; an array ``rtol`` broadcasts against the batch axes ``x.shape[:-2]``."""
    return _core._linalg_matrix_rank(x, _rtol(x, rtol))


def vector_norm(
    x: ndarray,
    /,
    *,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
    ord: int | float = 2,
) -> ndarray:
    """The vector norm over ``axis`` (all axes, flattened, when None): ``sum(|x|**ord)**(1/ord)``,
    with ``inf`` (max), ``-inf`` (min) and ``0`` (count of non-zeros). Runs on every device."""
    return _core._linalg_vector_norm(x, axis, bool(keepdims), float(ord))


_MATRIX_ORDS = {1: "1", -1: "-1", 2: "2", -2: "-2", math.inf: "inf", -math.inf: "-inf"}


def matrix_norm(x: ndarray, /, *, keepdims: bool = False, ord: int | float | str | None = "fro") -> ndarray:
    """The matrix norm over the last two axes: ``'fro'`` (default), ``'nuc'``, ``1``/``-1``
    (max/min column sum of ``|x|``), ``2``/``-2`` (max/min singular value), ``inf``/``-inf``
    (max/min row sum)."""
    if ord is None or ord in ("fro", "nuc"):
        code = "fro" if ord is None else str(ord)
    elif not isinstance(ord, str) and ord in _MATRIX_ORDS:
        code = _MATRIX_ORDS[ord]
    else:
        raise ValueError(f"matrix_norm: invalid ord {ord!r}; use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf")
    return _core._linalg_matrix_norm(x, bool(keepdims), code)
