"""The NumPy conversion contract of issue 6, clause by clause: no buffer protocol or array
interface, ``__array__(dtype, copy)`` semantics, explicit copies, the transfer guard."""

from __future__ import annotations

import logging
import operator
import subprocess
import sys
import warnings

import numpy as np
import pytest

import devarray as dv

# ----- never expose the buffer protocol or the array interfaces ---------------------------------


def test_no_buffer_protocol(device):
    x = dv.arange(4, device=device)
    with pytest.raises(TypeError):
        memoryview(x)
    with pytest.raises(TypeError):
        np.frombuffer(x, dtype=np.int64)


@pytest.mark.parametrize("name", ["__array_interface__", "__array_struct__", "__buffer__"])
def test_no_array_interface(device, name):
    x = dv.arange(4, device=device)
    assert not hasattr(x, name)
    assert not hasattr(dv.ndarray, name)


# ----- __array__(dtype=None, copy=None) ----------------------------------------------------------


def test_asarray_without_copy_raises_typeerror_naming_the_explicit_ways(device):
    x = dv.arange(5, device=device)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy must not retry with a DeprecationWarning
        with pytest.raises(TypeError) as info:
            np.asarray(x)
    msg = str(info.value)
    assert "x.get()" in msg
    assert "devarray.asnumpy(x)" in msg
    assert "np.asarray(x, copy=True)" in msg
    assert "unexpected keyword argument 'copy'" not in msg


def test_dunder_array_copy_none_raises(device):
    x = dv.arange(3, device=device)
    for call in (lambda: x.__array__(), lambda: x.__array__(None), lambda: x.__array__(copy=None)):
        with pytest.raises(TypeError, match="not allowed") as info:
            call()
        assert "unexpected keyword argument 'copy'" not in str(info.value)


def test_implicit_conversions_through_numpy_raise(device):
    x = dv.arange(3, device=device)
    for call in (lambda: np.array(x, copy=None), lambda: np.asanyarray(x), lambda: np.ascontiguousarray(x)):
        with pytest.raises(TypeError, match="not allowed"):
            call()


def test_copy_false_raises_valueerror(device):
    x = dv.arange(3, device=device)
    with pytest.raises(ValueError, match="without a copy"):
        np.asarray(x, copy=False)
    with pytest.raises(ValueError):
        x.__array__(copy=False)


def test_copy_true_gives_a_fresh_host_copy(device):
    x = dv.arange(5, device=device)
    a = np.asarray(x, copy=True)
    assert isinstance(a, np.ndarray) and a.dtype == np.int64
    np.testing.assert_array_equal(a, np.arange(5))
    a[0] = 100  # writable, and independent of the device array
    assert x.tolist() == [0, 1, 2, 3, 4]
    b = np.asarray(x, copy=True)
    assert not np.shares_memory(a, b)


def test_np_array_default_copies(device):
    x = dv.asarray([[1.5, 2.5]], device=device)
    a = np.array(x)  # NumPy passes copy=True
    np.testing.assert_array_equal(a, [[1.5, 2.5]])
    assert a.flags.writeable and a.flags.c_contiguous


@pytest.mark.parametrize("dtype", [np.float32, np.int16, "float16", np.complex128])
def test_copy_true_honours_dtype(device, dtype):
    x = dv.asarray([1, 2, 3], device=device)
    a = np.asarray(x, dtype=dtype, copy=True)
    assert a.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(a, np.array([1, 2, 3], dtype=dtype))
    b = x.__array__(np.dtype(dtype), copy=True)
    assert b.dtype == np.dtype(dtype)


def test_copy_true_of_views_and_0d(device):
    x = dv.reshape(dv.arange(12, device=device), (3, 4))
    np.testing.assert_array_equal(np.asarray(x.T[::2], copy=True), np.arange(12).reshape(3, 4).T[::2])
    s = np.asarray(dv.asarray(7.5, device=device), copy=True)
    assert s.shape == () and s == 7.5


def test_explicit_paths(device):
    x = dv.asarray([[1, 2], [3, 4]], dtype=dv.int32, device=device)
    for host in (x.get(), dv.asnumpy(x)):
        assert isinstance(host, np.ndarray) and host.dtype == np.int32
        np.testing.assert_array_equal(host, [[1, 2], [3, 4]])
    assert dv.asnumpy(np.arange(3)).tolist() == [0, 1, 2]


def test_bfloat16_get_uses_ml_dtypes(device):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    x = dv.asarray([1.5, -2.0], dtype=dv.bfloat16, device=device)
    host = x.get()
    assert host.dtype == np.dtype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(host.astype(np.float32), [1.5, -2.0])


# ----- scalar conversions, repr, tolist -----------------------------------------------------------


def test_scalar_conversions_on_size_one_arrays(device):
    assert bool(dv.asarray([True], device=device)) is True
    assert bool(dv.asarray(0.0, device=device)) is False
    assert float(dv.asarray([[2.5]], device=device)) == 2.5
    assert int(dv.asarray(-3.7, device=device)) == -3
    assert int(dv.asarray(2**63 - 1, device=device)) == 2**63 - 1
    assert int(dv.asarray(2**64 - 1, dtype=dv.uint64, device=device)) == 2**64 - 1
    assert complex(dv.asarray(2.0, device=device)) == 2 + 0j
    assert operator.index(dv.asarray(3, dtype=dv.int8, device=device)) == 3
    assert [10, 20, 30][dv.asarray(2, device=device)] == 30


def test_scalar_conversion_errors(device):
    with pytest.raises(ValueError, match="ambiguous"):
        bool(dv.arange(2, device=device))
    with pytest.raises(ValueError, match="empty"):
        bool(dv.zeros(0, device=device))
    with pytest.raises(TypeError):
        float(dv.arange(2, device=device))
    with pytest.raises(TypeError, match="integer scalar"):
        operator.index(dv.asarray(1.0, device=device))
    with pytest.raises(TypeError):
        operator.index(dv.asarray(True, device=device))


def test_item_and_tolist(device):
    assert dv.asarray(7, device=device).item() == 7
    assert type(dv.asarray(7, device=device).item()) is int
    assert type(dv.asarray(True, device=device).item()) is bool
    assert type(dv.asarray(1.5, dtype=dv.float16, device=device).item()) is float
    with pytest.raises(ValueError):
        dv.arange(3, device=device).item()
    x = dv.asarray([[1, 2], [3, 4]], dtype=dv.uint8, device=device)
    assert x.tolist() == [[1, 2], [3, 4]]
    assert dv.zeros((2, 0), device=device).tolist() == [[], []]
    assert dv.asarray(2.5, device=device).tolist() == 2.5


def test_repr_shows_values_shape_dtype_device(device):
    x = dv.asarray([[1, 2], [3, 4]], dtype=dv.int32, device=device)
    r = repr(x)
    assert r.startswith("devarray.ndarray([[1, 2],")
    assert "[3, 4]]" in r
    assert "shape=(2, 2)" in r and "dtype=int32" in r and f"device={device}" in r
    assert "shape=(5,)" in repr(dv.zeros(5, device=device))
    assert str(x) == "[[1 2]\n [3 4]]"  # NumPy's str: no commas
    big = dv.zeros(5000, device=device)  # summarised as NumPy does (bindings/tests/test_printing.py)
    assert repr(big).startswith("devarray.ndarray([0., 0., 0., ..., 0., 0., 0.],") and "shape=(5000,)" in repr(big)


# ----- the transfer guard ------------------------------------------------------------------------


def test_transfer_guard_default_is_allow():
    assert dv.get_transfer_guard() == "allow"


def _implicit_reads(x, s):
    return {
        "np.array": lambda: np.array(x),
        "np.asarray(copy=True)": lambda: np.asarray(x, copy=True),
        "__array__(copy=True)": lambda: x.__array__(copy=True),
        "bool": lambda: bool(s),
        "int": lambda: int(s),
        "float": lambda: float(s),
        "complex": lambda: complex(s),
        "index": lambda: operator.index(s),
        "repr": lambda: repr(x),
        "str": lambda: str(x),
        "tolist": lambda: x.tolist(),
    }


def test_transfer_guard_disallow_blocks_implicit_reads(device):
    x = dv.arange(4, device=device)
    s = dv.asarray(3, device=device)
    with dv.transfer_guard("disallow"):
        assert dv.get_transfer_guard() == "disallow"
        for name, read in _implicit_reads(x, s).items():
            with pytest.raises(dv.TransferGuardError, match="transfer_guard"):
                read()
                pytest.fail(f"{name} was not refused")
        # the explicit paths stay allowed
        np.testing.assert_array_equal(x.get(), np.arange(4))
        np.testing.assert_array_equal(dv.asnumpy(x), np.arange(4))
        assert s.item() == 3
        assert x.to_device("cpu").shape == (4,)
        np.testing.assert_array_equal(np.from_dlpack(x.to_device("cpu")), np.arange(4))
        assert dv.from_dlpack(x).shape == (4,)
        # and non-reading operations work, integer-array indexing included (resolved on the
        # device; only a bounds flag is read back), and boolean-mask selection (compacted on the
        # device; only the selected count is read back, as an output size)
        assert (x + 1).shape == (4,) and x[1:].shape == (3,)
        assert x[dv.asarray([0, -1], device=x.device)].shape == (2,)
        assert x[x > 1].shape == (2,)
    assert dv.get_transfer_guard() == "allow"
    assert repr(x)  # allowed again


def test_set_transfer_guard_is_a_global_setting():
    assert dv.set_transfer_guard("disallow") == "allow"  # the process-wide default, until changed
    try:
        with pytest.raises(dv.TransferGuardError):
            float(dv.asarray(1.0))
        with dv.transfer_guard("allow"):  # a block overrides the default
            assert float(dv.asarray(1.0)) == 1.0
        assert dv.get_transfer_guard() == "disallow"
    finally:
        assert dv.set_transfer_guard("allow") == "disallow"
    assert float(dv.asarray(1.0)) == 1.0


def test_transfer_guard_outside_with_changes_nothing_and_warns():
    with pytest.warns(RuntimeWarning, match="set_transfer_guard"):
        dv.transfer_guard("disallow")
    assert dv.get_transfer_guard() == "allow"


def test_transfer_guard_nested_restores():
    with dv.transfer_guard("log"):
        with dv.transfer_guard("disallow"):
            assert dv.get_transfer_guard() == "disallow"
        assert dv.get_transfer_guard() == "log"
    assert dv.get_transfer_guard() == "allow"


def test_transfer_guard_restores_after_exception():
    with pytest.raises(KeyError):
        with dv.transfer_guard("disallow"):
            raise KeyError
    assert dv.get_transfer_guard() == "allow"


def test_transfer_guard_log_logs_and_allows(device, caplog):
    x = dv.arange(3, device=device)
    with caplog.at_level(logging.WARNING, logger="devarray"):
        with dv.transfer_guard("log"):
            assert np.array(x).tolist() == [0, 1, 2]
            assert float(x[0]) == 0.0
            x.get()  # explicit: not logged
    messages = [r.getMessage() for r in caplog.records if r.name == "devarray"]
    assert len(messages) == 2
    assert "implicit device-to-host transfer" in messages[0]


def test_transfer_guard_rejects_unknown_levels():
    with pytest.raises(ValueError, match="allow"):
        dv.transfer_guard("sometimes")
    assert dv.get_transfer_guard() == "allow"


# ----- the "done when" command -------------------------------------------------------------------


def test_done_when_command():
    code = (
        "import devarray as dv, numpy as np; x = dv.arange(5); "
        "print(np.asarray(x, copy=True), dv.asnumpy(x * 2))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[0 1 2 3 4] [0 2 4 6 8]"
    bad = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import devarray as dv, numpy as np; np.asarray(dv.arange(5))"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0
    assert "TypeError: Implicit conversion" in bad.stderr
