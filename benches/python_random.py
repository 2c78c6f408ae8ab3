#!/usr/bin/env python3
"""devarray.random against NumPy's default_rng (PCG64) in one process.

    python benches/python_random.py                    # full mode: a markdown table on stdout
    python benches/python_random.py --markdown FILE    # ... and the same text in FILE
    python benches/python_random.py --short            # CI: small sizes, results checked

Cases: `random(n, dtype=float32)` and `standard_normal(n, dtype=float32)` at n = 2^24, on every
devarray device of the machine (the CPU device, and each CUDA device when present), against
NumPy's `default_rng().random` / `.standard_normal` with the same dtype on the host. Columns:
devarray ms, NumPy ms, ratio = NumPy time / devarray time (>= 1: devarray is faster), devarray
GB/s of output written, and the copy ceiling: the same device's `copy()` of an n-element
float32 array (reads and writes n * 4 bytes each; a generator writes only, so it may exceed it).
Timing is `python_ops.py`'s: two warm-up calls, repeats of >= 20 ms, median, with the device's
`synchronize()` inside each timed repeat. The streams differ from NumPy's by design; the short
mode checks the samples' mean and variance, not values.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import python_ops as po  # noqa: E402  (the shared timing and table helpers)

import devarray as dv  # noqa: E402


def check_moments(label: str, x: np.ndarray, mean: float, var: float) -> None:
    """The sample's mean and variance within 6 sigma of the law's."""
    n = x.size
    x = x.astype(np.float64)
    assert abs(x.mean() - mean) < 6 * np.sqrt(var / n), f"{label}: mean {x.mean()}"
    assert abs(x.var() - var) < 6 * var * np.sqrt(2.0 / n) + 1e-3, f"{label}: variance {x.var()}"


def run_device(device: Any, n: int, settings: po.Settings, checker: po.Checker) -> list[list[str]]:
    rng = dv.random.default_rng(1, device=device)
    host_rng = np.random.default_rng(1)
    sync = device.synchronize
    ceiling_src = rng.random(n, dtype="float32")
    copy_ns = None if settings.short else po.time_ns(lambda: ceiling_src.copy(), sync, settings)
    rows = []
    cases = [
        ("uniform", lambda: rng.random(n, dtype="float32"), lambda: host_rng.random(n, dtype=np.float32), 0.5, 1 / 12),
        ("normal", lambda: rng.standard_normal(n, dtype="float32"),
         lambda: host_rng.standard_normal(n, dtype=np.float32), 0.0, 1.0),
    ]
    for name, dv_fn, np_fn, mean, var in cases:
        label = f"{name} float32 {po.size_label(n)} on {device}"
        moments = lambda r, label=label, mean=mean, var=var: check_moments(label, r.get(), mean, var)  # noqa: E731
        times = po.check_and_time(label, dv_fn, np_fn, moments, settings, checker, sync)
        if times is None:
            continue
        dv_ns, np_ns = times
        gbs = n * 4 / dv_ns
        ceiling = f"{2 * n * 4 / copy_ns:.1f}" if copy_ns else "-"
        rows.append([label, f"{dv_ns / 1e6:.2f}", f"{np_ns / 1e6:.2f}", po.fmt_ratio(np_ns, dv_ns), f"{gbs:.1f}", ceiling])
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    settings, checker, markdown = po.bench_cli(argv, __doc__)
    n = 100_003 if settings.short else 2**24
    rows = []
    for device in dv.devices():
        rows += run_device(device, n, settings, checker)
    lines = po.header(settings)[:8] + ["### devarray.random vs numpy.random.default_rng", ""]
    if settings.short:
        lines.append(f"short mode: {len(dv.devices()) * 2} samples checked, not timed")
    else:
        headers = ["case", "devarray ms", "NumPy ms", "ratio", "devarray GB/s written", "copy GB/s (read + write)"]
        lines += po.table(headers, rows)
    print("\n".join(lines))
    return po.finish(lines, markdown, checker)


if __name__ == "__main__":
    sys.exit(main())
