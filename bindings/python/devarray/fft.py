"""``devarray.fft``: the Array API's Fourier transform extension (2024.12).

Transforms: ``fft``, ``ifft``, ``fftn``, ``ifftn`` (complex output), ``rfft``, ``rfftn``,
``ihfft`` (real input, the ``n // 2 + 1`` non-negative frequencies), ``irfft``, ``irfftn``,
``hfft`` (real output of length ``n``, by default ``2 * (m - 1)``). Helpers: ``fftfreq``,
``rfftfreq``, ``fftshift``, ``ifftshift``.

``n`` / ``s`` cut or zero-pad the input along the transformed axes; ``norm`` is ``"backward"``
(the default: the inverse transforms divide by ``n``), ``"ortho"`` or ``"forward"``.

Dtypes: float32 and complex64 stay single precision (complex64 results, float32 for the real
outputs), float64 and complex128 double; float16 and bfloat16 compute in complex64; integer and
bool inputs are promoted to float64 as NumPy does. Complex input to ``rfft``/``rfftn``/``ihfft``
is a ``TypeError`` (NumPy discards the imaginary part).

Devices: the CPU device uses rustfft/realfft; a CUDA device uses cuFFT, with plans cached per
layout, type and stream (a machine without libcufft raises an error naming the package to
install). Results of a transform along an inner axis are strided views of a contiguous array.

Differences from NumPy: repeated axes in ``axes`` raise ``ValueError`` (NumPy transforms such
an axis twice); ``fftfreq``/``rfftfreq`` take ``dtype`` and ``device`` (the Array API's).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from . import _devarray as _core
from ._devarray import ndarray

__all__ = [
    "fft",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfftn",
    "rfft",
    "rfftfreq",
    "rfftn",
]

def _norm(norm: str | None) -> str:
    return "backward" if norm is None else norm


def _length(n: int | None) -> int | None:
    if n is None:
        return None
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"invalid number of data points ({n}) specified: n must be at least 1")
    return n


def _lengths(s: Sequence[int] | None) -> list[int] | None:
    if s is None:
        return None
    return [_length(v) for v in s]  # type: ignore[misc]


def _axes(axes: int | Sequence[int] | None) -> list[int] | None:
    if axes is None:
        return None
    if isinstance(axes, int):
        return [axes]
    return [operator.index(a) for a in axes]


def fft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> ndarray:
    """The one-dimensional discrete Fourier transform along ``axis``."""
    return _core._fft1("fft", x, _length(n), operator.index(axis), _norm(norm))


def ifft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> ndarray:
    """The inverse of ``fft``."""
    return _core._fft1("ifft", x, _length(n), operator.index(axis), _norm(norm))


def rfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> ndarray:
    """The transform of real input: the ``n // 2 + 1`` non-negative frequencies."""
    return _core._fft1("rfft", x, _length(n), operator.index(axis), _norm(norm))


def irfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> ndarray:
    """The inverse of ``rfft``: ``n`` real values (default ``2 * (m - 1)``)."""
    return _core._fft1("irfft", x, _length(n), operator.index(axis), _norm(norm))


def hfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> ndarray:
    """The transform of a Hermitian-symmetric signal given by its non-negative half (real
    output of length ``n``, default ``2 * (m - 1)``)."""
    return _core._fft1("hfft", x, _length(n), operator.index(axis), _norm(norm))


def ihfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: str = "backward") -> ndarray:
    """The inverse of ``hfft``: ``conj(rfft(x)) / n`` (with ``norm="backward"``)."""
    return _core._fft1("ihfft", x, _length(n), operator.index(axis), _norm(norm))


def fftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> ndarray:
    """The N-dimensional transform over ``axes`` (default: all, or the last ``len(s)``)."""
    return _core._fftn("fftn", x, _lengths(s), _axes(axes), _norm(norm))


def ifftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> ndarray:
    """The inverse of ``fftn``."""
    return _core._fftn("ifftn", x, _lengths(s), _axes(axes), _norm(norm))


def rfftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> ndarray:
    """The N-dimensional transform of real input (``rfft`` over the last axis)."""
    return _core._fftn("rfftn", x, _lengths(s), _axes(axes), _norm(norm))


def irfftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: str = "backward"
) -> ndarray:
    """The inverse of ``rfftn``; ``s[-1]`` is the real output length of the last axis."""
    return _core._fftn("irfftn", x, _lengths(s), _axes(axes), _norm(norm))


def fftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> ndarray:
    """The sample frequencies of ``fft`` output: ``[0, 1, ..., -(n // 2), ..., -1] / (d * n)``
    (float64 unless ``dtype`` is given)."""
    return _core._fftfreq(_length(n), float(d), dtype, device, False)


def rfftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> ndarray:
    """The sample frequencies of ``rfft`` output: ``[0, 1, ..., n // 2] / (d * n)``."""
    return _core._fftfreq(_length(n), float(d), dtype, device, True)


def fftshift(x: ndarray, /, *, axes: int | Sequence[int] | None = None) -> ndarray:
    """Moves the zero frequency to the centre of ``axes`` (default: all)."""
    return _core._fftshift(x, _axes(axes), False)


def ifftshift(x: ndarray, /, *, axes: int | Sequence[int] | None = None) -> ndarray:
    """The inverse of ``fftshift``."""
    return _core._fftshift(x, _axes(axes), True)
