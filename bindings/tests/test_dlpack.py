"""DLPack: devarray as a producer (``__dlpack__``, ``__dlpack_device__``) and as a consumer
(``from_dlpack``), round trips with NumPy, and the capsule lifecycle (names, consumed capsules,
deleter counts, reference counts, interpreter exit)."""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import NUMPY_DTYPES, assert_matches
from dlpack_ctypes import IS_COPIED, READ_ONLY, CapsuleHolder, CountingProducer, capsule_name, consume, describe

import devarray as dv


@pytest.fixture(autouse=True)
def _cpu_default_device():
    """These tests exchange host memory with NumPy: arrays made without a device go to the CPU,
    also where a GPU is the default device (GPU-side exchange: test_cuda.py and
    test_gpu_frameworks.py)."""
    with dv.Device("cpu"):
        yield


# ----- producer: capsules and their metadata ----------------------------------------------------


def test_dlpack_device():
    x = dv.arange(3, device="cpu")
    dev = x.__dlpack_device__()
    assert dev == (1, 0) and dev[0] is dv.DLDeviceType.kDLCPU


@pytest.mark.parametrize(
    "max_version, name",
    [(None, "dltensor"), ((0, 8), "dltensor"), ((1, 0), "dltensor_versioned"), ((1, 5), "dltensor_versioned"), ((2, 0), "dltensor_versioned")],
)
def test_capsule_kind_follows_max_version(max_version, name):
    cap = dv.arange(3).__dlpack__(max_version=max_version)
    assert capsule_name(cap) == name
    if name == "dltensor_versioned":
        assert describe(cap)["version"][0] == 1


def test_capsule_metadata_of_a_strided_view():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    x = dv.asarray(a)[::2, ::-3]
    info = describe(x.__dlpack__(max_version=(1, 0)))
    expected = a[::2, ::-3]
    assert info["device"] == (1, 0) and info["ndim"] == 2
    assert info["dtype"] == (2, 32, 1)
    assert info["shape"] == expected.shape
    assert info["strides"] == tuple(s // 4 for s in expected.strides)  # elements, never NULL
    assert info["byte_offset"] == 0 and info["flags"] == 0


@pytest.mark.parametrize(
    "dtype, code",
    [("bool", (6, 8)), ("int8", (0, 8)), ("uint64", (1, 64)), ("float16", (2, 16)), ("bfloat16", (4, 16)), ("float64", (2, 64))],
)
def test_capsule_dtypes(dtype, code):
    cap = dv.zeros(2, dtype=getattr(dv, dtype)).__dlpack__(max_version=(1, 0))
    assert describe(cap)["dtype"] == (*code, 1)


def test_read_only_flag_and_legacy_refusal():
    x = dv.broadcast_to(dv.arange(3), (2, 3))
    info = describe(x.__dlpack__(max_version=(1, 0)))
    assert info["flags"] & READ_ONLY and info["strides"] == (0, 1)
    with pytest.raises(BufferError, match="read-only"):
        x.__dlpack__()  # a legacy capsule cannot say read-only
    n = np.from_dlpack(x)
    assert not n.flags.writeable
    np.testing.assert_array_equal(n, [[0, 1, 2], [0, 1, 2]])


def test_copy_flag():
    x = dv.arange(4.0)
    shared = describe(x.__dlpack__(max_version=(1, 0)))
    copied = describe(x.__dlpack__(max_version=(1, 0), copy=True))
    assert shared["flags"] & IS_COPIED == 0
    assert copied["flags"] & IS_COPIED and copied["data"] != shared["data"]
    assert describe(x.__dlpack__(max_version=(1, 0), copy=False))["data"] == shared["data"]


def test_dl_device_on_cpu_arrays():
    x = dv.arange(4.0, device="cpu")
    info = describe(x.__dlpack__(max_version=(1, 0), dl_device=(1, 0)))
    assert info["device"] == (1, 0) and info["flags"] & IS_COPIED == 0  # already on the host
    for bad in [(2, 0), (4, 0), (99, 3)]:
        with pytest.raises(BufferError):
            x.__dlpack__(max_version=(1, 0), dl_device=bad)


def test_cpu_arrays_accept_only_stream_none():
    x = dv.arange(3, device="cpu")
    x.__dlpack__(stream=None)
    for stream in (-1, 0, 1, 2, 12345):
        with pytest.raises(ValueError, match="stream"):
            x.__dlpack__(stream=stream)
    with pytest.raises(TypeError):
        x.__dlpack__(stream="default")


def test_dlpack_keyword_only():
    with pytest.raises(TypeError):
        dv.arange(3).__dlpack__(None)


def test_dlpack_method_arguments():
    # __dlpack__ is a hand-written fast-call method (bindings/src/dlpack_method.rs): every
    # argument form gets the answer or the error the keyword-only signature gives.
    x = dv.arange(3, device="cpu")
    # Keyword names built at run time are not interned: they are matched by their text.
    key = "".join(["max_", "version"])
    assert capsule_name(x.__dlpack__(**{key: (1, 0)})) == "dltensor_versioned"
    every = x.__dlpack__(stream=None, max_version=(1, 0), dl_device=None, copy=None)
    assert capsule_name(every) == "dltensor_versioned"
    assert capsule_name(x.__dlpack__(max_version=type("T", (tuple,), {})((1, 2)))) == "dltensor_versioned"
    with pytest.raises(TypeError, match="unexpected keyword argument 'strem'"):
        x.__dlpack__(strem=None)
    for bad in ([1, 0], (1,), (1, -1), (2**40, 0), ("1", "0")):
        with pytest.raises(TypeError, match="max_version"):
            x.__dlpack__(max_version=bad)
    with pytest.raises(TypeError, match="copy"):
        x.__dlpack__(copy=1)
    with pytest.raises(TypeError, match="positional"):
        x.__dlpack__((1, 0))
    # Large arrays and read-only views take the general path; so do their errors.
    big = dv.arange(1 << 13, device="cpu")
    assert describe(big.__dlpack__(max_version=(1, 0)))["shape"] == (1 << 13,)
    ro = dv.broadcast_to(x, (2, 3))
    with pytest.raises(BufferError):
        ro.__dlpack__()
    assert describe(ro.__dlpack__(max_version=(1, 0)))["flags"] & 1
    assert "DLPack capsule" in dv.ndarray.__dlpack__.__doc__


def test_dlpack_method_keeps_no_reference():
    x = dv.arange(3, device="cpu")
    before = sys.getrefcount(x)
    for _ in range(1000):
        np.from_dlpack(x)
        x.__dlpack__(max_version=(1, 0))
    assert sys.getrefcount(x) == before


# ----- round trips with NumPy --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_numpy_imports_devarray_zero_copy(dtype):
    x = dv.asarray(np.arange(6).reshape(2, 3).astype(dtype))
    n = np.from_dlpack(x)
    assert n.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(n, np.arange(6).reshape(2, 3).astype(dtype))
    x[0, 0] = 1  # shared memory: NumPy sees the write
    assert n[0, 0] == 1


def test_numpy_import_options():
    x = dv.arange(5.0)
    assert np.from_dlpack(x, device="cpu").tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    c = np.from_dlpack(x, copy=True)
    x[0] = 10
    assert c[0] == 0.0
    with pytest.raises((BufferError, RuntimeError)):  # RuntimeError before NumPy 2.5
        np.from_dlpack(dv.zeros(2, dtype=dv.bfloat16))  # NumPy has no bfloat16


def test_numpy_views_and_strides_round_trip():
    a = np.arange(60, dtype=np.int32).reshape(3, 4, 5)
    x = dv.asarray(a)
    for key in [(slice(None), slice(None, None, -1)), (1,), (Ellipsis, slice(1, None, 2)), (slice(None), 2, None)]:
        np.testing.assert_array_equal(np.from_dlpack(x[key]), a[key])
    np.testing.assert_array_equal(np.from_dlpack(x.T), a.T)


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_devarray_imports_numpy_zero_copy(dtype):
    a = np.arange(6).reshape(3, 2).astype(dtype)
    x = dv.from_dlpack(a)
    assert x.device == dv.Device("cpu")
    assert_matches(x, a)
    a[0, 0] = 1
    assert x[0, 0].item() == a[0, 0]


def test_devarray_imports_numpy_views():
    a = np.arange(40, dtype=np.float64).reshape(5, 8)
    for view in (a[::2, 1::3], a.T, a[::-1], a[2], a[:, :0]):
        assert_matches(dv.from_dlpack(view), view)


def test_numpy_read_only_arrays_import_read_only():
    a = np.arange(4.0)
    a.flags.writeable = False
    x = dv.from_dlpack(a)
    assert x.is_readonly
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        x[0] = 1.0
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        x += 1
    assert_matches(x + 1, a + 1)  # reading is fine


def test_from_dlpack_copy_and_device():
    a = np.arange(3.0)
    c = dv.from_dlpack(a, copy=True)
    a[0] = 7.0
    assert c[0].item() == 0.0
    s = dv.from_dlpack(a, copy=False, device="cpu")
    a[1] = 8.0
    assert s[1].item() == 8.0


def test_round_trip_devarray_numpy_devarray():
    x = dv.reshape(dv.arange(12, dtype=dv.int16), (3, 4))
    y = dv.from_dlpack(np.from_dlpack(x))
    assert_matches(y, np.arange(12, dtype=np.int16).reshape(3, 4))
    y[0, 0] = 42
    assert x[0, 0].item() == 42  # one buffer all along


def test_from_dlpack_accepts_capsules_once():
    x = dv.arange(3)
    for max_version in (None, (1, 0)):
        cap = x.__dlpack__(max_version=max_version)
        y = dv.from_dlpack(cap)
        assert y.tolist() == [0, 1, 2]
        assert capsule_name(cap).startswith("used_")
        with pytest.raises(ValueError, match="already consumed"):
            dv.from_dlpack(cap)


def test_from_dlpack_errors():
    with pytest.raises(AttributeError, match="__dlpack__"):
        dv.from_dlpack([1, 2, 3])
    with pytest.raises(BufferError):
        dv.from_dlpack(CountingProducer(np.arange(3.0), device=(4, 0)))  # OpenCL
    with pytest.raises(ValueError, match="copy=False"):
        dv.from_dlpack(np.arange(3.0), device="cuda:0", copy=False)


# ----- consumer protocol -----------------------------------------------------------------------


def test_consumer_asks_dlpack_device_first_and_passes_max_version():
    p = CountingProducer(np.arange(3.0))
    dv.from_dlpack(p)
    assert p.calls[0] == ("__dlpack_device__",)
    name, kwargs = p.calls[1]
    assert name == "__dlpack__"
    assert kwargs["stream"] is None and kwargs["max_version"][0] == 1 and kwargs["dl_device"] is None


def test_numpy_arrays_skip_the_device_probe_but_subclasses_do_not():
    # An exact numpy.ndarray is known to be on the host: imported without asking
    # __dlpack_device__. A subclass may answer differently, so it is asked.
    class Probed(np.ndarray):
        def __dlpack_device__(self):
            raise RuntimeError("probed")

    a = np.arange(5.0)
    assert dv.from_dlpack(a).get().tolist() == a.tolist()
    with pytest.raises(RuntimeError, match="probed"):
        dv.from_dlpack(a.view(Probed))


def test_consumer_retries_without_newer_keywords():
    a = np.arange(4.0)

    class StreamOnly:
        calls = 0

        def __dlpack_device__(self):
            return (1, 0)

        def __dlpack__(self, stream=None, **newer):
            StreamOnly.calls += 1
            if newer:
                raise TypeError(f"__dlpack__() got an unexpected keyword argument {next(iter(newer))!r}")
            return a.__dlpack__()

    class NoKeywords:
        def __dlpack_device__(self):
            return (1, 0)

        def __dlpack__(self):
            return a.__dlpack__()

    assert dv.from_dlpack(StreamOnly()).tolist() == a.tolist()
    assert StreamOnly.calls == 2  # first with max_version, then without
    assert dv.from_dlpack(NoKeywords()).tolist() == a.tolist()
    c = dv.from_dlpack(NoKeywords(), copy=True)  # the producer could not copy: devarray does
    a[0] = 5.0
    assert c[0].item() == 0.0


@pytest.mark.parametrize("versioned", [True, False])
def test_deleter_called_exactly_once_when_the_last_view_dies(versioned):
    p = CountingProducer(np.arange(6.0).reshape(2, 3), versioned=versioned)
    x = dv.from_dlpack(p)
    view = x[1]
    total = x.sum()
    del x
    gc.collect()
    assert p.deleted == 0  # the view still uses the memory
    assert view.tolist() == [3.0, 4.0, 5.0] and total.item() == 15.0
    del view
    gc.collect()
    assert p.deleted == 1
    gc.collect()
    assert p.deleted == 1


def test_consumed_capsule_is_renamed_and_not_released_twice():
    p = CountingProducer(np.arange(3.0))
    cap = p.__dlpack__(max_version=(1, 0))
    x = dv.from_dlpack(cap)
    assert capsule_name(cap) == "used_dltensor_versioned"
    del cap  # the capsule destructor must not call the deleter now
    gc.collect()
    assert p.deleted == 0
    del x
    gc.collect()
    assert p.deleted == 1


def test_unconsumed_producer_capsule_released_by_its_destructor():
    p = CountingProducer(np.arange(3.0))
    cap = p.__dlpack__()
    del cap
    gc.collect()
    assert p.deleted == 1


def test_producer_read_only_flag_and_null_strides():
    p = CountingProducer(np.arange(6.0).reshape(2, 3), readonly=True, null_strides=True)
    x = dv.from_dlpack(p)
    assert x.is_readonly and x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    with pytest.raises(ValueError, match="read-only"):
        x[0, 0] = 1.0


def test_producer_object_kept_alive_and_released():
    a = np.arange(5.0)
    base = sys.getrefcount(a)
    x = dv.from_dlpack(a)
    assert sys.getrefcount(a) > base
    y = x[1:]
    del x
    gc.collect()
    assert sys.getrefcount(a) > base
    del y
    gc.collect()
    assert sys.getrefcount(a) == base


def test_export_does_not_reference_the_python_object():
    x = dv.arange(4)
    base = sys.getrefcount(x)
    cap = x.__dlpack__(max_version=(1, 0))
    assert sys.getrefcount(x) == base  # the capsule holds the buffer, not the Python object
    del cap


def test_exported_capsule_keeps_memory_alive_and_releases_it():
    """Export chain: a counting producer → devarray → a capsule. The producer's deleter runs only
    when devarray's capsule is released, which observes devarray's deleter."""
    p = CountingProducer(np.arange(4.0))
    x = dv.from_dlpack(p)
    cap = x.__dlpack__(max_version=(1, 0))
    del x
    gc.collect()
    assert p.deleted == 0
    del cap  # unconsumed: the capsule destructor calls devarray's deleter
    gc.collect()
    assert p.deleted == 1

    p = CountingProducer(np.arange(4.0))
    x = dv.from_dlpack(p)
    n = np.from_dlpack(CapsuleHolder(x.__dlpack__(max_version=(1, 0))))
    del x
    gc.collect()
    assert p.deleted == 0 and n.tolist() == [0.0, 1.0, 2.0, 3.0]
    del n  # NumPy consumed it and calls devarray's deleter when done
    gc.collect()
    assert p.deleted == 1


def test_manual_consumer_calls_deleter_once():
    p = CountingProducer(np.arange(3.0))
    x = dv.from_dlpack(p)
    cap = x.__dlpack__(max_version=(1, 0))
    m, release = consume(cap)
    assert capsule_name(cap) == "used_dltensor_versioned"
    del cap, x
    gc.collect()
    assert p.deleted == 0  # the consumer owns the tensor now
    data = ctypes.cast(m.dl_tensor.data, ctypes.POINTER(ctypes.c_double))
    values = [data[i] for i in range(3)]  # still readable: the tensor keeps the buffer
    assert values == [0.0, 1.0, 2.0]
    release()
    gc.collect()
    assert p.deleted == 1


def test_interpreter_exit_with_live_capsules_and_imports():
    script = textwrap.dedent(
        """
        import numpy as np
        import devarray as dv
        keep_import = dv.from_dlpack(np.arange(10.0))
        keep_capsule = dv.arange(3).__dlpack__(max_version=(1, 0))
        keep_legacy = dv.arange(3).__dlpack__()
        keep_numpy = np.from_dlpack(dv.arange(4))
        keep_chain = dv.from_dlpack(np.from_dlpack(dv.arange(5.0)))
        cycle = [keep_import]
        cycle.append(cycle)
        print("ok")
        """
    )
    env = {**os.environ, "DEVARRAY_DEVICE": "cpu"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert "Fatal" not in out.stderr and "Exception ignored" not in out.stderr
