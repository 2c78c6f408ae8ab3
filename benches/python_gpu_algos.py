"""devarray against PyTorch and CuPy on the same CUDA device, in one run: matrix products,
Cholesky and solve, sort and argsort, cumulative sum and FFT.

    python benches/python_gpu_algos.py [--markdown FILE]

Each case runs on the same input (made once with NumPy and copied to the device by each
library), is warmed up twice (kernel builds, library handles, workspaces), then timed over
`reps` runs between two CUDA events of that library on its current stream. The table gives
milliseconds per run and the best other library's time divided by devarray's (>= 1: devarray is
faster). PyTorch runs with TF32 off, so its float32 products compute in float32 as devarray's
and CuPy's do. Without a CUDA device (or without PyTorch and CuPy) it prints why and exits 0.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import devarray as dv


def timed(run, start, end, sync, reps):
    for _ in range(2):
        run()
    sync()
    start()
    for _ in range(reps):
        run()
    return end() / reps


def devarray_timer(device):
    events = {}

    def start():
        events["s"] = dv.cuda.Event(device)
        events["s"].record()

    def end():
        e = dv.cuda.Event(device)
        e.record()
        e.synchronize()
        return events["s"].elapsed_time(e)

    return start, end, lambda: dv.cuda.get_current_stream(device).synchronize()


def torch_timer(torch):
    events = {}

    def start():
        events["s"] = torch.cuda.Event(enable_timing=True)
        events["s"].record()

    def end():
        e = torch.cuda.Event(enable_timing=True)
        e.record()
        e.synchronize()
        return events["s"].elapsed_time(e)

    return start, end, torch.cuda.synchronize


def cupy_timer(cupy):
    events = {}

    def start():
        events["s"] = cupy.cuda.Event()
        events["s"].record()

    def end():
        e = cupy.cuda.Event()
        e.record()
        e.synchronize()
        return cupy.cuda.get_elapsed_time(events["s"], e)

    return start, end, cupy.cuda.runtime.deviceSynchronize


def cases(rng):
    n = 4096
    spd = rng.standard_normal((n, n))
    spd = spd @ spd.T / n + np.eye(n)
    keys = rng.random(1 << 24, dtype=np.float32)
    z = (rng.random(1 << 24) + 1j * rng.random(1 << 24)).astype(np.complex64)
    a32 = rng.random((n, n), dtype=np.float32)
    return [
        ("matmul float32 4096²", "matmul", (a32, a32), 20),
        ("matmul float16 4096²", "matmul", (a32.astype(np.float16), a32.astype(np.float16)), 50),
        ("cholesky float32 4096²", "cholesky", (spd.astype(np.float32),), 5),
        ("cholesky float64 4096²", "cholesky", (spd,), 5),
        ("solve float64 4096² × 1", "solve", (spd, rng.random((n, 1))), 5),
        ("sort float32 2^24", "sort", (keys,), 10),
        ("argsort float32 2^24", "argsort", (keys,), 10),
        ("cumsum float32 2^24", "cumsum", (keys,), 50),
        ("fft complex64 2^24", "fft", (z,), 50),
    ]


def op_for(lib, name, xp):
    if name == "matmul":
        return lambda a, b: a @ b
    if name == "cholesky":
        return lambda a: xp.linalg.cholesky(a)
    if name == "solve":
        return lambda a, b: xp.linalg.solve(a, b)
    if name == "sort":
        return (lambda a: xp.sort(a)[0]) if lib == "torch" else (lambda a: xp.sort(a))
    if name == "argsort":
        return lambda a: xp.argsort(a, stable=True) if lib != "cupy" else xp.argsort(a)
    if name == "cumsum":
        return (lambda a: xp.cumsum(a, 0)) if lib == "torch" else (lambda a: xp.cumsum(a))
    if name == "fft":
        return lambda a: xp.fft.fft(a)
    raise ValueError(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    cuda = [d for d in dv.devices() if d.kind == "cuda"]
    if not cuda:
        print("python_gpu_algos: skipped: no CUDA device")
        return 0
    device = cuda[0]
    libs = {"devarray": (dv, devarray_timer(device), lambda a: dv.asarray(a, device=device))}
    try:
        import torch

        if torch.cuda.is_available():
            torch.backends.cuda.matmul.allow_tf32 = False
            libs["torch"] = (torch, torch_timer(torch), lambda a: torch.as_tensor(a, device=f"cuda:{device.index}"))
    except ImportError:
        pass
    try:
        import cupy

        libs["cupy"] = (cupy, cupy_timer(cupy), cupy.asarray)
    except ImportError:
        pass
    if len(libs) == 1:
        print("python_gpu_algos: skipped: neither PyTorch nor CuPy is installed")
        return 0
    names = list(libs)
    lines = [
        "| case | " + " | ".join(f"{n} ms" for n in names) + " | best other / devarray |",
        "|---|" + "---:|" * (len(names) + 1),
    ]
    for label, name, inputs, reps in cases(np.random.default_rng(20261204)):
        times = {}
        for lib, (xp, (start, end, sync), put) in libs.items():
            try:
                operands = [put(a) for a in inputs]
                run = op_for(lib, name, xp)
                times[lib] = timed(lambda: run(*operands), start, end, sync, reps)
            except Exception as e:  # a library without the op: its cell says why
                times[lib] = f"{type(e).__name__}"
        others = [t for k, t in times.items() if k != "devarray" and isinstance(t, float)]
        ratio = f"{min(others) / times['devarray']:.2f}" if others and isinstance(times["devarray"], float) else "–"
        cells = [f"{times[n]:.3f}" if isinstance(times[n], float) else times[n] for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")
        print(lines[-1], flush=True)
    header = f"devarray {dv.__version__ if hasattr(dv, '__version__') else ''} on {device}; " + ", ".join(
        f"{k} {getattr(v[0], '__version__', '')}" for k, v in libs.items() if k != "devarray"
    )
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
