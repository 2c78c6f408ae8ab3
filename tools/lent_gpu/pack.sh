#!/usr/bin/env bash
# Builds what a lent GPU machine without cargo needs to run devarray's GPU checks, and packs it
# into .gpu/bins.tar.xz (git-ignored through .git/info/exclude; carry ".gpu" to the machine).
# Used on 2026-12-04 for the first H200 run (benches/results/gpu_tests.md). On a real GPU runner
# with a Rust toolchain, use `bash ci/gpu.sh` instead.
#
#   bash tools/lent_gpu/pack.sh [PYTHON_MINOR]   # the device's CPython 3.x (default 12)
#
# What it builds: the CUDA-relevant test binaries (dev profile, as `cargo test` runs them), the
# tour example, the two GPU benchmarks (release), and the Python extension for CPython
# 3.PYTHON_MINOR through a PyO3 config file (no interpreter of that version needed here). The
# binaries are stripped and xz-compressed: the device tool carries at most 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
minor=${1:-12}
export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
mkdir -p .gpu
tests=(cuda_backend cuda_complex cuda_complex_linalg cuda_kernels cuda_memory cuda_reductions cuda_streams
       dlpack_malformed dlpack_roundtrip dlpack_stream device_env array_creation)
# Cargo's own list of the executables it built (a newer build of the same target with other
# features, the emulator's, must not be picked up by name).
executables() { python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("executable"):
        print(m["target"]["name"], m["executable"])'; }
cargo test -p devarray --no-run --message-format=json --lib $(printf -- '--test %s ' "${tests[@]}") | executables > .gpu/tests.list
cargo build --message-format=json --example tour | executables > .gpu/tour.list
cargo bench --no-run --message-format=json -p devarray-benches --bench gpu_ops --bench gpu_algos | executables > .gpu/benches.list
cat > .gpu/pyo3.cfg <<CFG
implementation=CPython
version=3.$minor
shared=true
abi3=false
lib_name=python3.$minor
pointer_width=64
build_flags=
suppress_build_script_link_lines=false
CFG
PYO3_CONFIG_FILE=$PWD/.gpu/pyo3.cfg PYO3_BUILD_EXTENSION_MODULE=1 CARGO_TARGET_DIR=target/py3$minor \
    cargo build -p devarray-python
out=$(mktemp -d)
while read -r name path; do cp "$path" "$out/t_$name"; done < .gpu/tests.list
while read -r name path; do cp "$path" "$out/$name"; done < .gpu/tour.list
while read -r name path; do cp "$path" "$out/$name"; done < .gpu/benches.list
cp "target/py3$minor/debug/lib_devarray.so" "$out/_devarray.cpython-3$minor-x86_64-linux-gnu.so"
strip "$out"/*
tar -C "$out" -cf - . | xz -6 -T0 > .gpu/bins.tar.xz
cp tools/lent_gpu/run.sh .gpu/run.sh
echo "$PWD" > .gpu/built_in  # where env!("CARGO_MANIFEST_DIR") points in these binaries
rm -rf "$out"
ls -la .gpu/bins.tar.xz
echo "now: the device tool's run with carry [\".gpu\"] and command \"bash .gpu/run.sh\""
