#!/usr/bin/env python3
"""Ratio tables from a criterion run of benches/cpu_ops.rs (BENCHMARKS.md).

    python tools/bench_report.py [target/criterion] [--full FILE]

Each cpu_ops group `op/dtype/layout` holds `devarray` and `ndarray` at every size, with
criterion's throughput set to the bytes the op reads plus writes; the group
`copy/memcpy/parallel` times a parallel memcpy at each of those byte counts. From the median
times:

- GB/s = bytes / median time;
- "vs ndarray" = t_ndarray / t_devarray (> 1: devarray is faster);
- "of copy" = t_copy / t_devarray: the fraction of the memory-copy ceiling (a parallel memcpy
  moving the same bytes, measured in the same run) that the op reaches.

Prints a summary (one row per op and layout, one column per dtype, at the largest size measured)
and, with --full, writes every size of every group to FILE.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

FUNCTIONS = ("devarray", "ndarray")
COPY_GROUP = "copy/memcpy/parallel"
DTYPES = ("float32", "float64", "float16", "bfloat16", "int32")


def load(root: Path) -> dict[tuple[str, str, str, int], dict[str, tuple[float, int]]]:
    """{(op, dtype, layout, n): {function: (median ns, bytes)}} from every `new/` estimate,
    with the copy ceiling at the op's byte count under the function name "copy"."""
    results: dict[tuple[str, str, str, int], dict[str, tuple[float, int]]] = defaultdict(dict)
    copies: dict[int, float] = {}
    for bench in root.glob("*/*/*/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        median = json.loads((bench.parent / "estimates.json").read_text())["median"]["point_estimate"]
        nbytes = int((meta.get("throughput") or {}).get("Bytes", 0))
        if meta["group_id"] == COPY_GROUP:
            copies[nbytes] = median
            continue
        parts = meta["group_id"].split("/")
        if len(parts) == 3 and meta["function_id"] in FUNCTIONS:
            op, dtype, layout = parts
            results[(op, dtype, layout, int(meta["value_str"]))][meta["function_id"]] = (median, nbytes)
    for entry in results.values():
        nbytes = next(iter(entry.values()))[1]
        if nbytes in copies:
            entry["copy"] = (copies[nbytes], nbytes)
    return results


def ratios(entry: dict[str, tuple[float, int]]) -> tuple[float, float, float, float, float] | None:
    """(devarray GB/s, ndarray GB/s, copy GB/s, vs ndarray, of copy), or None if incomplete."""
    if any(f not in entry for f in (*FUNCTIONS, "copy")):
        return None
    (t_da, nbytes), (t_nd, _), (t_copy, _) = (entry[f] for f in (*FUNCTIONS, "copy"))
    gbps = lambda t: nbytes / t  # bytes per ns = GB/s
    return gbps(t_da), gbps(t_nd), gbps(t_copy), t_nd / t_da, t_copy / t_da


def size_label(n: int) -> str:
    exp = n.bit_length() - 1
    return f"2^{exp}" if n == 1 << exp else str(n)


def summary(results: dict, n: int) -> list[str]:
    rows = sorted({(op, layout) for (op, _, layout, m) in results if m == n}, key=order_key)
    header = "| op | layout | " + " | ".join(DTYPES) + " |"
    lines = [f"At n = {size_label(n)} elements: *vs ndarray* ratio / *fraction of the copy ceiling*.", "",
             header, "|---|---|" + "---:|" * len(DTYPES)]
    for op, layout in rows:
        cells = []
        for dtype in DTYPES:
            r = ratios(results.get((op, dtype, layout, n), {}))
            cells.append("" if r is None else f"{r[3]:.2f}× / {r[4]:.0%}")
        lines.append(f"| {op} | {layout} | " + " | ".join(cells) + " |")
    return lines


def full_table(results: dict) -> list[str]:
    lines = ["| op | dtype | layout | n | devarray GB/s | ndarray GB/s | copy GB/s | vs ndarray | of copy |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for key in sorted(results, key=lambda k: (order_key((k[0], k[2])), DTYPES.index(k[1]) if k[1] in DTYPES else 99, k[3])):
        r = ratios(results[key])
        if r is None:
            continue
        op, dtype, layout, n = key
        lines.append(f"| {op} | {dtype} | {layout} | {size_label(n)} | {r[0]:.1f} | {r[1]:.1f} | {r[2]:.1f} | {r[3]:.2f}× | {r[4]:.0%} |")
    return lines


def order_key(op_layout: tuple[str, str]) -> tuple[int, int]:
    ops = ["add", "multiply", "exp", "where", "astype", "sum", "max", "mean"]
    layouts = ["contiguous", "all", "inner", "outer"]
    op, layout = op_layout
    return (ops.index(op) if op in ops else 99, layouts.index(layout) if layout in layouts else 99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", default="target/criterion", type=Path)
    parser.add_argument("--full", type=Path, help="also write the table of every size to this file")
    args = parser.parse_args()
    results = load(args.root)
    if not results:
        print(f"no cpu_ops results under {args.root}: run `cargo bench --bench cpu_ops` first", file=sys.stderr)
        return 1
    sizes = sorted({k[3] for k in results})
    for n in sorted(sizes, reverse=True):
        print("\n".join(summary(results, n)), end="\n\n")
    if args.full:
        args.full.write_text("\n".join(full_table(results)) + "\n")
        print(f"full table: {args.full}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
