"""complex64 and complex128: creation from Python and NumPy data, explicit copies back, printing,
scalars, promotion, the real/imag views, conj/angle, casts and DLPack exchange with NumPy.
NumPy is the oracle throughout."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from conftest import COMPLEX_DTYPES, assert_matches

import devarray as dv

SPECIAL = [0j, complex(-0.0, 0.0), complex(0.0, -0.0), 1 + 2j, -3.5 - 0.25j, complex(math.inf, 1.0),
           complex(1.0, -math.inf), complex(math.nan, 0.0), complex(0.0, math.nan), 1e300 + 1e-300j]


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_round_trip_keeps_every_bit(device, dtype):
    a = np.array(SPECIAL, dtype=dtype).reshape(2, 5)
    x = dv.asarray(a, device=device)
    assert x.dtype == getattr(dv, dtype) and x.dtype.kind == "c" and x.itemsize == a.itemsize
    host = x.get()
    assert host.dtype == a.dtype
    # Bit-exact, signed zeros and NaN payloads included.
    assert host.view(np.uint8).tobytes() == a.view(np.uint8).tobytes()
    assert_matches(x.T, a.T)
    assert_matches(x[:, ::-2], a[:, ::-2])
    assert_matches(dv.concat([x, x[::-1]], axis=0), np.concatenate([a, a[::-1]]))
    assert_matches(dv.take(x, dv.asarray([4, 0, 4], device=device), axis=1), a[:, [4, 0, 4]])


def test_python_data_and_scalars(device):
    x = dv.asarray([1 + 2j, 3], device=device)
    assert x.dtype == dv.complex128
    assert x.tolist() == [1 + 2j, 3 + 0j]
    assert complex(x[0]) == 1 + 2j and x[1].item() == 3 + 0j
    with pytest.raises(TypeError, match="real number"):
        float(x[0])
    with pytest.raises(TypeError, match="real number"):
        int(x[0])
    assert bool(x[0]) and not bool(dv.asarray(0j, device=device))
    full = dv.full((2,), 1 - 1j, device=device)
    assert full.dtype == dv.complex128 and full.tolist() == [1 - 1j, 1 - 1j]
    z = dv.zeros((3,), dtype=dv.complex64, device=device)
    assert_matches(z, np.zeros(3, np.complex64))
    assert dv.asarray(np.complex64(2 - 1j), device=device).dtype == dv.complex64


def test_repr_and_str_are_numpys():
    for a in (np.array([1 + 2j, 3.5 - 1j]), np.array([complex(math.nan, math.inf), 0j], np.complex64),
              np.array([[1e-30 + 1j, 2]]), np.array(1j), np.array(-0.5 + 0j, np.complex64)):
        x = dv.asarray(a, device="cpu")
        assert str(x) == str(a), (str(x), str(a))
        values = repr(a)[len("array("):].split(", dtype=")[0].removesuffix(")")
        assert repr(x).startswith(f"devarray.ndarray({values}"), (repr(x), repr(a))


def test_promotion_follows_the_array_api():
    assert dv.result_type(dv.float32, dv.complex64) == dv.complex64
    assert dv.result_type(dv.float64, dv.complex64) == dv.complex128
    assert dv.result_type(dv.int16, dv.complex64) == dv.complex64
    assert dv.result_type(dv.int32, dv.complex64) == dv.complex128
    assert dv.result_type(dv.complex64, dv.complex128) == dv.complex128
    assert dv.result_type(dv.bool, dv.complex64) == dv.complex64
    # NEP 50: a Python complex keeps a float array's precision.
    assert dv.result_type(dv.float32, 1j) == dv.complex64
    assert dv.result_type(dv.int8, 1j) == dv.complex128
    assert dv.result_type(dv.complex64, 1.5) == dv.complex64
    assert dv.isdtype(dv.complex64, "complex floating") and dv.isdtype(dv.complex128, "numeric")
    assert not dv.isdtype(dv.complex64, "real floating")
    assert dv.finfo(dv.complex64).dtype == dv.float32 and dv.finfo(dv.complex128).eps == 2.0**-52


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_real_and_imag_are_writable_views(device, dtype):
    a = np.array(SPECIAL, dtype=dtype)
    x = dv.asarray(a, device=device)
    real_dtype = np.float32 if dtype == "complex64" else np.float64
    assert_matches(x.real, a.real.astype(real_dtype))
    assert_matches(x.imag, a.imag.astype(real_dtype))
    assert_matches(dv.real(x[::-3]), a[::-3].real)
    assert_matches(dv.imag(x[::-3]), a[::-3].imag)
    x.imag[...] = 7.0
    a.imag = 7.0
    assert_matches(x, a)
    y = dv.asarray([1.0, -2.0], device=device)
    assert_matches(dv.imag(y), np.zeros(2))
    assert_matches(y.real, np.array([1.0, -2.0]))


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_conj_and_angle(device, dtype):
    a = np.array([1 + 2j, -3.5 - 0.25j, complex(-0.0, 0.0), 1j, -1 + 0j], dtype=dtype)
    x = dv.asarray(a, device=device)
    c = dv.conj(x)
    assert_matches(c, np.conj(a))
    assert c.get().view(np.uint8).tobytes() == np.conj(a).view(np.uint8).tobytes()  # -0.0 too
    assert_matches(dv.angle(x), np.angle(a))
    assert_matches(dv.angle(x, deg=True), np.angle(a, deg=True))
    assert_matches(dv.angle(dv.asarray([-2.0, 3.0], device=device)), np.angle(np.array([-2.0, 3.0])))


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_casts_follow_numpy(device, dtype):
    a = np.array([1.5 - 2.5j, -0.0 + 0j, 0 + 1j, complex(math.nan, 1), 300.7 + 5j], dtype=dtype)
    x = dv.asarray(a, device=device)
    with np.errstate(invalid="ignore"), pytest.warns(np.exceptions.ComplexWarning):
        for target in ("float32", "float64", "float16", "int32", "uint8"):
            expected = a.astype(target) if target not in ("int32", "uint8") else None
            if expected is not None:
                assert_matches(x.astype(target), expected)
    # Integer targets: truncation of the real part, NaN -> 0 (devarray's documented rule).
    assert x.astype(dv.int32).tolist() == [1, 0, 0, 0, 300]
    assert x.astype(dv.bool).tolist() == [True, False, True, True, True]
    other = "complex128" if dtype == "complex64" else "complex64"
    assert_matches(x.astype(other), a.astype(other))
    r = np.array([1.25, -0.0, np.inf], dtype=np.float32)
    assert_matches(dv.asarray(r, device=device).astype(dtype), r.astype(dtype))


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_dlpack_with_numpy_both_ways(dtype):
    a = np.array([[1 + 2j, 3 - 4j], [complex(math.inf, -0.0), 5j]], dtype=dtype)
    x = dv.from_dlpack(a)  # zero-copy import of a NumPy array
    assert x.dtype == getattr(dv, dtype)
    assert_matches(x, a)
    back = np.from_dlpack(x)  # and back to NumPy without a copy
    assert back.dtype == a.dtype
    np.testing.assert_array_equal(back, a)
    assert np.shares_memory(back, a)


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_pickle_round_trip(dtype):
    x = dv.asarray(np.array(SPECIAL, dtype=dtype), device="cpu")
    y = pickle.loads(pickle.dumps(x))
    assert y.get().view(np.uint8).tobytes() == x.get().view(np.uint8).tobytes()


def test_ops_without_complex_meaning_are_refused(device):
    x = dv.asarray([1 + 2j, 3j], device=device)
    with pytest.raises(TypeError):
        dv.maximum(x, x)
    with pytest.raises(TypeError):
        dv.searchsorted(x, x)
    with pytest.raises(TypeError):
        dv.floor(x)


VALUES = [1 + 2j, -3.5 - 0.25j, 0.5j, -2 + 0j, 1e-3 - 4j, 3 + 3j]


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
@pytest.mark.parametrize("name", ["negative", "square", "reciprocal", "sqrt", "exp", "expm1", "log", "log1p",
                                  "log2", "log10", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos",
                                  "atan", "asinh", "acosh", "atanh", "sign", "abs", "conj", "round"])
def test_unary_math_matches_numpy(device, dtype, name):
    a = np.array(VALUES, dtype=dtype)
    x = dv.asarray(a, device=device)
    numpy_name = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
                  "atanh": "arctanh"}.get(name, name)
    expected = getattr(np, numpy_name)(a)
    if name == "sign":  # NumPy 2: z / |z|
        expected = (a / np.abs(a)).astype(dtype)
    got = getattr(dv, name)(x)
    assert got.dtype.name == expected.dtype.name
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "complex64" else dict(rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(got.get(), expected, **tol)


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_arithmetic_reductions_and_products(device, dtype):
    a = np.array(VALUES, dtype=dtype).reshape(2, 3)
    b = np.array(VALUES[::-1], dtype=dtype).reshape(2, 3)
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "complex64" else dict(rtol=1e-13, atol=1e-14)
    for got, expected in [
        (x + y, a + b), (x - y, a - b), (x * y, a * b), (x / y, a / b), (x**2, a**2), (x ** y, a**b),
        (x + 1.5, a + 1.5), (2j * x, 2j * a), (x == y, a == b), (x != x, a != a),
        (dv.sum(x, axis=1), a.sum(axis=1)), (dv.prod(x, axis=0), a.prod(axis=0)), (dv.mean(x), a.mean()),
        (dv.var(x, axis=1), a.var(axis=1)), (dv.std(x), a.std()),
        (x @ y.T, a @ b.T), (dv.vecdot(x, y), np.vecdot(a, b)), (dv.cumulative_sum(x, axis=1), np.cumsum(a, axis=1)),
        (dv.linalg.vector_norm(x), np.linalg.norm(a.ravel())),
        (dv.linalg.vector_norm(x, ord=1, axis=0), np.linalg.norm(a, ord=1, axis=0)),
        (dv.linalg.matrix_norm(x), np.linalg.norm(a, "fro")),
        (dv.linalg.matrix_norm(x, ord=1), np.linalg.norm(a, 1)),
    ]:
        assert got.dtype.name == np.asarray(expected).dtype.name, (got.dtype, np.asarray(expected).dtype)
        np.testing.assert_allclose(got.get(), expected, **tol)
    f32 = dv.asarray(np.array([1.0, 2.0], np.float32), device=device)
    assert (f32 + 1j).dtype == dv.complex64  # NEP 50


def test_numpy_functions_dispatch_to_devarray(device):
    a = np.array([1 + 2j, 3 - 1j, -0.5j], dtype=np.complex64)
    x = dv.asarray(a, device=device)
    for name in ("real", "imag", "angle", "conj", "conjugate"):
        got = getattr(np, name)(x)
        assert isinstance(got, dv.ndarray), name
        np.testing.assert_allclose(got.get(), getattr(np, name)(a), rtol=1e-6)
    assert np.iscomplexobj(x) and not np.isrealobj(x)
    assert_matches(np.iscomplex(x), np.iscomplex(a))
    assert_matches(np.isreal(x), np.isreal(a))
    np.testing.assert_allclose(np.vdot(x, x).get(), np.vdot(a, a), rtol=1e-6)
    r = dv.asarray([1.0, 2.0], device=device)
    assert np.real(r) is r and np.isrealobj(r)


SORT_PARTS = [np.nan, -np.inf, -1.0, -0.0, 0.0, 1.0, 2.5, np.inf]


@pytest.mark.parametrize("dtype", COMPLEX_DTYPES)
def test_sort_argsort_unique_follow_numpy(device, dtype):
    # NumPy's lexicographic order, NaN parts last ([R + Rj, R + nanj, nan + Rj, nan + nanj]).
    rng = np.random.default_rng(7)
    a = np.empty(400, dtype=dtype)
    a.real, a.imag = rng.choice(SORT_PARTS, 400), rng.choice(SORT_PARTS, 400)  # no inf * 1j NaNs
    x = dv.asarray(a, device=device)
    np.testing.assert_array_equal(dv.argsort(x, stable=True).get(), np.argsort(a, kind="stable"))
    assert dv.sort(x).get().tobytes() == np.sort(a, kind="stable").tobytes()
    m = a.reshape(20, 20)
    np.testing.assert_array_equal(dv.argsort(dv.asarray(m, device=device), axis=0).get(), np.argsort(m, axis=0, kind="stable"))
    np.testing.assert_array_equal(np.sort(dv.asarray(m, device=device), axis=1).get(), np.sort(m, axis=1))
    # Descending: the exact reverse of the ascending order of values, ties kept in order.
    finite = a[np.isfinite(a)]
    df = dv.argsort(dv.asarray(finite, device=device), descending=True, stable=True).get()
    assert np.array_equal(finite[df], np.sort(finite)[::-1])
    # unique: NaNs distinct (the Array API); np.unique(equal_nan=False) agrees.
    u = dv.unique_counts(x)
    values, counts = np.unique(a, return_counts=True, equal_nan=False)
    # Values compared as numbers: which of -0.0 and +0.0 represents a run is unspecified (NumPy
    # sorts unstably; devarray keeps the first occurrence).
    np.testing.assert_array_equal(u.values.get(), values)
    np.testing.assert_array_equal(u.counts.get(), counts)
    inv = dv.unique_inverse(x)
    np.testing.assert_array_equal(inv.values.get()[inv.inverse_indices.get()][~np.isnan(a)], a[~np.isnan(a)])
