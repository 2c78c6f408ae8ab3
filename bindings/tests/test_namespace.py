"""The Array API namespace: dtypes, dtype queries, creation, elementwise functions,
manipulation and inspection, with NumPy as the oracle."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import FLOAT_DTYPES, INT_DTYPES, NUMPY_DTYPES, assert_matches, tolerance
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import devarray as dv
from devarray import _array_api

# ----- the namespace itself -----------------------------------------------------------------------


def test_namespace_and_version():
    x = dv.arange(3)
    assert x.__array_namespace__() is dv
    assert x.__array_namespace__(api_version="2024.12") is dv
    with pytest.raises(ValueError):
        x.__array_namespace__(api_version="1999.01")
    assert dv.__array_api_version__ == "2024.12"


def test_all_lists_only_existing_names():
    for name in dv.__all__:
        assert hasattr(dv, name), name


def test_dtypes_are_module_attributes():
    for name in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "bfloat16", "float32", "float64"]:
        d = getattr(dv, name)
        assert isinstance(d, dv.DType) and d.name == name
        assert d == d and d != name and d != np.dtype("float32" if name != "float32" else "float64")
    assert len({dv.int8, dv.int16, dv.int8}) == 2


def test_constants():
    assert dv.e == math.e and dv.pi == math.pi and dv.inf == math.inf and math.isnan(dv.nan)
    assert dv.newaxis is None


def test_finfo_iinfo():
    for name in FLOAT_DTYPES:
        ours, theirs = dv.finfo(getattr(dv, name)), np.finfo(name)
        assert ours.bits == theirs.bits and ours.eps == float(theirs.eps)
        assert ours.max == float(theirs.max) and ours.min == float(theirs.min)
        assert ours.smallest_normal == float(theirs.smallest_normal)
        assert ours.dtype == getattr(dv, name)
    bf = dv.finfo(dv.bfloat16)
    assert bf.bits == 16 and bf.eps == 2.0**-7 and bf.smallest_normal == 2.0**-126
    for name in INT_DTYPES:
        ours, theirs = dv.iinfo(getattr(dv, name)), np.iinfo(name)
        assert (ours.bits, ours.min, ours.max) == (theirs.bits, int(theirs.min), int(theirs.max))
    assert dv.finfo(dv.zeros(1, dtype=dv.float32)).bits == 32
    with pytest.raises(ValueError):
        dv.finfo(dv.int32)
    with pytest.raises(ValueError):
        dv.iinfo(dv.float32)


def test_isdtype():
    assert dv.isdtype(dv.int8, "signed integer") and dv.isdtype(dv.uint8, "integral")
    assert dv.isdtype(dv.bfloat16, "real floating") and dv.isdtype(dv.float32, "numeric")
    assert not dv.isdtype(dv.bool, "numeric") and dv.isdtype(dv.bool, "bool")
    assert not dv.isdtype(dv.float64, "complex floating")
    assert dv.isdtype(dv.int32, (dv.float32, "integral")) and dv.isdtype(dv.int32, dv.int32)
    with pytest.raises(ValueError):
        dv.isdtype(dv.int8, "integer")


def _array_api_pair(a: str, b: str) -> bool:
    """Whether the Array API's promotion table defines ``a`` with ``b`` (same kind; no uint64
    with a signed integer)."""
    na, nb = np.dtype(a), np.dtype(b)
    kinds = {na.kind, nb.kind}
    if len(kinds) == 2 and kinds != {"i", "u"}:
        return False
    if kinds == {"i", "u"}:
        unsigned = na if na.kind == "u" else nb
        return unsigned.itemsize < 8
    return True


@pytest.mark.parametrize("a, b", [(a, b) for a in NUMPY_DTYPES for b in NUMPY_DTYPES if _array_api_pair(a, b)])
def test_result_type_matches_numpy_within_the_array_api_table(a, b):
    assert dv.result_type(getattr(dv, a), getattr(dv, b)).name == np.result_type(a, b).name


def test_result_type_with_arrays_and_scalars():
    assert dv.result_type(dv.zeros(1, dtype=dv.uint8), 1) == dv.uint8
    assert dv.result_type(dv.int8, 1.0) == dv.float64
    assert dv.result_type(dv.float16, 1.0) == dv.float16
    assert dv.result_type(dv.bool, True) == dv.bool
    assert dv.result_type("float32", np.float64) == dv.float64
    with pytest.raises(TypeError):
        dv.result_type(1, 2.0)


def test_can_cast():
    assert dv.can_cast(dv.int8, dv.int16) and not dv.can_cast(dv.int16, dv.int8)
    assert dv.can_cast(dv.zeros(1, dtype=dv.float16), dv.float32)
    assert not dv.can_cast(dv.float32, dv.int64)


def test_namespace_info():
    info = dv.__array_namespace_info__()
    caps = info.capabilities()
    assert caps["boolean indexing"] is True and caps["data-dependent shapes"] is True
    assert info.default_device() in info.devices()
    defaults = info.default_dtypes()
    assert defaults["real floating"] == dv.float64 and defaults["integral"] == dv.int64
    assert defaults["indexing"] == dv.int64 and defaults["complex floating"] == dv.complex128
    assert set(info.dtypes(kind="unsigned integer")) == {"uint8", "uint16", "uint32", "uint64"}
    assert set(info.dtypes(kind="complex floating")) == {"complex64", "complex128"}
    assert len(info.dtypes()) == 13  # the standard's; float16 and bfloat16 are extensions
    assert "float16" not in info.dtypes(kind="real floating")


# ----- creation -----------------------------------------------------------------------------------


def test_creation_functions(device):
    assert_matches(dv.zeros((2, 3), device=device), np.zeros((2, 3)))
    assert_matches(dv.ones(4, dtype=dv.int8, device=device), np.ones(4, dtype=np.int8))
    assert dv.empty((2, 2), device=device).shape == (2, 2)
    assert_matches(dv.full((2,), 7, device=device), np.full((2,), 7))
    assert_matches(dv.full((2,), 7.5, device=device), np.full((2,), 7.5))
    assert_matches(dv.full((2,), True, device=device), np.full((2,), True))
    assert_matches(dv.full((2,), np.float32(1), device=device), np.full((2,), 1, dtype=np.float32))
    assert_matches(dv.arange(5, device=device), np.arange(5))
    assert_matches(dv.arange(1, 10, 3, device=device), np.arange(1, 10, 3))
    assert_matches(dv.arange(0.0, 1.0, 0.25, device=device), np.arange(0.0, 1.0, 0.25))
    assert_matches(dv.arange(5, 0, -2, dtype=dv.int16, device=device), np.arange(5, 0, -2, dtype=np.int16))
    assert_matches(dv.linspace(0, 1, 5, device=device), np.linspace(0, 1, 5))
    assert_matches(dv.linspace(0, 1, 4, endpoint=False, device=device), np.linspace(0, 1, 4, endpoint=False))
    assert_matches(dv.eye(3, device=device), np.eye(3))
    assert_matches(dv.eye(2, 4, k=1, dtype=dv.int32, device=device), np.eye(2, 4, k=1, dtype=np.int32))
    proto = dv.asarray([[1, 2]], dtype=dv.uint16, device=device)
    assert_matches(dv.zeros_like(proto), np.zeros((1, 2), dtype=np.uint16))
    assert_matches(dv.ones_like(proto, dtype=dv.float32), np.ones((1, 2), dtype=np.float32))
    assert_matches(dv.full_like(proto, 9), np.full((1, 2), 9, dtype=np.uint16))
    assert dv.empty_like(proto).shape == (1, 2) and dv.empty_like(proto).device == device
    with pytest.raises(ValueError):
        dv.zeros((-1, 2))


@pytest.mark.parametrize(
    "obj",
    [5, 2.5, True, [1, 2, 3], [[1.5, 2.5]], [True, False], (1, 2), [], 2**63],
    ids=repr,
)
def test_asarray_from_python_data_uses_default_dtypes(device, obj):
    assert_matches(dv.asarray(obj, device=device), np.asarray(obj))


def test_asarray_options(device):
    a = np.arange(6, dtype=np.int16).reshape(2, 3)
    x = dv.asarray(a, device=device)
    assert_matches(x, a)
    a[0, 0] = 99  # host data is copied
    assert x[0, 0].item() == 0
    assert_matches(dv.asarray(a.T, device=device), a.T)  # any layout
    assert_matches(dv.asarray(a.astype(">i4"), device=device), a.astype(np.int32))  # byte order
    assert_matches(dv.asarray([1, 2], dtype=dv.float32, device=device), np.array([1, 2], dtype=np.float32))
    assert dv.asarray(x) is x
    assert dv.asarray(x, copy=True) is not x
    assert dv.asarray(x, dtype=dv.int16) is x
    assert dv.asarray(x, dtype=dv.int32).dtype == dv.int32
    with pytest.raises(ValueError):
        dv.asarray(x, dtype=dv.int32, copy=False)
    assert dv.asarray([x, x]).shape == (2, 2, 3)
    with pytest.raises(TypeError):
        dv.asarray(np.array([1 + 2j], dtype=np.clongdouble))
    with pytest.raises(TypeError):
        dv.asarray(["a", "b"])
    with pytest.raises(OverflowError):
        dv.asarray([300], dtype=dv.uint8)


def test_asarray_copy_false_shares_cpu_host_memory():
    a = np.arange(4.0)
    x = dv.asarray(a, device="cpu", copy=False)
    a[0] = 42.0
    assert x[0].item() == 42.0
    with pytest.raises(ValueError):
        dv.asarray([1, 2], copy=False)


def test_asarray_bool_bytes_are_normalised(device):
    raw = np.array([0, 1, 2, 255], dtype=np.uint8).view(np.bool_)
    x = dv.asarray(raw, device=device)
    assert x.tolist() == [False, True, True, True]


def test_meshgrid(device):
    a, b = np.arange(3), np.arange(4.0)
    for indexing in ("xy", "ij"):
        got = dv.meshgrid(dv.asarray(a, device=device), dv.asarray(b, device=device), indexing=indexing)
        want = np.meshgrid(a, b, indexing=indexing)
        for g, w in zip(got, want):
            assert_matches(g, w, exact_dtype=False)


# ----- elementwise functions ---------------------------------------------------------------------

UNARY_NUMPY = {
    "abs": np.abs, "acos": np.arccos, "acosh": np.arccosh, "asin": np.arcsin, "asinh": np.arcsinh,
    "atan": np.arctan, "atanh": np.arctanh, "ceil": np.ceil, "cos": np.cos, "cosh": np.cosh,
    "exp": np.exp, "expm1": np.expm1, "floor": np.floor, "isfinite": np.isfinite, "isinf": np.isinf,
    "isnan": np.isnan, "log": np.log, "log1p": np.log1p, "log2": np.log2, "log10": np.log10,
    "logical_not": np.logical_not, "negative": np.negative, "positive": np.positive,
    "reciprocal": np.reciprocal, "round": np.round, "sign": np.sign, "signbit": np.signbit,
    "sin": np.sin, "sinh": np.sinh, "sqrt": np.sqrt, "square": np.square, "tan": np.tan,
    "tanh": np.tanh, "trunc": np.trunc,
}


def test_every_elementwise_function_exists_with_docs():
    for name in list(_array_api.UNARY_FUNCTIONS) + list(_array_api.BINARY_FUNCTIONS):
        f = getattr(dv, name)
        assert f.__name__ == name and f.__doc__ and f.__module__ == "devarray"


@pytest.mark.parametrize("name", sorted(UNARY_NUMPY))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_unary_functions_match_numpy(name, dtype):
    @settings(max_examples=20)
    @given(a=hnp.arrays(dtype, st.sampled_from([(6,), (2, 3)]), elements=st.floats(-3, 3, width=np.dtype(dtype).itemsize * 8)))
    def check(a):
        with np.errstate(all="ignore"):
            expected = UNARY_NUMPY[name](a)
        assert_matches(getattr(dv, name)(dv.asarray(a)), expected)

    check()


@pytest.mark.parametrize("name", ["abs", "negative", "square", "sign", "floor", "isnan", "logical_not", "bitwise_invert"])
@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64"])
def test_unary_integer_functions(device, name, dtype):
    a = np.array([0, 1, 7, 100], dtype=dtype)
    numpy_func = np.invert if name == "bitwise_invert" else UNARY_NUMPY[name]
    assert_matches(getattr(dv, name)(dv.asarray(a, device=device)), numpy_func(a))


def test_float_functions_of_integers_promote_like_numpy(device):
    for dtype in ["int8", "uint8", "int16", "int32", "int64"]:
        a = np.array([1, 4, 9], dtype=dtype)
        assert_matches(dv.sqrt(dv.asarray(a, device=device)), np.sqrt(a))


BINARY_NUMPY = {
    "add": np.add, "atan2": np.arctan2, "copysign": np.copysign, "divide": np.divide,
    "equal": np.equal, "floor_divide": np.floor_divide, "greater": np.greater,
    "greater_equal": np.greater_equal, "hypot": np.hypot, "less": np.less, "less_equal": np.less_equal,
    "logaddexp": np.logaddexp, "logical_and": np.logical_and, "logical_or": np.logical_or,
    "logical_xor": np.logical_xor, "maximum": np.maximum, "minimum": np.minimum, "multiply": np.multiply,
    "not_equal": np.not_equal, "pow": np.power, "remainder": np.remainder, "subtract": np.subtract,
}


@pytest.mark.parametrize("name", sorted(BINARY_NUMPY))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_binary_functions_match_numpy(name, dtype):
    width = np.dtype(dtype).itemsize * 8

    @settings(max_examples=20)
    @given(
        a=hnp.arrays(dtype, (2, 3), elements=st.floats(-5, 5, width=width)),
        b=hnp.arrays(dtype, st.sampled_from([(3,), (2, 3), (1, 1)]), elements=st.floats(0.5, 5, width=width)),
    )
    def check(a, b):
        with np.errstate(all="ignore"):
            expected = BINARY_NUMPY[name](a, b)
        assert_matches(getattr(dv, name)(dv.asarray(a), dv.asarray(b)), expected)
        # and with a Python scalar on either side
        with np.errstate(all="ignore"):
            expected = BINARY_NUMPY[name](a, 2.0)
        assert_matches(getattr(dv, name)(dv.asarray(a), 2.0), expected)

    check()


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"])
@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_bitwise_functions(device, name, dtype):
    a = np.array([0, 1, 6, 100], dtype=dtype)
    b = np.array([1, 2, 3, 0], dtype=dtype)
    numpy_name = {"bitwise_left_shift": "left_shift", "bitwise_right_shift": "right_shift"}.get(name, name)
    assert_matches(getattr(dv, name)(dv.asarray(a, device=device), dv.asarray(b, device=device)), getattr(np, numpy_name)(a, b))


def test_elementwise_argument_errors(device):
    with pytest.raises(TypeError):
        dv.sin([1.0, 2.0])
    with pytest.raises(TypeError):
        dv.add(1, 2)
    with pytest.raises(TypeError):
        dv.add(dv.arange(3, device=device), np.arange(3))


def test_bfloat16_arithmetic(device):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    a = np.array([1.5, 2.25, -3.0], dtype=ml_dtypes.bfloat16)
    x = dv.asarray(a, device=device)
    assert x.dtype == dv.bfloat16
    np.testing.assert_allclose((x * 2 + 1).get().astype(np.float32), (a.astype(np.float32) * 2 + 1), **tolerance("bfloat16"))


# ----- manipulation, searching and statistics --------------------------------------------------


def test_manipulation_functions(device):
    a = np.arange(24).reshape(2, 3, 4)
    x = dv.asarray(a, device=device)
    assert_matches(dv.reshape(x, (6, -1)), a.reshape(6, -1))
    assert_matches(dv.permute_dims(x, (2, 0, 1)), np.permute_dims(a, (2, 0, 1)))
    assert_matches(dv.expand_dims(x, axis=1), np.expand_dims(a, 1))
    assert_matches(dv.squeeze(dv.expand_dims(x, axis=0), axis=0), a)
    assert_matches(dv.flip(x, axis=1), np.flip(a, axis=1))
    assert_matches(dv.flip(x), np.flip(a))
    assert_matches(dv.broadcast_to(dv.asarray([1, 2, 3], device=device), (2, 3)), np.broadcast_to([1, 2, 3], (2, 3)))
    got = dv.broadcast_arrays(dv.asarray([[1], [2]], device=device), dv.asarray([1, 2, 3], device=device))
    want = np.broadcast_arrays(np.array([[1], [2]]), np.array([1, 2, 3]))
    for g, w in zip(got, want):
        assert_matches(g, w)
    assert_matches(dv.moveaxis(x, 0, -1), np.moveaxis(a, 0, -1))
    assert_matches(dv.moveaxis(x, (0, 1), (2, 0)), np.moveaxis(a, (0, 1), (2, 0)))
    assert_matches(dv.matrix_transpose(x), np.matrix_transpose(a))
    parts = dv.unstack(x, axis=1)
    assert len(parts) == 3
    for p, w in zip(parts, np.unstack(a, axis=1)):
        assert_matches(p, w)
    assert_matches(dv.astype(x, dv.float32), a.astype(np.float32))
    assert dv.astype(x, dv.int64, copy=False) is x


def test_concat_and_stack(device):
    a = np.arange(6).reshape(2, 3)
    b = np.arange(6, 12, dtype=np.int32).reshape(2, 3)
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    assert_matches(dv.concat([x, y]), np.concatenate([a, b]))
    assert_matches(dv.concat([x, y], axis=1), np.concatenate([a, b], axis=1))
    assert_matches(dv.concat([x, y], axis=-1), np.concatenate([a, b], axis=-1))
    assert_matches(dv.concat([x, y], axis=None), np.concatenate([a, b], axis=None))
    assert_matches(dv.concat([x.T, y.T[::-1]]), np.concatenate([a.T, b.T[::-1]]))
    assert_matches(dv.stack([x, y]), np.stack([a, b]))
    assert_matches(dv.stack([x, y], axis=-1), np.stack([a, b], axis=-1))
    with pytest.raises(ValueError):
        dv.concat([x, dv.zeros((2, 2), device=device)])
    with pytest.raises(ValueError):
        dv.stack([x, x.T])
    with pytest.raises(ValueError):
        dv.concat([])
    with pytest.raises(np.exceptions.AxisError):
        dv.concat([x, y], axis=2)


def test_where_clip_take_count_nonzero(device):
    a = np.array([[-2.0, 0.5], [3.0, np.nan]])
    x = dv.asarray(a, device=device)
    assert_matches(dv.where(x > 0, x, 0.0), np.where(a > 0, a, 0.0))
    assert_matches(dv.where(x > 0, 1, x), np.where(a > 0, 1, a))
    assert_matches(dv.clip(x, -1, 1), np.clip(a, -1, 1))
    assert_matches(dv.clip(x, max=0.0), np.clip(a, None, 0.0))
    assert_matches(dv.clip(x, dv.asarray([0.0, 1.0], device=device), None), np.clip(a, [0.0, 1.0], None))
    b = np.arange(10) * 3
    y = dv.asarray(b, device=device)
    idx = dv.asarray([9, 0, 3], device=device)
    assert_matches(dv.take(y, idx), np.take(b, [9, 0, 3]))
    assert_matches(dv.take(x, dv.asarray([1], device=device), axis=1), np.take(a, [1], axis=1))
    assert_matches(dv.count_nonzero(x), np.count_nonzero(a))
    assert_matches(dv.count_nonzero(x, axis=0), np.count_nonzero(a, axis=0))


def test_take_along_axis_put_and_split_match_numpy(device):
    a = np.array([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]], dtype=np.float32)
    x = dv.asarray(a, device=device)
    order = np.argsort(a, axis=1)
    i = dv.asarray(order, device=device)
    assert_matches(dv.take_along_axis(x, i, axis=1), np.take_along_axis(a, order, axis=1))
    assert_matches(dv.take_along_axis(x, i, axis=-1), np.take_along_axis(a, order, axis=-1))
    col = np.array([[1], [0]])
    assert_matches(np.take_along_axis(x, dv.asarray(col, device=device), axis=1), np.take_along_axis(a, col, axis=1))
    with pytest.raises(IndexError):
        dv.take_along_axis(x, dv.asarray([[3]], device=device), axis=1)
    with pytest.raises(ValueError):  # indices need x's number of dimensions
        dv.take_along_axis(x, dv.asarray([0], device=device), axis=1)

    b = np.zeros((2, 3), dtype=np.float32)
    y = dv.asarray(b, device=device)
    np.put(b, [4, 0, -1], [1.0, 2.0, 3.0])  # NumPy's -1 is the last element, like ours
    dv.put(y, [4, 0, -1], [1.0, 2.0, 3.0])  # (repeated positions: one write wins on a GPU)
    assert_matches(y, b)
    np.put(y, dv.asarray([1], device=device), 7.0)
    np.put(b, [1], 7.0)
    assert_matches(y, b)
    with pytest.raises(IndexError):
        dv.put(y, [6], [1.0])
    with pytest.raises(ValueError, match="read-only|writ"):
        dv.put(dv.broadcast_to(dv.asarray([1.0], device=device), (3,)), [0], [1.0])

    c = np.arange(10.0)
    z = dv.asarray(c, device=device)
    for points in ([3, 7], [-2], [0, 20], [5, 2], []):
        got = dv.split(z, points)
        want = np.split(c, points)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_matches(g, w)
    assert [p.shape for p in dv.split(z, 5)] == [(2,)] * 5
    assert [p.shape for p in np.split(z, 2)] == [(5,)] * 2
    with pytest.raises(ValueError, match="equal division"):
        dv.split(z, 3)
    assert [p.shape for p in dv.array_split(z, 3)] == [q.shape for q in np.array_split(c, 3)]
    assert [p.shape for p in np.array_split(z, 4)] == [q.shape for q in np.array_split(c, 4)]
    m = dv.asarray(a, device=device)
    for g, w in zip(dv.split(m, [1], axis=-1), np.split(a, [1], axis=-1)):
        assert_matches(g, w)
    with pytest.raises(ValueError):
        dv.array_split(z, 0)


def test_conj_and_real_of_real_dtypes_are_copies(device):
    host = np.array([1.5, -0.0, np.nan, -np.inf], dtype=np.float32)
    x = dv.asarray(host, device=device)
    for f in (dv.conj, dv.real):
        y = f(x)
        assert y.dtype == dv.float32
        np.testing.assert_array_equal(y.get(), getattr(np, f.__name__)(host))
        assert np.signbit(y.get()[1])
        y[0] = 7.0  # a copy: x is unchanged
        assert x.get()[0] == 1.5
    assert dv.real(dv.asarray([3, 4], dtype=dv.int16, device=device)).get().tolist() == [3, 4]
    with pytest.raises(TypeError, match="bool"):
        dv.conj(dv.asarray([True], device=device))


def test_namespace_has_no_leftovers():
    public = {n for n in dir(dv) if not n.startswith("_")}
    assert public - set(dv.__all__) == set(), "every public name is in __all__ (no import leftovers)"
