#!/usr/bin/env python3
"""devarray (Python, CPU device) against NumPy in the same process.

    python benches/python_ops.py                    # full mode: markdown tables on stdout
    python benches/python_ops.py --markdown FILE    # ... and the same text in FILE
    python benches/python_ops.py --short            # CI: tiny sizes, every result checked
    python benches/python_ops.py --ops sin,tanh --dtypes float32 --sizes 16,20,24   # a subset
    python benches/python_ops.py --ops expm1,log1p,tan,sinh,cosh,atan ...    # rows timed on request only
    bash benches/torch-env.sh && .cache/bench-venv/bin/python benches/python_ops.py --torch ...
                                                    # section 1 also against PyTorch CPU

Sections
--------
1. Ops: copy (`asarray(x, copy=True)`: the memory-copy ceiling of the same bytes), add,
   multiply, exp, sin, cos, tanh, log, where, astype (float32->float16, float32->float64,
   int32->float32), and sum / max / mean / argmax / var over all axes ("all"), the inner axis
   ("inner", axis=1) and the outer axis ("outer", axis=0) of a 2-D array of shape (n/1024,
   1024), plus a composed softmax over the inner axis (exp(x - max) / sum), for float32,
   float64, float16, bfloat16 and int32 (exp, sin, cos, tanh, log, mean, var and softmax for
   floats only), at n = 2^10, 2^14, 2^16, 2^18, 2^20, 2^22, 2^24. With --torch, PyTorch on the
   CPU with 1 and with 2 intra-op threads is timed too (its fused `torch.softmax` for the
   softmax row), and "best/devarray" is the fastest other library's time / devarray's. Elementwise ops work on 1-D arrays of n elements; `where`
   takes a precomputed boolean condition. NumPy's bfloat16 is ml_dtypes.bfloat16; where NumPy
   cannot do an op, or does it in a way no user would keep (ml_dtypes' sum and mean accumulate
   in bfloat16 and return wrong results), the NumPy column times what a NumPy user would write
   instead (astype float32, op, astype bfloat16), marked with a footnote.
   Columns: op | dtype | axis | n | devarray µs | NumPy µs | ratio | devarray GB/s, where
   ratio = NumPy time / devarray time (>= 1: devarray is faster) and GB/s = (bytes of the
   operands + bytes of the result) / devarray time.
2. Per-call overhead on 16-element float32 arrays: ns per call for devarray and NumPy, minus
   the cost of calling an empty lambda in the same loop (printed), and devarray/NumPy.
3. DLPack: np.from_dlpack(devarray array) (export), devarray.from_dlpack(NumPy array)
   (import) and the round trip devarray.from_dlpack(np.from_dlpack(x)), against the NumPy
   to NumPy equivalents (np.from_dlpack of a NumPy array, once or twice), for 16 and 2^20
   float32 elements; ratio = devarray / NumPy.
4. Accuracy: float32 sums of 10^7 elements (all 0.1f; uniform [0, 1)) against the exact value
   (math.fsum of the float64 values): absolute and relative error of devarray and NumPy.
6. Advanced indexing: a (10^6,) float32 array indexed with 10^5 random int64 indices (a
   devarray index array; a NumPy index array; dv.take), assigned through them (x[i] = v), and
   selected by a boolean mask of 10^5 true values, against the same NumPy expression;
   ratio = NumPy time / devarray time. In --short mode (10^3 elements, 10^2 indices) the
   results are only checked, not timed.
5. GPU: the section 1 ops on the first CUDA device with its stream synchronised inside the
   timed region, next to CuPy and PyTorch when importable; one line
   "GPU: skipped: no CUDA device" otherwise.

Timing (the same for every library): `time.perf_counter_ns`; a 0.1 s pause first (full runs), so
that no library's spinning worker threads are still busy from the previous timing; two warm-up
calls; the number of calls per repeat grows until one repeat lasts >= 20 ms; the reported time
is the median over 7 repeats of (repeat time / calls). The device's `synchronize()` is called inside each timed
repeat, after its calls (a no-op cost on the CPU device, where ops are synchronous; it waits
for the stream on CUDA). Results are dropped as they come, as in a loop of user code.

--short: n = 2^10 and 1003 (shape 17 x 59), one repeat of >= 1 ms, accuracy on 10^5 elements,
and every devarray result is checked against NumPy: exactly (shape, dtype and values) for
add, multiply, where, max, astype, comparisons, integers and DLPack (which must also be
zero-copy); within dtype tolerances for exp, sum and mean, against NumPy in float64 rounded to
the result dtype. A mismatch exits with status 1. Speed is never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import itertools
import math
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import ml_dtypes
import numpy as np

import devarray as dv

BF16 = np.dtype(ml_dtypes.bfloat16)
F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
FLOATS = (F32, F64, np.dtype(np.float16), BF16)
DTYPES = (*FLOATS, np.dtype(np.int32))
REDUCTIONS = ("sum", "max", "mean", "argmax", "var")
# Reductions of floats only (NumPy computes var of integers in float64: not a like-for-like row).
FLOAT_REDUCTIONS = ("mean", "var")
# Unary transcendental rows (floats only), the CPU backend's SIMD math (exp is listed first).
UNARY = ("exp", "sin", "cos", "tanh", "log")
# More unary rows: timed only when --ops names them (e.g. --ops expm1,log1p,atan); the short
# mode checks them always.
MORE_UNARY = ("expm1", "log1p", "tan", "sinh", "cosh", "atan", "log2", "log10", "asin", "acos")
ALL_UNARY = (*UNARY, *MORE_UNARY)
# Binary transcendental rows, also on request only (the same names in NumPy 2, PyTorch and
# devarray).
MORE_BINARY = ("pow", "atan2", "hypot", "logaddexp")
# Ops timed only when --ops names them.
ON_REQUEST = (*MORE_UNARY, *MORE_BINARY)
# Inputs inside the domain of asin and acos, both branches of their reduction: the "u" operand,
# uniform [-0.95, 0.95).
IN_UNIT = ("asin", "acos")
AXES: dict[str, int | None] = {"all": None, "inner": 1, "outer": 0}
# The astype rows: (from, to).
CASTS = ((F32, np.dtype(np.float16)), (F32, F64), (np.dtype(np.int32), F32))
# Relative tolerance of inexact results (exp, sum, mean) against float64 NumPy, by dtype.
RTOL = {F64: 1e-12, F32: 2e-6, np.dtype(np.float16): 2e-3, BF16: 1.6e-2}

Fn = Callable[[], Any]
Sync = Callable[[], None] | None


@dataclass(frozen=True)
class Settings:
    """How much to measure: sizes, repeats and the minimum duration of one repeat."""

    short: bool
    sizes: tuple[int, ...]
    repeats: int
    target_ns: int
    accuracy_n: int
    # Section 1 filters (None: everything): op names and dtype names (--ops, --dtypes).
    ops: tuple[str, ...] | None = None
    dtypes: tuple[str, ...] | None = None


FULL = Settings(False, (2**10, 2**14, 2**16, 2**18, 2**20, 2**22, 2**24), 7, 20_000_000, 10**7)
SHORT = Settings(True, (2**10, 1003), 1, 1_000_000, 10**5)


@dataclass
class Checker:
    """Collects the short mode's comparisons; failures are reported at the end."""

    enabled: bool
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    def run(self, what: str, check: Callable[[], None]) -> None:
        if not self.enabled:
            return
        try:
            check()
            self.passed += 1
        except AssertionError as e:  # a mismatch: keep going, report every one
            lines = str(e).strip().splitlines()
            self.failures.append(f"{what}: " + "\n    ".join(lines[:8] + (["..."] if len(lines) > 8 else [])))


@dataclass(frozen=True)
class Case:
    """One row of section 1: an op on host operands (NumPy arrays)."""

    op: str
    dtype: np.dtype[Any]
    n: int
    axis: str = "—"
    to: np.dtype[Any] | None = None

    @property
    def dtype_label(self) -> str:
        return f"{self.dtype.name}→{self.to.name}" if self.to is not None else self.dtype.name

    @property
    def axis_value(self) -> int | None:
        return AXES.get(self.axis)


# ----- timing ---------------------------------------------------------------------------------


def run_loops(fn: Fn, sync: Sync, loops: int) -> int:
    """Nanoseconds for `loops` calls of fn, then sync() (inside the timed region)."""
    start = time.perf_counter_ns()
    for _ in itertools.repeat(None, loops):
        fn()
    if sync is not None:
        sync()
    return time.perf_counter_ns() - start


def calibrate(fn: Fn, sync: Sync, target_ns: int) -> int:
    """The number of calls that makes one repeat last at least target_ns."""
    loops = 1
    while True:
        elapsed = max(run_loops(fn, sync, loops), 1)
        if elapsed * 4 >= target_ns:
            return max(loops, math.ceil(loops * target_ns / elapsed))
        loops *= int(min(10, max(2, target_ns // (4 * elapsed))))


#: Seconds of idleness before each library's timing in full runs. PyTorch's OpenMP workers keep
#: spinning for milliseconds after its last parallel call, and on a 2-core machine that took the
#: core devarray's second thread needed: timed right after PyTorch on 2 threads, devarray's 2^20
#: copy had a median of 144-155 µs against 75-83 µs after a pause (AMD EPYC VM, 2026-12-06).
SETTLE_S = 0.1


def time_ns(fn: Fn, sync: Sync, settings: Settings) -> float:
    """Median nanoseconds per call of fn (a settling pause, two warm-up calls, adaptive loop count)."""
    if not settings.short:
        time.sleep(SETTLE_S)
    fn()
    fn()
    if sync is not None:
        sync()
    loops = calibrate(fn, sync, settings.target_ns)
    samples = [run_loops(fn, sync, loops) / loops for _ in range(settings.repeats)]
    return statistics.median(samples)


def check_and_time(
    label: str, dv_fn: Fn, np_fn: Fn, check: Callable[[Any], None], settings: Settings, checker: Checker,
    sync: Sync = None,
) -> tuple[float, float] | None:
    """Checks devarray's result with `check` (short mode); in full mode, returns the median
    nanoseconds per call of `dv_fn` and of `np_fn` (the NumPy baseline, in the same run)."""
    result = dv_fn()
    checker.run(label, lambda: check(result))
    if settings.short:
        return None
    return time_ns(dv_fn, sync, settings), time_ns(np_fn, None, settings)


def bench_cli(argv: Sequence[str] | None, doc: str | None) -> tuple[Settings, Checker, str | None]:
    """The command line every Python bench shares: `--short` (small sizes, one repeat, results
    checked) and `--markdown FILE`. Returns the settings, the checker and the markdown path."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--short", action="store_true", help="small sizes, one repeat, results checked")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table to FILE")
    args = parser.parse_args(argv)
    settings = SHORT if args.short else FULL
    return settings, Checker(enabled=settings.short), args.markdown


# ----- the ops --------------------------------------------------------------------------------


def xp_call(xp: Any, case: Case, args: Sequence[Any], to: Any = None) -> Fn:
    """A zero-argument call of case.op on args, for an Array-API-like namespace (devarray,
    NumPy, CuPy). `to` is the astype target in xp's dtype type."""
    op, axis = case.op, case.axis_value
    if op in ("add", "multiply", *MORE_BINARY):
        f, a, b = getattr(xp, op), args[0], args[1]
        return lambda: f(a, b)
    if op in ALL_UNARY:
        f, a = getattr(xp, op), args[0]
        return lambda: f(a)
    if op == "where":
        f, c, a, b = xp.where, args[0], args[1], args[2]
        return lambda: f(c, a, b)
    if op == "astype":
        a = args[0]
        return lambda: a.astype(to)
    if op == "copy":
        a = args[0]
        return lambda: xp.asarray(a, copy=True)
    if op == "softmax":  # composed, as a user writes it without a fused softmax
        a, exp, amax, total = args[0], xp.exp, xp.max, xp.sum

        def softmax() -> Any:
            e = exp(a - amax(a, axis=1, keepdims=True))
            return e / total(e, axis=1, keepdims=True)

        return softmax
    f, a = getattr(xp, op), args[0]
    return lambda: f(a, axis=axis)


def numpy_call(case: Case, args: Sequence[np.ndarray]) -> tuple[Fn, str | None]:
    """NumPy's call for a case and the footnote that explains a substitute, if any."""
    if case.dtype == BF16 and case.op in ("sum", "mean"):
        op, axis = getattr(np, case.op), case.axis_value
        a = args[0]
        return (lambda: np.asarray(op(a.astype(F32), axis=axis)).astype(BF16)), "bf16-acc"
    fn = xp_call(np, case, args, case.to)
    if case.dtype == BF16:
        try:
            fn()
        except TypeError:  # an op ml_dtypes does not provide: compute in float32
            f32_args = [x.astype(F32) if x.dtype == BF16 else x for x in args]
            inner = xp_call(np, case, f32_args, case.to)
            return (lambda: np.asarray(inner()).astype(BF16)), "bf16-missing"
    return fn, None


FOOTNOTES = {
    "bf16-acc": "ml_dtypes' np.sum / np.mean on bfloat16 accumulate in bfloat16 (the sum of "
    "65536 ones is 256, their mean 0.0039), so NumPy is timed as a user would write it: "
    "`np.sum(x.astype(np.float32), axis).astype(bfloat16)` (likewise mean).",
    "bf16-missing": "NumPy/ml_dtypes has no bfloat16 loop for this op: timed as astype(float32), "
    "op, astype(bfloat16).",
    "torch-fused": "PyTorch's fused `torch.softmax`; devarray and NumPy compose "
    "exp(x - max) / sum.",
}


def host_data(dtype: np.dtype[Any], n: int, seed: int) -> np.ndarray:
    """n values of dtype: uniform [0.5, 1.5) for floats (no cancellation in sums, exp in range),
    integers in [0, 1000) for int32 (no overflow in products)."""
    rng = np.random.default_rng(seed)
    if dtype.kind == "i":
        return rng.integers(0, 1000, n, dtype=dtype)
    return (rng.random(n, dtype=F32) + 0.5).astype(dtype)


def shape_2d(n: int) -> tuple[int, int]:
    """(n/1024, 1024) when 1024 divides n, else the most square factorisation of n."""
    if n % 1024 == 0:
        return n // 1024, 1024
    rows = max(r for r in range(1, math.isqrt(n) + 1) if n % r == 0)
    return rows, n // rows


def cases_for(dtype: np.dtype[Any], n: int) -> list[Case]:
    """Section 1's cases for one dtype and size."""
    is_float = dtype.kind == "f" or dtype == BF16
    ops = ["copy", "add", "multiply", *((*ALL_UNARY, *MORE_BINARY) if is_float else ()), "where"]
    cases = [Case(op, dtype, n) for op in ops]
    cases += [Case("astype", src, n, to=dst) for src, dst in CASTS if src == dtype]
    for op in REDUCTIONS:
        if op in FLOAT_REDUCTIONS and not is_float:
            continue
        cases += [Case(op, dtype, n, axis=axis) for axis in AXES]
    if is_float:
        cases.append(Case("softmax", dtype, n, axis="inner"))
    return cases


# The operands of each op, by name in the per-(dtype, n) data: a, b (1-D), cond = a > b, and a2
# (a as a 2-D array for the reductions).
ARGS: dict[str, tuple[str, ...]] = {
    "add": ("a", "b"),
    "multiply": ("a", "b"),
    **{op: ("a",) for op in ALL_UNARY},
    **{op: ("u",) for op in IN_UNIT},
    **{op: ("a", "b") for op in MORE_BINARY},
    "where": ("cond", "a", "b"),
    "astype": ("a",),
    "copy": ("a",),
    "softmax": ("a2",),
    **{op: ("a2",) for op in REDUCTIONS},
}


def host_inputs(dtype: np.dtype[Any], n: int) -> dict[str, np.ndarray]:
    """The host operands of every case for one dtype and size."""
    a, b = host_data(dtype, n, seed=1), host_data(dtype, n, seed=2)
    u = ((a.astype(F64) - 1.0) * 1.9).astype(dtype) if dtype.kind == "f" or dtype == BF16 else a
    return {"a": a, "b": b, "u": u, "cond": a > b, "a2": a.reshape(shape_2d(n))}


def dv_dtype(dtype: np.dtype[Any] | None) -> Any:
    """devarray's dtype of the same name."""
    return None if dtype is None else getattr(dv, dtype.name)


# ----- checks (short mode) --------------------------------------------------------------------


def to_host(x: Any) -> np.ndarray:
    """A NumPy array from a devarray array (explicit copy) or a NumPy array / scalar."""
    return x.get() if isinstance(x, dv.ndarray) else np.asarray(x)


def assert_matches(got: np.ndarray, expected: np.ndarray, rtol: float | None) -> None:
    """Same shape and dtype; values equal (rtol None) or within rtol."""
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape}"
    assert got.dtype == expected.dtype, f"dtype {got.dtype} != {expected.dtype}"
    wide = F64 if expected.dtype.kind == "f" or expected.dtype == BF16 else expected.dtype
    if rtol is None:
        np.testing.assert_array_equal(got.astype(wide), expected.astype(wide))
    else:
        np.testing.assert_allclose(got.astype(wide), expected.astype(wide), rtol=rtol, atol=0)


def expected_result(case: Case, args: Sequence[np.ndarray]) -> tuple[np.ndarray, float | None]:
    """The result devarray must give and its tolerance: NumPy's own result, exactly, except
    for exp, sum and mean of floats, computed by NumPy in float64 and rounded to the dtype."""
    np_fn, _ = numpy_call(case, args)
    result = np.asarray(np_fn())
    inexact = case.op in (*ALL_UNARY, *MORE_BINARY, "sum", "mean", "var", "softmax") and result.dtype in RTOL
    if not inexact:
        return result, None
    wide = [x.astype(F64) if x.dtype != np.bool_ else x for x in args]
    exact = np.asarray(xp_call(np, case, wide)()).astype(result.dtype)
    return exact, RTOL[result.dtype]


def check_case(checker: Checker, case: Case, dv_result: Any, host_args: Sequence[np.ndarray]) -> None:
    """Short mode: devarray's result for a case against NumPy's."""
    if not checker.enabled:
        return
    label = f"{case.op} {case.dtype_label} axis={case.axis} n={case.n}"

    def check() -> None:
        expected, rtol = expected_result(case, host_args)
        assert_matches(to_host(dv_result), expected, rtol)

    checker.run(label, check)


# ----- libraries ------------------------------------------------------------------------------


@dataclass
class Library:
    """A library compared with devarray: how to move host data to it, call a case, and wait."""

    name: str
    convert: Callable[[np.ndarray], Any]  # raises TypeError for a dtype it lacks
    call: Callable[[Case, Sequence[Any]], tuple[Fn, str | None]]
    sync: Sync = None
    # Called before this library's timings (PyTorch's thread count).
    before: Callable[[], None] | None = None


NUMPY = Library("NumPy", lambda x: x, numpy_call)


def cupy_library() -> Library | None:
    """CuPy on its current device, when importable with a usable GPU."""
    try:
        import cupy as cp  # type: ignore[import-not-found]

        cp.cuda.Device(0).synchronize()
    except Exception:  # not installed, or no usable device
        return None

    def convert(x: np.ndarray) -> Any:
        if x.dtype == BF16:
            raise TypeError("CuPy has no bfloat16")
        return cp.asarray(x)

    return Library("CuPy", convert, lambda c, a: (xp_call(cp, c, a, c.to), None), cp.cuda.Device().synchronize)


def torch_call(torch: Any, case: Case, args: Sequence[Any]) -> tuple[Fn, str | None]:
    """PyTorch's equivalent of a case (its fused `softmax` for the softmax row)."""
    op, axis, a = case.op, case.axis_value, args[0]
    if op in ("add", "multiply", "where", *ALL_UNARY, *MORE_BINARY):
        f = {"add": torch.add, "multiply": torch.mul, "where": torch.where}.get(op) or getattr(torch, op)
        return (lambda: f(*args)), None
    if op == "astype":
        to = getattr(torch, case.to.name if case.to is not None else "")
        return (lambda: a.to(to)), None
    if op == "copy":
        return a.clone, None
    if op == "softmax":
        return (lambda: torch.softmax(a, dim=1)), "torch-fused"
    if op == "var":
        return (lambda: torch.var(a, dim=axis, correction=0)), None
    if op == "argmax":
        return (lambda: torch.argmax(a, dim=axis)), None
    f = {"sum": torch.sum, "max": torch.amax, "mean": torch.mean}[op]
    if axis is None:
        return (lambda: f(a)) if op != "max" else (lambda: a.max()), None
    return (lambda: f(a, dim=axis)), None


def torch_cpu_libraries() -> list[Library]:
    """PyTorch on the CPU with 1 and with 2 intra-op threads (`--torch`). PyTorch is not in the CI
    lock (a ~3 GB install with its CUDA libraries): `bash benches/torch-env.sh` makes a separate
    environment with it, pinned, and prints how to run this script there."""
    try:
        import torch  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("--torch: PyTorch is not importable here; run `bash benches/torch-env.sh` first")

    def convert(x: np.ndarray) -> Any:
        if x.dtype == BF16:
            return torch.from_numpy(x.view(np.uint16)).view(torch.bfloat16)
        return torch.from_numpy(np.ascontiguousarray(x))

    def threads(k: int) -> Library:
        return Library(f"PyTorch {k}t", convert, lambda c, a: torch_call(torch, c, a),
                       before=lambda: torch.set_num_threads(k))

    return [threads(1), threads(2)]


def torch_library() -> Library | None:
    """PyTorch on cuda:0, when importable with CUDA."""
    try:
        import torch  # type: ignore[import-not-found]

        if not torch.cuda.is_available():
            return None
    except Exception:
        return None

    def convert(x: np.ndarray) -> Any:
        if x.dtype == BF16:
            return torch.from_numpy(x.view(np.uint16)).view(torch.bfloat16).to("cuda")
        return torch.from_numpy(np.ascontiguousarray(x)).to("cuda")

    return Library("PyTorch", convert, lambda c, a: torch_call(torch, c, a), torch.cuda.synchronize)


# ----- section 1: ops -------------------------------------------------------------------------


@dataclass
class Row:
    """One measured case: devarray's time, each library's time (None: not supported)."""

    case: Case
    dv_ns: float
    nbytes: int
    others: list[float | None]
    notes: list[str | None]


def convert_all(lib: Library, host: dict[str, np.ndarray]) -> dict[str, Any] | None:
    """The operands moved to lib, or None when lib lacks the dtype."""
    try:
        return {k: lib.convert(v) for k, v in host.items()}
    except TypeError:
        return None


def device_inputs(host: dict[str, np.ndarray], device: Any, checker: Checker) -> dict[str, Any]:
    """The operands on the devarray device; the condition is computed there (and checked)."""
    a, b = dv.asarray(host["a"], device=device), dv.asarray(host["b"], device=device)
    cond = a > b
    n = host["a"].size
    checker.run(f"greater {host['a'].dtype} n={n}", lambda: assert_matches(cond.get(), host["cond"], None))
    u = dv.asarray(host["u"], device=device)
    return {"a": a, "b": b, "u": u, "cond": cond, "a2": dv.reshape(a, shape_2d(n))}


def bench_case(case: Case, data: dict[str, Any], libs: Sequence[Library], sync: Sync, settings: Settings,
               checker: Checker) -> Row:
    """Times one case in devarray and in every library; checks devarray's result."""
    names = ARGS[case.op]
    dv_args = [data["devarray"][k] for k in names]
    dv_fn = xp_call(dv, case, dv_args, dv_dtype(case.to))
    result = dv_fn()
    check_case(checker, case, result, [data["host"][k] for k in names])
    nbytes = sum(x.nbytes for x in dv_args) + result.nbytes
    del result
    others: list[float | None] = []
    notes: list[str | None] = []
    for lib in libs:
        lib_data = data[lib.name]
        if lib_data is None:
            others.append(None)
            notes.append(None)
            continue
        fn, note = lib.call(case, [lib_data[k] for k in names])
        if lib.before is not None:
            lib.before()
        others.append(time_ns(fn, lib.sync, settings))
        notes.append(note)
    dv_ns = time_ns(dv_fn, sync, settings)
    return Row(case, dv_ns, nbytes, others, notes)


def bench_ops(device: Any, libs: Sequence[Library], settings: Settings, checker: Checker) -> list[Row]:
    """Section 1 (and 5): every case of every dtype and size on `device`."""
    rows: list[Row] = []
    for dtype in DTYPES:
        if settings.dtypes is not None and dtype.name not in settings.dtypes:
            continue
        for n in settings.sizes:
            if not settings.short:
                print(f"  {device}: {dtype.name} n={n}", file=sys.stderr, flush=True)
            host = host_inputs(dtype, n)
            data: dict[str, Any] = {"host": host, "devarray": device_inputs(host, device, checker)}
            for lib in libs:
                data[lib.name] = convert_all(lib, host)
            for case in cases_for(dtype, n):
                if settings.ops is not None and case.op not in settings.ops:
                    continue
                if settings.ops is None and case.op in ON_REQUEST and not settings.short:
                    continue  # timed on request only; the short mode still checks them
                rows.append(bench_case(case, data, libs, device.synchronize, settings, checker))
            del data, host
    return rows


# ----- formatting -----------------------------------------------------------------------------


def fmt_us(ns: float | None) -> str:
    """Microseconds with about three significant digits."""
    if ns is None:
        return "n/a"
    us = ns / 1000
    return f"{us:.3f}" if us < 1 else f"{us:.2f}" if us < 100 else f"{us:.0f}"


def fmt_ratio(num: float | None, den: float | None) -> str:
    return "n/a" if num is None or den is None or den <= 0 else f"{num / den:.2f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]


def size_label(n: int) -> str:
    return f"2^{n.bit_length() - 1}" if n & (n - 1) == 0 else str(n)


def ops_tables(rows: Sequence[Row], libs: Sequence[Library]) -> list[str]:
    """Section 1's tables: one per dtype, then astype; footnotes at the end."""
    single = len(libs) == 1
    headers = ["op", "dtype", "axis", "n", "devarray µs"]
    for lib in libs:
        headers += [f"{lib.name} µs", "ratio" if single else f"{lib.name}/devarray"]
    if not single:
        headers.append("best/devarray")
    headers.append("devarray GB/s")
    marks: dict[str, str] = {}
    groups = [d.name for d in DTYPES] + ["astype"]
    out: list[str] = []
    for group in groups:
        picked = [r for r in rows if (r.case.op == "astype") == (group == "astype")
                  and (group == "astype" or r.case.dtype.name == group)]
        picked.sort(key=lambda r: (r.case.op, r.case.dtype_label, list(AXES).index(r.case.axis)
                                   if r.case.axis in AXES else -1, r.case.n))
        out += ["", f"#### {group}", ""] + table(headers, [row_cells(r, marks) for r in picked])
    for note, mark in marks.items():
        out += ["", f"{mark} {FOOTNOTES[note]}"]
    return out


def row_cells(r: Row, marks: dict[str, str]) -> list[str]:
    """The cells of one row; library times carry footnote marks."""
    c = r.case
    cells = [c.op, c.dtype_label, c.axis, size_label(c.n), fmt_us(r.dv_ns)]
    for ns, note in zip(r.others, r.notes):
        mark = ""
        if note is not None:
            mark = " " + marks.setdefault(note, "¹²³⁴"[len(marks)])
        cells += [fmt_us(ns) + mark, fmt_ratio(ns, r.dv_ns)]
    if len(r.others) > 1:
        times = [ns for ns in r.others if ns is not None]
        cells.append(fmt_ratio(min(times) if times else None, r.dv_ns))
    cells.append(f"{r.nbytes / r.dv_ns:.2f}")
    return cells


# ----- section 2: per-call overhead -----------------------------------------------------------


def overhead_pairs(x: Any, y: Any, xh: np.ndarray, yh: np.ndarray) -> list[tuple[str, Fn, Fn, float | None]]:
    """(label, devarray call, NumPy call, tolerance of the check: None = exact)."""
    return [
        ("add(x, y)", lambda: dv.add(x, y), lambda: np.add(xh, yh), None),
        ("x + y", lambda: x + y, lambda: xh + yh, None),
        ("multiply(x, y)", lambda: dv.multiply(x, y), lambda: np.multiply(xh, yh), None),
        ("exp(x)", lambda: dv.exp(x), lambda: np.exp(xh), RTOL[F32]),
        ("sum(x)", lambda: dv.sum(x), lambda: np.sum(xh), RTOL[F32]),
        ("x + 1.0", lambda: x + 1.0, lambda: xh + 1.0, None),
        ("x[1:5]", lambda: x[1:5], lambda: xh[1:5], None),
        ("x[::-2]", lambda: x[::-2], lambda: xh[::-2], None),
        ("x[3]", lambda: x[3], lambda: xh[3], None),
    ]


def overhead_section(device: Any, settings: Settings, checker: Checker) -> list[str]:
    """Section 2: ns per call on 16-element float32 arrays."""
    xh, yh = host_data(F32, 16, seed=3), host_data(F32, 16, seed=4)
    x, y = dv.asarray(xh, device=device), dv.asarray(yh, device=device)
    empty = time_ns(lambda: None, None, settings)
    rows = []
    for label, dv_fn, np_fn, rtol in overhead_pairs(x, y, xh, yh):
        expected = np.asarray(np_fn())
        got = to_host(dv_fn())
        checker.run(f"overhead {label}", lambda: assert_matches(got, expected, rtol))
        dv_ns = time_ns(dv_fn, device.synchronize, settings) - empty
        np_ns = time_ns(np_fn, None, settings) - empty
        rows.append([label, f"{dv_ns:.0f}", f"{np_ns:.0f}", fmt_ratio(dv_ns, np_ns)])
    headers = ["op (16 × float32)", "devarray ns/call", "NumPy ns/call", "devarray/NumPy (target ≤ 2)"]
    note = f"Times exclude the {empty:.0f} ns of calling an empty lambda in the same loop."
    return ["", "### Per-call overhead", ""] + table(headers, rows) + ["", note]


# ----- section 3: DLPack ----------------------------------------------------------------------


def check_dlpack(x: Any, xh: np.ndarray) -> None:
    """The round trip gives the same values in the same memory."""
    view = np.from_dlpack(x)
    np.testing.assert_array_equal(view, xh)
    back = dv.from_dlpack(view)
    assert_matches(back.get(), xh, None)
    assert np.from_dlpack(back).ctypes.data == view.ctypes.data, "the round trip copied"


def dlpack_section(device: Any, settings: Settings, checker: Checker) -> list[str]:
    """Section 3: ns per DLPack exchange, devarray and NumPy."""
    rows = []
    for n in (16, 2**20):
        xh = host_data(F32, n, seed=5)
        x = dv.asarray(xh, device=device)
        checker.run(f"dlpack n={n}", lambda: check_dlpack(x, xh))
        pairs: list[tuple[str, Fn, Fn]] = [
            ("export: np.from_dlpack(x)", lambda: np.from_dlpack(x), lambda: np.from_dlpack(xh)),
            ("import: devarray.from_dlpack(a)", lambda: dv.from_dlpack(xh), lambda: np.from_dlpack(xh)),
            ("round trip: devarray.from_dlpack(np.from_dlpack(x))",
             lambda: dv.from_dlpack(np.from_dlpack(x)), lambda: np.from_dlpack(np.from_dlpack(xh))),
        ]
        for label, dv_fn, np_fn in pairs:
            dv_ns = time_ns(dv_fn, device.synchronize, settings)
            np_ns = time_ns(np_fn, None, settings)
            rows.append([label, size_label(n), f"{dv_ns:.0f}", f"{np_ns:.0f}", fmt_ratio(dv_ns, np_ns)])
    headers = ["exchange (float32)", "n", "devarray ns", "NumPy→NumPy ns", "devarray/NumPy (target ≤ 2)"]
    note = ("The NumPy column is the same exchange between NumPy arrays: np.from_dlpack(a) for "
            "export and import, np.from_dlpack(np.from_dlpack(a)) for the round trip.")
    return ["", "### DLPack", ""] + table(headers, rows) + ["", note]


# ----- section 4: accuracy --------------------------------------------------------------------


def accuracy_section(device: Any, settings: Settings, checker: Checker) -> list[str]:
    """Section 4: float32 sums against math.fsum."""
    n = settings.accuracy_n
    inputs = [("0.1f", np.full(n, 0.1, dtype=F32)),
              ("uniform [0, 1), seed 0", np.random.default_rng(0).random(n, dtype=F32))]
    rows = []
    for label, xh in inputs:
        exact = math.fsum(xh.astype(F64).data)  # a memoryview: iterates Python floats
        got = dv.sum(dv.asarray(xh, device=device)).item()
        ref = float(np.sum(xh))
        checker.run(f"accuracy {label}", lambda: np.testing.assert_allclose(got, exact, rtol=RTOL[F32]))
        row = [label, f"{n:.0e}".replace("e+0", "e"), repr(exact)]
        for value in (got, ref):
            row += [repr(value), f"{abs(value - exact):.3g}", f"{abs(value - exact) / exact:.2e}"]
        rows.append(row)
    headers = ["float32 data", "n", "exact (fsum)", "devarray sum", "abs error", "rel error",
               "NumPy sum", "abs error", "rel error"]
    return ["", "### Accuracy of float32 sum", ""] + table(headers, rows)


# ----- section 6: advanced indexing ---------------------------------------------------------


def indexing_pairs(n: int, k: int) -> list[tuple[str, Fn, Fn, Callable[[], tuple[Any, Any]]]]:
    """(label, devarray call, NumPy call, (devarray result, NumPy result) after one call each)."""
    rng = np.random.default_rng(7)
    xh = rng.random(n, dtype=F32)
    ih = rng.integers(-n, n, k, dtype=np.int64)
    mh = np.zeros(n, dtype=bool)
    mh[rng.choice(n, k, replace=False)] = True
    vh = rng.random(k, dtype=F32)
    x, i, m, v = dv.asarray(xh), dv.asarray(ih), dv.asarray(mh), dv.asarray(vh)
    xs, xhs = dv.asarray(xh), xh.copy()

    def assign_dv() -> None:
        xs[i] = v

    def assign_np() -> None:
        xhs[ih] = vh

    def assigned() -> tuple[Any, Any]:
        assign_dv()
        assign_np()
        return xs, xhs

    return [
        ("x[i] (i: devarray int64)", lambda: x[i], lambda: xh[ih], lambda: (x[i], xh[ih])),
        ("x[i] (i: NumPy int64)", lambda: x[ih], lambda: xh[ih], lambda: (x[ih], xh[ih])),
        ("take(x, i)", lambda: dv.take(x, i), lambda: np.take(xh, ih), lambda: (dv.take(x, i), np.take(xh, ih))),
        ("x[i] = v", assign_dv, assign_np, assigned),
        ("x[mask]", lambda: x[m], lambda: xh[mh], lambda: (x[m], xh[mh])),
    ]


def indexing_section(device: Any, settings: Settings, checker: Checker) -> list[str]:
    """Section 6: advanced indexing of a (10^6,) float32 array with 10^5 random int64 indices."""
    n, k = (10**3, 10**2) if settings.short else (10**6, 10**5)
    rows = []
    for label, dv_fn, np_fn, results in indexing_pairs(n, k):
        got, expected = results()
        checker.run(f"indexing {label}", lambda: assert_matches(to_host(got), expected, None))
        if settings.short:
            continue
        dv_ns = time_ns(dv_fn, device.synchronize, settings)
        np_ns = time_ns(np_fn, None, settings)
        rows.append([label, f"{dv_ns / 1000:.1f}", f"{np_ns / 1000:.1f}", fmt_ratio(np_ns, dv_ns)])
    if settings.short:
        return ["", "### Advanced indexing", "", f"short mode: {len(indexing_pairs(n, k))} results checked, not timed"]
    headers = ["(10^6,) float32, 10^5 int64 indices", "devarray µs", "NumPy µs", "ratio"]
    return ["", "### Advanced indexing", ""] + table(headers, rows)


# ----- section 5: GPU -------------------------------------------------------------------------


def gpu_section(settings: Settings, checker: Checker) -> list[str]:
    """Section 5: the ops on the first CUDA device, next to CuPy / PyTorch when present."""
    cuda = [d for d in dv.devices() if d.kind == "cuda"]
    if not cuda:
        return ["", "GPU: skipped: no CUDA device"]
    device = cuda[0]
    libs = [lib for lib in (cupy_library(), torch_library()) if lib is not None]
    rows = bench_ops(device, libs, settings, checker)
    if not libs:
        libs_note = "CuPy and PyTorch are not importable (or see no GPU): devarray alone."
    else:
        libs_note = "ratio columns: library time / devarray time (≥ 1: devarray is faster)."
    return ["", f"### GPU: {device}", "", libs_note] + ops_tables(rows, libs)


# ----- header and main ------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (platform's guess elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header(settings: Settings) -> list[str]:
    """The title and the environment of the run."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    threads = os.environ.get("RAYON_NUM_THREADS")
    mode = "short (check run: tiny sizes, one repeat)" if settings.short else "full"
    return [
        "## devarray (Python) vs NumPy",
        "",
        f"- machine: {cpu_model()}, {os.cpu_count()} logical CPUs ({usable} usable)"
        + (f", RAYON_NUM_THREADS={threads}" if threads else ""),
        f"- Python {platform.python_version()}, NumPy {np.__version__}, ml_dtypes {ml_dtypes.__version__}, "
        f"devarray {dv.__version__} ({', '.join(str(d) for d in dv.devices())})",
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"- command: `{shlex.join(['python', *sys.argv])}`",
        f"- mode: {mode}; median of {settings.repeats} repeat(s) of ≥ {settings.target_ns / 1e6:g} ms",
        "",
        "### Ops on the CPU device",
        "",
        "ratio = NumPy time / devarray time (≥ 1: devarray is faster); GB/s = bytes of the "
        "operands and the result / devarray time. Reductions run on shape (n/1024, 1024): "
        "all = every axis, inner = axis 1, outer = axis 0. float16 sums over more than "
        "~2^16 elements overflow to inf in both libraries (timed all the same).",
    ]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--short", action="store_true", help="tiny sizes, one repeat, results checked")
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables to FILE")
    parser.add_argument("--ops", help="section 1 only, these ops (comma-separated, e.g. sin,tanh,sum)")
    parser.add_argument("--dtypes", help="with --ops: these dtypes (comma-separated, e.g. float32,float64)")
    parser.add_argument("--sizes", help="sizes as exponents of 2 (comma-separated, e.g. 16,20,24)")
    parser.add_argument("--torch", action="store_true",
                        help="section 1 also against PyTorch on the CPU, 1 and 2 threads (see benches/torch-env.sh)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    """The mode's settings narrowed by --ops, --dtypes and --sizes."""
    settings = SHORT if args.short else FULL
    split = (lambda v: tuple(x.strip() for x in v.split(",") if x.strip()) if v else None)
    sizes = tuple(1 << int(e) for e in split(args.sizes)) if args.sizes else settings.sizes
    return dataclasses.replace(settings, sizes=sizes, ops=split(args.ops), dtypes=split(args.dtypes))


def emit(lines: list[str], out: list[str]) -> None:
    """Prints a section as soon as it is done and keeps it for --markdown."""
    print("\n".join(lines), flush=True)
    out += lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = settings_from(args)
    checker = Checker(enabled=settings.short)
    cpu = dv.Device("cpu")
    out: list[str] = []
    emit(header(settings), out)
    libs = [NUMPY, *torch_cpu_libraries()] if args.torch else [NUMPY]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # float16 sums overflow, as they should
        emit(ops_tables(bench_ops(cpu, libs, settings, checker), libs), out)
        if settings.ops is not None:  # a section 1 subset only
            return finish(out, args.markdown, checker)
        emit(overhead_section(cpu, settings, checker), out)
        emit(dlpack_section(cpu, settings, checker), out)
        emit(accuracy_section(cpu, settings, checker), out)
        emit(indexing_section(cpu, settings, checker), out)
        emit(gpu_section(settings, checker), out)
    return finish(out, args.markdown, checker)


def finish(lines: list[str], markdown: str | None, checker: Checker) -> int:
    """Writes the tables to `markdown` when given; in short mode, reports the checks and
    returns the exit status (1 when any failed)."""
    if markdown:
        with open(markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    if not checker.enabled:
        return 0
    for failure in checker.failures:
        print(f"MISMATCH {failure}", file=sys.stderr)
    verdict = f"{len(checker.failures)} of {checker.passed + len(checker.failures)} checks failed"
    print(f"\nshort mode: {verdict if checker.failures else f'{checker.passed} checks passed'}")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
