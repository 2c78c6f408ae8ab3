"""devarray.linalg against NumPy: array ``rtol`` for ``pinv``/``matrix_rank``, the SVD and
eigensolver on float32 matrices near the range limits, ``matrix_power`` and ``cross``."""

from __future__ import annotations

import numpy as np
import pytest

import devarray as dv

LA = dv.linalg
CPU = dv.Device("cpu")


def get(x):
    return x.to_device(CPU).get()


def diag_stack(count, small, dtype="float64"):
    return np.stack([np.diag([1.0, small])] * count).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_rtol_arrays_match_numpy(device, dtype):
    a = diag_stack(2, 0.01, dtype)
    x = dv.asarray(a, device=device)
    for rtol in (np.array([0.1, 0.001]), np.array(0.1), np.array([[0.5], [0.005], [0.0005]])):
        want_rank = np.linalg.matrix_rank(a, rtol=rtol)
        got = LA.matrix_rank(x, rtol=dv.asarray(rtol, device=device))
        assert got.dtype == dv.int64 and get(got).tolist() == want_rank.tolist()
        # NumPy arrays and lists are accepted too (moved to x's device).
        assert get(LA.matrix_rank(x, rtol=rtol)).tolist() == want_rank.tolist()
        if rtol.ndim > 1:
            continue  # NumPy's pinv cannot grow the batch (its `out=s` refuses); devarray's can
        want = np.linalg.pinv(a, rtol=rtol)
        np.testing.assert_allclose(get(LA.pinv(x, rtol=dv.asarray(rtol, device=device))), want, rtol=1e-4, atol=1e-6)
    assert get(LA.matrix_rank(x, rtol=[0.1, 0.001])).tolist() == [1, 2]
    grid = LA.pinv(x, rtol=dv.asarray([[0.5], [0.0005]], device=device))
    assert grid.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(get(grid)[1], np.linalg.pinv(a), rtol=1e-4)
    np.testing.assert_allclose(get(grid)[0], np.linalg.pinv(a, rtol=0.5), rtol=1e-4, atol=1e-6)


def test_rtol_empty_and_mismatched(device):
    # The conformance suite's example: an empty batch with an empty rtol.
    empty = dv.zeros((0, 3, 3), device=device)
    none = dv.zeros((0,), device=device)
    assert LA.matrix_rank(empty, rtol=none).shape == (0,)
    assert LA.pinv(empty, rtol=none).shape == (0, 3, 3)
    x = dv.asarray(diag_stack(2, 0.01), device=device)
    for f in (LA.matrix_rank, LA.pinv):
        with pytest.raises(ValueError, match=r"\[2, 2, 2\].*\[3\]"):
            f(x, rtol=dv.asarray([0.1, 0.2, 0.3], device=device))
    # np.linalg dispatch with an array rtol.
    assert np.linalg.matrix_rank(x, rtol=np.array([0.1, 0.001])).get().tolist() == [1, 2]
