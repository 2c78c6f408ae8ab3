"""``devarray.fft`` against ``numpy.fft``: every transform, sizes 1 to 1009 (powers of two,
primes, 2^k +- 1), odd and even ``irfft``, the norm modes, ``n``/``s`` padding and cutting, any
axis, the multi-axis transforms, dtypes (precision kept), the helpers, and the errors, on every
device."""

from __future__ import annotations

import numpy as np
import pytest

import devarray as dv

RNG = np.random.default_rng(14)
FFT = dv.fft
SIZES = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 64, 97, 127, 128, 129, 1009]
NORMS = ["backward", "ortho", "forward"]


def crand(shape, dtype="complex128"):
    return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)


def rrand(shape, dtype="float64"):
    return RNG.standard_normal(shape).astype(dtype)


def host(a):
    return np.asarray(a, copy=True)


def dtype_of(a):
    """The dtype ``a`` comes back to NumPy in (the same name as devarray's)."""
    return host(a).dtype.name


def check(got, want, n=64):
    got = host(got)
    assert got.shape == want.shape
    single = got.dtype in (np.complex64, np.float32)
    eps = 1.2e-7 if single else 2.3e-16
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=0, atol=16 * eps * np.log2(max(n, 2)) * np.sqrt(max(n, 4)) * scale)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_transforms(device, n, dtype):
    x = crand(n, dtype)
    a = dv.asarray(x, device=device)
    for norm in NORMS:
        y = FFT.fft(a, norm=norm)
        assert dtype_of(y) == dtype
        check(y, np.fft.fft(x.astype("complex128"), norm=norm), n)
        check(FFT.ifft(a, norm=norm), np.fft.ifft(x.astype("complex128"), norm=norm), n)
    check(FFT.ifft(FFT.fft(a)), x.astype("complex128"), n)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_real_transforms(device, n, dtype):
    x = rrand(n, dtype)
    a = dv.asarray(x, device=device)
    cdt = "complex64" if dtype == "float32" else "complex128"
    h = crand(n // 2 + 1, cdt)
    ha = dv.asarray(h, device=device)
    x64, h128 = x.astype("float64"), h.astype("complex128")
    for norm in NORMS:
        y = FFT.rfft(a, norm=norm)
        assert dtype_of(y) == cdt and y.shape == (n // 2 + 1,)
        check(y, np.fft.rfft(x64, norm=norm), n)
        r = FFT.irfft(ha, n=n, norm=norm)
        assert dtype_of(r) == dtype
        check(r, np.fft.irfft(h128, n=n, norm=norm), n)
        check(FFT.hfft(ha, n=n, norm=norm), np.fft.hfft(h128, n=n, norm=norm), n)
        check(FFT.ihfft(a, norm=norm), np.fft.ihfft(x64, norm=norm), n)
    check(FFT.irfft(FFT.rfft(a), n=n), x64, n)


@pytest.mark.parametrize("n", [1, 3, 6, 9, 16])
def test_padding_and_truncation(device, n):
    x = crand(6)
    a = dv.asarray(x, device=device)
    check(FFT.fft(a, n=n), np.fft.fft(x, n=n))
    check(FFT.irfft(a, n=n), np.fft.irfft(x, n=n))
    r = rrand(6)
    check(FFT.rfft(dv.asarray(r, device=device), n=n), np.fft.rfft(r, n=n))
    check(FFT.fft(dv.asarray(r, device=device), n=n), np.fft.fft(r, n=n))
    assert FFT.irfft(a).shape == (10,)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2, -3])
def test_axes_and_views(device, axis):
    x = crand((3, 4, 5))
    a = dv.asarray(x, device=device)
    check(FFT.fft(a, axis=axis), np.fft.fft(x, axis=axis))
    check(FFT.ifft(a, axis=axis, norm="ortho"), np.fft.ifft(x, axis=axis, norm="ortho"))
    r = rrand((3, 4, 5))
    check(FFT.rfft(dv.asarray(r, device=device), axis=axis), np.fft.rfft(r, axis=axis))
    w = crand((3, 8, 5))
    view = dv.asarray(w, device=device)[:, ::2, ::-1]
    check(FFT.fft(view, axis=axis), np.fft.fft(w[:, ::2, ::-1], axis=axis))


def test_nd_transforms(device):
    x = crand((4, 3, 5))
    a = dv.asarray(x, device=device)
    check(FFT.fftn(a), np.fft.fftn(x))
    check(FFT.ifftn(a, norm="forward"), np.fft.ifftn(x, norm="forward"))
    check(FFT.fftn(a, s=(6, 2)), np.fft.fftn(x, s=(6, 2), axes=(-2, -1)))
    check(FFT.fftn(a, s=(3, 8), axes=(-1, 0)), np.fft.fftn(x, s=(3, 8), axes=(-1, 0)))
    r = rrand((4, 3, 5))
    ra = dv.asarray(r, device=device)
    check(FFT.rfftn(ra), np.fft.rfftn(r))
    spec = np.fft.rfftn(r)
    check(FFT.irfftn(dv.asarray(spec, device=device), s=(4, 3, 5)), np.fft.irfftn(spec, s=(4, 3, 5), axes=(0, 1, 2)))
    check(FFT.rfftn(ra, axes=(0, 1), norm="ortho"), np.fft.rfftn(r, axes=(0, 1), norm="ortho"))


def test_dtypes(device):
    ints = dv.asarray(np.arange(8, dtype=np.int32), device=device)
    assert dtype_of(FFT.fft(ints)) == "complex128"
    check(FFT.fft(ints), np.fft.fft(np.arange(8)))
    assert dtype_of(FFT.irfft(ints)) == "float64"
    half = dv.asarray(np.arange(8, dtype=np.float16), device=device)
    y = FFT.rfft(half)
    assert dtype_of(y) == "complex64"
    check(y, np.fft.rfft(np.arange(8.0)))
    assert dtype_of(FFT.fft(dv.asarray(np.ones(4, np.float32), device=device))) == "complex64"


def test_helpers(device):
    for n in [1, 4, 5, 8]:
        np.testing.assert_allclose(host(FFT.fftfreq(n, d=0.1, device=device)), np.fft.fftfreq(n, d=0.1))
        np.testing.assert_allclose(host(FFT.rfftfreq(n, d=0.1, device=device)), np.fft.rfftfreq(n, d=0.1))
    f = FFT.fftfreq(4, dtype=dv.float32, device=device)
    assert f.dtype == dv.float32
    x = np.arange(15.0).reshape(3, 5)
    a = dv.asarray(x, device=device)
    np.testing.assert_array_equal(host(FFT.fftshift(a)), np.fft.fftshift(x))
    np.testing.assert_array_equal(host(FFT.ifftshift(a, axes=1)), np.fft.ifftshift(x, axes=1))
    np.testing.assert_array_equal(host(FFT.ifftshift(FFT.fftshift(a))), x)


def test_errors(device):
    a = dv.asarray(crand((2, 4)), device=device)
    with pytest.raises(ValueError):
        FFT.fft(a, n=0)
    with pytest.raises(ValueError):
        FFT.fft(a, n=-3)
    with pytest.raises(ValueError):
        FFT.fft(dv.asarray(np.zeros((3, 0), np.complex64), device=device))
    with pytest.raises(ValueError):
        FFT.fft(dv.asarray(np.float64(1.0), device=device))
    with pytest.raises(IndexError):  # numpy.exceptions.AxisError
        FFT.fft(a, axis=2)
    with pytest.raises(ValueError):
        FFT.fftn(a, axes=(0, 0))
    with pytest.raises(ValueError):
        FFT.fftn(a, s=(2, 2), axes=(0,))
    with pytest.raises(ValueError):
        FFT.fft(a, norm="sideways")
    with pytest.raises(TypeError):
        FFT.rfft(a)


def test_namespace():
    assert dv.fft is FFT
    assert sorted(FFT.__all__) == sorted(
        ["fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]
    )
