#!/usr/bin/env python3
"""devarray's sorting and set functions (Python, CPU device) against NumPy in one process.

    python benches/python_sort.py                    # full mode: a markdown table on stdout
    python benches/python_sort.py --markdown FILE    # ... and the same text in FILE
    python benches/python_sort.py --short            # CI: small sizes, results checked

Cases: `sort` and `argsort` of float32 and int64 at 2^20 and 2^24 uniformly random elements
(devarray's sorts are always stable; NumPy runs its default `np.sort`, an unstable
introsort/SIMD sort, and `np.argsort(kind="stable")`, since devarray's argsort guarantees
stability), `sort` of 256 rows of 4096 float32 (the batched path), and `unique_values` of 2^20
int64 drawn from 1000 values (NumPy: `np.unique`), `bincount` of those values, and a 100-bin
`histogram` of 2^20 float64 over a given range. Columns: devarray ms, NumPy ms, ratio =
NumPy time / devarray time (>= 1: devarray is faster), devarray keys/s. devarray uses rayon's
pool (all cores); NumPy's sorts are single-threaded. Timing is `python_ops.py`'s: two warm-up
calls, repeats of >= 20 ms, median.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_ops as po  # noqa: E402  (the shared timing and table helpers)

import devarray as dv  # noqa: E402

# (label, devarray call, NumPy call, check of devarray's result, keys per call)
Case = tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], None], int]


def data(dt: Any, shape: tuple[int, ...], seed: int, distinct: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if distinct is not None:
        return rng.integers(0, distinct, shape).astype(dt)
    if np.dtype(dt).kind == "f":
        return rng.standard_normal(shape).astype(dt)
    return rng.integers(np.iinfo(dt).min, np.iinfo(dt).max, shape, dtype=dt)


def cases(short: bool) -> list[Case]:
    sizes = (1 << 12, 1 << 14) if short else (1 << 20, 1 << 24)
    out: list[Case] = []
    for dt in (np.float32, np.int64):
        name = np.dtype(dt).name
        for n in sizes:
            h = data(dt, (n,), n)
            x = dv.asarray(h)
            want_idx = np.argsort(h, kind="stable")

            def sorted_ok(r: Any, h: np.ndarray = h) -> None:
                np.testing.assert_array_equal(r.get(), np.sort(h))

            def argsorted_ok(r: Any, want: np.ndarray = want_idx) -> None:
                np.testing.assert_array_equal(r.get(), want)

            label = f"{name} 2^{n.bit_length() - 1}"
            out.append((f"sort {label}", lambda x=x: dv.sort(x), lambda h=h: np.sort(h), sorted_ok, n))
            out.append((f"argsort {label}", lambda x=x: dv.argsort(x), lambda h=h: np.argsort(h, kind="stable"),
                        argsorted_ok, n))
    rows, cols = (16, 512) if short else (256, 4096)
    b = data(np.float32, (rows, cols), 3)
    xb = dv.asarray(b)
    out.append((f"sort float32 {rows} rows x {cols}", lambda: dv.sort(xb, axis=1), lambda: np.sort(b, axis=1),
                lambda r: np.testing.assert_array_equal(r.get(), np.sort(b, axis=1)), rows * cols))
    n = sizes[0]
    u = data(np.int64, (n,), 4, distinct=1000)
    xu = dv.asarray(u)
    out.append((f"unique_values int64 2^{n.bit_length() - 1} (1000 distinct)", lambda: dv.unique_values(xu),
                lambda: np.unique(u), lambda r: np.testing.assert_array_equal(r.get(), np.unique(u)), n))
    c = u - u.min()
    xc = dv.asarray(c)
    out.append((f"bincount int64 2^{n.bit_length() - 1} (1000 distinct)", lambda: dv.bincount(xc),
                lambda: np.bincount(c), lambda r: np.testing.assert_array_equal(r.get(), np.bincount(c)), n))
    f = data(np.float64, (n,), 5)
    xf = dv.asarray(f)
    out.append((f"histogram float64 2^{n.bit_length() - 1} (100 bins, range)", lambda: dv.histogram(xf, 100, (-1, 1))[0],
                lambda: np.histogram(f, 100, (-1, 1))[0],
                lambda r: np.testing.assert_array_equal(r.get(), np.histogram(f, 100, (-1, 1))[0]), n))
    return out


def run(settings: po.Settings, checker: po.Checker) -> list[str]:
    rows = []
    all_cases = cases(settings.short)
    for label, dv_fn, np_fn, check, keys in all_cases:
        times = po.check_and_time(f"sort {label}", dv_fn, np_fn, check, settings, checker)
        if times is None:
            continue
        dv_ns, np_ns = times
        rate = keys / dv_ns * 1e3  # millions of keys per second
        rows.append([label, f"{dv_ns / 1e6:.2f}", f"{np_ns / 1e6:.2f}", po.fmt_ratio(np_ns, dv_ns), f"{rate:.0f}"])
    if settings.short:
        return ["### Sorting", "", f"short mode: {len(all_cases)} results checked, not timed"]
    headers = ["case (CPU device)", "devarray ms", "NumPy ms", "ratio", "devarray Mkeys/s"]
    return ["### Sorting", ""] + po.table(headers, rows)


def main(argv: Sequence[str] | None = None) -> int:
    settings, checker, markdown = po.bench_cli(argv, __doc__)
    lines = po.header(settings)[:8] + run(settings, checker)
    print("\n".join(lines))
    return po.finish(lines, markdown, checker)


if __name__ == "__main__":
    sys.exit(main())
