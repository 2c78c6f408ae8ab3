"""Indexing fuzzed against NumPy: random keys, `x[key]` and `x[key] = value` on the same data.

Keys mix ints (in and out of range, up to 2**70), slices with extreme bounds and steps,
boolean masks of the right and the wrong shape (0-d ones and Python bools included), integer
arrays of every integer dtype (negative, out of range, uint64 beyond int64) given as devarray
arrays, NumPy arrays or lists, `None` and `...`. The outcome must be NumPy's: the same shape and
values, or an exception of the same class (IndexError, ValueError or TypeError).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import devarray as dv

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
EXTREME_INTS = [2**63 - 1, -(2**63), 2**63, -(2**63) - 1, 2**64 - 1, 2**70, -(2**70)]
# Slice steps whose arithmetic overflows 64 bits in naive code (near +-2**63).
EXTREME_STEPS = [2**62, -(2**62), 2**63 - 1, -(2**63), -(2**63) + 1, 2**63, 2**70, -(2**70)]
ERRORS = (IndexError, ValueError, TypeError)


def _core_handles_extreme_steps() -> bool:
    """Whether the core's slice arithmetic survives steps near +-2**63 (issue 10 §2.1)."""
    try:
        return (
            dv.arange(6)[:: 2**63 - 1].shape == (1,)
            and dv.arange(6)[:: -(2**63)].shape == (1,)
            and dv.zeros((0, 2))[None, :: 2**62].shape == (1, 0, 2)
        )
    except BaseException:  # a Rust panic is a BaseException
        return False


EXTREME_STEPS_OK = _core_handles_extreme_steps()


class Dev:
    """An index array drawn for both sides: NumPy's key gets `host`, devarray's `device`."""

    def __init__(self, host: np.ndarray, form: str) -> None:
        self.host = host
        self.form = form

    def for_numpy(self) -> Any:
        host = self.host
        if host.dtype == np.uint64 and (host > np.iinfo(np.int64).max).any():
            # NumPy casts uint64 index arrays to intp, so 2**64-1 wraps to -1 and selects the
            # last element. devarray reads every index dtype exactly: such values are out of
            # bounds (issue 10 §2.5). NumPy gets an index that is out of bounds as well.
            host = np.where(host > np.iinfo(np.int64).max, np.uint64(2**62), host).astype(np.int64)
        return host.tolist() if self.form == "list" else host

    def for_devarray(self) -> Any:
        if self.form == "device":
            return dv.asarray(self.host)
        return self.host.tolist() if self.form == "list" else self.host


    def __repr__(self) -> str:
        return f"{self.form}({self.host!r})"


@st.composite
def index_arrays(draw: st.DrawFn, dim: int) -> Dev:
    dtype = np.dtype(draw(st.sampled_from(INT_DTYPES)))
    info = np.iinfo(dtype)
    shape = draw(st.lists(st.integers(0, 3), min_size=0, max_size=2))
    values = st.one_of(
        st.integers(max(-dim - 2, info.min), min(dim + 1, info.max)),
        st.sampled_from([info.min, info.max]),
    )
    n = int(np.prod(shape))
    host = np.array(draw(st.lists(values, min_size=n, max_size=n)), dtype=dtype).reshape(shape)
    forms = ["device", "numpy"] + (["list"] if host.ndim >= 1 and host.size > 0 else [])
    return Dev(host, draw(st.sampled_from(forms)))


@st.composite
def masks(draw: st.DrawFn, rest: tuple[int, ...]) -> Any:
    k = draw(st.integers(0, min(2, len(rest) + 1)))
    if k == 0:
        value = draw(st.booleans())
        form = draw(st.sampled_from(["python", "numpy_scalar", "device", "numpy"]))
        if form == "python":
            return value
        if form == "numpy_scalar":
            return np.bool_(value)
        return Dev(np.array(value), form)
    right = list(rest[:k]) + [2] * (k - len(rest[:k]))
    if draw(st.booleans()):
        shape = right
    else:
        shape = [max(0, d + draw(st.sampled_from([-1, 1]))) for d in right]
    n = int(np.prod(shape))
    host = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool).reshape(shape)
    forms = ["device", "numpy"] + (["list"] if host.size > 0 else [])
    return Dev(host, draw(st.sampled_from(forms)))


def slice_values(extreme_steps: bool) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    bound = st.one_of(st.none(), st.integers(-7, 7), st.sampled_from(EXTREME_INTS))
    steps = [st.none(), st.integers(-4, 4), st.sampled_from([2**40, -(2**31)])]
    if extreme_steps:
        steps = [st.sampled_from(EXTREME_STEPS)]
    return bound, st.one_of(*steps)


@st.composite
def keys(draw: st.DrawFn, shape: tuple[int, ...], extreme_steps: bool = False) -> Any:
    bound, step = slice_values(extreme_steps)
    n = draw(st.integers(0, 4))
    items: list[Any] = []
    axis = 0
    kinds = ["int", "slice", "none", "ellipsis", "mask", "ints"]
    for i in range(n):
        kind = "slice" if extreme_steps and i == 0 else draw(st.sampled_from(kinds))
        dim = shape[axis] if axis < len(shape) else 3
        if kind == "int":
            items.append(draw(st.one_of(st.integers(-dim - 2, dim + 1), st.sampled_from(EXTREME_INTS))))
            axis += 1
        elif kind == "slice":
            items.append(slice(draw(bound), draw(bound), draw(step)))
            axis += 1
        elif kind == "none":
            items.append(None)
        elif kind == "ellipsis":
            items.append(Ellipsis)
            axis = max(axis, len(shape) - (n - i - 1))
        elif kind == "mask":
            m = draw(masks(shape[axis:]))
            items.append(m)
            axis += m.host.ndim if isinstance(m, Dev) else 0
        else:
            items.append(draw(index_arrays(dim)))
            axis += 1
    if n == 1 and draw(st.booleans()):
        return items[0]  # a bare key, not a 1-tuple
    return tuple(items)


def _side(key: Any, numpy: bool) -> Any:
    def one(k: Any) -> Any:
        if isinstance(k, Dev):
            return k.for_numpy() if numpy else k.for_devarray()
        return k

    return tuple(one(k) for k in key) if isinstance(key, tuple) else one(key)


def _outcome(f: Any, numpy: bool = False) -> tuple[str, Any]:
    try:
        return "ok", f()
    except ERRORS as e:
        return "error", next(c for c in ERRORS if isinstance(e, c))
    except OverflowError:
        # NumPy raises OverflowError for an int key in 2**63..2**64 (it tries uint64 after
        # intp) but IndexError beyond; devarray raises IndexError for every int key outside
        # the index range.
        if not numpy:
            raise
        return "error", IndexError
    except BaseException as e:
        # A Rust panic (pyo3's PanicException is a BaseException): a failure hypothesis can
        # shrink, not an interpreter exit.
        if type(e).__name__ == "PanicException":
            raise AssertionError(f"Rust panic: {e}") from None
        raise


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


def _check(shape: tuple[int, ...], key: Any) -> None:
    xn = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    xd = dv.asarray(xn)
    kn, kd = _side(key, numpy=True), _side(key, numpy=False)

    # x[key]
    want = _outcome(lambda: xn[kn], numpy=True)
    got = _outcome(lambda: xd[kd].get())
    assert got[0] == want[0], f"x{shape}[{key!r}]: devarray {got}, NumPy {want}"
    if want[0] == "error":
        assert got[1] is want[1], f"x{shape}[{key!r}]: devarray raised {got[1]}, NumPy {want[1]}"
    else:
        assert got[1].shape == np.shape(want[1]), f"x{shape}[{key!r}]"
        np.testing.assert_array_equal(got[1], want[1], err_msg=f"x{shape}[{key!r}]")

    # x[key] = scalar
    yn, yd = xn.copy(), dv.asarray(xn)
    want = _outcome(lambda: yn.__setitem__(kn, -7), numpy=True)
    got = _outcome(lambda: yd.__setitem__(kd, -7))
    assert got[0] == want[0], f"x{shape}[{key!r}] = -7: devarray {got}, NumPy {want}"
    if want[0] == "error":
        assert got[1] is want[1], f"x{shape}[{key!r}] = -7: devarray raised {got[1]}, NumPy {want[1]}"
        return
    np.testing.assert_array_equal(yd.get(), yn, err_msg=f"x{shape}[{key!r}] = -7")

    # x[key] = array of the selection's shape, when every selected element is distinct (with
    # repeated elements NumPy does not define which write wins)
    selected = np.arange(xn.size).reshape(shape)[kn]
    if np.unique(selected).size != np.size(selected):
        return
    value = np.arange(np.size(selected), dtype=np.int64).reshape(np.shape(selected)) + 100
    yn, yd = xn.copy(), dv.asarray(xn)
    yn[kn] = value
    yd[kd] = dv.asarray(value)
    np.testing.assert_array_equal(yd.get(), yn, err_msg=f"x{shape}[{key!r}] = array")


SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@SETTINGS
@given(data=st.data(), shape=shapes)
def test_getitem_and_setitem_match_numpy(data: st.DataObject, shape: tuple[int, ...]) -> None:
    _check(shape, data.draw(keys(shape)))


@pytest.mark.xfail(
    not EXTREME_STEPS_OK,
    reason="slice-step overflow (core fix pending merge): steps near +-2**63 overflow in the core's "
    "slice arithmetic (issue 10 §2.1); not run, since a release build can crash",
    run=False,
)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data(), shape=shapes)
def test_extreme_slice_steps_match_numpy(data: st.DataObject, shape: tuple[int, ...]) -> None:
    _check(shape, data.draw(keys(shape, extreme_steps=True)))


# Cases the fuzzer found or that the issue names, kept as plain examples.
@pytest.mark.parametrize(
    "shape,key",
    [
        ((6,), Dev(np.array([True, False]), "list")),
        ((3, 4), Dev(np.ones((2, 3), bool), "device")),
        ((4,), Dev(np.array(True), "device")),
        ((4,), Dev(np.array(False), "device")),
        ((4,), True),
        ((4,), (False, Ellipsis)),
        ((5,), Dev(np.array([2**64 - 1], np.uint64), "device")),
        ((5,), Dev(np.array([2**64 - 1], np.uint64), "numpy")),
        ((2, 3, 4), (0, slice(None), Dev(np.array([1, 2]), "list"))),
        ((2, 3, 4), (Dev(np.array([0, 1]), "device"), 0, slice(None))),
        ((5, 2, 3), (slice(None), Dev(np.array([0, 1]), "list"), Ellipsis, Dev(np.array([0, 1]), "list"))),
        ((3, 4), (slice(None), True, 0)),
        ((3, 4), (True, slice(None), 0)),
        ((0, 0), (slice(None, None, 0), Dev(np.array(2**64 - 1, np.uint64), "numpy"))),
        ((3,), Dev(np.array(2**64 - 1, np.uint64), "device")),
        ((3,), Dev(np.array(-1, np.int8), "numpy")),
        ((5,), slice(2**70, -(2**70), -1)),
        ((3,), 2**70),
    ],
)
def test_known_cases(shape: tuple[int, ...], key: Any) -> None:
    _check(shape, key)
