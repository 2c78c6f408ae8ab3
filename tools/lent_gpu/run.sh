#!/usr/bin/env bash
# Runs on a lent GPU machine (no cargo there), from the repository root, after
# tools/lent_gpu/pack.sh: the CUDA test binaries, the Python suite on the GPU (with PyTorch,
# CuPy and JAX where the machine has them), then the GPU benchmarks alone. Logs and reports go
# to $OUT (at most 8 files come back): main.log, rust.log, python.log, gpu_ops.md, gpu_algos.md,
# python_gpu_algos.md.
set -u
cd "$(dirname "$0")/.."
started=$SECONDS
OUT=${OUT:-/tmp/gpu-out}; mkdir -p "$OUT"
exec > >(tee "$OUT/main.log") 2>&1
date -u
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
# Paths baked in by env!("CARGO_MANIFEST_DIR") (the oracle files, the kernel sources' directory)
# point at the checkout the binaries were built in: link it to this one.
built_in=$(cat .gpu/built_in)
[ -e "$built_in" ] || { mkdir -p "$(dirname "$built_in")"; ln -s "$PWD" "$built_in"; }
mkdir -p /tmp/bin && python3 -c "import tarfile; tarfile.open('.gpu/bins.tar.xz').extractall('/tmp/bin')"
# cudarc (built for CUDA 12.8) asks for libX.so first: point those names at the machine's
# newest copies (a CUDA 13 toolkit has cuBLAS 13, cuSOLVER/cuFFT 12, NVRTC 13).
mkdir -p /tmp/libs; dirs=""
for lib in nvrtc cublas cublasLt cusolver cufft cusparse nvJitLink; do
  f=$(find /usr/local/cuda/targets/x86_64-linux/lib/ /usr/local/cuda/lib64/ -name "lib$lib.so.[0-9]*" 2>/dev/null | sort -V | tail -1)
  echo "lib$lib: ${f:-NOT FOUND}"
  [ -n "$f" ] && ln -sf "$f" /tmp/libs/lib$lib.so && dirs="$dirs:$(dirname "$f")"
done
export LD_LIBRARY_PATH="/tmp/libs$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DEVARRAY_REQUIRE_CUDA=1 DEVARRAY_REQUIRE_NVRTC=1 DEVARRAY_CACHE_DIR=/tmp/dvcache RUST_BACKTRACE=1
export XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONUNBUFFERED=1
mkdir -p /tmp/py/devarray && cp -r bindings/python/devarray/. /tmp/py/devarray/ && cp /tmp/bin/_devarray*.so /tmp/py/devarray/
export PYTHONPATH=/tmp/py
timeout 120 /tmp/bin/tour > /tmp/tour.txt 2>&1; head -3 /tmp/tour.txt
(
  for t in /tmp/bin/t_*; do
    echo "=== $(basename "$t")"; s=$SECONDS
    timeout 200 "$t" --test-threads=8 -q 2>&1 | grep -v '^\.*$'
    echo "=== $(basename "$t") rc=${PIPESTATUS[0]} in $((SECONDS - s)) s"
  done
  echo "=== gpu_algos, short mode (checked against the CPU)"; timeout 90 /tmp/bin/gpu_algos
) > "$OUT/rust.log" 2>&1 &
rust=$!
(
  cd bindings/tests && timeout 300 python3 -m pytest -q -n 8 -p no:cacheprovider -o addopts="" --tb=short -rfE \
    --ignore=test_dask.py --ignore=test_stubs.py 2>&1
  echo "pytest rc=$?"
) > "$OUT/python.log" 2>&1 &
py=$!
wait $rust; echo "rust done at $((SECONDS - started)) s"; grep -E '^=== .* rc=' "$OUT/rust.log"
wait $py; echo "python done at $((SECONDS - started)) s"; tail -3 "$OUT/python.log"
timeout 150 /tmp/bin/gpu_ops --bench > "$OUT/gpu_ops.md"; echo "gpu_ops rc=$?"
timeout 120 /tmp/bin/gpu_algos --bench > "$OUT/gpu_algos.md"; echo "gpu_algos rc=$?"
timeout 120 python3 benches/python_gpu_algos.py --markdown "$OUT/python_gpu_algos.md" > /dev/null; echo "python_gpu_algos rc=$?"
echo "total $((SECONDS - started)) s"
