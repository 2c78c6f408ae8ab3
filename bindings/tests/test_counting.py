"""bincount, histogram and the partition functions against NumPy: dtypes, weights, minlength,
edges (the last bin's right edge, values outside, NaN and infinities), automatic ranges, density,
the errors NumPy raises, NumPy dispatch, and the transfer guard."""

from __future__ import annotations

import numpy as np
import pytest

import devarray as dv

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int32", "int64", "uint32", "bool"])
@pytest.mark.parametrize("n", [0, 1, 33, 2049])
def test_bincount_matches_numpy(device, dtype, n):
    host = RNG.integers(0, 2 if dtype == "bool" else 40, size=n).astype(dtype)
    x = dv.asarray(host, device=device)
    for minlength in (0, 5, 60):
        got = dv.bincount(x, minlength=minlength).get()
        want = np.bincount(host, minlength=minlength)
        assert got.dtype == want.dtype and got.tolist() == want.tolist()
    w = (RNG.integers(-4, 5, size=n) * 0.25).astype(np.float64)
    got = np.bincount(x, weights=dv.asarray(w, device=device)).get()
    want = np.bincount(host, weights=w)
    # NumPy returns int64 for an empty input even with weights; devarray keeps float64 (the
    # weighted result's dtype does not depend on the input's length).
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)


def test_bincount_errors(device):
    with pytest.raises(ValueError, match="non-negative"):
        dv.bincount(dv.asarray([1, -1], device=device))
    with pytest.raises(ValueError, match="minlength"):
        dv.bincount(dv.asarray([1], device=device), minlength=-1)
    with pytest.raises(ValueError, match="1-D"):
        dv.bincount(dv.zeros((2, 2), dtype=dv.int32, device=device))
    with pytest.raises(TypeError, match="float"):
        dv.bincount(dv.asarray([1.0], device=device))
    with pytest.raises(ValueError, match="shape"):
        dv.bincount(dv.asarray([1, 2], device=device), weights=dv.asarray([1.0], device=device))


EDGE_DATA = np.array([0.0, 1.0, 2.0, 3.0, np.nan, np.inf, -np.inf, -0.0, 2.5, 0.999])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_histogram_explicit_edges(device, dtype):
    host = EDGE_DATA.astype(dtype)
    edges = np.array([0.0, 1.0, 2.5, 3.0], dtype=dtype)
    got, got_edges = dv.histogram(dv.asarray(host, device=device), bins=dv.asarray(edges, device=device))
    want, want_edges = np.histogram(host, bins=edges)
    assert got.get().tolist() == want.tolist()
    np.testing.assert_array_equal(got_edges.get(), want_edges)
    # a host sequence of edges is copied to the device
    got, _ = dv.histogram(dv.asarray(host, device=device), bins=[0.0, 1.0, 2.5, 3.0])
    assert got.get().tolist() == want.tolist()


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "float16", "float32", "float64"])
@pytest.mark.parametrize("bins", [1, 7, 64])
def test_histogram_equal_bins(device, dtype, bins):
    host = (RNG.standard_normal(3001) * 20).astype(dtype)
    x = dv.asarray(host, device=device)
    for rng in (None, (-10, 25)):
        got, got_edges = np.histogram(x, bins=bins, range=rng)
        want, want_edges = np.histogram(host, bins=bins, range=rng)
        np.testing.assert_array_equal(got_edges.get(), want_edges)
        assert got.get().tolist() == want.tolist()
        density, _ = np.histogram(x, bins=bins, range=rng, density=True)
        np.testing.assert_allclose(density.get(), np.histogram(host, bins=bins, range=rng, density=True)[0], rtol=1e-12)
    w = RNG.integers(0, 4, size=host.size).astype(np.float32)
    got, _ = dv.histogram(x, bins=bins, weights=dv.asarray(w, device=device))
    want, _ = np.histogram(host, bins=bins, weights=w)
    assert got.dtype == dv.float32
    np.testing.assert_array_equal(got.get(), want)


def test_histogram_edge_cases(device):
    empty, edges = dv.histogram(dv.zeros((0,), device=device), bins=3)
    assert empty.get().tolist() == [0, 0, 0] and edges.get().tolist() == np.histogram(np.zeros(0), bins=3)[1].tolist()
    same, edges = dv.histogram(dv.full((4,), 2.0, device=device), bins=2)
    np.testing.assert_array_equal(edges.get(), np.histogram(np.full(4, 2.0), bins=2)[1])
    assert same.get().tolist() == [0, 4]
    two_d = RNG.standard_normal((6, 7))
    got, _ = dv.histogram(dv.asarray(two_d, device=device), bins=4)
    assert got.get().tolist() == np.histogram(two_d, bins=4)[0].tolist()


def test_histogram_errors(device):
    x = dv.asarray([1.0, np.nan], device=device)
    with pytest.raises(ValueError, match="not finite"):
        dv.histogram(x, bins=3)
    with pytest.raises(ValueError, match="range"):
        dv.histogram(x, bins=3, range=(2, 1))
    with pytest.raises(ValueError, match="positive"):
        dv.histogram(x, bins=0)
    with pytest.raises(ValueError, match="monotonically"):
        dv.histogram(x, bins=[0.0, 2.0, 1.0])
    with pytest.raises(TypeError, match="auto"):
        dv.histogram(x, bins="auto")
    with pytest.raises(TypeError, match="bool"):
        dv.histogram(dv.asarray([True], device=device), bins=2, range=(0, 1))


def test_partition_is_a_full_sort(device):
    host = RNG.standard_normal((5, 9)).astype(np.float32)
    x = dv.asarray(host, device=device)
    for kth, axis in ((3, -1), ([0, 4], 0), (-1, 1), (10, None)):
        got = np.partition(x, kth, axis=axis).get()
        want = np.sort(host, axis=axis) if axis is not None else np.sort(host.ravel())
        np.testing.assert_array_equal(got, want)
        idx = np.argpartition(x, kth, axis=axis).get()
        flat = host if axis is not None else host.ravel()
        np.testing.assert_array_equal(np.take_along_axis(flat, idx, axis=-1 if axis is None else axis), want)
    with pytest.raises(ValueError, match="out of bounds"):
        np.partition(x, 9)
    with pytest.raises(np.exceptions.AxisError):
        np.partition(x, 1, axis=2)


def test_transfer_guard(device):
    x = dv.asarray([3, 1, 3, 0], device=device)
    f = dv.asarray([0.5, 1.5, 2.5], device=device)
    with dv.transfer_guard("disallow"):
        counts = dv.bincount(x)  # reads its size only
        hist, _ = dv.histogram(f, bins=2, range=(0, 3))  # no read
        by_edges, _ = dv.histogram(f, bins=dv.asarray([0.0, 1.0, 3.0], device=device))  # one flag
        with pytest.raises(dv.TransferGuardError, match="histogram"):
            dv.histogram(f, bins=2)  # the data's range is data
    assert counts.get().tolist() == [1, 1, 0, 2]
    assert hist.get().tolist() == [1, 2] and by_edges.get().tolist() == [1, 2]
