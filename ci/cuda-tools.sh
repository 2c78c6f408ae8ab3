# Sourced by ci/*.sh: NVRTC 12 from PyPI (no CUDA toolkit, no driver needed) in
# .cache/cuda-tools-cu12 (shared with ci/kernels.sh), on LD_LIBRARY_PATH so cudarc (built for
# CUDA 12.8) finds libnvrtc.so.12 at run time.
nvrtc_root=$PWD/.cache/cuda-tools-cu12
nvrtc_lib=$nvrtc_root/nvidia/cuda_nvrtc/lib
if [ ! -f "$nvrtc_lib/libnvrtc.so.12" ]; then
    rm -rf "$nvrtc_root.tmp"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$nvrtc_root.tmp" "nvidia-cuda-nvrtc-cu12==12.9.86"
    rm -rf "$nvrtc_root" && mv "$nvrtc_root.tmp" "$nvrtc_root"
fi
export LD_LIBRARY_PATH="$nvrtc_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "NVRTC: $(ls "$nvrtc_lib" | grep libnvrtc.so.12 | head -1) in $nvrtc_lib"
