"""DLPack from pure Python, with ctypes: the C structs, capsule inspection, and a minimal
producer whose deleter counts its calls. Used to test the capsule lifecycle of devarray as a
producer and as a consumer."""

from __future__ import annotations

import ctypes
from ctypes import POINTER, c_char_p, c_int, c_int32, c_int64, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p

import numpy as np

READ_ONLY = 1 << 0
IS_COPIED = 1 << 1


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", c_int32), ("device_id", c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", c_uint8), ("bits", c_uint8), ("lanes", c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [
        ("data", c_void_p),
        ("device", DLDevice),
        ("ndim", c_int32),
        ("dtype", DLDataType),
        ("shape", POINTER(c_int64)),
        ("strides", POINTER(c_int64)),
        ("byte_offset", c_uint64),
    ]


DELETER = ctypes.CFUNCTYPE(None, c_void_p)


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", c_void_p), ("deleter", DELETER)]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", c_uint32), ("minor", c_uint32)]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [
        ("version", DLPackVersion),
        ("manager_ctx", c_void_p),
        ("deleter", DELETER),
        ("flags", c_uint64),
        ("dl_tensor", DLTensor),
    ]


assert ctypes.sizeof(DLTensor) == 48
assert ctypes.sizeof(DLManagedTensor) == 64
assert ctypes.sizeof(DLManagedTensorVersioned) == 80

_api = ctypes.PyDLL(None)  # the running interpreter's C API, called with the GIL held
_api.PyCapsule_GetName.restype = c_char_p
_api.PyCapsule_GetName.argtypes = [ctypes.py_object]
_api.PyCapsule_GetPointer.restype = c_void_p
_api.PyCapsule_GetPointer.argtypes = [ctypes.py_object, c_char_p]
_api.PyCapsule_SetName.restype = c_int
_api.PyCapsule_SetName.argtypes = [ctypes.py_object, c_char_p]
DESTRUCTOR = ctypes.CFUNCTYPE(None, c_void_p)
_api.PyCapsule_New.restype = ctypes.py_object
_api.PyCapsule_New.argtypes = [c_void_p, c_char_p, DESTRUCTOR]
# For use inside a capsule destructor, which receives a raw PyObject*.
_raw_is_valid = ctypes.PYFUNCTYPE(c_int, c_void_p, c_char_p)(("PyCapsule_IsValid", _api))
_raw_get_pointer = ctypes.PYFUNCTYPE(c_void_p, c_void_p, c_char_p)(("PyCapsule_GetPointer", _api))

USED = {b"dltensor": b"used_dltensor", b"dltensor_versioned": b"used_dltensor_versioned"}


def capsule_name(capsule) -> str:
    return _api.PyCapsule_GetName(capsule).decode()


def managed(capsule):
    """The managed tensor struct of an unconsumed capsule (the capsule keeps ownership)."""
    name = _api.PyCapsule_GetName(capsule)
    ptr = _api.PyCapsule_GetPointer(capsule, name)
    cls = DLManagedTensorVersioned if name == b"dltensor_versioned" else DLManagedTensor
    return cls.from_address(ptr)


def describe(capsule) -> dict:
    """Metadata of an unconsumed capsule."""
    m = managed(capsule)
    t = m.dl_tensor
    info = {
        "device": (t.device.device_type, t.device.device_id),
        "ndim": t.ndim,
        "dtype": (t.dtype.code, t.dtype.bits, t.dtype.lanes),
        "shape": tuple(t.shape[i] for i in range(t.ndim)),
        "strides": None if not t.strides else tuple(t.strides[i] for i in range(t.ndim)),
        "byte_offset": t.byte_offset,
        "data": t.data or 0,
    }
    if isinstance(m, DLManagedTensorVersioned):
        info["version"] = (m.version.major, m.version.minor)
        info["flags"] = m.flags
    return info


def consume(capsule):
    """Acts as a consumer: renames the capsule and returns (struct, release) where release()
    calls the deleter once."""
    name = _api.PyCapsule_GetName(capsule)
    ptr = _api.PyCapsule_GetPointer(capsule, name)
    m = (DLManagedTensorVersioned if name == b"dltensor_versioned" else DLManagedTensor).from_address(ptr)
    assert _api.PyCapsule_SetName(capsule, USED[name]) == 0

    def release():
        if m.deleter:
            m.deleter(ptr)

    return m, release


class CapsuleHolder:
    """Wraps a capsule for consumers that want a producer object (np.from_dlpack)."""

    def __init__(self, capsule, device=(1, 0)):
        self.capsule = capsule
        self.device = device

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


_CODES = {"b": 6, "i": 0, "u": 1, "f": 2}


class CountingProducer:
    """A DLPack producer over a NumPy array's memory whose deleter counts its calls.

    ``versioned``: export DLManagedTensorVersioned (else legacy); ``readonly``: set the flag;
    ``null_strides``: leave strides NULL (compact row-major, as pre-1.2 producers may);
    ``device``: the (device_type, device_id) to report.
    """

    _keep: dict[int, tuple] = {}

    def __init__(self, array, *, versioned=True, readonly=False, null_strides=False, device=(1, 0)):
        self.array = np.ascontiguousarray(array) if null_strides else array
        self.versioned = versioned
        self.readonly = readonly
        self.null_strides = null_strides
        self.device = device
        self.deleted = 0
        self.calls: list = []
        self._deleter = DELETER(self._delete)
        self._destructor = DESTRUCTOR(self._destroy)

    def _delete(self, ptr):
        self.deleted += 1
        CountingProducer._keep.pop(ptr, None)

    def _destroy(self, capsule_ptr):
        name = b"dltensor_versioned" if self.versioned else b"dltensor"
        if _raw_is_valid(capsule_ptr, name):
            ptr = _raw_get_pointer(capsule_ptr, name)
            self._delete(ptr)

    def __dlpack_device__(self):
        self.calls.append(("__dlpack_device__",))
        return self.device

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        self.calls.append(("__dlpack__", dict(stream=stream, max_version=max_version, dl_device=dl_device, copy=copy)))
        a = self.array
        shape = (c_int64 * a.ndim)(*a.shape)
        strides = (c_int64 * a.ndim)(*(s // a.itemsize for s in a.strides))
        tensor = DLTensor(
            data=a.ctypes.data,
            device=DLDevice(*self.device),
            ndim=a.ndim,
            dtype=DLDataType(_CODES[a.dtype.kind], a.itemsize * 8, 1),
            shape=ctypes.cast(shape, POINTER(c_int64)),
            strides=None if self.null_strides else ctypes.cast(strides, POINTER(c_int64)),
            byte_offset=0,
        )
        if self.versioned:
            m = DLManagedTensorVersioned(
                version=DLPackVersion(1, 0),
                manager_ctx=None,
                deleter=self._deleter,
                flags=READ_ONLY if self.readonly else 0,
                dl_tensor=tensor,
            )
            name = b"dltensor_versioned"
        else:
            m = DLManagedTensor(dl_tensor=tensor, manager_ctx=None, deleter=self._deleter)
            name = b"dltensor"
        ptr = ctypes.addressof(m)
        CountingProducer._keep[ptr] = (m, shape, strides, a)
        return _api.PyCapsule_New(ptr, name, self._destructor)
