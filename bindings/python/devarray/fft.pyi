# Type stubs for devarray.fft (the Array API fft extension).

from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

from . import ndarray

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

_Norm: TypeAlias = Literal["backward", "ortho", "forward"]

def fft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> ndarray: ...
def ifft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> ndarray: ...
def rfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> ndarray: ...
def irfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> ndarray: ...
def hfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> ndarray: ...
def ihfft(x: ndarray, /, *, n: int | None = None, axis: int = -1, norm: _Norm = "backward") -> ndarray: ...
def fftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: _Norm = "backward"
) -> ndarray: ...
def ifftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: _Norm = "backward"
) -> ndarray: ...
def rfftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: _Norm = "backward"
) -> ndarray: ...
def irfftn(
    x: ndarray, /, *, s: Sequence[int] | None = None, axes: Sequence[int] | None = None, norm: _Norm = "backward"
) -> ndarray: ...
def fftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> ndarray: ...
def rfftfreq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> ndarray: ...
def fftshift(x: ndarray, /, *, axes: int | Sequence[int] | None = None) -> ndarray: ...
def ifftshift(x: ndarray, /, *, axes: int | Sequence[int] | None = None) -> ndarray: ...
