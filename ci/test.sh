#!/usr/bin/env bash
# Every devarray test, on a fresh machine with or without a GPU. Installs what it needs itself
# (Python packages into .cache/venv, the NVRTC wheel into .cache/cuda-tools).
#
#   bash ci/test.sh            # CPU machine: CUDA tests report "skipped: no CUDA device"
#   DEVARRAY_REQUIRE_CUDA=1 bash ci/test.sh   # GPU runner: a missing device fails
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '\n=== %s (%ss) ===\n' "$*" $((SECONDS - started)); }

# Disk: a full run builds the crate three ways (tests, --features emulator, the Python extension).
# With debug info that was 17 GB of target/ (the dtype-generic ops monomorphise into ~400 MB test
# binaries) and a runner with less free disk failed with ENOSPC. No debug info and no incremental
# state (useless on a fresh clone) keep it near 3 GB. Panics still print their file:line.
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0
disk_report() { echo "disk: $(df -h . | awk 'NR == 2 { print $4 " free of " $2 }'), target/ $(du -sh target 2>/dev/null | cut -f1)"; }

step "toolchain"
command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup (https://rustup.rs)"; exit 1; }
if command -v rustup >/dev/null; then rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi
cargo --version
disk_report

step "python environment (.cache/venv)"
source ci/python-env.sh

step "NVRTC from PyPI (.cache/cuda-tools)"
source ci/cuda-tools.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --locked --all-targets -- -D warnings (Cargo.lock must be current)"
cargo clippy --locked --all-targets -- -D warnings

step "cargo test (unit, integration, examples, doc tests)"
# NVRTC compiles every kernel module for sm_80 here (DEVARRAY_REQUIRE_NVRTC: a missing libnvrtc
# fails); ci/kernels.sh below covers sm_70/80/90 with register and spill checks.
DEVARRAY_REQUIRE_NVRTC=1 DEVARRAY_NVRTC_TEST_ARCHS=80 cargo test --all-targets
cargo test --doc

step "CUDA backend on the CPU emulator (--features emulator, DEVARRAY_DEVICE=cuda-emu)"
bash ci/emulator.sh

step "NumPy oracle files are current (tools/gen_oracle.py --check)"
python tools/gen_oracle.py --check

step "cargo doc (every public item documented)"
RUSTDOCFLAGS="-D warnings -D missing_docs" cargo doc --no-deps --quiet

step "tour example"
cargo run --quiet --example tour >/dev/null

step "ergonomics example (operators, s![..], Reduce options, display())"
cargo run --quiet --example ergonomics >/dev/null

step "kernels: NVRTC for sm_70/80/90 + resource checks, CPU semantics of the kernel sources"
bash ci/kernels.sh

step "DLPack tests under valgrind memcheck"
bash ci/valgrind.sh

step "python package (bindings/: pip install into .cache/venv, pytest)"
bash ci/python.sh

step "done"
disk_report
echo "all checks passed in $((SECONDS - started))s"
