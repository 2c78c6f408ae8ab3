"""Shared fixtures for the devarray Python tests.

NumPy is the oracle for values. Every test that creates arrays runs on each device of the
machine (the CPU always; CUDA devices when present, else those cases are skipped), through the
``device`` fixture.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import devarray as dv

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("DEVARRAY_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
settings.load_profile("ci")

CUDA_DEVICES = [d for d in dv.devices() if d.kind == "cuda"]
DEVICES = [dv.Device("cpu"), *CUDA_DEVICES]
if os.environ.get("DEVARRAY_REQUIRE_CUDA") == "1" and not CUDA_DEVICES:
    pytest.exit("DEVARRAY_REQUIRE_CUDA=1 but devarray sees no CUDA device:\n" + dv.devices_report(), returncode=1)

requires_cuda = pytest.mark.skipif(not CUDA_DEVICES, reason="no CUDA device")


@pytest.fixture(params=DEVICES, ids=str)
def device(request: pytest.FixtureRequest) -> dv.Device:
    """Each device of this machine."""
    return request.param


@pytest.fixture(autouse=True)
def _reset_transfer_guard():
    """Every test starts (and ends) with the transfer guard at "allow"."""
    previous = dv._devarray._set_transfer_guard("allow")
    yield
    dv._devarray._set_transfer_guard(previous if previous == "allow" else "allow")


ALL_DTYPES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64",
]
NUMPY_DTYPES = [d for d in ALL_DTYPES if d != "bfloat16"]
COMPLEX_DTYPES = ["complex64", "complex128"]
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float16", "float32", "float64"]


def tolerance(dtype) -> dict:
    """assert_allclose tolerances for results of dtype ``dtype``."""
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    return {
        "float16": dict(rtol=2e-3, atol=1e-3),
        "bfloat16": dict(rtol=2e-2, atol=1e-2),
        "float32": dict(rtol=2e-6, atol=1e-6),
        "float64": dict(rtol=1e-12, atol=1e-12),
        "complex64": dict(rtol=2e-6, atol=1e-6),
        "complex128": dict(rtol=1e-12, atol=1e-12),
    }.get(name, dict(rtol=0, atol=0))


def assert_matches(actual: dv.ndarray, expected, *, exact_dtype: bool = True) -> None:
    """``actual`` (a devarray array) equals the NumPy result ``expected``: shape, dtype and
    values (NaN equal to NaN; float tolerance by dtype)."""
    assert isinstance(actual, dv.ndarray), type(actual)
    expected = np.asarray(expected)
    host = actual.get()
    assert host.shape == expected.shape, (host.shape, expected.shape)
    if exact_dtype:
        assert host.dtype == expected.dtype, (host.dtype, expected.dtype)
    if host.dtype.kind == "c" or expected.dtype.kind == "c":
        np.testing.assert_allclose(
            host.astype(np.complex128), expected.astype(np.complex128), equal_nan=True, **tolerance(host.dtype)
        )
    elif host.dtype.kind == "f" or expected.dtype.kind == "f":
        np.testing.assert_allclose(
            host.astype(np.float64), expected.astype(np.float64), equal_nan=True, **tolerance(host.dtype)
        )
    else:
        np.testing.assert_array_equal(host, expected)
