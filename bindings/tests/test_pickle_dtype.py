"""What NumPy-based libraries (Dask first) need from devarray objects: dtypes NumPy can read,
and arrays that pickle through an explicit, guarded host copy."""

from __future__ import annotations

import pickle

import ml_dtypes
import numpy as np
import pytest
from conftest import ALL_DTYPES

import devarray as dv


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_numpy_reads_devarray_dtypes(name):
    d = getattr(dv, name)
    want = np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)
    assert np.dtype(d) == want
    assert d.dtype == want
    assert np.dtype(dv.zeros(2, dtype=d).dtype) == want
    assert np.dtype(d).itemsize == d.itemsize
    # Equal to NumPy's dtype of the same name, symmetrically and with the same hash; never to
    # a string or to another devarray dtype.
    assert d == want and want == d and hash(d) == hash(want)
    assert d != name and (d != dv.int8 if name != "int8" else d != dv.uint8)


def test_numpy_promotion_accepts_devarray_dtypes():
    assert np.result_type(dv.float32, np.float64) == np.float64
    assert np.result_type(dv.int8, dv.uint8) == np.int16
    assert np.can_cast(dv.float32, np.float64)
    assert np.zeros(3, dtype=dv.int32).dtype == np.int32


@pytest.mark.parametrize("name", ["bool", "int8", "uint64", "float16", "bfloat16", "float64"])
def test_arrays_pickle_with_values_dtype_shape_and_device(device, name):
    x = dv.asarray(np.arange(-3, 9).reshape(3, 4) % 5, dtype=getattr(dv, name), device=device)
    view = x[::-1, 1::2]  # a strided view pickles as its values
    for a in (x, view, x[0, 0], dv.zeros((0, 3), device=device)):
        b = pickle.loads(pickle.dumps(a))
        assert isinstance(b, dv.ndarray) and b is not a
        assert (b.shape, b.dtype, b.device) == (a.shape, a.dtype, a.device)
        np.testing.assert_array_equal(b.get(), a.get())
    # The copy is independent of the original.
    y = pickle.loads(pickle.dumps(x))
    y[...] = 0
    assert bool(dv.any(x != 0))


def test_pickle_is_a_guarded_transfer():
    x = dv.arange(3)
    with dv.transfer_guard("disallow"):
        with pytest.raises(dv.TransferGuardError, match="pickle"):
            pickle.dumps(x)
        pickle.dumps(dv.float32)  # dtypes pickle as names, no transfer
    assert pickle.loads(pickle.dumps(dv.float32)) is dv.float32


@pytest.mark.parametrize("func", [np.zeros_like, np.ones_like, np.empty_like])
def test_like_functions_take_numpy_shape_keyword(device, func):
    meta = dv.zeros((0, 0), dtype=dv.float32, device=device)
    out = func(meta, shape=(1, 2), dtype=np.float64)
    assert isinstance(out, dv.ndarray) and out.shape == (1, 2) and out.dtype == dv.float64 and out.device == meta.device
    assert func(meta, shape=3).shape == (3,) and func(meta, shape=3).dtype == dv.float32
    full = np.full_like(meta, 7, shape=(2,))
    np.testing.assert_array_equal(full.get(), np.full(2, 7, dtype=np.float32))
