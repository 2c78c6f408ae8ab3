"""The pure-Python parts of the devarray Array API namespace.

Everything here is argument handling and composition of the native functions in
``devarray._devarray``: the elementwise functions by name, ``asarray`` (the explicit
host-to-device path), dtype queries (``finfo``, ``iinfo``, ``isdtype``), a few views
(``moveaxis``, ``matrix_transpose``, ``unstack``, ``meshgrid``), NEP 30's ``duckarray``, the
transfer guard and ``__array_namespace_info__``.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any, Callable, NamedTuple

from . import _devarray as _core
from ._devarray import Device, DType, ndarray

# ----- elementwise functions ----------------------------------------------------------------

UNARY_FUNCTIONS: dict[str, str] = {
    "abs": "Absolute value, elementwise.",
    "acos": "Inverse cosine, elementwise (float result).",
    "acosh": "Inverse hyperbolic cosine, elementwise (float result).",
    "asin": "Inverse sine, elementwise (float result).",
    "asinh": "Inverse hyperbolic sine, elementwise (float result).",
    "atan": "Inverse tangent, elementwise (float result).",
    "atanh": "Inverse hyperbolic tangent, elementwise (float result).",
    "bitwise_invert": "Bitwise NOT (logical NOT for bool), elementwise.",
    "ceil": "Smallest integer >= x, elementwise (integers unchanged).",
    "cos": "Cosine, elementwise (float result).",
    "cosh": "Hyperbolic cosine, elementwise (float result).",
    "exp": "e**x, elementwise (float result).",
    "expm1": "e**x - 1, accurate near 0, elementwise (float result).",
    "floor": "Largest integer <= x, elementwise (integers unchanged).",
    "isfinite": "Whether x is neither infinite nor NaN (bool result).",
    "isinf": "Whether x is +inf or -inf (bool result).",
    "isnan": "Whether x is NaN (bool result).",
    "log": "Natural logarithm, elementwise (float result).",
    "log1p": "log(1 + x), accurate near 0, elementwise (float result).",
    "log2": "Base-2 logarithm, elementwise (float result).",
    "log10": "Base-10 logarithm, elementwise (float result).",
    "logical_not": "Whether x is zero (bool result).",
    "negative": "-x, elementwise (integers wrap).",
    "positive": "+x (a copy).",
    "reciprocal": "1 / x, elementwise (float result).",
    "round": "Nearest integer, ties to even, elementwise (integers unchanged).",
    "sign": "-1, 0 or 1 by the sign of x (NaN stays NaN).",
    "signbit": "Whether the sign bit is set (-0.0 included; bool result).",
    "sin": "Sine, elementwise (float result).",
    "sinh": "Hyperbolic sine, elementwise (float result).",
    "sqrt": "Square root, elementwise (float result).",
    "square": "x * x, elementwise (integers wrap).",
    "tan": "Tangent, elementwise (float result).",
    "tanh": "Hyperbolic tangent, elementwise (float result).",
    "trunc": "Integer part, rounding toward zero (integers unchanged).",
}

BINARY_FUNCTIONS: dict[str, str] = {
    "add": "x1 + x2, elementwise (integers wrap).",
    "atan2": "Angle of the point (x2, x1), elementwise (float result).",
    "bitwise_and": "Bitwise AND (integers and bool).",
    "bitwise_left_shift": "x1 << x2 (integers; shifts by the bit width or more give 0).",
    "bitwise_or": "Bitwise OR (integers and bool).",
    "bitwise_right_shift": "x1 >> x2, arithmetic for signed integers.",
    "bitwise_xor": "Bitwise XOR (integers and bool).",
    "copysign": "|x1| with the sign of x2 (float result).",
    "divide": "True division x1 / x2 (integers divide as float64).",
    "equal": "x1 == x2 (bool result).",
    "floor_divide": "Python's x1 // x2 (integer division by zero gives 0).",
    "greater": "x1 > x2 (bool result).",
    "greater_equal": "x1 >= x2 (bool result).",
    "hypot": "sqrt(x1**2 + x2**2) without undue overflow (float result).",
    "less": "x1 < x2 (bool result).",
    "less_equal": "x1 <= x2 (bool result).",
    "logaddexp": "log(exp(x1) + exp(x2)) without undue overflow (float result).",
    "logical_and": "Both non-zero (bool result).",
    "logical_or": "Either non-zero (bool result).",
    "logical_xor": "Exactly one non-zero (bool result).",
    "maximum": "The larger of x1 and x2; NaN propagates.",
    "minimum": "The smaller of x1 and x2; NaN propagates.",
    "multiply": "x1 * x2, elementwise (integers wrap).",
    "nextafter": (
        "The next representable value after x1 toward x2, in x1's float dtype (float16 and "
        "bfloat16 step in their own bits); NaN in either gives NaN (float result)."
    ),
    "not_equal": "x1 != x2 (bool result).",
    "pow": "x1 ** x2, elementwise.",
    "remainder": "Python's x1 % x2 (sign of x2; integer x % 0 gives 0).",
    "subtract": "x1 - x2, elementwise (integers wrap).",
}

_SCALARS_NOTE = (
    "\n\nInputs broadcast together; Python scalars take the array's dtype when their kind allows "
    "(NEP 50). The result is a new array on the inputs' device."
)


def _make_unary(name: str, doc: str) -> Callable[[ndarray], ndarray]:
    def func(x: ndarray, /) -> ndarray:
        return _core._unary(name, x)

    func.__name__ = func.__qualname__ = name
    func.__module__ = "devarray"
    func.__doc__ = doc + "\n\nReturns a new array on x's device."
    return func


def _make_binary(name: str, doc: str) -> Callable[[Any, Any], ndarray]:
    def func(x1: Any, x2: Any, /) -> ndarray:
        return _core._binary(name, x1, x2)

    func.__name__ = func.__qualname__ = name
    func.__module__ = "devarray"
    func.__doc__ = doc + _SCALARS_NOTE
    return func


ELEMENTWISE: dict[str, Callable[..., ndarray]] = {
    **{n: _make_unary(n, d) for n, d in UNARY_FUNCTIONS.items()},
    **{n: _make_binary(n, d) for n, d in BINARY_FUNCTIONS.items()},
}

# ----- dtypes ---------------------------------------------------------------------------------

_DTYPES: dict[str, DType] = {
    name: getattr(_core, name)
    for name in (
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
    )
}


def _as_dtype(dtype: Any) -> DType:
    """A devarray dtype from a devarray dtype, a name, a NumPy dtype or a Python type."""
    if isinstance(dtype, DType):
        return dtype
    if isinstance(dtype, ndarray):
        return dtype.dtype
    return _core.result_type(dtype)


def _numpy_dtype(dtype: DType) -> Any:
    import numpy as np

    if dtype.name == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(dtype.name)


class finfo:
    """Machine limits of a floating-point dtype (Array API ``finfo``).

    Attributes: ``bits``, ``eps``, ``max``, ``min``, ``smallest_normal``, ``dtype``.
    """

    _TABLE = {
        # bits, mantissa bits (explicit), max exponent, min normal exponent
        "float16": (16, 10, 15, -14),
        "bfloat16": (16, 7, 127, -126),
        "float32": (32, 23, 127, -126),
        "float64": (64, 52, 1023, -1022),
    }

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: DType

    def __init__(self, type: Any, /) -> None:
        dtype = _as_dtype(type)
        # A complex dtype's limits are its component's (the Array API and NumPy agree).
        dtype = {"complex64": _DTYPES["float32"], "complex128": _DTYPES["float64"]}.get(dtype.name, dtype)
        if dtype.name not in self._TABLE:
            raise ValueError(f"finfo needs a floating-point dtype, not {dtype}")
        bits, mant, emax, emin = self._TABLE[dtype.name]
        self.bits = bits
        self.eps = 2.0**-mant
        self.max = (2.0 - 2.0**-mant) * 2.0**emax
        self.min = -self.max
        self.smallest_normal = 2.0**emin
        self.dtype = dtype

    def __repr__(self) -> str:
        return (
            f"finfo(bits={self.bits}, eps={self.eps!r}, max={self.max!r}, min={self.min!r}, "
            f"smallest_normal={self.smallest_normal!r}, dtype={self.dtype!r})"
        )


class iinfo:
    """Limits of an integer dtype (Array API ``iinfo``): ``bits``, ``max``, ``min``, ``dtype``."""

    bits: int
    max: int
    min: int
    dtype: DType

    def __init__(self, type: Any, /) -> None:
        dtype = _as_dtype(type)
        if dtype.kind not in ("i", "u"):
            raise ValueError(f"iinfo needs an integer dtype, not {dtype}")
        self.bits = dtype.itemsize * 8
        if dtype.kind == "i":
            self.min, self.max = -(2 ** (self.bits - 1)), 2 ** (self.bits - 1) - 1
        else:
            self.min, self.max = 0, 2**self.bits - 1
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"iinfo(bits={self.bits}, max={self.max}, min={self.min}, dtype={self.dtype!r})"


# The Array API's kind names, as the NumPy kind codes of DType.kind they cover.
_KINDS = {
    "bool": ("b",),
    "signed integer": ("i",),
    "unsigned integer": ("u",),
    "integral": ("i", "u"),
    "real floating": ("f",),
    "complex floating": ("c",),
    "numeric": ("i", "u", "f", "c"),
}


def isdtype(dtype: DType, kind: DType | str | tuple[DType | str, ...]) -> builtins.bool:
    """Whether ``dtype`` is of ``kind``: a dtype, one of the Array API kind names (``"bool"``,
    ``"signed integer"``, ``"unsigned integer"``, ``"integral"``, ``"real floating"``,
    ``"complex floating"``, ``"numeric"``), or a tuple of these."""
    if not isinstance(dtype, DType):
        raise TypeError(f"isdtype: expected a devarray dtype, not {type(dtype).__name__}")
    if isinstance(kind, tuple):
        return builtins.any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, DType):
        return dtype == kind
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"isdtype: unknown kind {kind!r}; expected one of {sorted(_KINDS)}")
        return dtype.kind in _KINDS[kind]
    raise TypeError(f"isdtype: kind must be a dtype, a kind name or a tuple, not {type(kind).__name__}")


# ----- creation and host transfers -----------------------------------------------------------


def _is_numpy_array(obj: Any) -> builtins.bool:
    np = __import__("sys").modules.get("numpy")
    return np is not None and isinstance(obj, (np.ndarray, np.generic))


def asarray(
    obj: Any,
    /,
    *,
    dtype: Any = None,
    device: Device | str | None = None,
    copy: builtins.bool | None = None,
) -> ndarray:
    """Converts ``obj`` to a devarray array: the explicit host-to-device path.

    ``obj`` is a devarray array, a Python scalar, a (nested) sequence of them, a NumPy array, or
    another library's array (PyTorch, JAX, CuPy, any DLPack producer). ``dtype`` defaults to
    the input's dtype (for Python data: bool, int64 or float64). ``device`` defaults to the
    input's device for devarray arrays and for other libraries' GPU arrays, and to the default
    device for host data (NumPy arrays, Python data, other libraries' CPU arrays alike).

    Memory is decided by ``copy`` (NumPy's ``asarray`` semantics), the same way for every kind
    of input that is not a devarray array:

    - ``copy=None`` (default) and ``copy=True``: the result is a new, writable array that owns
      its memory; it never aliases ``obj``. NumPy arrays, JAX and PyTorch arrays, CuPy arrays
      and other DLPack producers are all copied, even when they are already on ``device``, so
      writing to the result can never change ``obj`` (a JAX array, for example, is immutable).
    - ``copy=False``: never copies. The result shares ``obj``'s memory through DLPack, exactly
      as ``devarray.from_dlpack(obj, device=device, copy=False)`` does, or ``ValueError`` is
      raised (Python data, another device, another dtype).

    For a devarray array, ``copy=None`` returns ``obj`` itself when neither ``dtype`` nor
    ``device`` changes, ``copy=True`` always copies and ``copy=False`` raises ``ValueError``
    when a copy would be needed.

    Zero-copy import is ``devarray.from_dlpack``. Note that JAX exports legacy DLPack capsules,
    which carry no read-only flag: ``from_dlpack(jax_array)`` (or ``asarray(jax_array,
    copy=False)``) gives a *writable* alias of an immutable JAX buffer. Do not write to it.
    """
    want = None if dtype is None else _as_dtype(dtype)
    target = None if device is None else (device if isinstance(device, Device) else Device(device))
    if isinstance(obj, ndarray):
        out = obj
        if target is not None and target != out.device:
            if copy is False:
                raise ValueError(f"asarray: moving the array from {out.device} to {target} needs a copy, but copy=False")
            out = out.to_device(target)
        if want is not None and want != out.dtype:
            if copy is False:
                raise ValueError(f"asarray: converting {out.dtype} to {want} needs a copy, but copy=False")
            out = out.astype(want)
        elif copy and out is obj:
            out = obj.copy()
        return out
    if copy is False:
        try:
            out = _core.from_dlpack(obj, device=target, copy=False)
        except (AttributeError, BufferError, TypeError) as e:
            raise ValueError(f"asarray(copy=False): {type(obj).__name__} cannot be shared without a copy ({e})") from e
        if want is not None and want != out.dtype:
            raise ValueError(f"asarray: converting {out.dtype} to {want} needs a copy, but copy=False")
        return out
    if hasattr(obj, "__dlpack__") and not _is_numpy_array(obj):
        # Another library's array: imported through DLPack, then always a copy of our own
        # (a dtype conversion is that copy).
        if target is None and obj.__dlpack_device__()[0] in (1, 3):
            target = _core._default_device()  # host memory (kDLCPU, kDLCUDAHost): as NumPy's
        if want is None:
            return _core.from_dlpack(obj, device=target, copy=True)
        out = _core.from_dlpack(obj, device=target)
        return out.astype(want) if want != out.dtype else out.copy()
    if isinstance(obj, (list, tuple)) and _holds_device_array(obj):
        out = _stack_nested(obj, target if target is not None else _first_device(obj))
        return out if want is None else out.astype(want, copy=False)
    import numpy as np

    host = np.asarray(obj, dtype=None if want is None else _numpy_dtype(want))
    return _core._from_host(host, target)


def _holds_device_array(obj: Any) -> builtins.bool:
    """Whether a (nested) list or tuple holds a devarray array somewhere."""
    if isinstance(obj, ndarray):
        return True
    return isinstance(obj, (list, tuple)) and builtins.any(_holds_device_array(e) for e in obj)


def _first_device(obj: Any) -> Device:
    """The device of the first devarray array in a (nested) list or tuple."""
    for e in obj:
        if isinstance(e, ndarray):
            return e.device
        if isinstance(e, (list, tuple)) and _holds_device_array(e):
            return _first_device(e)
    raise AssertionError("no devarray array in the sequence")


def _stack_nested(obj: Any, device: Device) -> ndarray:
    """A (nested) list of devarray arrays and scalars built on ``device``: each level stacked
    on the device (the arrays never visit the host; ragged levels raise ``ValueError``)."""
    if isinstance(obj, ndarray):
        return obj if obj.device == device else obj.to_device(device)
    if isinstance(obj, (list, tuple)):
        if not obj:
            raise ValueError("asarray: an empty sequence next to devarray arrays has no shape to stack with")
        return _core.stack([_stack_nested(e, device) for e in obj], axis=0)
    return asarray(obj, device=device)


def asnumpy(x: Any, /) -> Any:
    """A NumPy array with a copy of ``x``'s elements: the explicit device-to-host transfer
    (``x.get()`` for devarray arrays; ``numpy.asarray(x)`` for anything else)."""
    if isinstance(x, ndarray):
        return x.get()
    import numpy as np

    return np.asarray(x)


def duckarray(x: Any, /) -> Any:
    """NEP 30: ``x`` itself when it is a duck array (it has ``__duckarray__`` or
    ``__array_namespace__``), else an explicit conversion to a devarray array with
    ``asarray``."""
    if hasattr(x, "__duckarray__"):
        return x.__duckarray__()
    if hasattr(x, "__array_namespace__"):
        return x
    return asarray(x)


def meshgrid(*arrays: ndarray, indexing: str = "xy") -> list[ndarray]:
    """Coordinate grids from 1-D arrays (``indexing="xy"``: Cartesian, ``"ij"``: matrix). The
    results are new arrays."""
    if indexing not in ("xy", "ij"):
        raise ValueError("meshgrid: indexing must be 'xy' or 'ij'")
    shape = [a.size for a in arrays]
    if indexing == "xy" and len(arrays) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, a in enumerate(arrays):
        if a.ndim != 1:
            raise ValueError("meshgrid: every input must be 1-D")
        axis = i
        if indexing == "xy" and len(arrays) >= 2 and i < 2:
            axis = 1 - i
        view = [1] * len(arrays)
        view[axis] = a.size
        out.append(_core.broadcast_to(_core.reshape(a, tuple(view)), tuple(shape)).copy())
    return out


def take(x: ndarray, indices: ndarray, /, *, axis: int | None = None) -> ndarray:
    """Elements of ``x`` at integer ``indices`` along ``axis`` (``x`` must be 1-D when ``axis``
    is ``None``): the core's ``take``, one gather on ``x``'s device; the indices are read to the
    host for their bounds. Indices that are not a devarray array index as in ``x[..., indices]``."""
    if axis is None:
        if x.ndim != 1:
            raise ValueError("take: axis=None needs a 1-D array")
        axis = 0
    axis = _normalize_axis(axis, x.ndim)
    if not isinstance(indices, ndarray):
        return x[(slice(None),) * axis + (indices,)]
    return _core._take(x, indices, axis)


def take_along_axis(x: ndarray, indices: ndarray, /, *, axis: int = -1) -> ndarray:
    """Elements of ``x`` at ``indices`` along ``axis``, position by position (the core's
    ``take_along_axis``): ``indices`` has ``x``'s number of dimensions and broadcasts with it on
    the other axes. The indices are read to the host for their bounds."""
    if not isinstance(indices, ndarray):
        raise TypeError(f"take_along_axis: indices must be a devarray array, not {type(indices).__name__}")
    return _core._take_along_axis(x, indices, operator.index(axis))


def put(a: ndarray, ind: Any, v: Any, /) -> None:
    """Writes ``v`` at the flat (C-order) positions ``ind`` of ``a``, in place, like NumPy's
    ``put`` with ``mode="raise"``: out-of-bounds positions raise ``IndexError``. ``v`` must
    broadcast to ``ind``'s shape (NumPy would also repeat a shorter ``v`` cyclically).
    ``ind`` and ``v`` may be host values; they are copied to ``a``'s device first. Where
    ``ind`` repeats a position, the CPU writes the last value (as NumPy); a GPU writes one of
    them, unspecified which (as CuPy and PyTorch)."""
    if not isinstance(ind, ndarray):
        ind = asarray(ind, device=a.device)
    if not isinstance(v, ndarray) or v.dtype != a.dtype:
        v = asarray(v, dtype=a.dtype, device=a.device)
    _core._put(a, ind, v)


def _real_numeric_copy(name: str, x: ndarray) -> ndarray:
    if not isinstance(x, ndarray):
        raise TypeError(f"{name}: expected a devarray.ndarray, got {type(x).__name__}")
    if x.dtype == _core.bool:
        raise TypeError(f"{name}: needs a numeric dtype, got bool")
    return asarray(x, copy=True)


def conj(x: ndarray, /) -> ndarray:
    """The complex conjugate of each element (a new array): the imaginary part negated for
    complex64/complex128, a copy for the real numeric dtypes (as the Array API 2024.12 allows).

    >>> import devarray as dv
    >>> dv.conj(dv.asarray([1 + 2j, -3j])).get().tolist()
    [(1-2j), 3j]
    >>> dv.conj(dv.asarray([1.5, -2.0])).get().tolist()
    [1.5, -2.0]
    """
    if isinstance(x, ndarray) and x.dtype.kind == "c":
        return _core._unary("conj", x)
    return _real_numeric_copy("conj", x)


def real(x: ndarray, /) -> ndarray:
    """The real part of each element: for complex64/complex128 a view of the real components
    (float32/float64, sharing memory as NumPy's ``np.real`` does), for the real numeric dtypes
    a copy of ``x``.

    >>> import devarray as dv
    >>> dv.real(dv.asarray([1 + 2j, -3j])).get().tolist()
    [1.0, -0.0]
    >>> dv.real(dv.asarray([3, 4])).get().tolist()
    [3, 4]
    """
    if isinstance(x, ndarray) and x.dtype.kind == "c":
        return x.real
    return _real_numeric_copy("real", x)


def imag(x: ndarray, /) -> ndarray:
    """The imaginary part of each element: for complex64/complex128 a view of the imaginary
    components (float32/float64, sharing memory as NumPy's ``np.imag`` does), for the real
    numeric dtypes zeros of ``x``'s dtype.

    >>> import devarray as dv
    >>> dv.imag(dv.asarray([1 + 2j, -3j])).get().tolist()
    [2.0, -3.0]
    """
    if isinstance(x, ndarray) and x.dtype.kind == "c":
        return x.imag
    _real_numeric_copy("imag", x)  # the same argument checks
    return _core.zeros_like(x)


def angle(z: ndarray, /, deg: builtins.bool = False) -> ndarray:
    """The argument (phase) of each element, ``atan2(imag, real)``, in radians in
    ``[-pi, pi]`` (degrees with ``deg=True``); NumPy's ``np.angle``, beyond the standard. Real
    inputs have angle 0 or pi (float result).

    >>> import devarray as dv
    >>> dv.angle(dv.asarray([1j, -1.0 + 0j])).get().tolist() == [1.5707963267948966, 3.141592653589793]
    True
    """
    if not isinstance(z, ndarray):
        raise TypeError(f"angle: expected a devarray.ndarray, got {type(z).__name__}")
    if z.dtype.kind == "c":
        out = _core._binary("atan2", z.imag, z.real)
    else:
        zf = z if z.dtype.kind == "f" else z.astype(_DTYPES["float64"])
        out = _core._binary("atan2", _core.zeros_like(zf), zf)
    return out * (180.0 / 3.141592653589793) if deg else out


def searchsorted(x1: ndarray, x2: Any, /, *, side: str = "left", sorter: ndarray | None = None) -> ndarray:
    """Indices (int64) where inserting the elements of ``x2`` into the sorted 1-D ``x1`` keeps
    it sorted (Array API / NumPy ``searchsorted``): ``side="left"`` before equal elements,
    ``"right"`` after them; ``sorter`` holds indices that sort ``x1``. Compared in the promoted
    dtype, in the sort's order (NaNs last, ``-0.0 == +0.0``); one binary search per element on
    the device. ``x2`` may be a host value (copied to ``x1``'s device first); ``sorter`` is gathered
    through on the device (one bounds flag is read back)."""
    if not isinstance(x2, ndarray):
        x2 = asarray(x2, device=x1.device)
    return _core._searchsorted(x1, x2, side, sorter)


class UniqueAllResult(NamedTuple):
    """``unique_all``'s result."""

    values: ndarray
    indices: ndarray
    inverse_indices: ndarray
    counts: ndarray


class UniqueCountsResult(NamedTuple):
    """``unique_counts``'s result."""

    values: ndarray
    counts: ndarray


class UniqueInverseResult(NamedTuple):
    """``unique_inverse``'s result."""

    values: ndarray
    inverse_indices: ndarray


def unique_all(x: ndarray, /) -> UniqueAllResult:
    """The unique values of ``x`` (flattened, ascending, NaNs last and each NaN distinct), the
    index of each value's first occurrence, the inverse indices (``x``'s shape) and the counts.
    Runs on the device; the number of unique values is read to the host (a synchronisation;
    an output size, which the transfer guard allows at every level, as for ``nonzero``)."""
    return UniqueAllResult(*_core._unique(x, False, True))


def unique_counts(x: ndarray, /) -> UniqueCountsResult:
    """The unique values of ``x`` and how often each occurs (see ``unique_all``)."""
    values, counts = _core._unique_counts(x)
    return UniqueCountsResult(values, counts)


def unique_inverse(x: ndarray, /) -> UniqueInverseResult:
    """The unique values of ``x`` and, for every element, the index of its value (see
    ``unique_all``)."""
    values, _, inverse, _ = _core._unique(x, False, True)
    return UniqueInverseResult(values, inverse)


def unique_values(x: ndarray, /) -> ndarray:
    """The unique values of ``x``, ascending, NaNs last and each NaN distinct (see
    ``unique_all``)."""
    return _core._unique_counts(x)[0]


def split(x: ndarray, indices_or_sections: Any, /, axis: int = 0) -> list[ndarray]:
    """Views of ``x`` split along ``axis`` (NumPy's ``split``): an int gives that many equal
    pieces (``ValueError`` when the length does not divide), a sequence gives the split
    points, which may be negative or past the end as slice bounds may."""
    axis = _normalize_axis(axis, x.ndim)
    length = x.shape[axis]
    if isinstance(indices_or_sections, ndarray):
        raise TypeError("split: pass the split points as a host sequence, not a device array")
    try:
        sections = operator.index(indices_or_sections)
    except TypeError:
        return _split_at(x, [operator.index(i) for i in indices_or_sections], axis)
    if sections <= 0 or length % sections:
        raise ValueError(f"split: array split does not result in an equal division: {length} into {sections}")
    return _split_at(x, [k * (length // sections) for k in range(1, sections)], axis)


def array_split(x: ndarray, indices_or_sections: Any, /, axis: int = 0) -> list[ndarray]:
    """As ``split``, but an int ``n`` need not divide the length: the first ``length % n``
    pieces get one element more (NumPy's ``array_split``)."""
    axis = _normalize_axis(axis, x.ndim)
    try:
        sections = operator.index(indices_or_sections)
    except TypeError:
        return split(x, indices_or_sections, axis)
    if sections <= 0:
        raise ValueError("array_split: number of sections must be larger than 0")
    base, extra = divmod(x.shape[axis], sections)
    sizes = [base + 1] * extra + [base] * (sections - extra)
    return _split_at(x, [sum(sizes[:k]) for k in range(1, sections)], axis)


def _split_at(x: ndarray, points: list[int], axis: int) -> list[ndarray]:
    """The core's ``split`` after resolving negative split points as slice bounds."""
    length = x.shape[axis]
    return _core._split(x, [builtins.max(p + length, 0) if p < 0 else p for p in points], axis)


def _rebuild(values: Any, device: str) -> ndarray:
    """Unpickles an array (see ``ndarray.__reduce__``): the host values copied to ``device``."""
    return asarray(values, device=Device(device), copy=True)


def _normalize_axis(axis: int, ndim: int) -> int:
    axis = operator.index(axis)  # a 0-d device int is read here (the transfer guard checks it)
    if not -ndim <= axis < ndim:
        import numpy as np

        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim


def _int_or_ints(value: Any) -> list[int]:
    """An int (anything with ``__index__``) or a sequence of them, as a list. Only a
    ``TypeError`` from ``__index__`` means "not an int": the transfer guard's error for a 0-d
    device int propagates."""
    try:
        return [operator.index(value)]
    except TypeError:
        return [operator.index(v) for v in value]


def moveaxis(x: ndarray, source: int | tuple[int, ...], destination: int | tuple[int, ...], /) -> ndarray:
    """``x`` with the axes ``source`` moved to positions ``destination`` (a view)."""
    src, dst = _int_or_ints(source), _int_or_ints(destination)
    if len(src) != len(dst):
        raise ValueError("moveaxis: source and destination must have the same number of axes")
    src = [_normalize_axis(a, x.ndim) for a in src]
    dst = [_normalize_axis(a, x.ndim) for a in dst]
    order = [a for a in range(x.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _core.permute_dims(x, tuple(order))


def matrix_transpose(x: ndarray, /) -> ndarray:
    """The last two axes swapped (a view); needs at least 2 dimensions."""
    return x.mT


def unstack(x: ndarray, /, *, axis: int = 0) -> tuple[ndarray, ...]:
    """The views of ``x`` along ``axis``, as a tuple (the core's ``unstack``)."""
    axis = _normalize_axis(axis, x.ndim)
    return tuple(_core._unstack(x, axis=axis))


def count_nonzero(x: ndarray, /, *, axis: int | tuple[int, ...] | None = None, keepdims: builtins.bool = False) -> ndarray:
    """Number of non-zero elements over ``axis`` (int64)."""
    return _core.sum(_core._binary("not_equal", x, 0), axis=axis, keepdims=keepdims)


# ----- the transfer guard ---------------------------------------------------------------------


class transfer_guard:
    """Guards implicit-looking device-to-host reads inside a ``with`` block:
    ``np.array(x)``, ``np.asarray(x, copy=True)``, ``bool/int/float/complex/operator.index(x)``,
    ``repr(x)``, ``str(x)``, ``x.tolist()`` and indexing with device index arrays.

    ``level`` is ``"allow"`` (reads go through), ``"log"`` (they go through and log a warning
    on the ``devarray`` logger) or ``"disallow"`` (they raise ``devarray.TransferGuardError``).
    The explicit copies ``x.get()``, ``devarray.asnumpy(x)``, ``x.item()``, ``x.to_device()``
    and DLPack are never guarded.

    The level is context-local (a ``contextvars.ContextVar``, as JAX's configuration is): it
    applies to the thread, or the asyncio task, that entered the block, until the block exits,
    and overrides the process-wide default of :func:`set_transfer_guard` there. Other threads
    and tasks keep their own level. Blocks nest, and each exit restores the level its entry
    replaced::

        devarray.set_transfer_guard("log")        # process-wide default, from now on
        with devarray.transfer_guard("disallow"):  # this thread or task, inside the block only
            ...

    Only the ``with`` statement sets a level: ``devarray.transfer_guard("disallow")`` on its own
    changes nothing (and warns).
    """

    def __init__(self, level: str) -> None:
        _core._check_transfer_guard_level(level)
        self.level = level
        self._tokens: list[Any] = []
        self._entered = False

    def __enter__(self) -> transfer_guard:
        self._entered = True
        self._tokens.append(_core._enter_transfer_guard(self.level))
        return self

    def __exit__(self, *exc_info: object) -> None:
        _core._reset_transfer_guard(self._tokens.pop())

    def __del__(self) -> None:
        if not getattr(self, "_entered", True):
            import warnings

            warnings.warn(
                f"devarray.transfer_guard({self.level!r}) was never used in a with statement, so it "
                "changed nothing; use devarray.set_transfer_guard(level) to set the process-wide "
                "default",
                RuntimeWarning,
                stacklevel=2,
            )

    def __repr__(self) -> str:
        return f"transfer_guard({self.level!r})"


def set_transfer_guard(level: str) -> str:
    """Sets the process-wide default transfer-guard level (``"allow"``, ``"log"`` or
    ``"disallow"``; see :class:`transfer_guard`) and returns the previous default. A
    ``with devarray.transfer_guard(...)`` block overrides it in its own thread or task."""
    return _core._set_transfer_guard(level)


def get_transfer_guard() -> str:
    """The transfer-guard level in force here: the innermost ``with transfer_guard(...)`` level
    of this thread or task, else the process-wide default."""
    return _core._get_transfer_guard()


# ----- inspection -----------------------------------------------------------------------------


class _Info:
    """Array API inspection namespace (``devarray.__array_namespace_info__()``)."""

    __module__ = "devarray"

    def capabilities(self) -> dict[str, Any]:
        """Optional features: boolean indexing is supported (``x[mask]`` on the device, other
        mask keys through the host); so are data-dependent output shapes (``nonzero`` and
        ``unique_*``: the output size is read to the host)."""
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": None}

    def default_device(self) -> Device:
        """The default device: the innermost ``with devarray.Device(...)`` block's, else
        ``DEVARRAY_DEVICE``, else CUDA device 0 when usable, else the CPU."""
        return _core._default_device()

    def default_dtypes(self, *, device: Device | None = None) -> dict[str, DType | None]:
        """Default dtypes (the same on every device)."""
        return {
            "real floating": _DTYPES["float64"],
            "complex floating": _DTYPES["complex128"],
            "integral": _DTYPES["int64"],
            "indexing": _DTYPES["int64"],
        }

    def dtypes(self, *, device: Device | None = None, kind: str | tuple[str, ...] | None = None) -> dict[str, DType]:
        """The standard's dtypes (the same on every device), optionally only those of ``kind``.
        ``float16`` and ``bfloat16`` are extensions: the standard lists only its own dtypes here,
        so they are not included (they are ``devarray.float16`` and ``devarray.bfloat16``)."""
        return {
            n: d
            for n, d in _DTYPES.items()
            if n not in ("float16", "bfloat16") and (kind is None or isdtype(d, kind))
        }

    def devices(self) -> list[Device]:
        """Every device on this machine: the CPU, then each CUDA device."""
        return _core.devices()


def __array_namespace_info__() -> _Info:
    """The Array API inspection namespace: capabilities, default device and dtypes, devices."""
    return _Info()


e = math.e
pi = math.pi
inf = math.inf
nan = math.nan
newaxis = None
