"""Scans and what is built on them (cumulative_sum/prod, cumsum/cumprod, diff), against NumPy,
through the namespace, the methods and ``__array_function__``."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ALL_DTYPES, NUMPY_DTYPES, assert_matches
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import devarray as dv

LENGTHS = [0, 1, 31, 32, 33, 255, 256, 257, 2047, 2049, 4095, 4096, 4097]


def _data(n, dtype, prod=False):
    """Integer-valued data (exact in every dtype, float16 included); for products mostly +-1."""
    i = np.arange(n)
    if dtype == "bool":
        return (i % 3 == 0) if not prod else (i % 97 != 50)
    if prod:
        v = np.array([1, -1, 2, 1, 1, -1, 3, 1, 1, 1, -1, 1, 2])[(i * 31) % 13]
        if np.dtype(dtype).kind == "f":
            v = np.array([1, -1, 2, 1, 0.5, -1, 1, 0.5, 1, 2, -1, 1, 1])[(i * 31) % 13]
    else:
        v = (i * 7919) % 13 - 6
    if np.dtype(dtype).kind == "u":
        v = np.abs(v)
    return v.astype(dtype)


def _expected(func, a, **kw):
    """NumPy's result; 16-bit floats accumulate in float32 and round once (devarray's rule)."""
    if a.dtype == np.float16 and kw.get("dtype") is None:
        return func(a.astype(np.float32), **kw).astype(np.float16)
    return func(a, **kw)


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
@pytest.mark.parametrize("n", LENGTHS)
def test_cumulative_1d_matches_numpy(device, dtype, n):
    for prod, dv_f, np_f in ((False, dv.cumulative_sum, np.cumulative_sum), (True, dv.cumulative_prod, np.cumulative_prod)):
        a = _data(n, dtype, prod)
        x = dv.asarray(a, device=device)
        assert_matches(dv_f(x), _expected(np_f, a))
        assert_matches(dv_f(x, include_initial=True), _expected(np_f, a, include_initial=True))


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint32", "int64", "float32", "float64"])
def test_long_rows_match_numpy(device, dtype):
    n = (1 << 20) + 1
    a = _data(n, dtype)
    x = dv.asarray(a, device=device)
    assert_matches(dv.cumsum(x), np.cumsum(a))
    p = _data(n, dtype, prod=True)
    assert_matches(dv.cumprod(dv.asarray(p, device=device)), np.cumprod(p))


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("dtype", ["int16", "uint8", "float32", "bool"])
def test_every_axis_and_layout(device, axis, dtype):
    a = _data(3 * 33 * 5, dtype).reshape(3, 33, 5)
    views = {
        "c": lambda t: t,
        "transposed": lambda t: t.transpose(2, 0, 1),
        "flipped": lambda t: t[:, ::-1],
        "stepped": lambda t: t[::2, 1::3],
    }
    for name, view in views.items():
        x = view(dv.asarray(a, device=device))
        expected = view(a)
        assert_matches(dv.cumulative_sum(x, axis=axis), np.cumulative_sum(expected, axis=axis))
        assert_matches(dv.cumulative_prod(x, axis=axis, include_initial=True),
                       np.cumulative_prod(expected, axis=axis, include_initial=True))
        assert_matches(x.cumsum(axis=axis), expected.cumsum(axis=axis))
        assert_matches(x.cumsum(), expected.cumsum())


def test_dtypes_and_argument_rules(device):
    for dtype in ALL_DTYPES:
        x = dv.zeros((3,), dtype=getattr(dv, dtype), device=device)
        want = {"bool": "int64", "int8": "int64", "int16": "int64", "int32": "int64", "uint8": "uint64",
                "uint16": "uint64", "uint32": "uint64"}.get(dtype, dtype)
        assert dv.cumulative_sum(x).dtype == getattr(dv, want)
        assert dv.cumulative_prod(x).dtype == getattr(dv, want)
    a = np.array([100, 100, 100, -128], dtype=np.int8)
    x = dv.asarray(a, device=device)
    assert_matches(dv.cumulative_sum(x, dtype=dv.int8), np.cumulative_sum(a, dtype=np.int8))
    assert_matches(dv.cumsum(x, dtype=dv.float32), np.cumsum(a, dtype=np.float32))
    b = np.array([False, True, False])
    assert_matches(dv.cumsum(dv.asarray(b, device=device), dtype=dv.bool), np.cumsum(b, dtype=bool))
    m = dv.ones((2, 3), device=device)
    with pytest.raises(ValueError):
        dv.cumulative_sum(m)  # axis required above one dimension
    with pytest.raises(Exception):
        dv.cumulative_sum(m, axis=2)
    assert_matches(dv.cumulative_sum(dv.asarray(np.float32(5), device=device)),
                   np.cumulative_sum(np.float32(5)))
    assert_matches(dv.cumsum(dv.zeros((0, 3), device=device), axis=0), np.cumsum(np.zeros((0, 3)), axis=0))


def test_special_values(device):
    a = np.array([1.0, np.nan, 2.0, np.inf, -np.inf, -0.0], dtype=np.float64)
    x = dv.asarray(a, device=device)
    assert_matches(dv.cumsum(x), np.cumsum(a))
    assert_matches(dv.cumprod(x), np.cumprod(a))
    z = np.array([-0.0, -0.0], dtype=np.float32)
    got = dv.cumulative_sum(dv.asarray(z, device=device)).get()
    assert np.signbit(got).all(), got


def test_float32_sum_is_as_accurate_as_numpy(device):
    a = np.full(1 << 20, 0.1, dtype=np.float32)
    exact = np.cumsum(a.astype(np.float64))
    ours = dv.cumsum(dv.asarray(a, device=device)).get().astype(np.float64)
    numpy = np.cumsum(a).astype(np.float64)
    assert np.abs(ours - exact).max() <= np.abs(numpy - exact).max()


@given(hnp.arrays(np.int32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=9), elements=st.integers(-50, 50)),
       st.integers(0, 2))
def test_diff_matches_numpy(a, n):
    x = dv.asarray(a)
    for axis in range(-a.ndim, a.ndim):
        assert_matches(dv.diff(x, n=n, axis=axis), np.diff(a, n=n, axis=axis))


def test_diff_arguments(device):
    a = np.array([[1, 4, 9], [2, 2, 0]], dtype=np.int16)
    x = dv.asarray(a, device=device)
    assert_matches(dv.diff(x), np.diff(a))
    assert_matches(dv.diff(x, axis=0), np.diff(a, axis=0))
    assert_matches(dv.diff(x, n=5), np.diff(a, n=5))
    assert_matches(dv.diff(x, prepend=0, append=7), np.diff(a, prepend=0, append=7))
    col = np.array([[5], [6]], dtype=np.int16)
    assert_matches(dv.diff(x, prepend=dv.asarray(col, device=device)), np.diff(a, prepend=col))
    f = np.array([1.5, np.inf, np.nan, -0.0], dtype=np.float32)
    assert_matches(dv.diff(dv.asarray(f, device=device)), np.diff(f))
    b = np.array([True, False, False, True])
    assert_matches(dv.diff(dv.asarray(b, device=device)), np.diff(b))
    with pytest.raises(ValueError):
        dv.diff(x, n=-1)
    with pytest.raises(ValueError):
        dv.diff(dv.asarray(np.int8(3), device=device))


def test_numpy_dispatch(device):
    a = _data(50, "int32").reshape(5, 10)
    x = dv.asarray(a, device=device)
    for got, want in [
        (np.cumsum(x), np.cumsum(a)),
        (np.cumsum(x, axis=1), np.cumsum(a, axis=1)),
        (np.cumprod(x, axis=0, dtype=np.float64), np.cumprod(a, axis=0, dtype=np.float64)),
        (np.cumulative_sum(x, axis=0, include_initial=True), np.cumulative_sum(a, axis=0, include_initial=True)),
        (np.cumulative_prod(x, axis=1), np.cumulative_prod(a, axis=1)),
        (np.diff(x, axis=0), np.diff(a, axis=0)),
        (np.diff(x, n=2, prepend=0), np.diff(a, n=2, prepend=0)),
        (x.cumprod(axis=1), a.cumprod(axis=1)),
    ]:
        assert_matches(got, want)
    with pytest.raises(TypeError):
        np.cumsum(x, out=dv.zeros((50,), device=device))


# ----- nonzero and friends (scan + scatter on the device; the count is read to the host) ------


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("n", [0, 1, 33, 257, 4097])
def test_flatnonzero_matches_numpy(device, dtype, n):
    a = _data(n, "float32" if dtype == "bfloat16" else dtype)
    x = dv.asarray(a, device=device)
    if dtype == "bfloat16":
        x = dv.astype(x, dv.bfloat16)
    assert_matches(dv.flatnonzero(x), np.flatnonzero(a))
    assert_matches(dv.count_nonzero(x), np.count_nonzero(a))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (0, 3), (4, 0, 2)])
def test_nonzero_argwhere_where(device, shape):
    a = _data(int(np.prod(shape)), "int32").reshape(shape) % 3
    x = dv.asarray(a, device=device)
    got, want = dv.nonzero(x), np.nonzero(a)
    assert isinstance(got, tuple) and len(got) == len(want)
    for g, w in zip(got, want):
        assert_matches(g, w)
    for g, w in zip(dv.where(x), np.where(a)):
        assert_matches(g, w)
    for g, w in zip(x.nonzero(), a.nonzero()):
        assert_matches(g, w)
    assert_matches(dv.argwhere(x), np.argwhere(a))
    t = x.mT if x.ndim >= 2 else x[::-1]
    ta = np.swapaxes(a, -1, -2) if a.ndim >= 2 else a[::-1]
    for g, w in zip(dv.nonzero(t), np.nonzero(ta)):
        assert_matches(g, w)


def test_nonzero_special_values_and_scalars(device):
    f = np.array([np.nan, -0.0, 0.0, np.inf, 1e-30], dtype=np.float32)
    assert_matches(dv.flatnonzero(dv.asarray(f, device=device)), np.flatnonzero(f))
    s = dv.asarray(np.int32(4), device=device)
    assert_matches(dv.argwhere(s), np.argwhere(np.int32(4)))
    assert_matches(dv.flatnonzero(s), np.flatnonzero(np.int32(4)))
    with pytest.raises(ValueError):
        dv.nonzero(s)
    with pytest.raises(TypeError):
        dv.where(s > 0, 1)


def test_nonzero_reads_only_its_count(device):
    # The count of non-zero elements is one value read to size the result, not a transfer of
    # array data: "disallow" lets it through, as it does x[mask] with a device mask, while a
    # real implicit read (bool() of an array) is still refused.
    x = dv.asarray(np.array([0, 3, 0, 5]), device=device)
    with dv.transfer_guard("disallow"):
        assert_matches(dv.nonzero(x)[0], [1, 3])
        assert_matches(dv.argwhere(x), [[1], [3]])
        assert_matches(dv.flatnonzero(x), [1, 3])
        assert_matches(x[x > 0], [3, 5])
        dv.count_nonzero(x)  # a device result: no read
        dv.cumsum(x)
        with pytest.raises(dv.TransferGuardError):
            bool(x[1])
        two_d = dv.reshape(x, (2, 2))
        with pytest.raises(dv.TransferGuardError, match="boolean-array indexing"):
            two_d[:, two_d[0] > 0]  # a mask not over the leading axes: read to the host


def test_nonzero_numpy_dispatch(device):
    a = _data(60, "int16").reshape(3, 4, 5) % 4
    x = dv.asarray(a, device=device)
    for g, w in zip(np.nonzero(x), np.nonzero(a)):
        assert_matches(g, w)
    for g, w in zip(np.where(x), np.where(a)):
        assert_matches(g, w)
    assert_matches(np.argwhere(x), np.argwhere(a))
    assert_matches(np.flatnonzero(x), np.flatnonzero(a))
    assert_matches(np.count_nonzero(x, axis=1), np.count_nonzero(a, axis=1))


def test_nancumsum_nancumprod(device):
    a = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, -3.0]], dtype=np.float32)
    x = dv.asarray(a, device=device)
    assert_matches(dv.nancumsum(x), np.nancumsum(a))
    assert_matches(dv.nancumprod(x, axis=1), np.nancumprod(a, axis=1))
    assert_matches(np.nancumsum(x, axis=0), np.nancumsum(a, axis=0))
    assert_matches(np.nancumprod(x), np.nancumprod(a))
    i = np.array([3, 0, 2], dtype=np.int8)
    assert_matches(dv.nancumsum(dv.asarray(i, device=device)), np.nancumsum(i))
