"""Zero-copy exchange with PyTorch, CuPy and JAX on a CUDA device, through DLPack and the CUDA
Array Interface, with their streams.

Needs a CUDA device and the framework with CUDA support: each test is skipped ("no CUDA device",
or the framework is not installed or sees no GPU) otherwise, so CI without a GPU skips them all;
GPU runners (ci/gpu.sh) run them. The values come back to the host through each framework's own
explicit copy and are compared with NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CUDA_DEVICES, requires_cuda

import devarray as dv

pytestmark = requires_cuda

# Large enough that the producing kernel is still running when the consumer is handed the
# pointer: a missing stream wait then reads unfinished data.
BIG = 1 << 24


def _torch():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch sees no CUDA device")
    return torch


def _cupy():
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() == 0:
            pytest.skip("CuPy sees no CUDA device")
    except cupy.cuda.runtime.CUDARuntimeError:
        pytest.skip("CuPy sees no CUDA device")
    return cupy


def _data_pointer(x: dv.ndarray) -> int:
    return x.__cuda_array_interface__["data"][0]


@pytest.fixture
def cuda() -> dv.Device:
    return CUDA_DEVICES[0]


def test_torch_tensor_imports_without_a_copy(cuda):
    torch = _torch()
    t = torch.arange(12, dtype=torch.float32, device=f"cuda:{cuda.index}").reshape(3, 4)
    x = dv.from_dlpack(t)
    assert x.device == cuda and x.shape == (3, 4) and x.dtype == dv.float32
    assert _data_pointer(x) == t.data_ptr()
    x[0, 0] = -1.0
    torch.cuda.synchronize()
    assert t[0, 0].item() == -1.0
    np.testing.assert_array_equal(dv.asnumpy(x), t.cpu().numpy())


def test_torch_views_keep_their_strides(cuda):
    torch = _torch()
    t = torch.arange(24, dtype=torch.int64, device=f"cuda:{cuda.index}").reshape(4, 6)[:, ::2].T
    x = dv.from_dlpack(t)
    assert x.shape == tuple(t.shape)
    np.testing.assert_array_equal(dv.asnumpy(x), t.cpu().numpy())


def test_devarray_exports_to_torch_without_a_copy(cuda):
    torch = _torch()
    x = dv.reshape(dv.arange(12, dtype=dv.float64, device=cuda), (3, 4))
    t = torch.from_dlpack(x)
    assert t.device.type == "cuda" and t.device.index == cuda.index
    assert t.data_ptr() == _data_pointer(x) and tuple(t.shape) == (3, 4)
    t[1, 1] = 100.0
    torch.cuda.synchronize()
    assert dv.asnumpy(x)[1, 1] == 100.0


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "bool", "uint8", "int32", "complex64"])
def test_torch_round_trips_every_kind_of_dtype(cuda, dtype):
    torch = _torch()
    x = dv.astype(dv.arange(10, device=cuda) % 3, getattr(dv, dtype))
    t = torch.from_dlpack(x)
    assert str(t.dtype) == f"torch.{dtype}"
    back = dv.from_dlpack(t)
    assert back.dtype == x.dtype
    if dtype != "bfloat16":  # bfloat16 has no CUDA Array Interface typestr
        assert _data_pointer(back) == _data_pointer(x)
    np.testing.assert_array_equal(dv.asnumpy(dv.astype(back, dv.float64)), dv.asnumpy(dv.astype(x, dv.float64)))


def test_torch_on_a_side_stream_sees_devarray_work_finished(cuda):
    """devarray computes on its stream; torch consumes on a different stream right away. The
    `stream` argument torch passes to `__dlpack__` must make torch's stream wait."""
    torch = _torch()
    side = torch.cuda.Stream(device=cuda.index)
    for _ in range(3):
        x = dv.sqrt(dv.arange(BIG, dtype=dv.float32, device=cuda) * 4.0) + 1.0
        with torch.cuda.stream(side):
            t = torch.from_dlpack(x)
            total = t.double().sum()
        side.synchronize()
        expected = np.sum(np.sqrt(np.arange(BIG, dtype=np.float32) * np.float32(4.0)) + np.float32(1.0), dtype=np.float64)
        assert total.item() == pytest.approx(expected, rel=1e-6)


def test_devarray_sees_torch_side_stream_work_finished(cuda):
    """The reverse: torch fills a tensor on a side stream, devarray imports it and reads it on
    its own stream; from_dlpack passes devarray's stream, so torch makes it wait."""
    torch = _torch()
    side = torch.cuda.Stream(device=cuda.index)
    with torch.cuda.stream(side):
        t = torch.arange(BIG, dtype=torch.float32, device=f"cuda:{cuda.index}").sqrt_().add_(1.0)
        x = dv.from_dlpack(t)
        total = dv.sum(dv.astype(x, dv.float64))
    expected = np.sum(np.sqrt(np.arange(BIG, dtype=np.float32)) + np.float32(1.0), dtype=np.float64)
    assert float(total.get()) == pytest.approx(expected, rel=1e-6)


def test_cupy_exchange_both_ways(cuda):
    cupy = _cupy()
    with cupy.cuda.Device(cuda.index):
        c = cupy.arange(10, dtype=cupy.float32) * 2
        x = dv.from_dlpack(c)
        assert _data_pointer(x) == c.data.ptr
        x[3] = -5.0
        assert float(c[3].get()) == -5.0
        y = dv.linspace(0.0, 1.0, 9, device=cuda)
        d = cupy.from_dlpack(y)
        assert d.data.ptr == _data_pointer(y)
        np.testing.assert_array_equal(cupy.asnumpy(d), dv.asnumpy(y))


def test_cupy_reads_the_cuda_array_interface(cuda):
    cupy = _cupy()
    x = dv.reshape(dv.arange(12, dtype=dv.int32, device=cuda), (3, 4)).T
    with cupy.cuda.Device(cuda.index):
        c = cupy.asarray(x)
        assert c.data.ptr == _data_pointer(x)
        np.testing.assert_array_equal(cupy.asnumpy(c), dv.asnumpy(x))


def test_cupy_on_a_non_blocking_stream_sees_devarray_work_finished(cuda):
    cupy = _cupy()
    with cupy.cuda.Device(cuda.index):
        side = cupy.cuda.Stream(non_blocking=True)
        for _ in range(3):
            x = dv.exp(dv.linspace(0.0, 1.0, BIG, dtype=dv.float32, device=cuda))
            with side:
                total = float(cupy.from_dlpack(x).astype(cupy.float64).sum().get())
            expected = np.sum(np.exp(np.linspace(0.0, 1.0, BIG, dtype=np.float32)), dtype=np.float64)
            assert total == pytest.approx(expected, rel=1e-5)


def test_jax_on_the_gpu_exchanges_both_ways(cuda):
    jax = pytest.importorskip("jax")
    try:
        gpus = jax.devices("gpu")
    except RuntimeError:
        pytest.skip("JAX sees no GPU")
    import jax.numpy as jnp

    x = dv.arange(8, dtype=dv.float32, device=cuda)
    j = jax.dlpack.from_dlpack(x) if hasattr(jax.dlpack, "from_dlpack") else jnp.from_dlpack(x)
    assert j.devices() == {gpus[0]} or cuda.index != 0
    np.testing.assert_array_equal(np.asarray(j), np.arange(8, dtype=np.float32))
    back = dv.from_dlpack(jnp.arange(5.0, dtype=jnp.float32) * 3)
    assert back.device.kind == "cuda"
    np.testing.assert_array_equal(dv.asnumpy(back), np.arange(5.0, dtype=np.float32) * 3)
