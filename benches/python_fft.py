#!/usr/bin/env python3
"""devarray's FFTs and complex elementwise ops (Python, CPU device) against NumPy in one process.

    python benches/python_fft.py                    # full mode: a markdown table on stdout
    python benches/python_fft.py --markdown FILE    # ... and the same text in FILE
    python benches/python_fft.py --short            # small sizes, results checked

Cases (issue 14): `fft` of complex64 and `rfft` of float32 at 2^20 points, and the same on a
(256, 4096) batch along the last axis; then the same in complex128/float64. Then complex
elementwise ops: complex64 `multiply` and `abs` at 2^24 elements and `exp` at 2^20 (NumPy:
the same ufuncs, single-threaded; devarray: its threaded CPU loops). Columns:
devarray ms, NumPy ms, ratio = NumPy time / devarray time (>= 1: devarray is faster).
devarray runs rustfft/realfft, parallel over the rows of a batch; NumPy's pocketfft is single
threaded (NumPy 2 keeps single precision, as devarray does). Timing is `python_ops.py`'s: two
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


def cases(short: bool) -> list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], None]]]:
    """(label, devarray call, NumPy call, check of devarray's result)."""
    n, batch = (1 << 10, (8, 256)) if short else (1 << 20, (256, 4096))
    rng = np.random.default_rng(20)
    out = []
    for cdt, rdt in ((np.complex64, np.float32), (np.complex128, np.float64)):
        for shape in ((n,), batch):
            label = "x".join(map(str, shape))
            z = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(cdt)
            r = rng.standard_normal(shape).astype(rdt)
            zd, rd = dv.asarray(z), dv.asarray(r)
            eps = float(np.finfo(rdt).eps)
            m = shape[-1]

            def checker(want_fn: Callable[[], Any], eps: float = eps, m: int = m) -> Callable[[Any], None]:
                def check(got: Any) -> None:
                    want = want_fn()
                    tol = 8 * eps * np.log2(m) * np.sqrt(m) * max(1.0, float(np.abs(want).max()))
                    np.testing.assert_allclose(np.asarray(got, copy=True), want, rtol=0, atol=tol)

                return check

            out.append(
                (
                    f"fft {np.dtype(cdt).name} {label}",
                    lambda zd=zd: dv.fft.fft(zd),
                    lambda z=z: np.fft.fft(z),
                    checker(lambda z=z: np.fft.fft(z.astype(np.complex128))),
                )
            )
            out.append(
                (
                    f"rfft {np.dtype(rdt).name} {label}",
                    lambda rd=rd: dv.fft.rfft(rd),
                    lambda r=r: np.fft.rfft(r),
                    checker(lambda r=r: np.fft.rfft(r.astype(np.float64))),
                )
            )
    return out


def elementwise_cases(short: bool) -> list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], None]]]:
    """complex64 multiply and abs at 2^24 (memory-bound), exp at 2^20 (compute-bound)."""
    big, small = (1 << 12, 1 << 10) if short else (1 << 24, 1 << 20)
    rng = np.random.default_rng(21)

    def z(n: int) -> np.ndarray:
        return (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(np.complex64)

    a, b, e = z(big), z(big), z(small)
    ad, bd, ed = dv.asarray(a), dv.asarray(b), dv.asarray(e)

    def close(want: Callable[[], Any]) -> Callable[[Any], None]:
        def check(got: Any) -> None:
            np.testing.assert_allclose(np.asarray(got, copy=True), want(), rtol=1e-5, atol=1e-6)

        return check

    return [
        (f"multiply complex64 {big}", lambda: ad * bd, lambda: a * b, close(lambda: a * b)),
        (f"abs complex64 {big}", lambda: dv.abs(ad), lambda: np.abs(a), close(lambda: np.abs(a))),
        (f"exp complex64 {small}", lambda: dv.exp(ed), lambda: np.exp(e), close(lambda: np.exp(e))),
    ]


def table(title: str, found: list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], None]]],
          settings: po.Settings, checker: po.Checker) -> list[str]:
    rows = []
    for label, dv_fn, np_fn, check in found:
        times = po.check_and_time(label, dv_fn, np_fn, check, settings, checker)
        if times is None:
            continue
        dv_ns, np_ns = times
        rows.append([label, f"{dv_ns / 1e6:.2f}", f"{np_ns / 1e6:.2f}", po.fmt_ratio(np_ns, dv_ns)])
    if settings.short:
        return [f"### {title}", "", f"short mode: {len(found)} results checked, not timed", ""]
    return [f"### {title}", ""] + po.table(["case (CPU device)", "devarray ms", "NumPy ms", "ratio"], rows) + [""]


def run(settings: po.Settings, checker: po.Checker) -> list[str]:
    return table("FFT", cases(settings.short), settings, checker) + table(
        "Complex elementwise", elementwise_cases(settings.short), settings, checker
    )


def main(argv: Sequence[str] | None = None) -> int:
    settings, checker, markdown = po.bench_cli(argv, __doc__)
    lines = po.header(settings)[:8] + run(settings, checker)
    print("\n".join(lines))
    return po.finish(lines, markdown, checker)


if __name__ == "__main__":
    sys.exit(main())
