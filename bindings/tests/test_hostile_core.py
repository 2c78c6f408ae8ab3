"""Hostile inputs answered at the root, in the Rust core (issue 10 §2, items 1-3 and 11):
slice steps near ±2**63, element counts and dimension counts that overflow, overlapping copies
between two imports of one memory, and read-only imports whose views must stay read-only.

NumPy is the oracle where it has an answer; otherwise the exception type is asserted."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import devarray as dv
from dlpack_ctypes import CountingProducer

BIG = 2**63 - 1


# ----- 1. slice steps near ±2**63 -----------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        slice(None, 2, BIG),
        slice(None, None, BIG),
        slice(None, None, -BIG),
        slice(None, None, -(2**63)),
        slice(-(2**63), BIG, BIG - 1),
        slice(BIG, -(2**63), -(2**63)),
        slice(None, 2**70),
        slice(-(2**70), 2, 2**80),
        slice(None, None, -(2**90)),
        slice(2**64, None, -1),
    ],
    ids=repr,
)
def test_extreme_slice_steps_match_numpy(device, key):
    h = np.arange(6.0)
    x = dv.asarray(h, device=device)
    assert x[key].shape == h[key].shape
    np.testing.assert_array_equal(dv.asnumpy(x[key]), h[key])
    # The write touches exactly the elements NumPy's does (it used to segfault or do nothing).
    x[key] = -1.0
    h = h.copy()
    h[key] = -1.0
    np.testing.assert_array_equal(dv.asnumpy(x), h)


def test_sliced_huge_step_then_sliced_again(device):
    x = dv.arange(24, device=device).reshape(2, 3, 4)
    h = np.arange(24).reshape(2, 3, 4)
    assert x[:: 2**63 - 1].shape == h[:: 2**63 - 1].shape == (1, 3, 4)
    assert x[:: 2**63 - 1][1:].shape == h[:: 2**63 - 1][1:].shape == (0, 3, 4)
    assert x[::-(2**63)].tolist() == h[::-(2**63)].tolist()


# ----- 2. element counts that overflow; at most 64 dimensions --------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda d: dv.broadcast_to(dv.asarray(7.0, device=d), (2**32, 2**32)),  # 2**64 elements
        lambda d: dv.broadcast_to(dv.asarray(7.0, device=d), (2**31, 2**31)),  # 2**65 bytes
        lambda d: dv.broadcast_to(dv.asarray(1, dtype=dv.uint8, device=d), (2**40, 1))
        + dv.broadcast_to(dv.asarray(1, dtype=dv.uint8, device=d), (1, 2**40)),
        lambda d: dv.empty((2**62, 4), dtype=dv.uint8, device=d),
        lambda d: dv.arange(6, device=d).reshape(2**40, 2**40, -1),
    ],
)
def test_overflowing_sizes_raise_value_error(device, make):
    # NumPy raises ValueError ("array is too big", "iterator is too large", "cannot reshape").
    with pytest.raises(ValueError):
        make(device)


def test_size_of_a_huge_broadcast_view_is_exact(device):
    x = dv.broadcast_to(dv.asarray(1, dtype=dv.uint8, device=device), (2**31, 2**31))
    h = np.broadcast_to(np.uint8(1), (2**31, 2**31))
    assert (x.size, x.shape) == (h.size, h.shape)


@pytest.mark.parametrize(
    "make",
    [
        lambda d: dv.zeros((1,) * 65, device=d),
        lambda d: dv.zeros((1,) * 20000, device=d),
        lambda d: dv.zeros((1,) * 64, device=d).reshape((1,) * 65),
        lambda d: dv.expand_dims(dv.zeros((1,) * 64, device=d), axis=0),
        lambda d: dv.broadcast_to(dv.zeros((1,) * 64, device=d), (1,) * 65),
    ],
)
def test_more_than_64_dims_raise_value_error(device, make):
    with pytest.raises(ValueError, match="at most 64"):
        make(device)


def test_indexing_past_64_dims_raises_index_error(device):
    with pytest.raises(IndexError):
        np.zeros(())[(None,) * 65]
    with pytest.raises(IndexError, match="at most 64"):
        dv.zeros((), device=device)[(None,) * 65]


def test_64_dims_convert_and_print(device):
    x = dv.full((1,) * 64, 5, device=device)
    h = np.full((1,) * 64, 5)
    assert x.tolist() == h.tolist()
    assert "5" in repr(x) and "5" in str(x)
    assert dv.zeros((), device=device)[(None,) * 64].ndim == 64


# ----- 3. overlapping copies between two imports of one memory -------------------------------


def test_reversed_assign_from_an_import_of_itself(device):
    x = dv.arange(10, device=device)
    x[::-1] = dv.from_dlpack(x)
    h = np.arange(10)
    h[::-1] = h.copy()
    assert x.tolist() == h.tolist()


def test_shifted_assign_between_two_imports_at_thread_boundaries(device):
    n = 10**6
    b = dv.arange(n, dtype=dv.int32, device=device)
    a = dv.from_dlpack(b)
    a[1:] = dv.from_dlpack(b)[:-1]
    h = np.arange(n, dtype=np.int32)
    h[1:] = h[:-1].copy()
    np.testing.assert_array_equal(dv.asnumpy(b), h)


def test_interleaved_views_of_two_imports(device):
    c = dv.arange(8.0, device=device)
    c[::2] = dv.from_dlpack(c)[1::2]
    assert c.tolist() == [1.0, 1.0, 3.0, 3.0, 5.0, 5.0, 7.0, 7.0]


# ----- 11. read-only is inherited by every view of a zero-stride import ----------------------


def _expanded_import():
    """What PyTorch's ``expand()`` exports: zero strides, no read-only flag."""
    base = np.arange(12.0).reshape(3, 4)
    producer = CountingProducer(np.broadcast_to(base, (2, 3, 4)), versioned=True, readonly=False)
    return dv.from_dlpack(producer), base, producer


@pytest.mark.parametrize(
    "write",
    [
        lambda x: x.__setitem__((0, 0, 0), -42.0),
        lambda x: x[1].__setitem__(0, -42.0),
        lambda x: x[1].__setitem__((slice(None), 0), dv.zeros(3)),
        lambda x: x[0, 1].__setitem__(Ellipsis, -42.0),
        lambda x: x[1].T.__setitem__(0, -42.0),
        lambda x: x[1].__iadd__(1.0),
        lambda x: x[0, 2].__imul__(2.0),
        lambda x: np.add(dv.ones(4), 1.0, out=x[1, 0]),
    ],
)
def test_every_view_of_a_zero_stride_import_is_read_only(write):
    x, base, _producer = _expanded_import()
    assert x.is_readonly and x[1].is_readonly and x[0, 0, 0].is_readonly and x[1, ::-1].is_readonly
    with pytest.raises(ValueError, match="read-only"):
        write(x)
    np.testing.assert_array_equal(base, np.arange(12.0).reshape(3, 4))  # the producer's memory


def test_views_of_a_read_only_import_are_read_only():
    h = np.arange(6.0).reshape(2, 3)
    h.flags.writeable = False
    x = dv.from_dlpack(h)
    with pytest.raises(ValueError, match="read-only"):
        x[1][0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        x.T[0] += 1
    assert not x[1].copy().is_readonly


# ----- basic indexing against NumPy over random keys with extreme slice values ---------------

_BOUNDS = [None, 0, 1, 2, -1, -3, 5, 2**63 - 1, -(2**63), 2**63, 2**70, -(2**70)]
_STEPS = [None, 1, 2, 3, -1, -2, 2**63 - 1, 2**63 - 2, -(2**63 - 1), -(2**63), 2**70, -(2**70)]


@st.composite
def _basic_keys(draw, ndim):
    slices = st.builds(slice, st.sampled_from(_BOUNDS), st.sampled_from(_BOUNDS), st.sampled_from(_STEPS))
    item = st.one_of(slices, st.integers(-4, 3), st.none())
    items = draw(st.lists(item, max_size=ndim + 1))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), Ellipsis)
    return tuple(items)


@given(data=st.data(), shape=st.lists(st.integers(0, 4), max_size=3))
def test_basic_indexing_matches_numpy(data, shape):
    key = data.draw(_basic_keys(len(shape)))
    h = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    x = dv.asarray(h)
    try:
        expected = h[key]
    except IndexError:
        with pytest.raises(IndexError):
            x[key]
        return
    got = x[key]
    assert got.shape == expected.shape
    np.testing.assert_array_equal(dv.asnumpy(got), expected)
    x[key] = -1
    h[key] = -1
    np.testing.assert_array_equal(dv.asnumpy(x), h)


# ----- sizes no memory holds ------------------------------------------------------------------

HUGE = 2**58  # elements: 2**61 bytes and more, beyond any machine's address space


@pytest.mark.parametrize(
    "make",
    [
        lambda: dv.arange(2**60, dtype=dv.int8),
        lambda: dv.linspace(0, 1, HUGE),
        lambda: dv.zeros(2**60, dtype=dv.uint8),
        lambda: dv.bincount(dv.asarray(np.array([1, 2])), minlength=HUGE),
        lambda: dv.histogram(dv.asarray(np.array([1.0, 2.0], np.float32)), bins=HUGE),
        lambda: dv.histogram(dv.asarray(np.array([1.0, 2.0])), bins=HUGE),
        lambda: dv.pad(dv.asarray(np.arange(3.0)), HUGE, mode="edge"),
        lambda: dv.pad(dv.asarray(np.arange(3.0)), HUGE, mode="reflect"),
        lambda: dv.fft.fftfreq(HUGE),
        lambda: dv.fft.rfftfreq(2 * HUGE),
        lambda: dv.random.default_rng(0).spawn(HUGE),
    ],
    ids=["arange", "linspace", "zeros", "bincount", "histogram-f32", "histogram-f64", "pad-edge", "pad-reflect",
         "fftfreq", "rfftfreq", "spawn"],
)
def test_sizes_no_memory_holds_raise_memory_error(make):
    # Host buffers built from these sizes used to abort the interpreter (Rust's allocation
    # failure handler); they are devarray's OutOfMemory, mapped to MemoryError.
    with pytest.raises(MemoryError, match="out of memory on cpu"):
        make()
