# Sourced by ci/*.sh: NVRTC 12 from PyPI (no CUDA toolkit, no driver needed) in .cache/nvrtc-cu12,
# on LD_LIBRARY_PATH so cudarc (built for CUDA 12.8) finds libnvrtc.so.12 at run time.
# (ci/kernels.sh keeps its own NVRTC 13 + cuobjdump in .cache/cuda-tools.)
nvrtc_root=$PWD/.cache/nvrtc-cu12
nvrtc_lib=$nvrtc_root/nvidia/cuda_nvrtc/lib
if ! ls "$nvrtc_lib"/libnvrtc.so.12* >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check --target "$nvrtc_root" "nvidia-cuda-nvrtc-cu12>=12.4,<13"
fi
export LD_LIBRARY_PATH="$nvrtc_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ls "$nvrtc_lib"
