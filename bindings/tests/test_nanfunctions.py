"""The NaN-ignoring reductions against NumPy's, edges included: all-NaN slices, -inf, -0.0,
integer inputs, keepdims, every axis, float16/float32."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import devarray as dv

NAN = np.nan
CASES = {
    "plain": np.array([[1.0, NAN, 3.0], [NAN, -2.0, 0.5], [4.0, 4.0, NAN]]),
    "neg_inf": np.array([[NAN, -np.inf, -np.inf], [-np.inf, NAN, 1.0]]),
    "signed_zero": np.array([[-0.0, 0.0, NAN], [0.0, -0.0, NAN]]),
    "all_nan_column": np.array([[NAN, 1.0], [NAN, 2.0]]),
}
REDUCTIONS = ["nansum", "nanprod", "nanmax", "nanmin", "nanmean", "nanvar", "nanstd"]


def _numpy(op, a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: devarray does not warn
        return getattr(np, op)(a, **kw)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("op", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_nan_reductions_match_numpy(case, op, axis, dtype):
    host = CASES[case].astype(dtype)
    for keepdims in (False, True):
        got = getattr(dv, op)(dv.asarray(host), axis=axis, keepdims=keepdims).get()
        want = _numpy(op, host, axis=axis, keepdims=keepdims)
        assert got.shape == want.shape
        tol = {"float16": 2e-3, "float32": 1e-6, "float64": 1e-12}[dtype]
        np.testing.assert_allclose(got, want, rtol=tol, equal_nan=True)
        # Exact, the sign of zero included, against float64 (NumPy's own float32 loops pick
        # either zero of max(-0.0, 0.0)).
        if op in ("nanmax", "nanmin") and dtype == "float64":
            np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_nanvar_ddof_leaves_nan_where_too_few_remain():
    host = CASES["plain"]
    got = dv.nanvar(dv.asarray(host), axis=0, ddof=2).get()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(_numpy("nanvar", host, axis=0, ddof=2)))


@pytest.mark.parametrize("op", ["nanargmax", "nanargmin"])
@pytest.mark.parametrize("case", ["plain", "neg_inf", "signed_zero"])
def test_nan_arg_reductions_match_numpy(op, case):
    host = CASES[case]
    for axis in (None, 1):
        np.testing.assert_array_equal(getattr(dv, op)(dv.asarray(host), axis=axis).get(), getattr(np, op)(host, axis=axis))


@pytest.mark.parametrize("op", ["nanargmax", "nanargmin"])
def test_nan_arg_reductions_refuse_all_nan_slices_as_numpy(op):
    host = CASES["all_nan_column"]
    with pytest.raises(ValueError, match="All-NaN|all-NaN"):
        getattr(np, op)(host, axis=0)
    with pytest.raises(ValueError, match="all-NaN"):
        getattr(dv, op)(dv.asarray(host), axis=0)


@pytest.mark.parametrize("op", REDUCTIONS)
def test_integer_inputs_take_the_plain_reduction(op):
    host = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    got = getattr(dv, op)(dv.asarray(host), axis=1).get()
    np.testing.assert_allclose(got, getattr(np, op)(host, axis=1), rtol=1e-6)


def test_numpy_dispatch_reaches_the_device():
    x = dv.asarray(CASES["plain"])
    for op in REDUCTIONS + ["nanargmax", "nanargmin"]:
        assert isinstance(getattr(np, op)(x, axis=0), dv.ndarray)
