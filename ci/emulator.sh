#!/usr/bin/env bash
# The CUDA backend and the kernel sources of kernels/ on the CPU (no GPU): with the cargo feature
# `emulator`, build.rs compiles kernels/*.cu as host C++ (a C++17 compiler is needed: g++ or
# clang++, `CXX` to choose), and DEVARRAY_DEVICE=cuda-emu makes cuda:0 an emulated device.
# Runs clippy with the feature, the emulator's own tests, and the CUDA-backend suites against the
# emulated device: the same suites ci/gpu.sh runs on a real GPU. Grids are capped at 3 blocks
# (DEVARRAY_MAX_GRID) so grid-stride loops take several rounds at small sizes.
#
#   bash ci/emulator.sh          # called by ci/test.sh
#   DEVARRAY_EMU_SEED=N bash ci/emulator.sh   # another interleaving of the threads of a block
#
# tests/ops_reduce.rs runs here too: float sums compensate (reduce.cu's da_ksum), so even the
# emulator's 3-block grids, where each thread adds thousands of elements in sequence, match
# NumPy's pairwise accuracy (1e7 x 0.1f).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
command -v "${CXX:-c++}" >/dev/null || { echo "ci/emulator.sh: no C++ compiler (${CXX:-c++})"; exit 1; }

echo "--- cargo clippy --all-targets --features emulator -- -D warnings"
cargo clippy --quiet --all-targets --features emulator -- -D warnings

echo "--- build (kernels/*.cu as host C++, then the tests)"
build_start=$SECONDS
cargo test --quiet --features emulator --no-run 2>&1 | grep -v "^ *Executable" || true
echo "build: $((SECONDS - build_start)) s"

suites=(cuda_kernels cuda_complex cuda_complex_linalg cuda_reductions cuda_backend cuda_streams cuda_memory array_creation array_display array_views array_gather array_join array_matmul ops_unary ops_binary ops_reduce ops_reduce_with ops_scan ops_sort ops_count ops_manip linalg_decomp linalg_more linalg_complex random fft
        dlpack_roundtrip dlpack_stream dlpack_ownership dlpack_malformed)
args=()
for s in "${suites[@]}"; do args+=(--test "$s"); done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "--- emulator unit tests, then ${suites[*]} on DEVARRAY_DEVICE=cuda-emu"
export DEVARRAY_DEVICE=cuda-emu DEVARRAY_REQUIRE_CUDA=1 DEVARRAY_MAX_GRID=3
test_start=$SECONDS
TIMEFORMAT="emulated suites: %R s wall, %U s user + %S s system CPU"
time {
    cargo test --quiet --features emulator --lib -- cuda::emu cuda::matmul cuda::gemm cuda::cublas cuda::cufft cuda::fft cuda::sort 2>&1 | tee -a "$log"
    cargo test --quiet --features emulator "${args[@]}" 2>&1 | tee -a "$log"
}
awk '/^test result:/ { passed += $4; failed += $6 }
     /^devarray CUDA emulator:/ { launches += $4; blocks += $11; threads += $13 }
     END { printf "emulated CUDA tests: %d passed, %d failed; %d emulated kernel launches, %d blocks, %d threads\n",
           passed, failed, launches, blocks, threads }' "$log"

# The GPU benchmark harness (benches/gpu_ops.rs) in short mode on the emulated device: tiny
# sizes, every op's result checked against the CPU backend, events timing the emulated streams.
# It proves the harness runs (ci/gpu.sh runs its full mode on a real GPU); the timings mean nothing.
echo "--- benches/gpu_ops.rs, short mode, on DEVARRAY_DEVICE=cuda-emu"
DEVARRAY_DEVICE=cuda-emu DEVARRAY_MAX_GRID=3 cargo test -p devarray-benches --features emulator --bench gpu_ops
echo "--- benches/gpu_algos.rs (matmul, solvers, sorts, scans, FFTs), short mode, on DEVARRAY_DEVICE=cuda-emu"
DEVARRAY_DEVICE=cuda-emu DEVARRAY_MAX_GRID=3 cargo test -p devarray-benches --features emulator --bench gpu_algos
echo "ci/emulator.sh: tests $((SECONDS - test_start)) s, total $((SECONDS - started)) s"
