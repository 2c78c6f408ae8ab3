"""Devices as context managers (``with devarray.Device(...)``) and the stream and event API of
``devarray.cuda`` (on the CPU device: the Rust host stream's semantics)."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import numpy as np
import pytest

import devarray as dv

CPU = dv.Device("cpu")
# A CUDA ordinal no test machine has: entering it only sets the default, so creating an array
# there shows that a creation function honoured the override.
ABSENT = dv.Device("cuda:97")


def default() -> dv.Device:
    return dv.__array_namespace_info__().default_device()


# ----- with Device(...) ------------------------------------------------------------------------


def test_device_block_sets_and_restores_the_default(device):
    before = default()
    with device as entered:
        assert entered is device
        assert default() == device
    assert default() == before


def test_device_blocks_nest():
    before = default()
    with CPU:
        with ABSENT:
            assert default() == ABSENT
            with CPU:
                assert default() == CPU
            assert default() == ABSENT
        assert default() == CPU
    assert default() == before


def test_the_same_device_object_nests():
    d = dv.Device("cuda:97")
    with CPU:
        with d:
            with d:
                assert default() == d
            assert default() == d
        assert default() == CPU


def test_device_is_restored_after_an_exception():
    before = default()
    with pytest.raises(KeyError):
        with ABSENT:
            raise KeyError("inside")
    assert default() == before
    with CPU:
        with pytest.raises(ZeroDivisionError):
            with ABSENT:
                1 / 0  # noqa: B018
        assert default() == CPU


def test_creation_functions_honour_the_device_block(device):
    with device:
        made = [
            dv.zeros(3),
            dv.ones((2, 2)),
            dv.empty(4),
            dv.full(2, 7.0),
            dv.arange(5),
            dv.linspace(0.0, 1.0, 4),
            dv.eye(3),
            dv.asarray(np.arange(3.0)),
            dv.asarray([1, 2, 3]),
            dv.random.default_rng(0).random(3),
        ]
    for x in made:
        assert x.device == device
    np.testing.assert_array_equal(made[4].get(), np.arange(5))


def test_an_explicit_device_argument_wins_over_the_block():
    with ABSENT:
        assert dv.zeros(2, device="cpu").device == CPU
        assert dv.asarray([1.0], device=CPU).device == CPU


def test_creation_inside_an_absent_device_block_fails_there():
    with ABSENT:
        with pytest.raises(RuntimeError, match="CUDA"):
            dv.zeros(2)
    assert dv.zeros(2, device=CPU).device == CPU


def test_the_block_overrides_an_unusable_environment_default(monkeypatch):
    monkeypatch.setenv("DEVARRAY_DEVICE", "tpu")
    with pytest.raises(ValueError):
        default()
    with CPU:
        assert default() == CPU
        assert dv.zeros(1).device == CPU


def test_the_override_is_context_local():
    seen = {}
    with ABSENT:
        t = threading.Thread(target=lambda: seen.setdefault("thread", default()))
        t.start()
        t.join()
        seen["copied"] = contextvars.copy_context().run(default)
    assert seen["thread"] != ABSENT  # a new thread starts outside every block
    assert seen["copied"] == ABSENT  # a copied context keeps it


def test_asyncio_tasks_do_not_see_each_others_device():
    async def enter_and_report(d, gate):
        with d:
            await gate.wait()
            return default()

    async def main():
        gate = asyncio.Event()
        a = asyncio.create_task(enter_and_report(CPU, gate))
        b = asyncio.create_task(enter_and_report(ABSENT, gate))
        await asyncio.sleep(0)
        gate.set()
        return await a, await b

    assert asyncio.run(main()) == (CPU, ABSENT)


def test_exit_without_enter_is_an_error():
    with pytest.raises(RuntimeError, match="__enter__"):
        dv.Device("cpu").__exit__(None, None, None)


def test_bad_device_names_are_value_errors():
    with pytest.raises(ValueError):
        dv.Device("gpu:0")
