"""Manipulation functions (roll, repeat, tile, tril, triu, pad) and nextafter against NumPy,
through the namespace and NumPy's dispatch (``__array_function__``, ``__array_ufunc__``), over
dtypes, axes, views with negative strides, 0-d and empty arrays, and the transfer guard."""

from __future__ import annotations

import itertools

import ml_dtypes
import numpy as np
import pytest
from conftest import ALL_DTYPES, assert_matches

import devarray as dv

BF16 = np.dtype(ml_dtypes.bfloat16)


def _np_dtype(name):
    return BF16 if name == "bfloat16" else np.dtype(name)


def _data(shape, dtype):
    """Small integer-valued data, exact in every dtype (bool: a pattern)."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n)
    if dtype == "bool":
        return (i % 3 == 1).reshape(shape)
    return ((i * 7 + 3) % 11 + 1).astype(_np_dtype(dtype)).reshape(shape)


def _layouts(a, device):
    """(devarray, numpy) pairs: contiguous, and reversed on every axis (negative strides)."""
    x = dv.asarray(a, device=device)
    yield x, a
    if a.ndim:
        rev = (slice(None, None, -1),) * a.ndim
        yield x[rev], a[rev]


def _same(actual, expected):
    """Exact equality of values, shape and dtype (bfloat16 compared as its bits)."""
    host = actual.get()
    expected = np.asarray(expected)
    assert host.shape == expected.shape and host.dtype == expected.dtype, (host.shape, host.dtype, expected.shape, expected.dtype)
    if host.dtype == BF16:
        host, expected = host.view(np.uint16), expected.view(np.uint16)
    np.testing.assert_array_equal(host, expected)


# ----- roll ------------------------------------------------------------------------------------

ROLL_CASES = [
    ((), 3, None),
    ((0,), 2, None),
    ((0, 3), 1, 1),
    ((5,), 2, None),
    ((5,), -2, 0),
    ((5,), 12, -1),
    ((5,), -13, None),
    ((3, 4), 1, None),
    ((3, 4), (2, -1), (0, 1)),
    ((3, 4), 3, (0, 1)),
    ((3, 4), (1, 2), (1, 1)),
    ((3, 4), (1, 2), None),
    ((2, 3, 4), (1, 5, -6), (0, 1, 2)),
    ((2, 3, 4), -1, -2),
]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_roll_matches_numpy(device, dtype):
    for shape, shift, axis in ROLL_CASES:
        for x, a in _layouts(_data(shape, dtype), device):
            _same(dv.roll(x, shift, axis=axis), np.roll(a, shift, axis=axis))
            _same(np.roll(x, shift, axis), np.roll(a, shift, axis))


def test_roll_errors(device):
    x = dv.asarray(_data((3, 4), "float32"), device=device)
    with pytest.raises(np.exceptions.AxisError):
        dv.roll(x, 1, axis=2)
    with pytest.raises(ValueError):
        dv.roll(x, (1, 2, 3), axis=(0, 1))
    with pytest.raises(TypeError):
        dv.roll(x, 1.5)


# ----- repeat ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint64", "float16", "bfloat16", "float64"])
def test_repeat_int_matches_numpy(device, dtype):
    for shape in [(), (0,), (1,), (4,), (2, 3), (0, 3), (2, 1, 3)]:
        for x, a in _layouts(_data(shape, dtype), device):
            for r in (0, 1, 3):
                for axis in [None, *range(len(shape)), *([-1] if shape else [])]:
                    _same(dv.repeat(x, r, axis=axis), np.repeat(a, r, axis=axis))
            _same(np.repeat(x, 2), np.repeat(a, 2))


@pytest.mark.parametrize("dtype", ["bool", "int32", "float16", "bfloat16", "float32"])
def test_repeat_array_matches_numpy(device, dtype):
    a = _data((3, 4), dtype)
    for x, h in _layouts(a, device):
        for axis, counts in [(0, [2, 0, 3]), (1, [0, 1, 4, 2]), (1, [0, 0, 0, 0]), (0, [5]), (None, list(range(12)))]:
            for cdtype in ("int64", "uint8", "int16"):
                c = dv.asarray(np.array(counts, dtype=cdtype), device=device)
                _same(dv.repeat(x, c, axis=axis), np.repeat(h, counts, axis=axis))
            _same(dv.repeat(x, counts, axis=axis), np.repeat(h, counts, axis=axis))  # a host list
            _same(np.repeat(x, dv.asarray(np.array(counts), device=device), axis=axis), np.repeat(h, counts, axis=axis))
    # Long counts, across the scan's tiles.
    counts = np.arange(5000) % 4
    x = dv.arange(5000, dtype=dv.int32, device=device)
    _same(dv.repeat(x, dv.asarray(counts, device=device)), np.repeat(np.arange(5000, dtype=np.int32), counts))


def test_repeat_errors(device):
    x = dv.asarray(_data((3,), "float32"), device=device)
    with pytest.raises(ValueError):
        dv.repeat(x, -1)
    with pytest.raises(ValueError):
        dv.repeat(x, dv.asarray(np.array([1, -1, 2]), device=device))
    with pytest.raises(ValueError):
        dv.repeat(x, dv.asarray(np.array([1, 2]), device=device))
    with pytest.raises(TypeError):
        dv.repeat(x, dv.asarray(np.array([1.0, 2.0, 3.0]), device=device))
    with pytest.raises(np.exceptions.AxisError):
        dv.repeat(x, 2, axis=1)


# ----- tile ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["bool", "int16", "uint64", "bfloat16", "float32"])
def test_tile_matches_numpy(device, dtype):
    cases = [((), ()), ((), 3), ((), (2, 2)), ((3,), 2), ((3,), 0), ((3,), (2, 2)), ((0,), 4), ((2, 3), (2,)),
             ((2, 3), (2, 1)), ((2, 3), (1, 3, 2)), ((2, 1, 3), (2, 3, 1))]
    for shape, reps in cases:
        for x, a in _layouts(_data(shape, dtype), device):
            _same(dv.tile(x, reps), np.tile(a, reps))
            _same(np.tile(x, reps), np.tile(a, reps))
    with pytest.raises(ValueError):
        dv.tile(dv.asarray(_data((2,), "int8"), device=device), (-1,))


# ----- tril / triu ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_tril_triu_match_numpy(device, dtype):
    for shape in [(3, 4), (4, 3), (2, 3, 4), (0, 3), (1, 1)]:
        for x, a in _layouts(_data(shape, dtype), device):
            for k in (-5, -1, 0, 1, 2, 7):
                _same(dv.tril(x, k=k), np.tril(a, k))
                _same(dv.triu(x, k=k), np.triu(a, k))
                _same(np.tril(x, k), np.tril(a, k))
                _same(np.triu(x, k=k), np.triu(a, k))
    with pytest.raises(ValueError):
        dv.tril(dv.asarray(_data((3,), dtype), device=device))


# ----- pad -------------------------------------------------------------------------------------

PAD_WIDTHS = [
    ((3,), 2),
    ((3,), (2, 1)),
    ((3,), ((7, 5),)),
    ((1,), 3),
    ((2, 3), 1),
    ((2, 3), (1, 2)),
    ((2, 3), ((0, 1), (3, 0))),
    ((2, 3), ((5, 4), (4, 6))),
    ((2, 3), ((1,), (2,))),
    ((2, 1, 3), ((1, 1), (0, 2), (2, 0))),
    ((0, 3), ((0, 0), (1, 1))),
    ((), 2),
]


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int64", "float16", "bfloat16", "float32", "float64"])
def test_pad_matches_numpy(device, dtype):
    for shape, width in PAD_WIDTHS:
        for x, a in _layouts(_data(shape, dtype), device):
            _same(dv.pad(x, width), np.pad(a, width))
            _same(np.pad(x, width), np.pad(a, width))
            for values in (1, (1, 0), ((1, 0),) if a.ndim else 1, tuple((d + 1, d + 2) for d in range(a.ndim)) or 1):
                _same(dv.pad(x, width, constant_values=values), np.pad(a, width, constant_values=values))
                _same(np.pad(x, width, "constant", constant_values=values), np.pad(a, width, constant_values=values))
            if a.size == 0:
                continue
            for mode in ("edge", "reflect"):
                _same(dv.pad(x, width, mode), np.pad(a, width, mode))
                _same(np.pad(x, width, mode=mode), np.pad(a, width, mode=mode))


def test_pad_details(device):
    x = dv.asarray(np.array([1, 2, 3], dtype=np.int32), device=device)
    _same(dv.pad(x, 5, "reflect"), np.array([2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2], dtype=np.int32))
    _same(dv.pad(x, 1, constant_values=2.7), np.pad(np.array([1, 2, 3], dtype=np.int32), 1, constant_values=2.7))
    _same(dv.pad(x, 1, constant_values=np.int8(4)), np.pad(np.array([1, 2, 3], dtype=np.int32), 1, constant_values=4))
    _same(dv.pad(x, np.array([1, 2])), np.pad(np.array([1, 2, 3], dtype=np.int32), np.array([1, 2])))
    _same(dv.pad(x, 1.4), np.pad(np.array([1, 2, 3], dtype=np.int32), 1))
    f = dv.asarray(np.array([[1.5, -0.0]], dtype=np.float32), device=device)
    _same(dv.pad(f, 1, constant_values=np.nan), np.pad(np.array([[1.5, -0.0]], dtype=np.float32), 1, constant_values=np.nan))
    e = dv.asarray(np.zeros((0, 2), dtype=np.float32), device=device)
    for mode in ("edge", "reflect"):
        with pytest.raises(ValueError):
            dv.pad(e, 1, mode)
        with pytest.raises(ValueError):
            np.pad(e, 1, mode=mode)
    _same(dv.pad(e, ((1, 0), (0, 0)), constant_values=3), np.full((1, 2), 3, dtype=np.float32))
    with pytest.raises(ValueError):
        dv.pad(x, -1)
    with pytest.raises(ValueError):
        dv.pad(x, (1, 2, 3))
    with pytest.raises(ValueError):
        dv.pad(x, 1, "wrap")
    with pytest.raises(ValueError):
        np.pad(x, 1, mode="edge", constant_values=2)
    # Modes and options devarray does not have: NumPy reports that no implementation exists
    # instead of converting to the host.
    for kwargs in ({"mode": "wrap"}, {"mode": "symmetric"}, {"mode": "reflect", "reflect_type": "odd"},
                   {"mode": "maximum", "stat_length": 2}):
        with pytest.raises(TypeError):
            np.pad(x, 1, **kwargs)


# ----- nextafter --------------------------------------------------------------------------------


def _specials(dtype):
    fi = ml_dtypes.finfo(dtype) if dtype == BF16 else np.finfo(dtype)
    tiny = fi.smallest_subnormal
    v = [0.0, -0.0, 1.0, -1.0, 0.5, 3.14159, -2.5e-3, np.inf, -np.inf, np.nan, float(fi.max), -float(fi.max),
         float(tiny), -float(tiny), float(fi.smallest_normal)]
    a, b = zip(*itertools.product(v, repeat=2))
    with np.errstate(all="ignore"):
        return np.array(a).astype(dtype), np.array(b).astype(dtype)


def _bits_equal(actual, expected):
    host = actual.get()
    assert host.dtype == expected.dtype and host.shape == expected.shape
    nan = np.isnan(expected.astype(np.float64))
    np.testing.assert_array_equal(np.isnan(host.astype(np.float64)), nan)
    u = {2: np.uint16, 4: np.uint32, 8: np.uint64}[host.dtype.itemsize]
    np.testing.assert_array_equal(host.view(u)[~nan], expected.view(u)[~nan])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_nextafter_matches_numpy(device, dtype):
    a, b = _specials(_np_dtype(dtype))
    with np.errstate(all="ignore"):
        expected = np.nextafter(a, b)
    # Ties give the second operand, as C and NumPy >= 2.5 do for every dtype; NumPy < 2.5's
    # float16 loop returned the first (it differs for +-0 toward -+0).
    expected = np.where(a == b, b, expected)
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    _bits_equal(dv.nextafter(x, y), expected)
    _bits_equal(np.nextafter(x, y), expected)
    with np.errstate(all="ignore"):
        _bits_equal(dv.nextafter(x[::-1], y[::-1]), expected[::-1])
        _bits_equal(dv.nextafter(x, 1.0), np.nextafter(a, a.dtype.type(1.0)))


def test_nextafter_promotion(device):
    i = dv.asarray(np.array([1, -3], dtype=np.int8), device=device)
    with np.errstate(all="ignore"):
        assert_matches(dv.nextafter(i, 0), np.nextafter(np.array([1, -3], dtype=np.int8), np.int8(0)))
    f = dv.asarray(np.array([1.0], dtype=np.float32), device=device)
    assert dv.nextafter(f, dv.asarray(np.array([2.0]), device=device)).dtype == dv.float64


# ----- the transfer guard -----------------------------------------------------------------------


def test_manipulation_reads_nothing_under_the_guard(device):
    a = _data((3, 4), "float32")
    x = dv.asarray(a, device=device)
    counts = dv.asarray(np.array([1, 0, 2]), device=device)
    with dv.transfer_guard("disallow"):
        results = [
            (dv.roll(x, (1, -2), axis=(0, 1)), np.roll(a, (1, -2), axis=(0, 1))),
            (np.roll(x, 5), np.roll(a, 5)),
            (dv.repeat(x, 2, axis=1), np.repeat(a, 2, axis=1)),
            # An array of counts reads only the output length, which the guard allows.
            (dv.repeat(x, counts, axis=0), np.repeat(a, [1, 0, 2], axis=0)),
            (dv.tile(x, (2, 1)), np.tile(a, (2, 1))),
            (dv.tril(x, k=1), np.tril(a, 1)),
            (np.triu(x), np.triu(a)),
            (dv.pad(x, 2), np.pad(a, 2)),
            (dv.pad(x, ((1, 0), (2, 3)), "edge"), np.pad(a, ((1, 0), (2, 3)), "edge")),
            (np.pad(x, 3, mode="reflect"), np.pad(a, 3, mode="reflect")),
            (dv.nextafter(x, 0.0), np.nextafter(a, np.float32(0))),
        ]
        with pytest.raises(dv.TransferGuardError):
            bool(x[0, 0])
    for got, want in results:
        _same(got, want)
