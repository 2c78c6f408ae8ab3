"""``devarray.random``: random numbers generated on the device.

``default_rng(seed)`` returns a :class:`Generator` with the method names and keywords of
``numpy.random.Generator``: ``random``, ``uniform``, ``standard_normal``, ``normal``,
``integers``, ``exponential``, ``standard_exponential``, ``gamma``, ``standard_gamma``,
``beta``, ``binomial``, ``poisson``, ``permutation``, ``shuffle``, ``choice``, plus
``bernoulli`` (NumPy has none) and ``spawn(n)``. Every draw fills a new devarray array on the
generator's device (or the ``device=`` given to the call); nothing is computed on or copied
through the host, except the one flag ``choice(p=...)`` reads to validate ``p`` and the bounds
flag of the gather behind ``permutation``/``shuffle``/``choice`` of an array (on CUDA devices).

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
- ``binomial`` and ``poisson`` use inversion for small means and Hoermann's BTRS/PTRS
  rejection for large ones (NumPy: BTPE for the binomial); they return int64.
- ``permutation`` sorts random 64-bit keys on the device; ``choice`` without replacement takes
  a prefix of such a permutation (with ``p``: the smallest of ``E_i / p_i``, ``E_i``
  exponential), so its cost is a sort of the whole population, and ``shuffle=False`` returns
  the same (already shuffled) sample. ``choice`` of a 0-d devarray array is refused (pass an
  int). ``shuffle`` works in place on devarray arrays only.
"""

from __future__ import annotations

import operator
import secrets
from collections.abc import Sequence
from typing import Any

from . import _devarray as _core
from ._array_api import asarray as _asarray
from ._devarray import ndarray

__all__ = ["POISSON_LAM_MAX", "Generator", "default_rng"]

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

    def binomial(self, n: int, p: float, size: _Size = None, *, device: Any = None) -> ndarray:
        """Successes in ``n`` trials of probability ``p`` (int64; ``n >= 0``, ``0 <= p <= 1``)."""
        return self._philox.binomial(_count(n, "n"), float(p), _shape(size), self._dev(device))

    def poisson(self, lam: float = 1.0, size: _Size = None, *, device: Any = None) -> ndarray:
        """Poisson counts of mean ``lam`` (int64; ``0 <= lam <= POISSON_LAM_MAX``)."""
        return self._philox.poisson(float(lam), _shape(size), self._dev(device))

    def permutation(self, x: Any, axis: int = 0, *, device: Any = None) -> ndarray:
        """A permuted ``arange(x)`` (int64) for an int ``x``, else a copy of the array ``x`` with
        its slices along ``axis`` in random order."""
        if not isinstance(x, ndarray):
            try:
                n = operator.index(x)
            except TypeError:
                x = _asarray(x, device=self._dev(device))
            else:
                return self._philox.permutation(max(n, 0), self._dev(device))
        return self._philox.permutation_of(x, operator.index(axis))

    def shuffle(self, x: ndarray, axis: int = 0) -> None:
        """Shuffles the devarray array ``x`` in place along ``axis``."""
        if not isinstance(x, ndarray):
            raise TypeError(f"shuffle works in place on a devarray.ndarray, not {type(x).__name__}")
        self._philox.shuffle(x, operator.index(axis))

    def choice(self, a: Any, size: _Size = None, replace: bool = True, p: Any = None, axis: int = 0,
               shuffle: bool = True, *, device: Any = None) -> ndarray:
        """A random sample of ``arange(a)`` (int ``a``; int64) or of the slices of the array ``a``
        along ``axis``, with or without replacement, uniform or weighted by ``p`` (1-D, one
        non-negative weight per item, summing to 1). ``shuffle`` is accepted for NumPy's
        signature; samples without replacement are always in random order."""
        del shuffle  # a prefix of a random permutation is already shuffled
        shape = _shape(size)
        arr: ndarray | None = None
        n = 0
        if isinstance(a, ndarray):
            arr = a
        else:
            try:
                n = operator.index(a)
            except TypeError:
                arr = _asarray(a, device=self._dev(device))
            else:
                if n < 0:
                    raise ValueError("a must be a positive integer unless no samples are taken")
        if arr is not None and arr.ndim == 0:
            raise ValueError("a must be an int or an array of at least one dimension")
        where = arr.device if arr is not None else self._dev(device)
        weights = None
        if p is not None:
            weights = p if isinstance(p, ndarray) else _asarray(p, dtype="float64", device=where)
        if arr is None:
            return self._philox.choice(n, shape, bool(replace), weights, where)
        return self._philox.choice_from(arr, shape, bool(replace), weights, operator.index(axis))

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


def _count(n: Any, name: str) -> int:
    # An int, or a float with an integral value (NumPy accepts both for counts).
    try:
        return operator.index(n)
    except TypeError:
        if isinstance(n, float) and n.is_integer():
            return int(n)
        raise TypeError(f"{name} must be an integer, not {type(n).__name__}") from None


POISSON_LAM_MAX: float = 9.223372006484771e18
"""The largest ``lam`` :meth:`Generator.poisson` accepts (NumPy's bound)."""


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
