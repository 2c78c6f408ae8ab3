"""devarray.linalg on complex64/complex128 against NumPy: values where they are unique
(singular values, eigenvalues, determinants, inverses, solutions, norms, ranks), reconstruction
where they are not (Q, U, Vh and eigenvectors up to phase), result dtypes, errors, on every
device: the CPU computes them with faer, CUDA with cuSOLVER's C/Z routines."""

from __future__ import annotations

import numpy as np
import pytest

import devarray as dv

COMPLEX = ["complex64", "complex128"]


def crand(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def hermitian_pd(shape, dtype, seed):
    b = crand(shape, dtype, seed)
    n = shape[-1]
    return (b @ np.conj(np.swapaxes(b, -1, -2)) + n * np.eye(n)).astype(dtype)


def tol(dtype):
    return dict(rtol=2e-4, atol=2e-4) if dtype == "complex64" else dict(rtol=1e-10, atol=1e-10)


def ah(a):
    return np.conj(np.swapaxes(a, -1, -2))


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 3, 5, 5)])
def test_values_match_numpy(dtype, shape, device):
    a = crand(shape, dtype, 1)
    h = hermitian_pd(shape, dtype, 2)
    x, hx = dv.asarray(a, device=device), dv.asarray(h, device=device)
    t = tol(dtype)
    real = np.dtype(dtype).type(0).real.dtype.name
    cases = [
        (dv.linalg.cholesky(hx), np.linalg.cholesky(h)),
        (dv.linalg.cholesky(hx, upper=True), ah(np.linalg.cholesky(h))),
        (dv.linalg.svdvals(x), np.linalg.svd(a, compute_uv=False)),
        (dv.linalg.eigvalsh(hx), np.linalg.eigvalsh(h)),
        (dv.linalg.inv(x), np.linalg.inv(a)),
        (dv.linalg.solve(x, x), np.linalg.solve(a, a)),
        (dv.linalg.det(x), np.linalg.det(a)),
        (dv.linalg.pinv(x), np.linalg.pinv(a)),
        (dv.linalg.matrix_rank(x), np.linalg.matrix_rank(a)),
        (dv.linalg.matrix_norm(x, ord="nuc"), np.linalg.norm(a, "nuc", axis=(-2, -1))),
        (dv.linalg.matrix_norm(x, ord=-2), np.linalg.norm(a, -2, axis=(-2, -1))),
    ]
    for got, want in cases:
        want = np.asarray(want)
        assert got.dtype.name == want.dtype.name
        np.testing.assert_allclose(got.get(), want, **t)
    sign, log = dv.linalg.slogdet(x)
    want_sign, want_log = np.linalg.slogdet(a)
    assert (sign.dtype.name, log.dtype.name) == (dtype, real)
    np.testing.assert_allclose(sign.get(), want_sign, **t)
    np.testing.assert_allclose(log.get(), want_log, **t)


@pytest.mark.parametrize("dtype", COMPLEX)
@pytest.mark.parametrize("shape", [(6, 3), (3, 6), (2, 4, 4)])
def test_factors_reconstruct(dtype, shape, device):
    a = crand(shape, dtype, 3)
    x = dv.asarray(a, device=device)
    t = tol(dtype)
    for mode in ("reduced", "complete"):
        q, r = (m.get() for m in dv.linalg.qr(x, mode=mode))
        assert q.dtype == r.dtype == np.dtype(dtype)
        np.testing.assert_allclose(q @ r, a, **t)
        np.testing.assert_allclose(ah(q) @ q, np.broadcast_to(np.eye(q.shape[-1]), ah(q).shape[:-1] + (q.shape[-1],)), **t)
    u, s, vh = (m.get() for m in dv.linalg.svd(x, full_matrices=False))
    assert s.dtype == np.dtype(dtype).type(0).real.dtype
    np.testing.assert_allclose((u * s[..., None, :]) @ vh, a, **t)
    if shape[-1] == shape[-2]:
        h = hermitian_pd(shape, dtype, 4)
        w, v = (m.get() for m in dv.linalg.eigh(dv.asarray(h, device=device)))
        np.testing.assert_allclose(h @ v, v * w[..., None, :], **t)


@pytest.mark.parametrize("dtype", COMPLEX)
def test_errors_and_empty(dtype, device):
    indefinite = np.array([[1, 1 + 2j], [1 - 2j, 1]], dtype=dtype)
    with pytest.raises(np.linalg.LinAlgError):
        dv.linalg.cholesky(dv.asarray(indefinite, device=device))
    singular = np.array([[1 + 1j, 2], [-1 + 1j, 2j]], dtype=dtype)
    with pytest.raises(np.linalg.LinAlgError):
        dv.linalg.inv(dv.asarray(singular, device=device))
    empty = dv.asarray(np.zeros((0, 2, 2), dtype=dtype), device=device)
    assert dv.linalg.inv(empty).shape == (0, 2, 2)
    assert dv.linalg.det(dv.asarray(np.zeros((0, 0), dtype=dtype), device=device)).get() == 1
