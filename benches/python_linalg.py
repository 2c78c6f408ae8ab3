#!/usr/bin/env python3
"""devarray's matrix products (Python, CPU device) against NumPy (OpenBLAS) in one process.

    python benches/python_linalg.py                    # full mode: a markdown table on stdout
    python benches/python_linalg.py --markdown FILE    # ... and the same text in FILE
    python benches/python_linalg.py --short            # CI: small sizes, results checked

Cases: `a @ b` for float32 and float64 at 512x512, 2048x2048 and a batch of (64, 256, 256) @
(64, 256, 256), `einsum("ij,jk,kl->il")` of three 512x512 float64 matrices (contraction order
planned), and float16 512x512 (float32 accumulation; NumPy's float16 matmul accumulates in
float32 too). Columns: devarray ms, NumPy ms, ratio = NumPy time / devarray time (>= 1:
devarray is faster), devarray GFLOP/s (2mnk per product). Both libraries use every core of the
machine (rayon's pool for devarray/faer, OpenBLAS's threads for NumPy). Timing is
`python_ops.py`'s: two warm-up calls, repeats of >= 20 ms, median.
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

# (label, NumPy dtype, shapes of the operands, flops per call, subscripts for einsum or None)
Case = tuple[str, Any, list[tuple[int, ...]], float, "str | None"]


def cases(short: bool) -> list[Case]:
    n1, n2, b = (64, 96, (4, 32, 32)) if short else (512, 2048, (64, 256, 256))
    out: list[Case] = []
    for dt in (np.float32, np.float64):
        name = np.dtype(dt).name
        out.append((f"{name} {n1}x{n1}", dt, [(n1, n1), (n1, n1)], 2.0 * n1**3, None))
        out.append((f"{name} {n2}x{n2}", dt, [(n2, n2), (n2, n2)], 2.0 * n2**3, None))
        out.append((f"{name} batch {b}", dt, [b, b], 2.0 * b[0] * b[1] ** 3, None))
    out.append((f"float16 {n1}x{n1}", np.float16, [(n1, n1), (n1, n1)], 2.0 * n1**3, None))
    out.append((f"einsum ij,jk,kl->il float64 {n1}", np.float64, [(n1, n1)] * 3, 4.0 * n1**3, "ij,jk,kl->il"))
    return out


def calls(case: Case) -> tuple[Callable[[], Any], Callable[[], Any], list[np.ndarray]]:
    """devarray's call, NumPy's call and the host operands of one case."""
    _, dt, shapes, _, subscripts = case
    rng = np.random.default_rng(11)
    hosts = [(rng.random(s) * 2 - 1).astype(dt) for s in shapes]
    devs = [dv.asarray(h) for h in hosts]
    if subscripts is None:
        return (lambda: devs[0] @ devs[1]), (lambda: hosts[0] @ hosts[1]), hosts
    return (lambda: dv.einsum(subscripts, *devs)), (lambda: np.einsum(subscripts, *hosts, optimize=True)), hosts


def check(case: Case, got: np.ndarray, hosts: Sequence[np.ndarray]) -> None:
    """devarray's result against NumPy's computed in float64, with a tolerance for the dtype
    and the length of the sums."""
    label, dt, _, _, subscripts = case
    wide = [h.astype(np.float64) for h in hosts]
    want = wide[0] @ wide[1] if subscripts is None else np.einsum(subscripts, *wide, optimize=True)
    k = hosts[0].shape[-1]
    eps = float(np.finfo(dt).eps) if dt != np.float16 else 2.0**-10
    tol = eps * 4 if dt == np.float16 else eps * np.sqrt(k) * 8
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=0, atol=tol * scale * (k if subscripts else 1), err_msg=label)


def spd(n: int, dt: Any) -> np.ndarray:
    """A well-conditioned symmetric positive definite matrix."""
    a = np.random.default_rng(5).random((n, n))
    return (a @ a.T / n + np.eye(n)).astype(dt)


def solver_cases(short: bool) -> list[tuple[str, Callable[[], Any], Callable[[], Any], Callable[[Any], None]]]:
    """(label, devarray call, NumPy call, check of devarray's result) for the solvers."""
    n = 48 if short else 1024
    a = spd(n, np.float64)
    b = np.random.default_rng(6).random((n, 4))
    x, y = dv.asarray(a), dv.asarray(b)

    def solved(r: Any) -> None:
        np.testing.assert_allclose(a @ r.get(), b, rtol=1e-8, atol=1e-8)

    def factored(r: Any) -> None:
        low = r.get()
        np.testing.assert_allclose(low @ low.T, a, rtol=1e-10, atol=1e-10)

    def singular_values(r: Any) -> None:
        np.testing.assert_allclose(r.get(), np.linalg.svd(a, compute_uv=False), rtol=1e-10)

    return [
        (f"solve float64 {n}x{n}, 4 right-hand sides", lambda: dv.linalg.solve(x, y), lambda: np.linalg.solve(a, b), solved),
        (f"cholesky float64 {n}x{n}", lambda: dv.linalg.cholesky(x), lambda: np.linalg.cholesky(a), factored),
        (f"svdvals float64 {n}x{n}", lambda: dv.linalg.svdvals(x), lambda: np.linalg.svd(a, compute_uv=False), singular_values),
    ]


def run_solvers(settings: po.Settings, checker: po.Checker) -> list[str]:
    rows = []
    for label, dv_fn, np_fn, check in solver_cases(settings.short):
        times = po.check_and_time(f"linalg {label}", dv_fn, np_fn, check, settings, checker)
        if times is None:
            continue
        dv_ns, np_ns = times
        rows.append([label, f"{dv_ns / 1e6:.2f}", f"{np_ns / 1e6:.2f}", po.fmt_ratio(np_ns, dv_ns)])
    if settings.short:
        return ["", "### Solvers", "", "short mode: results checked, not timed"]
    return ["", "### Solvers", ""] + po.table(["case (CPU device)", "devarray ms", "NumPy ms", "ratio"], rows)


def run(settings: po.Settings, checker: po.Checker) -> list[str]:
    rows = []
    for case in cases(settings.short):
        dv_fn, np_fn, hosts = calls(case)
        checked = lambda r, case=case, hosts=hosts: check(case, r.get(), hosts)  # noqa: E731
        times = po.check_and_time(f"linalg {case[0]}", dv_fn, np_fn, checked, settings, checker)
        if times is None:
            continue
        dv_ns, np_ns = times
        gflops = case[3] / dv_ns
        rows.append([case[0], f"{dv_ns / 1e6:.2f}", f"{np_ns / 1e6:.2f}", po.fmt_ratio(np_ns, dv_ns), f"{gflops:.1f}"])
    if settings.short:
        return ["### Matrix products", "", f"short mode: {len(cases(True))} results checked, not timed"]
    headers = ["case (CPU device)", "devarray ms", "NumPy ms", "ratio", "devarray GFLOP/s"]
    return ["### Matrix products", ""] + po.table(headers, rows)


def main(argv: Sequence[str] | None = None) -> int:
    settings, checker, markdown = po.bench_cli(argv, __doc__)
    lines = po.header(settings)[:8] + run(settings, checker) + run_solvers(settings, checker)
    print("\n".join(lines))
    return po.finish(lines, markdown, checker)


if __name__ == "__main__":
    sys.exit(main())
