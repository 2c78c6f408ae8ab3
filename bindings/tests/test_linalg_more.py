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


EXTREME = [
    ("suite-constant", np.full((3, 3), 7.530852e18)),
    ("huge", np.random.default_rng(1).uniform(-1, 1, (2, 4, 4)) * 1e19),
    ("tiny", np.random.default_rng(2).uniform(-1, 1, (4, 4)) * 1e-30),
]


@pytest.mark.parametrize(("name", "a"), EXTREME, ids=[c[0] for c in EXTREME])
def test_extreme_float32_matches_numpy(device, name, a):
    a = a.astype(np.float32)
    x = dv.asarray(a, device=device)
    want = np.linalg.svd(a.astype(np.float64), compute_uv=False)
    big = np.max(np.abs(want))
    np.testing.assert_allclose(get(LA.svdvals(x)), want, atol=1e-5 * big, rtol=0)
    u, s, vh = (get(y).astype(np.float64) for y in LA.svd(x, full_matrices=False))
    np.testing.assert_allclose(s, want, atol=1e-5 * big, rtol=0)
    np.testing.assert_allclose((u * s[..., None, :]) @ vh, a, atol=1e-5 * big, rtol=0)
    for ord in (2, "nuc"):
        want_norm = np.linalg.matrix_norm(a.astype(np.float64), ord=ord)
        np.testing.assert_allclose(get(LA.matrix_norm(x, ord=ord)), want_norm, rtol=1e-5)
    sym = (a + np.swapaxes(a, -1, -2)) / 2
    want_w = np.linalg.eigvalsh(sym.astype(np.float64))
    wbig = np.max(np.abs(want_w))
    np.testing.assert_allclose(get(LA.eigvalsh(dv.asarray(sym, device=device))), want_w, atol=1e-5 * wbig, rtol=0)
    w, v = (get(y).astype(np.float64) for y in LA.eigh(dv.asarray(sym, device=device)))
    np.testing.assert_allclose((v * w[..., None, :]) @ np.swapaxes(v, -1, -2), sym, atol=1e-5 * wbig, rtol=0)


def test_non_finite_message(device):
    x = dv.asarray(np.array([[1.0, np.inf], [0.0, 1.0]], dtype=np.float32), device=device)
    with pytest.raises(np.linalg.LinAlgError, match="did not converge") as info:
        LA.svdvals(x)
    # On CUDA too: cuSOLVER returns NaNs without an error, so devarray checks the input.
    assert "holds NaN or infinite values" in str(info.value)


INT_DTYPES = ["int8", "int32", "int64", "uint8"]


@pytest.mark.parametrize("dtype", [*INT_DTYPES, "float32", "float64"])
def test_matrix_power_matches_numpy(device, dtype):
    rng = np.random.default_rng(3)
    a = rng.integers(-3, 4, (2, 3, 3)).astype(dtype)
    x = dv.asarray(a, device=device)
    for n in (0, 1, 2, 3, 5, 8):
        got = LA.matrix_power(x, n)
        want = np.linalg.matrix_power(a, n)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_allclose(get(got), want, rtol=1e-5 if dtype == "float32" else 1e-12)
    assert isinstance(np.linalg.matrix_power(x, 2), dv.ndarray)
    assert get(LA.matrix_power(x, 0)).shape == (2, 3, 3)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_matrix_power_negative(device, dtype):
    a = (np.random.default_rng(4).integers(-2, 3, (2, 4, 4)) + 6 * np.eye(4)).astype(dtype)
    x = dv.asarray(a, device=device)
    for n in (-1, -3):
        want = np.linalg.matrix_power(a, n)
        got = LA.matrix_power(x, n)
        assert str(got.dtype) == str(want.dtype)
        np.testing.assert_allclose(get(got), want, rtol=1e-4 if dtype == "float32" else 1e-10)


def test_matrix_power_errors(device):
    with pytest.raises(np.linalg.LinAlgError):
        LA.matrix_power(dv.zeros((2, 3), device=device), 2)
    with pytest.raises(ValueError):
        LA.matrix_power(dv.zeros((3,), device=device), 2)
    with pytest.raises(np.linalg.LinAlgError):
        LA.matrix_power(dv.zeros((2, 2), device=device), -1)
    with pytest.raises(TypeError):
        LA.matrix_power(dv.zeros((2, 2), device=device), 1.5)


CROSS_SHAPES = [((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (4, 3)), ((0, 3), (0, 3))]


@pytest.mark.parametrize("dtype", [*INT_DTYPES, "float32", "float64"])
@pytest.mark.parametrize("shapes", CROSS_SHAPES, ids=str)
def test_cross_matches_numpy(device, dtype, shapes):
    rng = np.random.default_rng(5)
    a, b = (rng.integers(-50, 50, s).astype(dtype) for s in shapes)
    got = LA.cross(dv.asarray(a, device=device), dv.asarray(b, device=device))
    with np.errstate(over="ignore"):
        want = np.cross(a, b)
    assert str(got.dtype) == str(want.dtype) and got.shape == want.shape
    np.testing.assert_allclose(get(got), want, rtol=1e-6)


def test_cross_axes_and_dispatch(device):
    rng = np.random.default_rng(6)
    a, b = rng.random((3, 4)), rng.random((2, 3, 4))
    x, y = dv.asarray(a, device=device), dv.asarray(b, device=device)
    np.testing.assert_allclose(get(LA.cross(x, y, axis=-2)), np.linalg.cross(a, b, axis=-2))
    np.testing.assert_allclose(get(LA.cross(y, y[::-1], axis=1)), np.linalg.cross(b, b[::-1], axis=1))
    # A non-negative axis indexes each operand's own axes, as in np.cross.
    np.testing.assert_allclose(get(np.cross(y, y[0:1], axis=1)), np.cross(b, b[0:1], axis=1))
    np.testing.assert_allclose(get(np.linalg.cross(x.mT, y.mT)), np.linalg.cross(a.T, np.swapaxes(b, -1, -2)))
    np.testing.assert_allclose(get(np.cross(x.mT, y.mT)), np.cross(a.T, np.swapaxes(b, -1, -2)))
    i = dv.asarray(np.array([1, 2, 3], np.int32), device=device)
    j = dv.asarray(np.array([7, 8, 9], np.int64), device=device)
    assert get(LA.cross(i, j)).tolist() == np.cross(np.array([1, 2, 3], np.int32), np.array([7, 8, 9])).tolist()


def test_cross_errors(device):
    two = dv.zeros((4, 2), device=device)
    with pytest.raises(ValueError, match="3-element"):
        LA.cross(two, two)
    with pytest.raises(ValueError, match=r"\[4, 3\].*\[5, 3\]"):
        LA.cross(dv.zeros((4, 3), device=device), dv.zeros((5, 3), device=device))
    with pytest.raises((ValueError, IndexError)):
        LA.cross(dv.zeros((4, 3), device=device), dv.zeros((4, 3), device=device), axis=2)


def test_new_names_in_namespace():
    for name in ("matrix_power", "cross"):
        assert name in LA.__all__ and callable(getattr(LA, name))
