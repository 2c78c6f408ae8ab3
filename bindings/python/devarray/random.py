"""``devarray.random``: random numbers generated on the device.

``default_rng(seed)`` returns a :class:`Generator` with the method names and keywords of
``numpy.random.Generator``: ``random``, ``uniform``, ``standard_normal``, ``normal``,
``integers``, ``exponential``, ``standard_exponential``, ``gamma``, ``standard_gamma``,
``beta``, plus ``bernoulli`` (NumPy has none)
and ``spawn(n)``. Every draw fills a new devarray array on the generator's device (or the
``device=`` given to the call); nothing is computed on or copied through the host.

The generator is Philox4x32-10, counter-based: the same seed and the same sequence of calls
give **bit-identical** arrays on the CPU device and on every CUDA device, whatever the launch
grid (the conversions, including the normal's log and sincos, are devarray's own code, the same
on both). Element ``i`` of a draw uses counter block ``offset + i // V`` (``V`` values per block:
4 for float32/float16/bfloat16, 2 for float64, 1 for integers), and each draw advances the
offset by the blocks it used.

Differences from NumPy:

- The streams are not NumPy's: ``default_rng(42)`` here gives other numbers than
  ``numpy.random.default_rng(42)`` (the distributions are the same).
- ``seed`` is an int in ``[0, 2**64)`` used as the Philox key (or ``None`` for fresh entropy);
  NumPy's ``SeedSequence`` objects and array seeds are not accepted.
- ``size=None`` returns a 0-d devarray array, not a Python float.
- Distribution parameters are Python scalars (no array broadcasting yet).
- ``standard_normal`` uses Box-Muller and ``exponential`` inversion (NumPy: ziggurat).
- ``permutation``, ``shuffle``, ``choice`` (they wait for a device sort), ``binomial`` and
  ``poisson`` are not implemented yet.
"""

from __future__ import annotations

import operator
import secrets
from collections.abc import Sequence
from typing import Any

from . import _devarray as _core
from ._devarray import ndarray

__all__ = ["Generator", "default_rng"]

_Size = int | Sequence[int] | None


def _shape(size: _Size) -> tuple[int, ...]:
    if size is None:
        return ()
    if isinstance(size, Sequence):
        return tuple(operator.index(s) for s in size)
    return (operator.index(size),)


def _dtype_of(dtype: Any) -> Any:
    # The core's dtype parser (NumPy spellings included), through a 0-element CPU array.
    return _core.empty((0,), dtype=dtype, device="cpu").dtype


class Generator:
    """A Philox4x32-10 stream that fills devarray arrays on a device (see the module docs).

    Create one with :func:`default_rng`. Not thread-safe in NumPy's sense either: concurrent
    draws from one generator are serialised, in an unspecified order.
    """

    __slots__ = ("_philox", "_device")

    def __init__(self, philox: Any, device: Any = None) -> None:
        self._philox = philox
        self._device = device

    def __repr__(self) -> str:
        return f"Generator(Philox4x32-10, key={tuple(self._philox.key)}, offset={self._philox.offset})"

    @property
    def device(self) -> Any:
        """The device draws go to when the call names none (``None``: the default device)."""
        return self._device

    @property
    def state(self) -> dict[str, Any]:
        """The stream's position: ``{"key": (k0, k1), "offset": blocks}``."""
        return {"key": tuple(self._philox.key), "offset": self._philox.offset}

    def _dev(self, device: Any) -> Any:
        return self._device if device is None else device

    def spawn(self, n_children: int) -> list[Generator]:
        """``n_children`` generators with independent streams (keys derived from this one's
        key and its count of children so far), on this generator's device."""
        return [Generator(p, self._device) for p in self._philox.spawn(operator.index(n_children))]

    def random(self, size: _Size = None, dtype: Any = "float64", out: ndarray | None = None,
               *, device: Any = None) -> ndarray:
        """Uniform floats in ``[0, 1)`` (float16, bfloat16, float32 or float64)."""
        return self._fill(out, size, dtype, device,
                          lambda s, d, dev: self._philox.uniform(0.0, 1.0, s, d, dev))

    def uniform(self, low: float = 0.0, high: float = 1.0, size: _Size = None, *,
                dtype: Any = "float64", device: Any = None) -> ndarray:
        """Uniform floats in ``[low, high)``."""
        return self._philox.uniform(float(low), float(high), _shape(size), dtype, self._dev(device))

    def standard_normal(self, size: _Size = None, dtype: Any = "float64", out: ndarray | None = None,
                        *, device: Any = None) -> ndarray:
        """Standard normal floats (Box-Muller)."""
        return self._fill(out, size, dtype, device,
                          lambda s, d, dev: self._philox.normal(0.0, 1.0, s, d, dev))

    def normal(self, loc: float = 0.0, scale: float = 1.0, size: _Size = None, *,
               dtype: Any = "float64", device: Any = None) -> ndarray:
        """Normal floats of mean ``loc`` and standard deviation ``scale`` (``scale >= 0``)."""
        return self._philox.normal(float(loc), float(scale), _shape(size), dtype, self._dev(device))

    def exponential(self, scale: float = 1.0, size: _Size = None, *, dtype: Any = "float64",
                    device: Any = None) -> ndarray:
        """Exponential floats of mean ``scale`` (``scale >= 0``)."""
        return self._philox.exponential(float(scale), _shape(size), dtype, self._dev(device))

    def standard_exponential(self, size: _Size = None, dtype: Any = "float64", method: str = "inv",
                             out: ndarray | None = None, *, device: Any = None) -> ndarray:
        """Exponential floats of mean 1 (by inversion; ``method="zig"`` is accepted and ignored)."""
        if method not in ("inv", "zig"):
            raise ValueError(f"method must be 'inv' or 'zig', not {method!r}")
        return self._fill(out, size, dtype, device,
                          lambda s, d, dev: self._philox.exponential(1.0, s, d, dev))

    def integers(self, low: int, high: int | None = None, size: _Size = None, dtype: Any = "int64",
                 endpoint: bool = False, *, device: Any = None) -> ndarray:
        """Uniform integers in ``[low, high)`` (``[low, high]`` with ``endpoint``), unbiased;
        ``integers(n)`` draws from ``[0, n)``. Any integer dtype or bool."""
        if high is None:
            low, high = 0, low
        return self._philox.integers(operator.index(low), operator.index(high), _shape(size), dtype,
                                     bool(endpoint), self._dev(device))

    def standard_gamma(self, shape: float, size: _Size = None, dtype: Any = "float64",
                       out: ndarray | None = None, *, device: Any = None) -> ndarray:
        """Gamma floats of shape ``shape`` and scale 1 (Marsaglia-Tsang)."""
        k = float(shape)
        return self._fill(out, size, dtype, device, lambda s, d, dev: self._philox.gamma(k, 1.0, s, d, dev))

    def gamma(self, shape: float, scale: float = 1.0, size: _Size = None, *, dtype: Any = "float64",
              device: Any = None) -> ndarray:
        """Gamma floats of shape ``shape`` (>= 0) and scale ``scale`` (>= 0)."""
        return self._philox.gamma(float(shape), float(scale), _shape(size), dtype, self._dev(device))

    def beta(self, a: float, b: float, size: _Size = None, *, dtype: Any = "float64",
             device: Any = None) -> ndarray:
        """Beta floats of shapes ``a`` and ``b`` (both > 0), as ``X / (X + Y)`` of two gammas."""
        return self._philox.beta(float(a), float(b), _shape(size), dtype, self._dev(device))

    def bernoulli(self, p: float = 0.5, size: _Size = None, *, device: Any = None) -> ndarray:
        """Booleans, ``True`` with probability ``p`` (a devarray extension)."""
        return self._philox.bernoulli(float(p), _shape(size), self._dev(device))

    def _fill(self, out: ndarray | None, size: _Size, dtype: Any, device: Any, draw: Any) -> ndarray:
        if out is None:
            return draw(_shape(size), dtype, self._dev(device))
        if not isinstance(out, ndarray):
            raise TypeError(f"out must be a devarray.ndarray, not {type(out).__name__}")
        if size is not None and _shape(size) != tuple(out.shape):
            raise ValueError(f"size {_shape(size)} does not match out.shape {tuple(out.shape)}")
        if _dtype_of(dtype) != out.dtype:
            raise TypeError(f"out has dtype {out.dtype}, the draw {_dtype_of(dtype)}")
        out[...] = draw(tuple(out.shape), out.dtype, out.device)
        return out


def default_rng(seed: int | Generator | None = None, *, device: Any = None) -> Generator:
    """A :class:`Generator` keyed by ``seed`` (an int in ``[0, 2**64)``; ``None`` draws one from
    the operating system's entropy; a ``Generator`` is returned unchanged). ``device`` is where
    its draws go by default (``None``: the default device at each call)."""
    if isinstance(seed, Generator):
        return seed
    if seed is None:
        seed = secrets.randbits(64)
    seed = operator.index(seed)
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed must be in [0, 2**64), got {seed}")
    return Generator(_core._Philox(seed), device)
