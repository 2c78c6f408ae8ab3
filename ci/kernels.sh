#!/usr/bin/env bash
# GPU-free kernel check: compile every kernels/*.cu family x dtype x sm_70/sm_80/sm_90 with NVRTC,
# check registers / stack / spills / local memory / 128-bit loads (tools/kernel_check.py).
# Needs only python3 + pip (PyPI). Tools go to .cache/ (git-ignored), installed once:
#   .cache/cuda-tools       nvidia-cuda-nvrtc (CUDA 13: libnvrtc.so.13), -cuobjdump, -nvdisasm
#   .cache/cuda-tools-cu12  nvidia-cuda-nvrtc-cu12 (CUDA 12.9: the last NVRTC with sm_70)
# Arguments are passed to tools/kernel_check.py (--arch, --family, --dtype, -j, --failures-only).
# Without arguments (the full CI run) it then also runs the CPU semantics tests of the kernels
# (kernels/hosttest: the .cu files built as host C++ with g++, compared against NumPy from the
# pinned environment of ci/python-env.sh). DA_HOST_TESTS=0 skips them, DA_HOST_TESTS=1 forces them.
set -euo pipefail
cd "$(dirname "$0")/.."

NVRTC13_PKGS="nvidia-cuda-nvrtc==13.5.37 nvidia-cuda-cuobjdump==13.5.37 nvidia-cuda-nvdisasm==13.5.37"
NVRTC12_PKGS="nvidia-cuda-nvrtc-cu12==12.9.86"
T13=.cache/cuda-tools
T12=.cache/cuda-tools-cu12

pip_target() {  # pip_target DIR PKGS...  (pip --target does not merge into an existing tree)
  local dir=$1; shift
  rm -rf "$dir.tmp"
  python3 -m pip install --quiet --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
    --no-deps --target "$dir.tmp" "$@"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

mkdir -p .cache
if [ ! -f "$T13/nvidia/cu13/lib/libnvrtc.so.13" ] || [ ! -x "$T13/nvidia/cu13/bin/cuobjdump" ] \
   || [ ! -x "$T13/nvidia/cu13/bin/nvdisasm" ]; then
  echo "installing CUDA 13 NVRTC + cuobjdump + nvdisasm into $T13"
  pip_target "$T13" $NVRTC13_PKGS
fi
if [ ! -f "$T12/nvidia/cuda_nvrtc/lib/libnvrtc.so.12" ]; then
  echo "installing CUDA 12 NVRTC (sm_70) into $T12"
  pip_target "$T12" $NVRTC12_PKGS
fi

start=$(date +%s)
set +e
python3 tools/kernel_check.py "$@"
rc=$?
set -e
echo "ci/kernels.sh: NVRTC check $(( $(date +%s) - start )) s, exit $rc"

host=${DA_HOST_TESTS:-}
if [ -z "$host" ]; then
  if [ $# -eq 0 ]; then host=1; else host=0; fi
fi
if [ "$host" = 1 ]; then
  if ! command -v "${CXX:-g++}" >/dev/null 2>&1; then
    echo "ci/kernels.sh: no ${CXX:-g++}, skipping the CPU kernel tests"
  else
    source ci/python-env.sh >/dev/null
    t1=$(date +%s)
    set +e
    python kernels/hosttest/test_kernels.py
    hrc=$?
    set -e
    echo "ci/kernels.sh: CPU kernel tests $(( $(date +%s) - t1 )) s, exit $hrc"
    [ $rc -eq 0 ] && rc=$hrc
  fi
fi
echo "ci/kernels.sh: total $(( $(date +%s) - start )) s, exit $rc"
exit $rc
