"""Regression tests for hostile inputs to the Python bindings (issue 10 §2, items 4-10): each
case is NumPy's answer or a typed error, never a silently wrong result."""

from __future__ import annotations

import numpy as np
import pytest

import devarray as dv

# ----- §2.4 boolean masks must match the shape they index ------------------------------------


@pytest.mark.parametrize(
    "shape,mask",
    [((6,), [True, False]), ((3, 4), np.ones((2, 3), bool)), ((3, 4), np.ones((3, 3), bool)), ((2,), [True] * 3)],
)
@pytest.mark.parametrize("form", ["list", "numpy", "device"])
def test_wrong_shape_mask_is_index_error(shape, mask, form):
    x = dv.reshape(dv.arange(int(np.prod(shape))), shape)
    key = {"list": lambda m: np.asarray(m).tolist(), "numpy": np.asarray, "device": dv.asarray}[form](mask)
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[key]
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[key] = 100
    assert x.get().tolist() == np.arange(int(np.prod(shape))).reshape(shape).tolist()  # untouched


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("form", ["device", "numpy", "python"])
def test_zero_d_mask_adds_an_axis(value, form):
    key = {"device": dv.asarray, "numpy": np.bool_, "python": bool}[form](value)
    v, n = dv.arange(4), np.arange(4)
    assert v[key].shape == n[np.bool_(value)].shape == ((1, 4) if value else (0, 4))
    np.testing.assert_array_equal(v[key].get(), n[np.bool_(value)])
    v[key] = 9
    n[np.bool_(value)] = 9
    np.testing.assert_array_equal(v.get(), n)


def test_zero_d_mask_combined_with_other_indices():
    x, n = dv.reshape(dv.arange(12), (3, 4)), np.arange(12).reshape(3, 4)
    for key in [(0, True, slice(None)), (slice(None), True, 0), (True, slice(None), 0), (True, [0, 2]), (False, 1)]:
        dkey = tuple(dv.asarray(k) if isinstance(k, bool) else k for k in key)
        np.testing.assert_array_equal(x[dkey].get(), n[key])
        assert x[dkey].shape == n[key].shape


def test_right_shape_masks_still_select():
    x, n = dv.reshape(dv.arange(12), (3, 4)), np.arange(12).reshape(3, 4)
    m = n % 3 == 0
    np.testing.assert_array_equal(x[dv.asarray(m)].get(), n[m])
    np.testing.assert_array_equal(x[:, dv.asarray(m[0])].get(), n[:, m[0]])
    x[dv.asarray(m)] = -1
    n[m] = -1
    np.testing.assert_array_equal(x.get(), n)


# ----- §2.5 index arrays of every integer dtype are read exactly ------------------------------


@pytest.mark.parametrize("form", ["device", "numpy", "list"])
def test_uint64_index_beyond_int64_is_out_of_bounds(form):
    idx = np.array([2**64 - 1], np.uint64)
    key = {"device": dv.asarray, "numpy": lambda a: a, "list": lambda a: a.tolist()}[form](idx)
    x = dv.arange(5)
    with pytest.raises(IndexError, match="18446744073709551615 is out of bounds for axis 0 with size 5"):
        x[key]
    with pytest.raises(IndexError, match="out of bounds"):
        x[key] = 1
    assert x.get().tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(IndexError, match="out of bounds"):
        dv.take(x, dv.asarray(idx))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64])
def test_every_index_dtype_is_exact(dtype):
    info = np.iinfo(dtype)
    x = dv.arange(5)
    assert x[dv.asarray(np.array([4, 0, 2], dtype))].get().tolist() == [4, 0, 2]
    for bad in {info.max, info.min} - {0}:
        with pytest.raises(IndexError, match="out of bounds"):
            x[dv.asarray(np.array([bad], dtype))]
    if info.min < 0:
        assert x[dv.asarray(np.array([-1], dtype))].get().tolist() == [4]


def test_huge_int_keys_are_index_errors():
    x = dv.arange(3)
    for key in [2**63, 2**70, -(2**63) - 1, (0, 2**64)]:
        with pytest.raises(IndexError):
            x[key]


# ----- §2.6 advanced indices separated by a slice put the broadcast axes first ----------------


@pytest.mark.parametrize(
    "key",
    [
        (0, slice(None), [1, 2]),
        ([0, 1], slice(None), 0),
        ([0, 1], slice(None), [1, 2]),
        (slice(None), [0, 1], [1, 2]),
        ([0, 1], [1, 2], slice(None)),
        (0, [1, 2], slice(None)),
        (slice(None), 0, [1, 2]),
        ([1], Ellipsis, [1, 2]),
        ([[0], [1]], None, [1, 2]),
        (0, None, [0, 1]),
        (slice(None), [[0, 1]], None, 1),
    ],
)
def test_advanced_index_placement_matches_numpy(key):
    n = np.arange(24).reshape(2, 3, 4)
    x = dv.asarray(n)
    assert x[key].shape == n[key].shape
    np.testing.assert_array_equal(x[key].get(), n[key])
    value = np.arange(np.size(n[key])).reshape(n[key].shape) + 100
    x[key] = dv.asarray(value)
    n[key] = value
    np.testing.assert_array_equal(x.get(), n)


def test_ellipsis_of_no_axes_still_separates_advanced_indices():
    n = np.arange(30).reshape(5, 2, 3)
    key = (slice(None), [0, 1], Ellipsis, [0, 1])
    assert dv.asarray(n)[key].shape == n[key].shape == (2, 5)


# ----- §2.7 the transfer guard is context-local; its errors are not masked --------------------


def test_interleaved_guards_in_two_threads_restore_their_own_level():
    import threading

    entered = [threading.Event(), threading.Event()]
    t1_left = threading.Event()
    levels: dict[str, str] = {}

    def first():
        with dv.transfer_guard("disallow"):
            entered[0].set()
            entered[1].wait(5)
        t1_left.set()
        levels["first after"] = dv.get_transfer_guard()

    def second():
        entered[0].wait(5)
        with dv.transfer_guard("disallow"):
            entered[1].set()
            t1_left.wait(5)  # the first thread leaves its block while this one is inside
            levels["second inside"] = dv.get_transfer_guard()
        levels["second after"] = dv.get_transfer_guard()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert levels == {"first after": "allow", "second inside": "disallow", "second after": "allow"}
    assert dv.get_transfer_guard() == "allow"
    assert float(dv.asarray(1.5)) == 1.5


def test_guard_in_one_thread_does_not_block_another():
    import threading

    inside, done = threading.Event(), threading.Event()
    seen: list[object] = []

    def guarded():
        with dv.transfer_guard("disallow"):
            inside.set()
            done.wait(5)
            try:
                float(dv.asarray(2.0))
            except dv.TransferGuardError as e:
                seen.append(type(e))

    t = threading.Thread(target=guarded)
    t.start()
    assert inside.wait(5)
    try:
        assert dv.get_transfer_guard() == "allow"
        assert float(dv.asarray(2.0)) == 2.0  # this thread is not guarded
        assert repr(dv.asarray([1, 2]))
    finally:
        done.set()
        t.join(10)
    assert seen == [dv.TransferGuardError]  # the guarded thread was


def test_guard_is_task_local_in_asyncio():
    import asyncio

    async def guarded(started: asyncio.Event, release: asyncio.Event) -> str:
        with dv.transfer_guard("disallow"):
            started.set()
            await release.wait()
            with pytest.raises(dv.TransferGuardError):
                float(dv.asarray(1.0))
            return dv.get_transfer_guard()

    async def main() -> tuple[str, float]:
        started, release = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(guarded(started, release))
        await started.wait()
        value = float(dv.asarray(3.0))  # another task: not guarded
        release.set()
        return await task, value

    assert asyncio.run(main()) == ("disallow", 3.0)
    assert dv.get_transfer_guard() == "allow"


def test_context_level_overrides_the_global_default():
    previous = dv.set_transfer_guard("log")
    try:
        assert dv.get_transfer_guard() == "log"
        with dv.transfer_guard("disallow"):
            assert dv.get_transfer_guard() == "disallow"
            with dv.transfer_guard("allow"):
                assert float(dv.asarray(1.0)) == 1.0
            assert dv.get_transfer_guard() == "disallow"
        assert dv.get_transfer_guard() == "log"
    finally:
        dv.set_transfer_guard(previous)
    with pytest.raises(ValueError, match="transfer guard level"):
        dv.transfer_guard("never")
    with pytest.raises(ValueError, match="transfer guard level"):
        dv.set_transfer_guard("never")


GUARDED_INT_ARGS = [
    ("zeros(i0)", lambda x, i0: dv.zeros(i0), (2,)),
    ("zeros((i0, 1))", lambda x, i0: dv.zeros((i0, 1)), (2, 1)),
    ("x.reshape(i0 + 1)", lambda x, i0: x.reshape(i0 + 1), (3,)),
    ("x.reshape((i0 + 1,))", lambda x, i0: x.reshape((i0 + 1,)), (3,)),
    ("reshape(x, i0 + 1)", lambda x, i0: dv.reshape(x, i0 + 1), (3,)),
    ("x.sum(axis=i0 - 2)", lambda x, i0: x.sum(axis=i0 - 2), ()),
    ("sum(x, axis=(i0 - 2,))", lambda x, i0: dv.sum(x, axis=(i0 - 2,)), ()),
    ("broadcast_to(x, (i0, 3))", lambda x, i0: dv.broadcast_to(x, (i0, 3)), (2, 3)),
    ("moveaxis(x2, i0 - 2, 1)", lambda x, i0: dv.moveaxis(dv.ones((2, 3)), i0 - 2, 1), (3, 2)),
    ("unstack(x2, axis=i0 - 1)", lambda x, i0: dv.unstack(dv.ones((2, 3)), axis=i0 - 1)[0], (2,)),
    ("take(x, [0], axis=i0 - 2)", lambda x, i0: dv.take(x, dv.asarray([0]), axis=i0 - 2), (1,)),
    ("np.expand_dims(x, i0 - 1)", lambda x, i0: np.expand_dims(x, i0 - 1), (3, 1)),
]


@pytest.mark.parametrize("name,call,shape", GUARDED_INT_ARGS, ids=[c[0] for c in GUARDED_INT_ARGS])
def test_guard_error_is_not_masked_by_int_arguments(name, call, shape):
    x, i0 = dv.arange(3), dv.asarray(2)
    with dv.transfer_guard("disallow"):
        with pytest.raises(dv.TransferGuardError, match="__index__"):
            call(x, i0)
    assert call(x, i0).shape == shape  # allowed: the 0-d int is read


# ----- §2.8 out-of-range Python scalars raise, as NumPy 2 (NEP 50) does -----------------------


def _u8():
    return dv.zeros((2,), dtype=dv.uint8)


def _i32():
    return dv.zeros((2,), dtype=dv.int32)


def _setitem(x, value):
    x[:] = value
    return x


OUT_OF_RANGE = [
    ("full(300, uint8)", lambda: dv.full((2,), 300, dtype=dv.uint8)),
    ("full(-1, uint8)", lambda: dv.full((2,), -1, dtype=dv.uint8)),
    ("full(2**63, int64)", lambda: dv.full((2,), 2**63, dtype=dv.int64)),
    ("full(300.0, uint8)", lambda: dv.full((2,), 300.0, dtype=dv.uint8)),
    ("full_like(u8, 300)", lambda: dv.full_like(_u8(), 300)),
    ("u8[:] = 300", lambda: _setitem(_u8(), 300)),
    ("u8[:] = -1", lambda: _setitem(_u8(), -1)),
    ("u8[0] = 256", lambda: _u8().__setitem__(0, 256)),
    ("u8[[0]] = 256", lambda: _u8().__setitem__([0], 256)),
    ("i32[:] = 1e10", lambda: _setitem(_i32(), 1e10)),
    ("i32[:] = inf", lambda: _setitem(_i32(), float("inf"))),
    ("i32[:] = -inf", lambda: _setitem(_i32(), float("-inf"))),
    ("u8 + 300", lambda: _u8() + 300),
    ("300 - u8", lambda: 300 - _u8()),
    ("u8 += 300", lambda: _u8().__iadd__(300)),
    ("np.add(u8, 300)", lambda: np.add(_u8(), 300)),
    ("add(u8, -1)", lambda: dv.add(_u8(), -1)),
    ("where(c, u8, 300)", lambda: dv.where(dv.asarray([True, False]), _u8(), 300)),
    ("clip(u8, 300, None)", lambda: dv.clip(_u8(), 300, None)),
    ("clip(u8, None, -1)", lambda: dv.clip(_u8(), None, -1)),
    ("asarray(300, dtype=uint8)", lambda: dv.asarray(300, dtype=dv.uint8)),
    ("asarray([1, 300], dtype=uint8)", lambda: dv.asarray([1, 300], dtype=dv.uint8)),
]


@pytest.mark.parametrize("name,call", OUT_OF_RANGE, ids=[c[0] for c in OUT_OF_RANGE])
def test_out_of_range_python_scalars_raise_overflow_error(name, call):
    with pytest.raises(OverflowError):
        call()


NAN_INTO_INT = [
    ("i32[:] = nan", lambda: _setitem(_i32(), float("nan"))),
    ("i32[0] = nan", lambda: _i32().__setitem__(0, float("nan"))),
    ("i32[:] = np.float32(nan)", lambda: _setitem(_i32(), np.float32("nan"))),
    ("full(nan, int8)", lambda: dv.full((2,), float("nan"), dtype=dv.int8)),
    ("full_like(i32, nan)", lambda: dv.full_like(_i32(), float("nan"))),
    ("asarray(nan, dtype=int32)", lambda: dv.asarray(float("nan"), dtype=dv.int32)),
]


@pytest.mark.parametrize("name,call", NAN_INTO_INT, ids=[c[0] for c in NAN_INTO_INT])
def test_nan_into_an_integer_array_raises_value_error(name, call):
    with pytest.raises(ValueError, match="NaN"):
        call()


def test_in_range_scalars_still_store_as_numpy_does():
    assert dv.full((2,), 255, dtype=dv.uint8).get().tolist() == [255, 255]
    assert _setitem(_u8(), 2.9).get().tolist() == [2, 2]  # truncated, as NumPy
    assert _setitem(_u8(), -0.5).get().tolist() == [0, 0]
    assert _setitem(_u8(), True).get().tolist() == [1, 1]
    assert _setitem(dv.zeros((2,), dtype=dv.bool), -1).get().tolist() == [True, True]
    assert _setitem(dv.zeros((2,)), 2**64 - 1).get().tolist() == [2.0**64] * 2
    # NumPy scalars convert with NumPy's unsafe casting (np.full(2, np.int64(300), np.uint8) is 44).
    assert dv.full((2,), np.int64(300), dtype=dv.uint8).get().tolist() == [44, 44]
    assert _setitem(_u8(), np.int64(300)).get().tolist() == [44, 44]
    assert dv.result_type(dv.uint8, 300) == dv.uint8  # promotion does not depend on the value
    # Comparisons compare mathematically; a clip bound that cannot bind is dropped.
    assert (_u8() < 300).get().tolist() == [True, True]
    assert dv.clip(_u8(), -1, 300).get().tolist() == [0, 0]


@pytest.mark.parametrize("k", [10**19, -(10**19), 2**63, -(2**63) - 1, 2**63 - 1, -(2**63), 14, -14, 3])
def test_eye_with_any_diagonal_matches_numpy(k):
    np.testing.assert_array_equal(dv.eye(14, k=k).get(), np.eye(14, k=k))
    np.testing.assert_array_equal(dv.eye(3, 5, k=k).get(), np.eye(3, 5, k=k))


def test_eye_refuses_a_non_int_diagonal():
    with pytest.raises(TypeError, match="k must be an int"):
        dv.eye(3, k=1.5)


def test_nested_lists_of_device_scalars_build_on_the_device():
    x = dv.reshape(dv.arange(4, dtype=dv.float32), (2, 2))
    with dv.transfer_guard("disallow"):  # no element goes through the host
        y = dv.asarray([[x[0, 0], x[0, 1]], [x[1, 0], x[1, 1]]])
        z = dv.asarray(([x[0], x[1]], [x[1], x[0]]))
        w = dv.asarray([[x[0, 0]], [x[1, 1]]], dtype=dv.float64)
    assert y.shape == (2, 2) and y.dtype == dv.float32
    assert y.get().tolist() == [[0.0, 1.0], [2.0, 3.0]]
    assert z.shape == (2, 2, 2) and z.get().tolist() == [[[0, 1], [2, 3]], [[2, 3], [0, 1]]]
    assert w.dtype == dv.float64 and w.get().tolist() == [[0.0], [3.0]]
    assert dv.asarray([[x[0, 0], 5.0]]).get().tolist() == [[0.0, 5.0]]  # scalars mix in
    with pytest.raises(ValueError):
        dv.asarray([[x[0, 0], x[0, 1]], [x[1, 0]]])  # ragged


# ----- §2.9 NumPy arrays mixed into ops: devarray's own TypeError, no repr ----------------------

MIXED = [
    ("x + np", lambda x, h: x + h),
    ("np + x", lambda x, h: h + x),
    ("x * np", lambda x, h: x * h),
    ("np - x", lambda x, h: h - x),
    ("x < np", lambda x, h: x < h),
    ("np > x", lambda x, h: h > x),
    ("x += np", lambda x, h: x.__iadd__(h)),
    ("np += x", lambda x, h: h.__iadd__(x)),
    ("np.add(x, np)", lambda x, h: np.add(x, h)),
    ("np.add(np, x)", lambda x, h: np.add(h, x)),
    ("np.add(x, 1, out=np)", lambda x, h: np.add(x, 1, out=h)),
    ("np.maximum(np, x)", lambda x, h: np.maximum(h, x)),
    ("np.add(x, list)", lambda x, h: np.add(x, h.tolist())),
    ("np.multiply(list, x)", lambda x, h: np.multiply(h.tolist(), x)),
]


@pytest.mark.parametrize("name,op", MIXED, ids=[m[0] for m in MIXED])
@pytest.mark.parametrize("guard", ["allow", "disallow"])
def test_mixing_a_host_array_raises_devarrays_type_error(name, op, guard):
    x, h = dv.arange(3.0), np.ones(3)
    with dv.transfer_guard(guard):
        with pytest.raises(TypeError, match=r"devarray\.asarray") as info:
            op(x, h)
    message = str(info.value)
    assert "devarray.ndarray(" not in message and "array([" not in message  # no repr of either
    assert len(message) < 400
    np.testing.assert_array_equal(h, np.ones(3))  # the NumPy array was not written


def test_lists_stay_python_sequences_for_operators():
    n = dv.asarray(2)
    assert [0] * n == [0, 0]  # list repetition through __index__, as before
    assert (1, 2) * n == (1, 2, 1, 2)
    with pytest.raises(TypeError):
        dv.arange(3) + [1, 2, 3]  # no implicit upload either way


def test_mixing_jax_array_raises_type_error():
    jnp = pytest.importorskip("jax.numpy")
    x = dv.arange(3.0)
    with dv.transfer_guard("disallow"):
        with pytest.raises(TypeError, match=r"devarray\.asarray"):
            x + jnp.ones(3)


# ----- §2.10 asarray copies every host input the same way ---------------------------------------


class _Producer:
    """A DLPack producer that is not a NumPy array (wraps one)."""

    def __init__(self, a: np.ndarray) -> None:
        self._a = a

    def __dlpack__(self, **kwargs):
        return self._a.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


def _jax_array():
    jnp = pytest.importorskip("jax.numpy")
    return jnp.arange(4.0)


@pytest.mark.parametrize("kind", ["numpy", "dlpack producer", "jax"])
@pytest.mark.parametrize("kwargs", [{}, {"copy": None}, {"copy": True}, {"dtype": dv.float64}, {"device": "cpu"}])
def test_asarray_never_aliases_a_host_input(kind, kwargs):
    host = np.arange(4.0)
    obj = {"numpy": lambda: host, "dlpack producer": lambda: _Producer(host), "jax": _jax_array}[kind]()
    x = dv.asarray(obj, **kwargs)
    assert not x.is_readonly
    x[0] = 42.0
    assert np.asarray(obj if kind != "dlpack producer" else host)[0] == 0.0  # the input is untouched
    assert x.get().tolist() == [42.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("kind", ["numpy", "dlpack producer", "jax"])
def test_asarray_copy_false_shares_memory_for_every_producer(kind):
    host = np.arange(4.0)
    obj = {"numpy": lambda: host, "dlpack producer": lambda: _Producer(host), "jax": _jax_array}[kind]()
    x = dv.asarray(obj, copy=False)
    y = dv.from_dlpack(obj)
    assert x.get().tolist() == y.get().tolist() == [0.0, 1.0, 2.0, 3.0]
    if kind != "jax":
        host[1] = 7.0  # the memory is shared, as from_dlpack's
        assert x[1].item() == 7.0
    with pytest.raises(ValueError, match="copy=False"):
        dv.asarray(obj, dtype=dv.int32, copy=False)
