#!/usr/bin/env bash
# A separate environment for `python benches/python_ops.py --torch`: the CI lock's packages plus
# PyTorch (pinned below; with its CUDA libraries it is a ~6 GB install, which is why CI does not
# have it), and devarray's extension built in release mode. Run from the repository root:
#   bash benches/torch-env.sh
#   .cache/bench-venv/bin/python benches/python_ops.py --torch --dtypes float32 --sizes 16,20,24
set -euo pipefail
TORCH_VERSION=2.15.0
venv=.cache/bench-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r ci/requirements.lock
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION"
MATURIN_PEP517_ARGS="--profile wheel --locked" \
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps ./bindings
"$venv/bin/python" -c 'import torch, numpy, devarray; print("torch", torch.__version__, "numpy", numpy.__version__, "devarray", devarray.__version__)'
