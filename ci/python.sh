#!/usr/bin/env bash
# The Python package (bindings/): builds devarray into the virtual environment .cache/venv with
# `pip install ./bindings` (maturin as the build backend) and runs bindings/tests with pytest.
#
#   bash ci/python.sh                       # called by ci/test.sh; also runs on its own
#   DEVARRAY_PYTHON_PROFILE=release bash ci/python.sh   # optimised build (slower to compile)
#
# The default build is Cargo's dev profile: it reuses the debug artifacts `cargo test` already
# built in target/ (the bindings crate is a workspace member), so only pyo3 and the bindings
# compile here. Tests need no GPU; CUDA cases report "skipped: no CUDA device" unless
# DEVARRAY_REQUIRE_CUDA=1, which makes a missing device an error.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

source ci/python-env.sh

profile=${DEVARRAY_PYTHON_PROFILE:-dev}
echo "building the devarray Python package (cargo profile: $profile)"
MATURIN_PEP517_ARGS="--profile $profile --locked" \
    python -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps ./bindings
python -c "import devarray, sys; print('devarray', devarray.__version__, 'on Python', sys.version.split()[0], '-', devarray.devices())"

echo "running the Python tests (bindings/tests)"
python -m pytest bindings/tests -p no:cacheprovider -q -rs --durations=5
# benches/python_ops.py's short mode: tiny sizes, every devarray result checked against NumPy.
python benches/python_ops.py --short
python benches/python_linalg.py --short
# A Dask graph on a 1- and a 2-process LocalCluster, devarray against NumPy chunks (checked).
python benches/python_dask.py --short
python benches/python_random.py --short
python benches/python_scan.py --short
python benches/python_sort.py --short
python benches/python_fft.py --short
echo "python: done in $((SECONDS - started))s"
