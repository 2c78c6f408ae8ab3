"""``devarray.ndarray``: attributes, operators, indexing, methods and reductions, with NumPy as
the oracle."""

from __future__ import annotations

import copy
import operator
import pickle
import threading

import numpy as np
import pytest
from conftest import ALL_DTYPES, CUDA_DEVICES, FLOAT_DTYPES, INT_DTYPES, NUMPY_DTYPES, assert_matches
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import devarray as dv

# ----- attributes --------------------------------------------------------------------------------


def test_attributes(device):
    host = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = dv.asarray(host, device=device)
    assert x.shape == (2, 3, 4)
    assert x.dtype == dv.float32
    assert x.device == device
    assert x.ndim == 3 and x.size == 24 and x.nbytes == 96 and x.itemsize == 4
    assert x.strides == host.strides
    assert x.T.shape == (4, 3, 2) and x.T.strides == host.T.strides
    assert x.mT.shape == (2, 4, 3) and x.mT.strides == np.swapaxes(host, -1, -2).strides
    assert x[:, ::-1].strides == host[:, ::-1].strides
    assert not x.is_readonly
    with pytest.raises(ValueError):
        dv.arange(3, device=device).mT


def test_dtype_objects():
    assert dv.float32 == dv.float32 and dv.float32 != dv.float64
    # Equal to NumPy's dtype and scalar type of the same name, in both orders; never a string.
    assert dv.float32 == np.float32 and dv.float32 == np.dtype("float32") and np.dtype("float32") == dv.float32
    assert dv.float32 != np.float64 and np.dtype("float64") != dv.float32 and dv.float32 != "float32"
    assert hash(dv.float32) == hash(np.dtype("float32")) and {np.dtype("float32"): 1}[dv.float32] == 1
    assert dv.int64 is dv.arange(3).dtype
    assert {dv.int8: 1}[dv.int8] == 1
    assert dv.float32.name == "float32" and dv.float32.itemsize == 4 and str(dv.bfloat16) == "bfloat16"
    assert repr(dv.uint16) == "devarray.uint16"
    assert pickle.loads(pickle.dumps(dv.float16)) is dv.float16


def test_device_objects():
    cpu = dv.Device("cpu")
    assert cpu == dv.Device("CPU") and cpu.kind == "cpu" and str(cpu) == "cpu"
    assert dv.Device("cuda") == dv.Device("cuda:0") and dv.Device("cuda:1").index == 1
    assert repr(cpu) == "Device('cpu')"
    assert pickle.loads(pickle.dumps(cpu)) == cpu
    with pytest.raises(ValueError):
        dv.Device("tpu")
    assert dv.devices()[0] == cpu
    cpu.synchronize()


def test_arrays_are_unhashable():
    with pytest.raises(TypeError):
        hash(dv.arange(3))


# ----- operators against NumPy -----------------------------------------------------------------

BINARY_OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "and": operator.and_,
    "or": operator.or_,
    "xor": operator.xor,
    "lshift": operator.lshift,
    "rshift": operator.rshift,
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}
BITWISE = {"and", "or", "xor", "lshift", "rshift"}


def _valid(name: str, dtype: str) -> bool:
    """Whether NumPy and devarray both define operator ``name`` for ``dtype``."""
    if dtype == "bool":
        return name in {"add", "mul", "and", "or", "xor", "eq", "ne", "lt", "le", "gt", "ge"}
    if dtype.startswith("float"):
        return name not in BITWISE
    return True


def _arrays(dtype: str, shape=st.sampled_from([(5,), (2, 3), (3, 1), ()])):
    np_dtype = np.dtype(dtype)
    if np_dtype.kind == "f":
        elements = st.floats(-100, 100, width=np_dtype.itemsize * 8, allow_nan=False)
    elif np_dtype.kind == "b":
        elements = st.booleans()
    else:
        info = np.iinfo(np_dtype)
        elements = st.integers(max(info.min, -1000), min(info.max, 1000))
    return hnp.arrays(np_dtype, shape, elements=elements)


@pytest.mark.parametrize(
    "name, dtype", [(n, d) for d in NUMPY_DTYPES for n in sorted(BINARY_OPERATORS) if _valid(n, d)]
)
def test_binary_operators_match_numpy(name, dtype):
    op = BINARY_OPERATORS[name]

    @settings(max_examples=25)
    @given(a=_arrays(dtype), b=_arrays(dtype, shape=st.sampled_from([(5,), (1,), ()])))
    def check(a, b):
        if name in {"lshift", "rshift"}:
            b = np.clip(b, 0, np.dtype(dtype).itemsize * 8 - 1).astype(dtype)
        if name == "pow" and np.dtype(dtype).kind in "iu":
            b = np.clip(b, 0, 3).astype(dtype)
        if name in {"floordiv", "mod"} and np.dtype(dtype).kind in "iu":
            b = np.where(b == 0, 1, b).astype(dtype)
        if name in {"floordiv", "mod", "truediv"} and np.dtype(dtype).kind == "f":
            b = np.where(b == 0, 1, b).astype(dtype)
        try:
            with np.errstate(all="ignore"):
                expected = op(a, b)
        except ValueError:
            return  # shapes that do not broadcast: checked elsewhere
        assert_matches(op(dv.asarray(a), dv.asarray(b)), expected)

    check()


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int64", "float16", "float32", "float64"])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv", "lt", "eq", "pow"])
@pytest.mark.parametrize("scalar", [2, 3.5, True])
def test_python_scalars_are_weak(device, dtype, name, scalar):
    if isinstance(scalar, float) and np.dtype(dtype).kind != "f" and name == "pow":
        scalar = 3  # integer ** 3.5: not a weak-scalar question
    op = BINARY_OPERATORS[name]
    a = np.array([1, 2, 3], dtype=dtype)
    x = dv.asarray(a, device=device)
    assert_matches(op(x, scalar), op(a, scalar))
    assert_matches(op(scalar, x), op(scalar, a))


def test_numpy_scalars_are_strong(device):
    x = dv.asarray([1, 2], dtype=dv.float32, device=device)
    assert (x + np.float64(1)).dtype == dv.float64
    assert (x + 1.0).dtype == dv.float32
    assert (dv.asarray([1, 2], dtype=dv.int8, device=device) + np.int16(3)).dtype == dv.int16


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_unary_operators(device, dtype):
    a = np.array([0, 1, 5], dtype=dtype)
    x = dv.asarray(a, device=device)
    if dtype != "bool":
        assert_matches(-x, -a)
        assert_matches(abs(-x), abs(-a))
    if dtype != "bool":  # NumPy allows +bool; devarray (Array API) refuses it
        assert_matches(+x, +a)
    if not dtype.startswith("float"):
        assert_matches(~x, ~a)


def test_operators_refuse_host_arrays(device):
    x = dv.arange(3, device=device)
    for other in (np.arange(3), [1, 2, 3], "text", None):
        with pytest.raises(TypeError):
            x + other
        with pytest.raises(TypeError):
            other - x
    with pytest.raises(TypeError):
        x @ np.arange(3)
    with pytest.raises(TypeError):
        np.arange(3) @ x


def test_comparison_with_unsupported_is_identity_based(device):
    x = dv.arange(3, device=device)
    assert (x == "abc") is False
    assert (x != None) is True  # noqa: E711


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "and", "or", "lshift"])
def test_inplace_operators(device, name):
    dtype = "float64" if name == "truediv" else "int32"
    a = np.array([[1, 2, 3], [4, 5, 6]], dtype=dtype)
    x = dv.asarray(a, device=device)
    before = x
    op = getattr(operator, f"i{name}")
    x = op(x, 2)
    a = op(a, 2)
    assert x is before
    assert_matches(x, a)
    row = dv.asarray(np.array([1, 2, 3], dtype=dtype), device=device)
    x = op(x, row)
    a = op(a, np.array([1, 2, 3], dtype=dtype))
    assert_matches(x, a)


def test_inplace_casting_rules(device):
    x = dv.asarray([1, 2], dtype=dv.int32, device=device)
    with pytest.raises(TypeError, match="same_kind"):
        x += 1.5
    with pytest.raises(TypeError, match="same_kind"):
        x /= 2
    f = dv.asarray([1, 2], dtype=dv.float32, device=device)
    f += dv.asarray([1, 1], dtype=dv.float64, device=device)  # same kind: allowed, like NumPy
    assert f.dtype == dv.float32 and f.tolist() == [2.0, 3.0]
    with pytest.raises(ValueError, match="broadcast"):
        x += dv.ones((2, 2), dtype=dv.int32, device=device)
    with pytest.raises(TypeError):
        x += np.ones(2, dtype=np.int32)


def test_view_writes_are_shared(device):
    x = dv.zeros((2, 3), dtype=dv.int64, device=device)
    row = x[1]
    row += 5
    assert x.tolist() == [[0, 0, 0], [5, 5, 5]]


# ----- indexing ----------------------------------------------------------------------------------

BASIC_KEYS = [
    0,
    -1,
    (1, 2),
    slice(None),
    slice(1, None, 2),
    slice(None, None, -1),
    slice(-2, 0, -1),
    (Ellipsis, 1),
    (None, 1),
    (1, None, slice(None, None, 3)),
    (slice(None), None, Ellipsis),
    (),
    np.int64(1),
]


@pytest.mark.parametrize("key", BASIC_KEYS, ids=repr)
def test_basic_indexing_matches_numpy(device, key):
    a = np.arange(35).reshape(5, 7)
    x = dv.asarray(a, device=device)
    assert_matches(x[key], a[key])


ADVANCED_KEYS = [
    [0, 2, 4],
    [[0, 1], [2, 3]],
    ([0, 2], slice(None)),
    (slice(None), [6, 0, 0]),
    ([0, 4], [1, 6]),
    ([[0], [4]], [1, 6]),
    (1, [0, 3]),
    (slice(1, 3), [0, -1], ),
    ([], slice(None)),
    (Ellipsis, [1]),
]


@pytest.mark.parametrize("key", ADVANCED_KEYS, ids=repr)
@pytest.mark.parametrize("index_kind", ["list", "numpy", "devarray"])
def test_integer_array_indexing_matches_numpy(device, key, index_kind):
    a = np.arange(35).reshape(5, 7)
    x = dv.asarray(a, device=device)

    def convert(k):
        if isinstance(k, list):
            if index_kind == "numpy":
                return np.array(k, dtype=np.int64)
            if index_kind == "devarray":
                return dv.asarray(np.array(k, dtype=np.int64), device=device)
        return k

    dkey = tuple(convert(k) for k in key) if isinstance(key, tuple) else convert(key)
    assert_matches(x[dkey], a[key])


@given(idx=st.lists(st.integers(-7, 6), max_size=12), axis=st.sampled_from([0, 1]))
def test_integer_index_lists_get_and_set_like_numpy(idx, axis):
    """Runs (ascending, descending), repeats (the last write wins on the CPU, as in NumPy) and
    negative indices. (CUDA: test_repeated_indices_on_cuda_keep_one_of_the_writes.)"""
    a = np.arange(49).reshape(7, 7)
    key = (slice(None),) * axis + (np.array(idx, dtype=np.int64),)
    x = dv.asarray(a, device="cpu")
    assert_matches(x[key], a[key])
    values = np.arange(a[key].size).reshape(a[key].shape) + 100
    x[key] = dv.asarray(values, device="cpu")
    a[key] = values
    assert_matches(x, a)


@pytest.mark.skipif(not CUDA_DEVICES, reason="no CUDA device")
def test_repeated_indices_on_cuda_keep_one_of_the_writes():
    """A GPU scatter writes repeated positions in parallel: each element receives one of the
    values written to it, which one is unspecified, so one row can mix writes (NumPy's indexing
    docs allow this too; CuPy and PyTorch behave the same). Every other position matches
    NumPy."""
    a = np.arange(49).reshape(7, 7)
    idx = np.array([3, 0, 3, -4, 6, 0], dtype=np.int64)  # 3 (and -4) and 0 repeat
    x = dv.asarray(a, device=CUDA_DEVICES[0])
    values = np.arange(6 * 7).reshape(6, 7) + 100
    x[idx] = dv.asarray(values, device=CUDA_DEVICES[0])
    got = x.get()
    rows = idx % 7
    for r in range(7):
        candidates = values[rows == r]
        if len(candidates) == 0:
            np.testing.assert_array_equal(got[r], a[r])
        else:
            assert (got[r] == candidates).any(axis=0).all(), (r, got[r], candidates)


def test_integer_index_out_of_bounds_in_runs(device):
    x = dv.arange(5, device=device)
    for idx in ([0, 1, 2, 5], [-6], [4, 3, 2, 1, 0, -1, -6]):
        with pytest.raises(IndexError, match="out of bounds"):
            x[idx]


def test_mixed_advanced_indices_far_apart(device):
    a = np.arange(60).reshape(3, 4, 5)
    x = dv.asarray(a, device=device)
    key = ([0, 2], slice(None), [1, 3])  # separated: broadcast axes go first
    assert_matches(x[key], a[key])
    key = (slice(None), [0, 2], [1, 3])  # adjacent: stay in place
    assert_matches(x[key], a[key])


def test_boolean_indexing(device):
    a = np.arange(12).reshape(3, 4)
    x = dv.asarray(a, device=device)
    assert_matches(x[x > 5], a[a > 5])
    assert_matches(x[a % 2 == 0], a[a % 2 == 0])
    assert_matches(x[[True, False, True]], a[[True, False, True]])
    assert_matches(x[:, np.array([False, True, True, False])], a[:, np.array([False, True, True, False])])


def test_index_errors(device):
    x = dv.arange(5, device=device)
    with pytest.raises(IndexError):
        x[5]
    with pytest.raises(IndexError):
        x[[0, 7]]
    with pytest.raises(IndexError):
        x[1.5]
    with pytest.raises(IndexError):
        x[dv.asarray([0.5], device=device)]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...]
    with pytest.raises(ValueError):
        x[::0]


class _Two:
    """An object usable as an index through __index__ only."""

    def __index__(self):
        return 2


def test_slice_bounds_through_index_and_bad_bounds(device):
    # Slices are read with PySlice_Unpack; bounds that are not ints go through __index__, and
    # the errors of bad bounds are the same as NumPy's kinds.
    a = np.arange(10, dtype=np.int32)
    x = dv.asarray(a, device=device)
    for key in [slice(np.int64(1), np.uint8(7), np.int16(2)), slice(True, None), slice(_Two(), -_Two().__index__()),
                slice(None, None, _Two()), slice(np.int64(-(2**62)), None, -1), (slice(1, None), None)]:
        assert_matches(x[key], a[key])
    for bad in [slice(1.5, None), slice(None, "3"), slice(None, None, 2.0)]:
        with pytest.raises(TypeError, match="slice indices must be integers"):
            x[bad]
        with pytest.raises(TypeError):
            a[bad]
    with pytest.raises(ValueError, match="step cannot be zero"):
        x[1:5:np.int64(0)]


@pytest.mark.parametrize(
    "key",
    [1, slice(1, 3), (Ellipsis, 0), [0, 2], ([0, 1], [2, 3]), (slice(None), [3, 1])],
    ids=repr,
)
def test_setitem_matches_numpy(device, key):
    a = np.zeros((3, 4), dtype=np.float32)
    x = dv.asarray(a, device=device)
    x[key] = 7
    a[key] = 7
    assert_matches(x, a)
    value = np.arange(a[key].size, dtype=np.float32).reshape(a[key].shape)
    x[key] = dv.asarray(value, device=device)
    a[key] = value
    assert_matches(x, a)


def test_setitem_with_mask_and_casting(device):
    a = np.arange(6, dtype=np.int32)
    x = dv.asarray(a, device=device)
    x[x > 2] = -1
    a[a > 2] = -1
    assert_matches(x, a)
    x[0:2] = dv.asarray([1.9, 2.9], device=device)  # unsafe cast, like NumPy
    a[0:2] = [1.9, 2.9]
    assert_matches(x, a)


def test_setitem_refuses_host_values(device):
    x = dv.zeros(3, device=device)
    with pytest.raises(TypeError, match="devarray.asarray"):
        x[:] = np.ones(3)
    with pytest.raises(TypeError):
        x[:] = [1, 2, 3]


def test_readonly_arrays_refuse_writes(device):
    x = dv.broadcast_to(dv.arange(3, device=device), (2, 3))
    assert x.is_readonly
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        x[...] = 1
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        x += 1


def test_len_and_iter(device):
    a = np.arange(6).reshape(3, 2)
    x = dv.asarray(a, device=device)
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3 and all(isinstance(r, dv.ndarray) for r in rows)
    for r, e in zip(rows, a):
        assert_matches(r, e)
    with pytest.raises(TypeError):
        len(dv.asarray(1, device=device))
    with pytest.raises(TypeError):
        iter(dv.asarray(1, device=device))
    assert list(dv.zeros((0, 2), device=device)) == []


# ----- methods -------------------------------------------------------------------------------


def test_astype(device):
    a = np.array([-1.5, 0.0, 2.7, 300.0])
    x = dv.asarray(a, device=device)
    assert_matches(x.astype(dv.int32), a.astype(np.int32))
    assert_matches(x.astype("float32"), a.astype(np.float32))
    assert_matches(x.astype(np.bool_), a.astype(bool))
    assert x.astype(dv.float64, copy=False) is x
    assert x.astype(dv.float64) is not x
    assert_matches(x.astype(np.complex64), a.astype(np.complex64))
    with pytest.raises(TypeError):
        x.astype(np.clongdouble)


def test_reshape_and_transpose(device):
    a = np.arange(24)
    x = dv.asarray(a, device=device)
    assert_matches(x.reshape(2, 3, 4), a.reshape(2, 3, 4))
    assert_matches(x.reshape((4, -1)), a.reshape((4, -1)))
    assert_matches(x.reshape(-1, 6).transpose(), a.reshape(-1, 6).transpose())
    y = x.reshape(2, 3, 4)
    assert_matches(y.transpose(1, 0, 2), a.reshape(2, 3, 4).transpose(1, 0, 2))
    assert_matches(y.transpose((2, 0, 1)), a.reshape(2, 3, 4).transpose((2, 0, 1)))
    assert_matches(y.swapaxes(0, 2), a.reshape(2, 3, 4).swapaxes(0, 2))
    assert_matches(y.T.ravel(), a.reshape(2, 3, 4).T.ravel())
    assert_matches(y.flatten(), a)
    with pytest.raises(ValueError):
        x.reshape(5, 5)
    with pytest.raises(ValueError):
        y.T.reshape(24, copy=False)
    z = x.reshape(24, copy=True)
    z[0] = 100
    assert x[0].item() == 0


def test_copy_and_to_device(device):
    x = dv.arange(4, device=device)
    for c in (x.copy(), copy.copy(x), copy.deepcopy(x)):
        c[0] = 9
        assert x[0].item() == 0
    assert x.to_device(device) is not None
    cpu = x.to_device("cpu")
    assert cpu.device == dv.Device("cpu") and cpu.tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        x.to_device("cpu", stream=5)


REDUCTIONS = ["sum", "prod", "min", "max", "mean", "var", "std", "argmin", "argmax", "all", "any"]


@pytest.mark.parametrize(
    "name, axis",
    [(n, a) for n in REDUCTIONS for a in [None, 0, 1, -1, (0, 2)] if not (n.startswith("arg") and isinstance(a, tuple))],
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(device, name, axis, keepdims):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4, 5))
    x = dv.asarray(a, device=device)
    expected = getattr(a, name)(axis=axis, keepdims=keepdims)
    assert_matches(getattr(x, name)(axis=axis, keepdims=keepdims), expected)
    assert_matches(getattr(dv, name)(x, axis=axis, keepdims=keepdims), expected)


@pytest.mark.parametrize("dtype", INT_DTYPES + ["bool"])
def test_integer_reduction_dtypes(device, dtype):
    a = np.array([[1, 0, 1], [1, 1, 0]], dtype=dtype)
    x = dv.asarray(a, device=device)
    assert_matches(x.sum(), a.sum())
    assert_matches(x.sum(axis=0), a.sum(axis=0))
    assert_matches(x.prod(axis=1), a.prod(axis=1))
    assert_matches(x.mean(), a.mean())
    assert_matches(x.max(axis=1), a.max(axis=1))


def test_reduction_options(device):
    a = np.array([200, 100], dtype=np.uint8)
    x = dv.asarray(a, device=device)
    assert_matches(x.sum(dtype=dv.uint8), a.sum(dtype=np.uint8))
    assert_matches(x.sum(dtype=np.float32), a.sum(dtype=np.float32))
    b = np.arange(12.0).reshape(3, 4)
    y = dv.asarray(b, device=device)
    assert_matches(y.var(axis=0, ddof=1), b.var(axis=0, ddof=1))
    assert_matches(y.std(correction=1), b.std(ddof=1))
    assert_matches(dv.var(y, axis=1, correction=1.0), b.var(axis=1, ddof=1))
    with pytest.raises(ValueError):
        dv.zeros(0, device=device).max()
    with pytest.raises(np.exceptions.AxisError):
        y.sum(axis=2)
    with pytest.raises(IndexError):  # AxisError is also an IndexError
        y.sum(axis=-3)
    with pytest.raises(TypeError):
        y.max(dtype=dv.float32)


def test_clip_method(device):
    a = np.array([-5, 3, 12])
    x = dv.asarray(a, device=device)
    assert_matches(x.clip(0, 10), a.clip(0, 10))
    assert_matches(x.clip(max=4), a.clip(max=4))


# ----- errors map to the right exception classes ---------------------------------------------------


def test_error_classes(device):
    x = dv.arange(6, device=device)
    with pytest.raises(ValueError, match="incompatible"):
        x + dv.arange(4, device=device)  # shapes
    with pytest.raises(TypeError):
        dv.asarray([1.0], device=device) & 1  # bitwise on floats: UnsupportedDType
    with pytest.raises(ValueError):
        dv.arange(0, 1, 0)  # InvalidArgument
    with pytest.raises(ValueError):
        dv.permute_dims(dv.zeros((2, 3), device=device), (0, 0))
    with pytest.raises(MemoryError):
        dv.empty((2**40, 2**20), dtype=dv.uint8, device=device)
    with pytest.raises(OverflowError):
        x + 2**70


def test_threads_share_arrays_safely(device):
    x = dv.ones((64, 64), device=device)
    results = []

    def work():
        for _ in range(20):
            results.append((x * 2).sum().item())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [8192.0] * 80


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_every_dtype_round_trips(device, dtype):
    if dtype == "bfloat16":
        pytest.importorskip("ml_dtypes")
    x = dv.asarray([0, 1, 1], dtype=getattr(dv, dtype), device=device)
    assert x.dtype == getattr(dv, dtype)
    host = x.get()
    assert host.dtype.name == dtype
    assert host.astype(np.float64).tolist() == [0.0, 1.0, 1.0]
    assert x.tolist() == ([False, True, True] if dtype == "bool" else [0, 1, 1])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_nan_and_inf_survive(device, dtype):
    a = np.array([np.nan, np.inf, -np.inf, -0.0], dtype=dtype)
    x = dv.asarray(a, device=device)
    host = x.get()
    np.testing.assert_array_equal(host, a)
    assert np.signbit(host[3])


def test_device_work_releases_the_gil():
    """While one thread runs a long device op, other Python threads keep running."""
    import time

    x = dv.ones(8_000_000, dtype=dv.float32, device="cpu")
    start = time.perf_counter()
    x.sum()  # one call into the core
    single = time.perf_counter() - start
    if single < 0.05:
        pytest.skip(f"the op is too fast ({single:.3f}s) to observe the GIL on this machine")

    done = threading.Event()

    def work():
        for _ in range(3):
            x.sum()
        done.set()

    t = threading.Thread(target=work)
    t.start()
    gaps, last = [], time.perf_counter()
    while not done.is_set():
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        time.sleep(0.001)
    t.join()
    assert len(gaps) > 3
    assert max(gaps) < 0.5 * single, (max(gaps), single)
