"""CUDA-only behaviour: the CUDA Array Interface, DLPack host copies and streams. Skipped (as
"no CUDA device") on machines without a GPU; every device-parametrized test in the other files
also runs on each CUDA device when there is one."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CUDA_DEVICES, requires_cuda
from dlpack_ctypes import IS_COPIED, READ_ONLY, describe

import devarray as dv


def test_no_cuda_array_interface_on_cpu_arrays():
    x = dv.arange(3, device="cpu")
    assert not hasattr(x, "__cuda_array_interface__")
    with pytest.raises(AttributeError, match="CUDA"):
        x.__cuda_array_interface__


@pytest.fixture(params=CUDA_DEVICES, ids=str)
def cuda(request):
    return request.param


@requires_cuda
def test_cuda_array_interface(cuda):
    x = dv.reshape(dv.arange(6, dtype=dv.float32, device=cuda), (2, 3))
    cai = x.__cuda_array_interface__
    assert cai["version"] == 3 and cai["shape"] == (2, 3) and cai["typestr"] == "<f4"
    assert cai["data"][0] != 0 and cai["data"][1] is False
    assert cai["strides"] is None
    assert cai["stream"] is None or (isinstance(cai["stream"], int) and cai["stream"] != 0)
    t = x.T.__cuda_array_interface__
    assert t["strides"] == (4, 12) and t["data"][0] == cai["data"][0]
    ro = dv.broadcast_to(dv.arange(3, device=cuda), (2, 3)).__cuda_array_interface__
    assert ro["data"][1] is True and ro["strides"] == (0, 8)
    assert not hasattr(dv.zeros(2, dtype=dv.bfloat16, device=cuda), "__cuda_array_interface__")


@requires_cuda
def test_dlpack_device_and_zero_copy_import(cuda):
    x = dv.arange(4.0, device=cuda)
    assert x.__dlpack_device__() == (dv.DLDeviceType.kDLCUDA, cuda.index)
    y = dv.from_dlpack(x)
    assert y.device == cuda
    y[0] = 5.0
    assert x[0].item() == 5.0


@requires_cuda
def test_dl_device_cpu_gives_a_host_copy(cuda):
    x = dv.arange(4.0, device=cuda)
    info = describe(x.__dlpack__(max_version=(1, 0), dl_device=(1, 0)))
    assert info["device"] == (1, 0) and info["flags"] & IS_COPIED
    np.testing.assert_array_equal(np.from_dlpack(x, device="cpu"), [0.0, 1.0, 2.0, 3.0])
    with pytest.raises(BufferError):
        x.__dlpack__(max_version=(1, 0), dl_device=(1, 0), copy=False)
    with pytest.raises(BufferError):
        x.__dlpack__(max_version=(1, 0), dl_device=(4, 0))
    ro = dv.broadcast_to(x, (2, 4)).__dlpack__(max_version=(1, 0))
    assert describe(ro)["flags"] & READ_ONLY


@requires_cuda
def test_stream_arguments(cuda):
    x = dv.arange(4.0, device=cuda)
    for stream in (None, -1, 1, 2):
        x.__dlpack__(stream=stream, max_version=(1, 0))
    for stream in (0, -2):
        with pytest.raises(ValueError, match="stream"):
            x.__dlpack__(stream=stream)


@requires_cuda
def test_from_dlpack_to_another_device(cuda):
    x = dv.arange(3.0, device=cuda)
    h = dv.from_dlpack(x, device="cpu")
    assert h.device == dv.Device("cpu") and h.tolist() == [0.0, 1.0, 2.0]
    back = dv.from_dlpack(np.arange(3.0), device=cuda)
    assert back.device == cuda and back.tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(ValueError, match="copy=False"):
        dv.from_dlpack(np.arange(3.0), device=cuda, copy=False)


@requires_cuda
def test_transfers_between_devices(cuda):
    a = np.arange(12, dtype=np.int16).reshape(3, 4)
    x = dv.asarray(a, device=cuda)
    assert x.device == cuda
    np.testing.assert_array_equal(x.to_device("cpu").get(), a)
    np.testing.assert_array_equal(dv.asarray(x.to_device("cpu"), device=cuda).get(), a)
    with pytest.raises(ValueError):
        x + dv.asarray(a, device="cpu")  # different devices never mix implicitly
