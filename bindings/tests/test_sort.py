"""Sorting, searching and set functions against NumPy: ``sort``/``argsort`` (Array API and
NumPy signatures, the ``ndarray.sort()``/``argsort()`` methods), ``searchsorted``,
``unique_*`` and ``np.unique``, over every dtype, axis and layout, with NaN/±inf/-0.0, ties
(stability) and empty arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import devarray as dv

from conftest import NUMPY_DTYPES

SPECIAL = np.array([np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 3.0, 3.0])


def _data(dtype: str, shape, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    if np.issubdtype(np.dtype(dtype), np.integer):
        info = np.iinfo(dtype)
        vals = rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
        vals[: n // 3] = rng.integers(0, 4, n // 3)  # duplicates
        if n >= 2:
            vals[0], vals[-1] = info.min, info.max
        return vals.reshape(shape)
    vals = rng.standard_normal(n).astype(dtype)
    vals[: n // 2] = rng.choice(SPECIAL, n // 2)
    return vals.reshape(shape)


def _bits_equal(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    got, want = np.ascontiguousarray(got), np.ascontiguousarray(want)
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
@pytest.mark.parametrize("n", [0, 1, 31, 32, 33, 4095, 4096, 4097])
def test_sort_matches_numpy_stable(device, dtype, n):
    a = _data(dtype, (n,), n)
    x = dv.asarray(a, device=device)
    want = np.argsort(a, kind="stable")
    np.testing.assert_array_equal(dv.argsort(x).get(), want)
    # NumPy's sort keeps -0.0/+0.0 and NaN payloads where its (stable) order puts them.
    _bits_equal(dv.sort(x).get(), a[want])
    _bits_equal(np.sort(x).get(), np.sort(a, kind="stable"))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int16", "uint8", "bool"])
@pytest.mark.parametrize("n", [16383, 16385, 70_001, (1 << 20) + 1])
def test_long_sorts_match_numpy_stable(device, dtype, n):
    # Past the in-cache leaf size, through one and two bucket splits, and the parallel passes
    # of a long row; half the floats are signed zeros, NaNs of both signs and infinities.
    a = _data(dtype, (n,), n)
    x = dv.asarray(a, device=device)
    _bits_equal(dv.sort(x).get(), np.sort(a, kind="stable"))
    _bits_equal(dv.sort(x, descending=True).get(), a[np.argsort(a, kind="stable")[::-1]][_reverse_ties(a)])
    values, counts = np.unique(a, return_counts=True, equal_nan=False)
    c = dv.unique_counts(x)
    # np.unique's sort is not stable (the NaN payloads it keeps vary); the argsort path is.
    np.testing.assert_array_equal(c.values.get(), values)
    _bits_equal(c.values.get(), dv.unique_all(x).values.get())
    np.testing.assert_array_equal(c.counts.get(), counts)


def _reverse_ties(a: np.ndarray) -> np.ndarray:
    """The permutation that turns the reversed stable ascending order of ``a`` into the stable
    descending order: ties (equal values, all NaNs) back in their original order."""
    order = np.argsort(a, kind="stable")[::-1]
    s = a[order]
    key = np.where(np.isnan(s), np.inf, s) if s.dtype.kind == "f" else s
    nan = np.isnan(s) if s.dtype.kind == "f" else np.zeros(len(s), bool)
    starts = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]) | (nan[1:] != nan[:-1])])
    ends = np.r_[starts[1:], len(s)]
    return np.concatenate([np.arange(e - 1, b - 1, -1) for b, e in zip(starts, ends)]) if len(s) else np.arange(0)


@pytest.mark.parametrize("dtype", ["float32", "int64", "uint8", "bool", "float16"])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_axes_and_layouts(device, dtype, axis):
    a = _data(dtype, (4, 6, 5), 7)
    views = [lambda t: t, lambda t: t.transpose(2, 0, 1), lambda t: t[:, ::-2, 1::2], lambda t: t[::-1]]
    for view in views:
        x, ref = view(dv.asarray(a, device=device)), view(a)
        np.testing.assert_array_equal(dv.argsort(x, axis=axis).get(), np.argsort(ref, axis=axis, kind="stable"))
        _bits_equal(dv.sort(x, axis=axis).get(), np.sort(ref, axis=axis, kind="stable"))


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_descending_is_the_stable_reverse(device, dtype):
    a = _data(dtype, (3, 50), 3)
    x = dv.asarray(a, device=device)
    # The Array API reference (array-api-strict on NumPy): flip, stable argsort, flip back.
    want = a.shape[1] - 1 - np.flip(np.argsort(np.flip(a, axis=1), axis=1, kind="stable"), axis=1)
    np.testing.assert_array_equal(dv.argsort(x, descending=True).get(), want)
    _bits_equal(dv.sort(x, descending=True).get(), np.take_along_axis(a, want, axis=1))


def test_bfloat16_sorts_by_value(device):
    a = np.array([3.0, np.nan, -0.0, 1.5, -np.inf, 0.0, 1.5], np.float32)
    x = dv.asarray(a, device=device).astype(dv.bfloat16)
    np.testing.assert_array_equal(dv.argsort(x).get(), np.argsort(a, kind="stable"))
    got = dv.sort(x).astype(dv.float32).get()
    np.testing.assert_array_equal(got, np.sort(a, kind="stable"))


def test_methods_numpy_signatures_and_errors(device):
    a = _data("float64", (5, 7), 1)
    x = dv.asarray(a, device=device)
    np.testing.assert_array_equal(x.argsort(axis=0).get(), a.argsort(axis=0, kind="stable"))
    np.testing.assert_array_equal(np.argsort(x, axis=None).get(), np.argsort(a, axis=None, kind="stable"))
    _bits_equal(np.sort(x, axis=None).get(), np.sort(a, axis=None, kind="stable"))
    y = x[:, ::2]
    y.sort(axis=0, kind="mergesort")
    want = a.copy()
    want[:, ::2].sort(axis=0, kind="stable")
    _bits_equal(x.get(), want)
    with pytest.raises(np.exceptions.AxisError):
        dv.sort(dv.asarray(np.float32(1.0), device=device))
    with pytest.raises(ValueError):
        x.sort(kind="bogus")
    with pytest.raises(ValueError, match="read-only"):
        dv.broadcast_to(dv.asarray([2, 1], device=device), (3, 2)).sort()
    e = dv.zeros((2, 0), device=device)
    assert dv.sort(e, axis=1).shape == (2, 0) and dv.argsort(e).dtype == dv.int64


@given(
    hnp.arrays(
        st.sampled_from([np.float32, np.int16, np.uint8, np.float64]),
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=9),
    ),
    st.integers(-1, 2),
)
def test_hypothesis_argsort_and_sort(a, axis):
    axis = axis % a.ndim
    x = dv.asarray(a)
    np.testing.assert_array_equal(dv.argsort(x, axis=axis).get(), np.argsort(a, axis=axis, kind="stable"))
    _bits_equal(dv.sort(x, axis=axis).get(), np.sort(a, axis=axis, kind="stable"))


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted_matches_numpy(device, dtype, side):
    a = np.sort(_data(dtype, (40,), 5), kind="stable")
    v = _data(dtype, (3, 11), 6)
    x = dv.asarray(a, device=device)
    got = dv.searchsorted(x, dv.asarray(v, device=device), side=side)
    np.testing.assert_array_equal(got.get(), np.searchsorted(a, v, side=side))
    np.testing.assert_array_equal(np.searchsorted(x, dv.asarray(v, device=device), side=side).get(),
                                  np.searchsorted(a, v, side=side))
    perm = np.random.default_rng(0).permutation(40)
    sh, sorter = a[perm], np.argsort(a[perm], kind="stable")
    got = dv.searchsorted(dv.asarray(sh, device=device), dv.asarray(v, device=device), side=side,
                          sorter=dv.asarray(sorter, device=device))
    np.testing.assert_array_equal(got.get(), np.searchsorted(sh, v, side=side, sorter=sorter))


def test_searchsorted_scalars_promotion_and_errors(device):
    x = dv.asarray(np.array([1, 2, 2, 3], np.int32), device=device)
    assert dv.searchsorted(x, 2).get() == 1 and dv.searchsorted(x, 2, side="right").get() == 3
    assert dv.searchsorted(x, 2.5).get() == 3
    with pytest.raises(ValueError):
        dv.searchsorted(x, 2, side="middle")
    with pytest.raises(ValueError):
        dv.searchsorted(dv.reshape(x, (2, 2)), 2)


@pytest.mark.parametrize("dtype", NUMPY_DTYPES)
def test_unique_array_api_each_nan_distinct(device, dtype):
    a = _data(dtype, (6, 7), 9)
    x = dv.asarray(a, device=device)
    values, index, inverse, counts = np.unique(a, return_index=True, return_inverse=True, return_counts=True,
                                               equal_nan=False)
    u = dv.unique_all(x)
    _bits_equal(u.values.get(), values)
    np.testing.assert_array_equal(u.indices.get(), index)
    np.testing.assert_array_equal(u.inverse_indices.get(), inverse.reshape(a.shape))
    np.testing.assert_array_equal(u.counts.get(), counts)
    _bits_equal(dv.unique_values(x).get(), values)
    c = dv.unique_counts(x)
    np.testing.assert_array_equal(c.counts.get(), counts)
    i = dv.unique_inverse(x)
    np.testing.assert_array_equal(i.inverse_indices.get(), inverse.reshape(a.shape))


@pytest.mark.parametrize("equal_nan", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint64", "bool"])
def test_np_unique_dispatch(device, dtype, equal_nan):
    a = _data(dtype, (50,), 2)
    x = dv.asarray(a, device=device)
    for flags in [(False, False, False), (True, False, False), (False, True, True), (True, True, True)]:
        got = np.unique(x, *flags, equal_nan=equal_nan)
        want = np.unique(a, *flags, equal_nan=equal_nan)
        got, want = (got, want) if isinstance(want, tuple) else ((got,), (want,))
        assert len(got) == len(want)
        # Which NaN (sign) or zero NumPy keeps depends on its unstable default sort: by value.
        np.testing.assert_array_equal(got[0].get(), want[0])
        for g, w in zip(got[1:], want[1:]):
            g = g.get()
            if not equal_nan and not flags[0] and g.shape == a.shape and a.dtype.kind == "f":
                # Distinct NaNs: NumPy's unstable sort decides which NaN is which.
                g, w = g[~np.isnan(a)], w[~np.isnan(a)]
            np.testing.assert_array_equal(g, w)
    assert np.unique(dv.zeros((0,), device=device)).shape == (0,)


def test_unique_and_sorter_read_no_array_data(device):
    # unique reads back one number, its output size, which "disallow" allows (as for nonzero);
    # searchsorted's sorter is gathered through on the device (one bounds flag is read).
    x = dv.asarray([3, 1, 3], device=device)
    with dv.transfer_guard("disallow"):
        u = dv.unique_values(x)
        s = dv.sort(x)
        i = dv.searchsorted(x, dv.asarray([2, 3], device=device), sorter=dv.argsort(x))
    assert u.get().tolist() == [1, 3]
    assert s.get().tolist() == [1, 3, 3]
    assert i.get().tolist() == [1, 1]
