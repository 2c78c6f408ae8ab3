#!/usr/bin/env python3
"""devarray's scans and nonzero (Python, CPU device) against NumPy in one process.

    python benches/python_scan.py                    # full mode: a markdown table on stdout
    python benches/python_scan.py --markdown FILE    # ... and the same text in FILE
    python benches/python_scan.py --short            # CI: small sizes, results checked

Cases: `cumsum` of float32 and int64 at 2^20 and 2^24 elements (1-D: the blocked parallel scan),
`cumsum` along axis 0 of a float32 (2^12, 2^12) array (carry rows across columns), and
`nonzero` of a float32 array with about half its elements non-zero (scan of the mask, scatter
of the positions, one 8-byte host read of the count). Columns: devarray ms, NumPy ms, ratio =
NumPy time / devarray time (>= 1: devarray is faster). Timing is `python_ops.py`'s: two
warm-up calls, repeats of >= 20 ms, median.
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

# (label, devarray call, NumPy call, check of devarray's result)
Case = tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], None]]


def cases(short: bool) -> list[Case]:
    rng = np.random.default_rng(3)
    sizes = (1003, 2**12) if short else (2**20, 2**24)
    out: list[Case] = []
    for dt in (np.float32, np.int64):
        for n in sizes:
            h = (rng.random(n) * 200 - 100).astype(dt)
            x = dv.asarray(h)

            def check(r: Any, h: np.ndarray = h) -> None:
                want = np.cumsum(h.astype(np.float64))
                atol = 1e-6 * float(np.abs(h.astype(np.float64)).sum()) if h.dtype.kind == "f" else 0
                np.testing.assert_allclose(r.get().astype(np.float64), want, rtol=0, atol=atol)

            out.append((f"cumsum {np.dtype(dt).name} {po.size_label(n)}", lambda x=x: dv.cumsum(x),
                        lambda h=h: np.cumsum(h), check))
    side = 64 if short else 2**12
    m = (rng.random((side, side)) * 2 - 1).astype(np.float32)
    mx = dv.asarray(m)
    out.append((f"cumsum float32 ({side}, {side}) axis 0", lambda: dv.cumsum(mx, axis=0),
                lambda: np.cumsum(m, axis=0),
                lambda r: np.testing.assert_allclose(r.get(), np.cumsum(m, axis=0), rtol=1e-5, atol=1e-4)))
    for n in sizes:
        h = np.where(rng.random(n) < 0.5, 0.0, rng.random(n)).astype(np.float32)
        x = dv.asarray(h)
        out.append((f"nonzero float32 {po.size_label(n)}", lambda x=x: dv.nonzero(x), lambda h=h: np.nonzero(h),
                    lambda r, h=h: np.testing.assert_array_equal(r[0].get(), np.nonzero(h)[0])))
    return out


def run(settings: po.Settings, checker: po.Checker) -> list[str]:
    rows = []
    for label, dv_fn, np_fn, check in cases(settings.short):
        times = po.check_and_time(f"scan {label}", dv_fn, np_fn, check, settings, checker)
        if times is None:
            continue
        dv_ns, np_ns = times
        rows.append([label, f"{dv_ns / 1e6:.3f}", f"{np_ns / 1e6:.3f}", po.fmt_ratio(np_ns, dv_ns)])
    if settings.short:
        return ["### Scans and nonzero", "", f"short mode: {len(cases(True))} results checked, not timed"]
    return ["### Scans and nonzero", ""] + po.table(["case (CPU device)", "devarray ms", "NumPy ms", "ratio"], rows)


def main(argv: Sequence[str] | None = None) -> int:
    settings, checker, markdown = po.bench_cli(argv, __doc__)
    lines = po.header(settings)[:8] + run(settings, checker)
    print("\n".join(lines))
    return po.finish(lines, markdown, checker)


if __name__ == "__main__":
    sys.exit(main())
