#!/usr/bin/env bash
# What a GPU runner calls (.github/workflows/gpu.yml): the whole test suite with the CUDA tests on
# the real GPU — DEVARRAY_REQUIRE_CUDA=1 makes a missing or unusable device a failure instead of
# "skipped: no CUDA device" — then the GPU benchmarks (benches/gpu_ops.rs, full mode), whose report
# is saved as benches/results/gpu_ops.md, and those of matmul, the solvers, sorts, scans and FFTs
# (benches/gpu_algos.rs, saved as benches/results/gpu_algos.md).
# The CUDA-backend suites (tests/cuda_*.rs) are the ones ci/emulator.sh runs on the CPU emulator;
# here they run without the `emulator` feature, on cuda:0.
#
#   bash ci/gpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
export DEVARRAY_REQUIRE_CUDA=1 DEVARRAY_REQUIRE_NVRTC=1
export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0  # disk: see ci/test.sh
unset DEVARRAY_DEVICE DEVARRAY_MAX_GRID DEVARRAY_FORCE_INDEX64

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
source ci/cuda-tools.sh  # NVRTC from PyPI: kernels are compiled at run time for the device's arch

echo "--- devices"
cargo run --quiet --example tour >/dev/null
cargo run --quiet --example ergonomics >/dev/null
cargo test --quiet --test cuda_backend without_a_usable_device_every_entry_point_errors -- --nocapture

echo "--- cargo test --all-targets (CUDA tests on the GPU)"
cargo test --all-targets
cargo test --doc

echo "--- the Python suite: every device-parametrized case also runs on cuda:0"
# JAX (jax[cpu] in the lock; a runner may have a CUDA build) must not preallocate the GPU that
# the other tests use. test_gpu_frameworks.py runs where PyTorch or CuPy with CUDA is installed
# (not pinned: the runner's own), else it skips.
XLA_PYTHON_CLIENT_PREALLOCATE=false bash ci/python.sh

echo "--- GPU benchmarks: benches/gpu_ops.rs, full mode, saved as benches/results/gpu_ops.md"
# `--bench` selects the full mode (2^20..2^28 elements); the markdown report is stdout only
# (cargo's own messages go to stderr). A failing op fails the run (pipefail).
mkdir -p benches/results
cargo bench --bench gpu_ops -- --bench | tee benches/results/gpu_ops.md
echo "--- GPU benchmarks of the algorithm families: benches/gpu_algos.rs, saved as benches/results/gpu_algos.md"
cargo bench --bench gpu_algos -- --bench | tee benches/results/gpu_algos.md
echo "--- devarray vs PyTorch and CuPy on the GPU (where installed): benches/results/python_gpu_algos.md"
(source ci/python-env.sh && python benches/python_gpu_algos.py --markdown benches/results/python_gpu_algos.md)
echo "ci/gpu.sh: done in $((SECONDS - started)) s"
