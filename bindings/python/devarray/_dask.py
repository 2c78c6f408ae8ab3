"""Dask integration: devarray arrays as the chunks of ``dask.array`` arrays.

Nothing here imports Dask. ``install()`` (called when devarray is imported) registers devarray
with whichever of ``dask.array``, ``dask.sizeof`` and ``distributed.protocol`` is already
imported, and arranges for the others to be registered right after their first import, so the
order of the user's imports does not matter and ``import devarray`` stays fast.

What is registered, as Dask does for CuPy (``dask/array/backends.py``):

- ``dask.array``: devarray's ``ndarray`` as a chunk type, and its implementations in the
  dispatch tables Dask consults before it calls NumPy: ``concatenate``, ``take``,
  ``tensordot``, ``einsum``, ``empty``, ``divide``, and the element counts of ``mean``, ``var``
  and ``std`` (``numel``/``nannumel``, which must be devarray arrays, not NumPy's). Dask's
  conversion to NumPy (``to_numpy_dispatch``) is the explicit copy ``x.get()``.
- ``dask.sizeof``: a chunk's size is its ``nbytes``, so distributed's memory accounting and
  spilling see device arrays at their true size.
- ``distributed.protocol``: ``dask_serialize``/``dask_deserialize`` send a chunk as one frame of
  raw bytes with its shape and dtype in the header: an explicit device-to-host copy (the
  transfer guard checks it as "pickle") and, on the receiving worker, a copy to that process's
  default device (``DEVARRAY_DEVICE``), the device the worker owns.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from typing import Any, Callable

_lock = threading.Lock()
_done: set[str] = set()


def _register_array(module: Any) -> None:
    """Registers the chunk type and the dispatch implementations with ``dask.array``."""
    from dask.array import chunk_types, dispatch

    import devarray as dv

    chunk_types.register_chunk_type(dv.ndarray)
    t = dv.ndarray
    dispatch.concatenate_lookup.register(t, _concatenate)
    dispatch.take_lookup.register(t, _take)
    dispatch.tensordot_lookup.register(t, _tensordot)
    dispatch.einsum_lookup.register(t, _einsum)
    dispatch.empty_lookup.register(t, _empty)
    dispatch.divide_lookup.register(t, _divide)
    dispatch.numel_lookup.register(t, _numel)
    dispatch.nannumel_lookup.register(t, _nannumel)
    dispatch.to_numpy_dispatch.register(t, _to_numpy)


def _concatenate(arrays: Any, axis: int = 0, **kwargs: Any) -> Any:
    import devarray as dv

    return dv.concat(list(arrays), axis=axis)


def _take(a: Any, indices: Any, axis: int = 0, **kwargs: Any) -> Any:
    import devarray as dv

    return dv.take(a, indices if isinstance(indices, dv.ndarray) else dv.asarray(indices, device=a.device), axis=axis)


def _tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    import devarray as dv

    return dv.tensordot(a, b, axes=axes)


def _einsum(*args: Any, **kwargs: Any) -> Any:
    import devarray as dv

    for numpy_only in ("casting", "order", "optimize", "dtype"):
        kwargs.pop(numpy_only, None)
    return dv.einsum(*args, **kwargs)


def _empty(shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
    import devarray as dv

    return dv.empty(shape, dtype=dtype)


def _divide(x1: Any, x2: Any, out: Any = None, dtype: Any = None) -> Any:
    import devarray as dv

    result = dv.divide(x1, x2)
    return result if dtype is None else dv.astype(result, dtype)


def _numel(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None, **kwargs: Any) -> Any:
    """The number of elements reduced along ``axis``, as a devarray array shaped like the
    reduction's result (Dask's ``numel`` for chunk types that keep their own type)."""
    import math

    import devarray as dv

    dtype = "float64" if dtype is None else dtype
    axes = _axes(axis, x.ndim)
    count = math.prod(x.shape[a] for a in axes)
    if keepdims:
        shape = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
    else:
        shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
    return dv.full(shape, count, dtype=dtype, device=x.device)


def _nannumel(x: Any, axis: Any = None, keepdims: bool = False, dtype: Any = None, **kwargs: Any) -> Any:
    """The number of non-NaN elements along ``axis``, counted on the device."""
    import devarray as dv

    dtype = "float64" if dtype is None else dtype
    present = dv.logical_not(dv.isnan(x)) if dv.isdtype(x.dtype, "real floating") else dv.ones_like(x, dtype=dv.bool)
    return dv.sum(present, axis=axis, keepdims=keepdims, dtype=dtype)


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    return tuple(a % ndim if ndim else a for a in axis)


def _to_numpy(x: Any, **kwargs: Any) -> Any:
    return x.get()


def _register_sizeof(module: Any) -> None:
    import devarray as dv

    @module.sizeof.register(dv.ndarray)
    def _sizeof(x: Any) -> int:
        return int(x.nbytes)


def _register_serializers(module: Any) -> None:
    import devarray as dv

    module.dask_serialize.register(dv.ndarray)(serialize)
    module.dask_deserialize.register(dv.ndarray)(deserialize)


def serialize(x: Any) -> tuple[dict[str, Any], list[Any]]:
    """A devarray array as distributed's ``(header, frames)``: one frame with the C-order bytes
    of an explicit device-to-host copy (guarded as "pickle", as ``pickle.dumps(x)`` is)."""
    _, (values, _) = x.__reduce__()  # the transfer guard's "pickle" check, then x.get()
    import numpy as np

    values = np.ascontiguousarray(values)
    header = {"shape": tuple(values.shape), "dtype": str(x.dtype)}
    return header, [values.reshape(-1).view(np.uint8).data]


def deserialize(header: dict[str, Any], frames: list[Any]) -> Any:
    """The inverse of :func:`serialize`: the bytes copied to this process's default device."""
    import numpy as np

    import devarray as dv

    np_dtype = getattr(dv, header["dtype"]).dtype
    (frame,) = frames
    values = np.frombuffer(frame, dtype=np_dtype).reshape(header["shape"])
    return dv.asarray(values, copy=True)


# module name -> what registers devarray there once it is imported
_HOOKS: dict[str, Callable[[Any], None]] = {
    "dask.array": _register_array,
    "dask.sizeof": _register_sizeof,
    "distributed.protocol": _register_serializers,
}


def _run(name: str, module: Any) -> None:
    with _lock:
        if name in _done:
            return
        _done.add(name)
    _HOOKS[name](module)


class _AfterImport(importlib.abc.Loader):
    """Runs the wrapped loader, then devarray's registration for that module."""

    def __init__(self, loader: Any, name: str) -> None:
        self._loader = loader
        self._name = name

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        self._loader.exec_module(module)
        _run(self._name, module)

    def __getattr__(self, attr: str) -> Any:  # resource readers and the like
        return getattr(self._loader, attr)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself; for the modules in ``_HOOKS`` it wraps the real loader."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in _HOOKS or fullname in _done:
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return None
        spec.loader = _AfterImport(spec.loader, fullname)
        return spec


def install() -> None:
    """Registers devarray with the Dask modules already imported, and hooks the others."""
    for name in _HOOKS:
        module = sys.modules.get(name)
        if module is not None:
            _run(name, module)
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
