"""devarray: GPU-first n-dimensional arrays.

Arrays (``devarray.ndarray``) live on a device: a CUDA GPU, or the CPU backend when no GPU
exists. Ops run where the data is, and elements reach the host only through an explicit copy:

====================  ==========================================================
host -> device        ``devarray.asarray(obj, device=...)``, ``from_dlpack(obj)``
device -> host        ``x.get()``, ``devarray.asnumpy(x)``, ``np.asarray(x, copy=True)``
one element           ``x.item()`` (also ``float(x)``, ``int(x)``, ``bool(x)``)
device -> device      ``x.to_device(device)``
====================  ==========================================================

``np.asarray(x)`` (no ``copy=True``) raises ``TypeError`` on every device, the CPU device
included, so code tested on a CPU-only machine behaves the same on a GPU.
``devarray.transfer_guard("disallow")`` makes the implicit-looking reads (``np.array(x)``,
``float(x)``, ``repr(x)``, ...) raise as well.

The module is an Array API namespace (``x.__array_namespace__()`` returns it); NumPy ufuncs and
many NumPy functions applied to devarray arrays run on the device (``__array_ufunc__``,
``__array_function__``); DLPack and the CUDA Array Interface exchange memory with other
libraries without copies.
"""

from __future__ import annotations

from . import _devarray, linalg
from ._array_api import (
    ELEMENTWISE as _ELEMENTWISE,
    __array_namespace_info__,
    _rebuild,
    asarray,
    asnumpy,
    count_nonzero,
    duckarray,
    e,
    finfo,
    get_transfer_guard,
    iinfo,
    inf,
    isdtype,
    matrix_transpose,
    meshgrid,
    moveaxis,
    nan,
    newaxis,
    pi,
    set_transfer_guard,
    take,
    take_along_axis,
    put,
    split,
    array_split,
    transfer_guard,
    unstack,
)
from ._devarray import (
    Device,
    DType,
    TransferGuardError,
    __version__,
    all,
    any,
    arange,
    argmax,
    argmin,
    astype,
    bfloat16,
    bool,
    broadcast_arrays,
    broadcast_to,
    can_cast,
    clip,
    concat,
    devices,
    devices_report,
    empty,
    einsum,
    empty_like,
    expand_dims,
    eye,
    flip,
    float16,
    float32,
    float64,
    from_dlpack,
    full,
    full_like,
    int8,
    int16,
    int32,
    int64,
    linspace,
    matmul,
    max,
    mean,
    min,
    ndarray,
    ones,
    ones_like,
    permute_dims,
    prod,
    reshape,
    result_type,
    squeeze,
    stack,
    std,
    sum,
    uint8,
    uint16,
    uint32,
    uint64,
    var,
    vecdot,
    where,
    zeros,
    zeros_like,
)
from ._dlpack import DLDeviceType
from ._printing import get_printoptions, printoptions, set_printoptions
from ._nanfunctions import nanargmax, nanargmin, nanmax, nanmean, nanmin, nanprod, nanstd, nansum, nanvar
from .linalg import tensordot

__array_api_version__ = "2024.12"

# The elementwise functions (abs, add, sin, ...), generated from their Array API names.
globals().update(_ELEMENTWISE)

__all__ = sorted(
    [
        "nanargmax",
        "nanargmin",
        "nanmax",
        "nanmean",
        "nanmin",
        "nanprod",
        "nanstd",
        "nansum",
        "nanvar",
        "Device",
        "DLDeviceType",
        "DType",
        "TransferGuardError",
        "__array_api_version__",
        "__array_namespace_info__",
        "all",
        "any",
        "arange",
        "argmax",
        "argmin",
        "asarray",
        "asnumpy",
        "astype",
        "bfloat16",
        "bool",
        "broadcast_arrays",
        "broadcast_to",
        "can_cast",
        "clip",
        "concat",
        "count_nonzero",
        "devices",
        "devices_report",
        "duckarray",
        "e",
        "empty",
        "empty_like",
        "expand_dims",
        "eye",
        "finfo",
        "flip",
        "float16",
        "float32",
        "float64",
        "from_dlpack",
        "full",
        "full_like",
        "get_printoptions",
        "get_transfer_guard",
        "iinfo",
        "inf",
        "int8",
        "int16",
        "int32",
        "int64",
        "isdtype",
        "linspace",
        "matrix_transpose",
        "max",
        "mean",
        "meshgrid",
        "min",
        "moveaxis",
        "nan",
        "ndarray",
        "newaxis",
        "ones",
        "ones_like",
        "permute_dims",
        "pi",
        "prod",
        "reshape",
        "result_type",
        "printoptions",
        "set_printoptions",
        "set_transfer_guard",
        "squeeze",
        "stack",
        "std",
        "sum",
        "take",
        "take_along_axis",
        "matmul",
        "einsum",
        "tensordot",
        "vecdot",
        "linalg",
        "put",
        "split",
        "array_split",
        "transfer_guard",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "unstack",
        "var",
        "where",
        "zeros",
        "zeros_like",
        *_ELEMENTWISE,
    ]
)

# Dask: registers devarray's chunk type, dispatch functions and serializers with Dask's modules
# once they are imported (devarray/_dask.py); imports nothing now.
from . import _dask as _dask_integration

_dask_integration.install()
