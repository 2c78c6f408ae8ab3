"""DLPack round trips with JAX on its CPU backend (skipped when JAX is not installed)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_matches

import devarray as dv

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")


@pytest.mark.parametrize("dtype", ["float32", "int32", "uint8", "bool", "float16"])
def test_devarray_imports_jax(dtype):
    j = jnp.arange(6).reshape(2, 3).astype(dtype)
    x = dv.from_dlpack(j)
    # JAX's own default device: the CPU in CI (jax[cpu]), a GPU where JAX has CUDA.
    want = "cpu" if next(iter(j.devices())).platform == "cpu" else "cuda:0"
    assert x.device == dv.Device(want)
    assert_matches(x, np.asarray(j))


def test_devarray_imports_jax_views_and_bfloat16():
    j = jnp.arange(12.0, dtype=jnp.float32).reshape(3, 4).T
    assert_matches(dv.from_dlpack(j), np.asarray(j))
    b = jnp.asarray([1.5, -2.0], dtype=jnp.bfloat16)
    x = dv.from_dlpack(b)
    assert x.dtype == dv.bfloat16 and x.astype(dv.float32).tolist() == [1.5, -2.0]


@pytest.mark.parametrize("dtype", ["float32", "int32", "int8", "bool"])
def test_jax_imports_devarray(dtype):
    x = dv.asarray(np.arange(6).reshape(2, 3).astype(dtype))
    j = jnp.from_dlpack(x)
    np.testing.assert_array_equal(np.asarray(j), np.arange(6).reshape(2, 3).astype(dtype))
    assert (j * 2).shape == (2, 3)


def test_complex_round_trips():
    # complex64 both ways (kDLComplex, 64 bits); JAX keeps complex128 only with x64 enabled, a
    # process-wide switch, so complex128 is covered by the NumPy round trips (test_complex.py).
    a = np.array([[1 + 2j, -0.5j], [3.25 - 1j, -0.0 + 0j]], dtype=np.complex64)
    j = jnp.from_dlpack(dv.asarray(a))
    assert j.dtype == jnp.complex64
    np.testing.assert_array_equal(np.asarray(j), a)
    x = dv.from_dlpack(j * (1 + 1j))
    assert x.dtype == dv.complex64
    np.testing.assert_array_equal(x.get(), a * np.complex64(1 + 1j))


def test_jax_imports_devarray_views():
    # JAX accepts compact layouts only (transpositions, not steps or broadcasting).
    a = np.arange(20, dtype=np.float32).reshape(4, 5)
    x = dv.asarray(a)
    for key in [(1,), (slice(1, 3),), (Ellipsis,)]:
        np.testing.assert_array_equal(np.asarray(jnp.from_dlpack(x[key])), a[key])
    np.testing.assert_array_equal(np.asarray(jnp.from_dlpack(x.T)), a.T)


def test_round_trip_devarray_jax_devarray():
    x = dv.asarray(np.linspace(0, 1, 7, dtype=np.float32))
    y = dv.from_dlpack(jnp.from_dlpack(x) + 1)
    assert_matches(y, np.linspace(0, 1, 7, dtype=np.float32) + 1)
