"""NumPy's dispatch protocols (``__array_ufunc__``, ``__array_function__``) and NEP 30."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_matches

import devarray as dv
from devarray import _interop


def _pair(device, dtype=np.float64):
    a = np.arange(1, 13, dtype=dtype).reshape(3, 4) / (4 if np.dtype(dtype).kind == "f" else 1)
    a = a.astype(dtype)
    return a, dv.asarray(a, device=device)


# ----- __array_ufunc__ ---------------------------------------------------------------------------


@pytest.mark.parametrize("ufunc", sorted(_interop.UNARY_UFUNCS, key=lambda u: u.__name__), ids=lambda u: u.__name__)
def test_unary_ufuncs_run_on_the_device(device, ufunc):
    a, x = _pair(device, np.int32 if ufunc is np.invert else np.float64)
    if ufunc in (np.arccos, np.arcsin, np.arctanh):
        a, x = a / 4, x / 4
    with np.errstate(all="ignore"):
        expected = ufunc(a)
    result = ufunc(x)
    assert isinstance(result, dv.ndarray) and result.device == device
    assert_matches(result, expected)


@pytest.mark.parametrize("ufunc", sorted(_interop.BINARY_UFUNCS, key=lambda u: u.__name__), ids=lambda u: u.__name__)
def test_binary_ufuncs_run_on_the_device(device, ufunc):
    integer = ufunc in (np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.left_shift, np.right_shift)
    a, x = _pair(device, np.int64 if integer else np.float64)
    b = np.arange(4, dtype=a.dtype) + 1
    y = dv.asarray(b, device=device)
    with np.errstate(all="ignore"):
        assert_matches(ufunc(x, y), ufunc(a, b))
        assert_matches(ufunc(x, 2), ufunc(a, 2))
        assert_matches(ufunc(3, x), ufunc(3, a))


def test_reciprocal_only_for_floats(device):
    a, x = _pair(device)
    assert_matches(np.reciprocal(x), np.reciprocal(a))
    with pytest.raises(TypeError):
        np.reciprocal(dv.arange(1, 4, device=device))


def test_ufunc_out(device):
    a, x = _pair(device)
    y = dv.zeros((3, 4), device=device)
    r = np.add(x, 1, out=y)
    assert r is y
    assert_matches(y, a + 1)
    r = np.multiply(x, 2, out=(y,))
    assert r is y
    assert_matches(y, a * 2)
    i = dv.zeros((3, 4), dtype=dv.int64, device=device)
    with pytest.raises(TypeError, match="same_kind"):
        np.add(x, 1, out=i)
    np.add(x, 1, out=x)  # in place
    assert_matches(x, a + 1)


@pytest.mark.parametrize("ufunc", [np.add, np.multiply, np.maximum, np.minimum, np.logical_and, np.logical_or])
@pytest.mark.parametrize("axis", [0, 1, None, (0, 1)])
def test_ufunc_reduce(device, ufunc, axis):
    a, x = _pair(device)
    assert_matches(ufunc.reduce(x, axis=axis), ufunc.reduce(a, axis=axis))
    assert_matches(ufunc.reduce(x, axis=axis, keepdims=True), ufunc.reduce(a, axis=axis, keepdims=True))


def test_ufunc_reduce_default_axis_and_dtype(device):
    a, x = _pair(device, np.int32)
    assert_matches(np.add.reduce(x), np.add.reduce(a))
    assert_matches(np.add.reduce(x, dtype=np.float32), np.add.reduce(a, dtype=np.float32))


def test_unsupported_ufuncs_and_methods_raise_typeerror(device):
    a, x = _pair(device)
    for call in (
        lambda: np.fmax(x, x),  # not supported: NotImplemented
        lambda: np.add.accumulate(x),
        lambda: np.add.outer(x, x),
        lambda: np.subtract.reduce(x),
        lambda: np.add.reduce(x, initial=1.0),
        lambda: np.add(x, 1, where=np.ones((3, 4), bool)),
        lambda: np.add(x, a),  # a NumPy array among the inputs
        lambda: np.add(a, x),
        lambda: np.sin(x, out=np.empty((3, 4))),
    ):
        with pytest.raises(TypeError):
            call()


def test_ndarray_operators_with_numpy_arrays_raise(device):
    a, x = _pair(device)
    with pytest.raises(TypeError):
        a + x
    with pytest.raises(TypeError):
        x * a
    with pytest.raises(TypeError):
        a += x


def test_numpy_scalars_in_ufuncs(device):
    a, x = _pair(device, np.float32)
    assert_matches(np.add(x, np.float32(1)), np.add(a, np.float32(1)))
    assert np.add(x, np.float64(1)).dtype == dv.float64


# ----- __array_function__ ------------------------------------------------------------------------


def test_reductions_through_numpy(device):
    a, x = _pair(device)
    for func in (np.sum, np.prod, np.mean, np.max, np.min, np.amax, np.amin, np.var, np.std, np.all, np.any):
        assert_matches(func(x), func(a))
        assert_matches(func(x, axis=0), func(a, axis=0))
        assert_matches(func(x, axis=1, keepdims=True), func(a, axis=1, keepdims=True))
    assert_matches(np.argmax(x), np.argmax(a))
    assert_matches(np.argmin(x, axis=1), np.argmin(a, axis=1))
    assert_matches(np.var(x, ddof=1), np.var(a, ddof=1))
    assert_matches(np.std(x, axis=0, correction=1), np.std(a, axis=0, correction=1))
    assert_matches(np.sum(x, dtype=np.float32), np.sum(a, dtype=np.float32))
    assert isinstance(np.sum(x), dv.ndarray)


def test_manipulation_through_numpy(device):
    a, x = _pair(device)
    assert_matches(np.reshape(x, (4, 3)), np.reshape(a, (4, 3)))
    assert_matches(np.reshape(x, -1), np.reshape(a, -1))
    assert_matches(np.transpose(x), np.transpose(a))
    assert_matches(np.transpose(x[None], (2, 0, 1)), np.transpose(a[None], (2, 0, 1)))
    assert_matches(np.concatenate([x, x]), np.concatenate([a, a]))
    assert_matches(np.concatenate([x, x], axis=1), np.concatenate([a, a], axis=1))
    assert_matches(np.stack([x, x], axis=1), np.stack([a, a], axis=1))
    assert_matches(np.where(x > 1, x, 0.0), np.where(a > 1, a, 0.0))
    assert_matches(np.clip(x, 1, 2), np.clip(a, 1, 2))
    assert_matches(np.clip(x, min=1.5), np.clip(a, min=1.5))
    assert_matches(np.squeeze(x[None]), np.squeeze(a[None]))
    assert_matches(np.expand_dims(x, (0, 2)), np.expand_dims(a, (0, 2)))
    assert_matches(np.flip(x, 0), np.flip(a, 0))
    assert_matches(np.moveaxis(x, 0, 1), np.moveaxis(a, 0, 1))
    assert_matches(np.swapaxes(x, 0, 1), np.swapaxes(a, 0, 1))
    assert_matches(np.broadcast_to(x[0], (2, 4)), np.broadcast_to(a[0], (2, 4)))
    assert_matches(np.ravel(x), np.ravel(a))
    assert_matches(np.copy(x), np.copy(a))
    assert_matches(np.round(x * 3), np.round(a * 3))
    assert_matches(np.zeros_like(x), np.zeros_like(a))
    assert_matches(np.ones_like(x, dtype=np.int8), np.ones_like(a, dtype=np.int8))
    assert_matches(np.full_like(x, 3), np.full_like(a, 3))
    assert np.empty_like(x).shape == (3, 4)
    assert_matches(np.count_nonzero(x > 2), np.count_nonzero(a > 2))
    assert np.shape(x) == (3, 4) and np.ndim(x) == 2 and np.size(x) == 12 and np.size(x, 1) == 4


def test_unsupported_functions_raise_typeerror(device):
    a, x = _pair(device)
    for call in (
        lambda: np.cumsum(x, out=dv.zeros((12,))),
        lambda: np.sort(x, order="f"),  # structured dtypes
        lambda: np.sum(x, out=dv.zeros(())),
        lambda: np.concatenate([x, a]),  # mixed with NumPy
        lambda: np.reshape(x, (4, 3), order="F"),
        lambda: np.round(dv.arange(3, device=device), -1),  # integers to tens: not supported
    ):
        with pytest.raises(TypeError):
            call()


# ----- NEP 30 --------------------------------------------------------------------------------------


def test_duckarray(device):
    x = dv.arange(3, device=device)
    assert x.__duckarray__() is x
    assert dv.duckarray(x) is x

    class Duck:
        def __duckarray__(self):
            return "quack"

    class Namespaced:
        def __array_namespace__(self, api_version=None):
            return dv

    assert dv.duckarray(Duck()) == "quack"
    n = Namespaced()
    assert dv.duckarray(n) is n
    converted = dv.duckarray([1, 2, 3])
    assert isinstance(converted, dv.ndarray) and converted.tolist() == [1, 2, 3]
    host = np.arange(3.0)  # NumPy 2 arrays have __array_namespace__: passed through
    assert dv.duckarray(host) is host
