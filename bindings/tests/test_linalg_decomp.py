"""``devarray.linalg``'s decompositions, solvers and norms, and NumPy's ``np.linalg`` functions
dispatched to them, with NumPy as the oracle: reconstructions for the factorizations (whose
vectors are unique only up to sign), ``np.linalg`` values for the rest; batched and empty
inputs, dtypes, errors, and every decomposition on every device (cuSOLVER on CUDA)."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
import pytest

import devarray as dv

RNG = np.random.default_rng(11)
CPU = dv.Device("cpu")
LA = dv.linalg

TOL = {"float32": dict(rtol=2e-4, atol=2e-5), "float64": dict(rtol=1e-10, atol=1e-11)}


def rand(shape, dtype="float64"):
    return (RNG.random(shape) * 2 - 1).astype(dtype)


def dominant(shape, dtype="float64"):
    """Well conditioned: random plus n on the diagonal."""
    n = shape[-1]
    return (rand(shape) + n * np.eye(n)).astype(dtype)


def spd(shape, dtype="float64"):
    b = rand(shape)
    return (b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def dev(a, device=CPU):
    return dv.asarray(a, device=device)


def close(actual, expected, dtype="float64"):
    host = actual.get() if isinstance(actual, dv.ndarray) else np.asarray(actual)
    expected = np.asarray(expected)
    assert host.shape == expected.shape, (host.shape, expected.shape)
    np.testing.assert_allclose(host.astype(np.float64), expected.astype(np.float64), **TOL[dtype])


def mT(a):
    return np.swapaxes(a, -1, -2)


DTYPES = ["float32", "float64"]
SQUARE = [(1, 1), (4, 4), (3, 5, 5), (2, 1, 3, 3)]
RECT = [(5, 3), (3, 5), (1, 1), (2, 4, 4), (2, 3, 6, 2)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQUARE, ids=str)
def test_cholesky(dtype, shape):
    a = spd(shape, dtype)
    lo = LA.cholesky(dev(a))
    assert lo.dtype == getattr(dv, dtype)
    close(lo, np.linalg.cholesky(a), dtype)
    close(LA.cholesky(dev(a), upper=True), mT(np.linalg.cholesky(a)), dtype)
    close(np.linalg.cholesky(dev(a)), np.linalg.cholesky(a), dtype)  # __array_function__
    # Each form reads only its own triangle, as NumPy's does.
    junk = (rand(shape) + 7).astype(dtype)
    lower_only, upper_only = np.tril(a) + np.triu(junk, 1), np.triu(a) + np.tril(junk, -1)
    close(LA.cholesky(dev(lower_only)), np.linalg.cholesky(lower_only), dtype)
    close(LA.cholesky(dev(upper_only), upper=True), np.linalg.cholesky(upper_only, upper=True), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", RECT, ids=str)
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_reconstructs(dtype, shape, mode):
    a = rand(shape, dtype)
    res = LA.qr(dev(a), mode=mode)
    assert isinstance(res, LA.QRResult)
    q, r = res.Q.get(), res.R.get()
    want_q, want_r = np.linalg.qr(a, mode=mode)
    assert (q.shape, r.shape) == (want_q.shape, want_r.shape)
    close(q @ r, a, dtype)
    close(mT(q) @ q, np.broadcast_to(np.eye(q.shape[-1]), mT(q).shape[:-1] + (q.shape[-1],)), dtype)
    assert np.all(np.triu(r) == r)
    q2, r2 = np.linalg.qr(dev(a), mode=mode)
    close(q2.get() @ r2.get(), a, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", RECT, ids=str)
@pytest.mark.parametrize("full", [True, False])
def test_svd_reconstructs(dtype, shape, full):
    a = rand(shape, dtype)
    u, s, vh = LA.svd(dev(a), full_matrices=full)
    wu, ws, wvh = np.linalg.svd(a, full_matrices=full)
    assert (u.shape, s.shape, vh.shape) == (wu.shape, ws.shape, wvh.shape)
    close(s, ws, dtype)
    k = s.shape[-1]
    u, s, vh = u.get(), s.get(), vh.get()
    close((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], a, dtype)
    close(mT(u) @ u, np.broadcast_to(np.eye(u.shape[-1]), u.shape[:-2] + (u.shape[-1],) * 2), dtype)
    close(LA.svdvals(dev(a)), ws, dtype)
    close(np.linalg.svd(dev(a), compute_uv=False), ws, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQUARE, ids=str)
def test_eigh(dtype, shape):
    b = rand(shape, dtype)
    a = b + mT(b)
    w, v = LA.eigh(dev(a))
    ww = np.linalg.eigvalsh(a)
    close(w, ww, dtype)
    v = v.get()
    close((v * w.get()[..., None, :]) @ mT(v), a, dtype)
    close(LA.eigvalsh(dev(a)), ww, dtype)
    close(np.linalg.eigvalsh(dev(a)), ww, dtype)
    assert isinstance(np.linalg.eigh(dev(a)), LA.EighResult)
    # Only the lower triangle is read, as NumPy's default UPLO='L'.
    g = np.tril(a) + np.triu(rand(shape, dtype) + 5, 1)
    close(LA.eigvalsh(dev(g)), np.linalg.eigvalsh(g), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SQUARE, ids=str)
def test_inv_det_slogdet(dtype, shape):
    a = dominant(shape, dtype)
    close(LA.inv(dev(a)), np.linalg.inv(a), dtype)
    close(np.linalg.inv(dev(a)), np.linalg.inv(a), dtype)
    d = LA.det(dev(a))
    assert d.shape == shape[:-2] and d.dtype == getattr(dv, dtype)
    close(d, np.linalg.det(a), dtype)
    sign, logabs = LA.slogdet(dev(a))
    want = np.linalg.slogdet(a)
    close(sign, want.sign, dtype)
    close(logabs, want.logabsdet, dtype)
    assert isinstance(np.linalg.slogdet(dev(a)), LA.SlogdetResult)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shapes",
    [
        ((4, 4), (4,)),
        ((3, 4, 4), (4,)),  # one vector for every matrix (Array API 2024.12)
        ((4, 4), (4, 2)),
        ((3, 4, 4), (4, 2)),
        ((4, 4), (2, 4, 3)),
        ((2, 1, 4, 4), (3, 4, 1)),  # batch axes broadcast
    ],
    ids=str,
)
def test_solve(dtype, shapes):
    a, b = dominant(shapes[0], dtype), rand(shapes[1], dtype)
    want = np.linalg.solve(a, b)
    close(LA.solve(dev(a), dev(b)), want, dtype)
    close(np.linalg.solve(dev(a), dev(b)), want, dtype)


def test_pinv_and_matrix_rank():
    a = rand((5, 2)) @ rand((2, 4))  # rank 2
    close(LA.pinv(dev(a)), np.linalg.pinv(a, rtol=max(a.shape) * np.finfo(np.float64).eps))
    close(np.linalg.pinv(dev(a)), np.linalg.pinv(a))
    stack = np.stack([a[:4], dominant((4, 4))])
    close(LA.pinv(dev(stack), rtol=1e-10), np.linalg.pinv(stack, rtol=1e-10))
    r = LA.matrix_rank(dev(stack))
    assert r.dtype == dv.int64 and r.get().tolist() == np.linalg.matrix_rank(stack).tolist() == [2, 4]
    assert np.linalg.matrix_rank(dev(stack)).get().tolist() == [2, 4]
    assert LA.matrix_rank(dev(dominant((3, 3))), rtol=10.0).get() == 0


VECTOR_ORDS = [2, 1, 3, 0.5, -1.5, 0, math.inf, -math.inf]


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=str)
def test_vector_norm(device, ord):
    a = rand((3, 4, 5))
    x = dev(a, device)
    for axis in [None, 1, (0, 2), -1]:
        for keepdims in [False, True]:
            want = np.linalg.vector_norm(a, axis=axis, keepdims=keepdims, ord=ord)
            close(LA.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord).to_device(CPU), want)
    close(np.linalg.vector_norm(x, ord=ord).to_device(CPU), np.linalg.vector_norm(a, ord=ord))


def test_vector_norm_dtypes():
    ints = np.array([3, 4], dtype=np.int32)
    n = LA.vector_norm(dev(ints))
    assert n.dtype == dv.float64 and float(n) == 5.0
    f32 = rand((6,), "float32")
    assert LA.vector_norm(dev(f32)).dtype == dv.float32
    bf = dv.asarray(f32.astype(ml_dtypes.bfloat16))
    assert LA.vector_norm(bf).dtype == dv.bfloat16


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norm(ord, keepdims):
    a = rand((2, 3, 4, 3))
    want = np.linalg.matrix_norm(a, keepdims=keepdims, ord=ord)
    close(LA.matrix_norm(dev(a), keepdims=keepdims, ord=ord), want)
    close(np.linalg.matrix_norm(dev(a), keepdims=keepdims, ord=ord), want)
    close(np.linalg.norm(dev(a[0, 0]), ord=ord), np.linalg.norm(a[0, 0], ord=ord))


def test_np_norm_dispatch():
    a = rand((3, 4))
    close(np.linalg.norm(dev(a)), np.linalg.norm(a))
    close(np.linalg.norm(dev(a), axis=1), np.linalg.norm(a, axis=1))
    close(np.linalg.norm(dev(a), ord=1, axis=0, keepdims=True), np.linalg.norm(a, ord=1, axis=0, keepdims=True))
    close(np.linalg.norm(dev(a[0]), ord=math.inf), np.linalg.norm(a[0], ord=math.inf))


def test_dtypes():
    i = np.array([[2, 1], [1, 3]], dtype=np.int64)
    for fn in (LA.inv, LA.det, LA.cholesky, LA.svdvals, LA.eigvalsh):
        out = fn(dev(i))
        assert out.dtype == dv.float64, fn
        close(out, getattr(np.linalg, fn.__name__)(i))
    for half in (np.float16, ml_dtypes.bfloat16):
        a = spd((3, 3)).astype(half)
        lo = LA.cholesky(dv.asarray(a))
        assert lo.get().dtype == a.dtype
        np.testing.assert_allclose(
            lo.get().astype(np.float64), np.linalg.cholesky(a.astype(np.float64)), rtol=2e-2, atol=2e-2
        )


def test_empty_batches():
    z = np.zeros((0, 3, 3))
    assert LA.inv(dev(z)).shape == (0, 3, 3)
    assert LA.det(dev(z)).shape == (0,)
    assert LA.det(dev(np.zeros((2, 0, 0)))).get().tolist() == [1.0, 1.0]
    u, s, vh = LA.svd(dev(np.zeros((0, 4, 2))))
    assert (u.shape, s.shape, vh.shape) == ((0, 4, 4), (0, 2), (0, 2, 2))
    w, v = LA.eigh(dev(z))
    assert (w.shape, v.shape) == ((0, 3), (0, 3, 3))
    # Empty matrices: NumPy's identity factors and unit determinant.
    for shape in [(3, 0), (0, 3), (0, 0)]:
        e = np.zeros(shape)
        for got, want in zip(LA.svd(dev(e)), np.linalg.svd(e)):
            np.testing.assert_array_equal(got.get(), want)
        for got, want in zip(LA.qr(dev(e), mode="complete"), np.linalg.qr(e, mode="complete")):
            np.testing.assert_array_equal(got.get(), want)
        assert LA.pinv(dev(e)).shape == np.linalg.pinv(e).shape


def test_errors():
    sing = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 4.0]]])
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        LA.inv(dev(sing))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        LA.solve(dev(sing), dev(np.ones(2)))
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        LA.cholesky(dev(np.array([[1.0, 2.0], [2.0, 1.0]])))
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        LA.inv(dev(np.ones((2, 3))))
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        LA.det(dev(np.ones(3)))
    with pytest.raises(ValueError, match=r"\[2, 2, 2\].*\[3\]"):
        LA.solve(dev(sing), dev(np.ones(3)))
    with pytest.raises(ValueError, match="ord"):
        LA.matrix_norm(dev(np.ones((2, 2))), ord=3)
    with pytest.raises(ValueError, match="mode"):
        LA.qr(dev(np.ones((2, 2))), mode="raw")
    # NumPy users catch LinAlgError from np.linalg on devarray arrays too.
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.inv(dev(sing))


def test_decompositions_on_each_device(device):
    """Every decomposition runs on every device (cuSOLVER on CUDA), against NumPy."""
    a = dominant((2, 4, 4))
    x = dev(a, device)
    close(LA.inv(x).to_device(CPU), np.linalg.inv(a))
    b = rand((2, 4, 3))
    close(LA.solve(x, dev(b, device)).to_device(CPU), np.linalg.solve(a, b))
    s = spd((2, 4, 4))
    close(LA.cholesky(dev(s, device)).to_device(CPU), np.linalg.cholesky(s))
    close(LA.cholesky(dev(s, device), upper=True).to_device(CPU), mT(np.linalg.cholesky(s)))
    close(LA.eigvalsh(dev(s, device)).to_device(CPU), np.linalg.eigvalsh(s))
    w, v = LA.eigh(dev(s, device))
    w, v = w.to_device(CPU).get(), v.to_device(CPU).get()
    np.testing.assert_allclose(s @ v, v * w[..., None, :], **TOL["float64"])
    close(LA.det(x).to_device(CPU), np.linalg.det(a))
    q, r = LA.qr(x)
    q, r = q.to_device(CPU).get(), r.to_device(CPU).get()
    np.testing.assert_allclose(q @ r, a, **TOL["float64"])
    np.testing.assert_allclose(np.abs(r), np.abs(np.linalg.qr(a)[1]), **TOL["float64"])
    sign, logabs = LA.slogdet(x)
    close(sign.to_device(CPU), np.linalg.slogdet(a)[0])
    close(logabs.to_device(CPU), np.linalg.slogdet(a)[1])
    close(LA.matrix_norm(x, ord=1).to_device(CPU), np.linalg.matrix_norm(a, ord=1))
    for shape in ((2, 5, 3), (2, 3, 5)):
        g = rand(shape)
        u, sv, vh = (y.to_device(CPU).get() for y in LA.svd(dev(g, device), full_matrices=False))
        np.testing.assert_allclose((u * sv[..., None, :]) @ vh, g, **TOL["float64"])
        close(LA.svdvals(dev(g, device)).to_device(CPU), np.linalg.svd(g, compute_uv=False))
        close(LA.pinv(dev(g, device)).to_device(CPU), np.linalg.pinv(g))
        close(LA.matrix_rank(dev(g, device)).to_device(CPU), np.linalg.matrix_rank(g))
    close(LA.matrix_norm(x, ord="nuc").to_device(CPU), np.linalg.matrix_norm(a, ord="nuc"))


def test_namespace():
    names = "cholesky qr svd svdvals eigh eigvalsh inv solve det slogdet pinv matrix_rank vector_norm matrix_norm"
    for name in names.split():
        assert name in LA.__all__ and callable(getattr(LA, name))
