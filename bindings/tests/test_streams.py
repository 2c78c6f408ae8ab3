"""Devices as context managers (``with devarray.Device(...)``) and the stream and event API of
``devarray.cuda`` (on the CPU device: the Rust host stream's semantics)."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import numpy as np
import pytest
from conftest import CUDA_DEVICES, requires_cuda

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


# ----- devarray.cuda.Stream and Event ----------------------------------------------------------


def test_stream_basics(device):
    s = dv.cuda.Stream(device)
    assert s.device == device
    assert dv.cuda.Stream(device=str(device)).device == device
    s.synchronize()
    assert "Stream" in repr(s)


def test_stream_defaults_to_the_default_device(device):
    with device:
        assert dv.cuda.Stream().device == device
        assert dv.cuda.Event().device == device
        assert dv.cuda.get_current_stream().device == device


def test_with_stream_makes_it_current_and_restores(device):
    before = dv.cuda.get_current_stream(device)
    a, b = dv.cuda.Stream(device), dv.cuda.Stream(device)
    with a as entered:
        assert entered is a
        assert dv.cuda.get_current_stream(device) == a
        with b:
            assert dv.cuda.get_current_stream(device) == b
            x = dv.arange(10.0, device=device) * 2
        assert dv.cuda.get_current_stream(device) == a
        np.testing.assert_array_equal(x.get(), np.arange(10.0) * 2)
    assert dv.cuda.get_current_stream(device) == before


def test_stream_is_restored_after_an_exception(device):
    before = dv.cuda.get_current_stream(device)
    s = dv.cuda.Stream(device)
    with pytest.raises(KeyError):
        with s:
            raise KeyError("inside")
    assert dv.cuda.get_current_stream(device) == before
    with s:  # and it can be entered again
        assert dv.cuda.get_current_stream(device) == s


def test_stream_exit_out_of_order_is_an_error():
    with pytest.raises(RuntimeError, match="innermost"):
        dv.cuda.Stream(CPU).__exit__(None, None, None)


def test_cpu_streams_are_the_one_host_queue():
    assert dv.cuda.Stream(CPU) == dv.cuda.Stream(CPU) == dv.cuda.get_current_stream(CPU)


def test_record_returns_an_event(device):
    s = dv.cuda.Stream(device)
    e = s.record()
    assert isinstance(e, dv.cuda.Event) and e.device == device
    e.synchronize()
    mine = dv.cuda.Event(device)
    assert s.record(mine) is mine
    s.wait_event(mine)
    mine.wait(s)
    mine.wait()


def test_events_time_the_work_between_them(device):
    start, end = dv.cuda.Event(device), dv.cuda.Event(device)
    start.record()
    y = dv.exp(dv.ones(1 << 16, device=device))
    end.record()
    end.synchronize()
    ms = start.elapsed_time(end)
    assert isinstance(ms, float) and ms >= 0.0
    assert dv.cuda.get_elapsed_time(start, end) >= 0.0
    np.testing.assert_allclose(y[:2].get(), np.exp(np.ones(2)), rtol=1e-6)


def test_events_recorded_on_a_stream_time_its_work(device):
    s = dv.cuda.Stream(device)
    with s:
        start = s.record()
        dv.sum(dv.ones(1000, device=device))
        end = s.record()
    s.synchronize()
    assert start.elapsed_time(end) >= 0.0


def test_timing_unrecorded_or_reversed_events_is_a_value_error(device):
    start, end = dv.cuda.Event(device), dv.cuda.Event(device)
    with pytest.raises(ValueError, match="never recorded"):
        start.elapsed_time(end)
    end.record()
    with pytest.raises(ValueError, match="never recorded"):
        start.elapsed_time(end)
    start.record()
    if device.kind == "cpu":  # the host clock orders the two records
        with pytest.raises(ValueError, match="after"):
            start.elapsed_time(end)


def test_unrecorded_event_synchronizes_at_once(device):
    dv.cuda.Event(device).synchronize()


def test_bad_devices_and_arguments():
    with pytest.raises(ValueError):
        dv.cuda.Stream("tpu")
    with pytest.raises(TypeError):
        dv.cuda.Event(device=3.5)
    with pytest.raises(TypeError):
        dv.cuda.Stream(CPU).record(event="not an event")
    with pytest.raises(RuntimeError, match="CUDA"):
        dv.cuda.Stream(ABSENT)


def test_streams_in_threads_are_independent():
    s = dv.cuda.Stream(CPU)
    errors = []

    def work():
        try:
            with s:
                assert dv.cuda.get_current_stream(CPU) == s
                dv.zeros(4, device=CPU)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# ----- memory_info and empty_cache -------------------------------------------------------------


def test_memory_info_reports_the_cpu_buffer_cache():
    dv.empty_cache()
    info = dv.memory_info("cpu")
    assert info == {"cached_bytes": 0, "cache_limit_bytes": info["cache_limit_bytes"]}
    assert info["cache_limit_bytes"] >= 0
    x = dv.ones(1 << 14, dtype=dv.float32, device=CPU)  # 64 KiB: a cacheable block
    del x
    cached = dv.memory_info(CPU)["cached_bytes"]
    if info["cache_limit_bytes"] >= 1 << 16:
        assert cached >= 1 << 16
    dv.empty_cache()
    assert dv.memory_info(CPU)["cached_bytes"] == 0
    y = dv.ones(1 << 14, device=CPU)  # the cache being empty changes nothing for new arrays
    assert float(dv.sum(y)) == 1 << 14


def test_memory_info_follows_the_default_device():
    with CPU:
        assert set(dv.memory_info()) == {"cached_bytes", "cache_limit_bytes"}


def test_memory_info_errors():
    with pytest.raises(ValueError):
        dv.memory_info("tpu")
    with pytest.raises(TypeError):
        dv.memory_info(3)
    with pytest.raises(RuntimeError, match="CUDA"):
        dv.memory_info(ABSENT)
    with pytest.raises(RuntimeError, match="CUDA"):
        dv.reset_peak_memory(ABSENT)
    with pytest.raises(TypeError):
        dv.reset_peak_memory(3)


def test_reset_peak_memory_on_the_cpu_is_a_no_op():
    dv.reset_peak_memory("cpu")
    with CPU:
        dv.reset_peak_memory()


CUDA_KEYS = {
    "cached_bytes",
    "cache_limit_bytes",
    "used_bytes",
    "reserved_bytes",
    "peak_used_bytes",
    "peak_reserved_bytes",
    "free_bytes",
    "total_bytes",
}


@requires_cuda
@pytest.mark.parametrize("cuda", CUDA_DEVICES, ids=str)
def test_memory_info_reports_the_cuda_pool_and_empty_cache_trims_it(cuda):
    nbytes = 4 << 20
    dv.empty_cache()
    before = dv.memory_info(cuda)
    assert set(before) == CUDA_KEYS
    assert before["reserved_bytes"] >= before["used_bytes"]
    assert before["cached_bytes"] == before["reserved_bytes"] - before["used_bytes"]
    assert 0 <= before["free_bytes"] <= before["total_bytes"] == before["cache_limit_bytes"]

    x = dv.zeros(nbytes // 4, dtype=dv.float32, device=cuda)
    held = dv.memory_info(cuda)
    assert held["used_bytes"] >= before["used_bytes"] + nbytes
    assert held["peak_used_bytes"] >= held["used_bytes"]
    assert held["reserved_bytes"] >= held["used_bytes"]

    del x
    cuda.synchronize()  # frees are stream-ordered: they have run once the device is idle
    freed = dv.memory_info(cuda)
    assert freed["used_bytes"] + nbytes <= held["used_bytes"]
    assert freed["reserved_bytes"] == held["reserved_bytes"]  # freed memory stays cached
    assert freed["cached_bytes"] >= nbytes

    dv.empty_cache()
    trimmed = dv.memory_info(cuda)
    assert trimmed["used_bytes"] <= freed["used_bytes"]
    assert trimmed["used_bytes"] <= trimmed["reserved_bytes"] < freed["reserved_bytes"]

    dv.reset_peak_memory(cuda)
    reset = dv.memory_info(cuda)
    assert reset["peak_used_bytes"] < held["used_bytes"]
    assert reset["peak_used_bytes"] >= reset["used_bytes"]
