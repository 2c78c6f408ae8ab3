#!/usr/bin/env python3
"""Strong scaling of a chunked Dask graph on devarray chunks, against the same graph on NumPy
chunks, on a dask.distributed LocalCluster of 1 and then 2 worker processes (one thread each).

    python benches/python_dask.py                    # full mode: a markdown table on stdout
    python benches/python_dask.py --markdown FILE    # ... and the same text in FILE
    python benches/python_dask.py --short            # CI: small sizes, results checked

The graph: an (n, n) float64 array in 16 chunks, each made on its worker from its block
position (no data leaves the client), then `y = sin(x) * 2 + x * x`, then `y.sum(axis=0)` and
`y.std()`. Only the reduced results travel to the client. Times are the median of repeats,
measured after one warm-up compute on a running cluster; cluster start-up is excluded. Columns:
devarray seconds, NumPy seconds, ratio = NumPy time / devarray time (>= 1: devarray chunks are
faster), and each library's speed-up from 1 to 2 workers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np


def make_block(block_id: tuple[int, int], chunk: int, lib: str) -> Any:
    """One chunk, computed on the worker from its position: x[i, j] = (i + 2j) / n-ish."""
    if lib == "devarray":
        import devarray as xp
    else:
        xp = np  # type: ignore[assignment]
    i, j = block_id
    rows = xp.reshape(xp.arange(i * chunk, (i + 1) * chunk, dtype=xp.float64), (chunk, 1))
    cols = xp.reshape(xp.arange(j * chunk, (j + 1) * chunk, dtype=xp.float64), (1, chunk))
    return (rows + cols * 2.0) * (1.0 / (4 * chunk))


def graph(n: int, lib: str) -> tuple[Any, Any]:
    import dask.array as da

    import devarray as dv

    chunk = n // 4
    meta = dv.empty((0, 0), dtype=dv.float64) if lib == "devarray" else np.empty((0, 0))
    x = da.map_blocks(
        lambda block_id=None: make_block(block_id, chunk, lib),
        chunks=((chunk,) * 4, (chunk,) * 4),
        dtype=np.float64,
        meta=meta,
    )
    y = da.sin(x) * 2.0 + x * x
    return y.sum(axis=0), y.std()


def run(client: Any, n: int, lib: str, repeats: int) -> tuple[float, list[Any]]:
    results = client.compute(list(graph(n, lib)), sync=True)  # warm-up: imports, kernels
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        results = client.compute(list(graph(n, lib)), sync=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), results


def host(values: Any) -> np.ndarray:
    return values.get() if hasattr(values, "get") and not isinstance(values, np.ndarray) else np.asarray(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="CI mode: small sizes, results checked")
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    n, repeats = (512, 1) if args.short else (4096, 5)
    rows: dict[int, dict[str, float]] = {}
    cores = os.cpu_count() or 1
    for workers in (1, 2):
        # CPU-device workers split the cores as GPU workers split the devices: each worker's
        # devarray thread pool gets its share (RAYON_NUM_THREADS), so 2 workers on 2 cores do
        # not run 4 threads. NumPy's elementwise ops are single-threaded either way.
        env = {"RAYON_NUM_THREADS": str(max(1, cores // workers))}
        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40, env=env
        ) as cluster, Client(cluster) as client:
            rows[workers] = {}
            answers = {}
            for lib in ("devarray", "numpy"):
                rows[workers][lib], answers[lib] = run(client, n, lib, repeats)
            for got, want in zip(answers["devarray"], answers["numpy"]):
                np.testing.assert_allclose(host(got), want, rtol=1e-9)
    lines = [
        f"Chunked Dask graph, ({n}, {n}) float64 in 16 chunks: sin(x)*2 + x*x, then sum(axis=0) and std();"
        f" {cores} cores, each worker's devarray pool gets cores / workers threads",
        "",
        "| workers | devarray s | NumPy s | ratio (NumPy / devarray) |",
        "|---:|---:|---:|---:|",
    ]
    for workers, t in rows.items():
        lines.append(f"| {workers} | {t['devarray']:.3f} | {t['numpy']:.3f} | {t['numpy'] / t['devarray']:.2f} |")
    for lib in ("devarray", "numpy"):
        lines.append(f"\n1 -> 2 workers, {lib} chunks: {rows[1][lib] / rows[2][lib]:.2f}x faster")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
    if args.short:
        print("python_dask short mode: devarray and NumPy results agree on 1 and 2 workers")


if __name__ == "__main__":
    main()
