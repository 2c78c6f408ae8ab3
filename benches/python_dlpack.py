"""DLPack exchange overhead on the CPU, 16 float32 elements: devarray against NumPy's own
NumPy-to-NumPy exchange, in one process.

    python benches/python_dlpack.py

export: np.from_dlpack(x) of a devarray array (NumPy: of a NumPy array); import:
devarray.from_dlpack(a) of a NumPy array (NumPy: np.from_dlpack(a)); round trip:
devarray.from_dlpack(np.from_dlpack(x)) (NumPy: np.from_dlpack(np.from_dlpack(a))). Each is the
best of 15 batches of 20,000 calls; ratio = devarray / NumPy (<= 1: devarray is as fast).
"""

import timeit

import numpy as np

import devarray as dv


def best_ns(f, batches=15, calls=20000):
    return min(timeit.timeit(f, number=calls) / calls for _ in range(batches)) * 1e9


def main() -> None:
    x = dv.arange(16, dtype=dv.float32, device="cpu")
    a = np.arange(16, dtype=np.float32)
    cases = [
        ("export", lambda: np.from_dlpack(x), lambda: np.from_dlpack(a)),
        ("import", lambda: dv.from_dlpack(a), lambda: np.from_dlpack(a)),
        ("round trip", lambda: dv.from_dlpack(np.from_dlpack(x)), lambda: np.from_dlpack(np.from_dlpack(a))),
    ]
    print("| exchange (16 float32) | devarray ns | NumPy ns | devarray / NumPy |\n|---|---:|---:|---:|")
    for name, ours, theirs in cases:
        t_ours, t_theirs = best_ns(ours), best_ns(theirs)
        print(f"| {name} | {t_ours:.0f} | {t_theirs:.0f} | {t_ours / t_theirs:.2f} |")


if __name__ == "__main__":
    main()
