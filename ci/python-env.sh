# Sourced by ci/*.sh: a virtual environment at .cache/venv with the Python packages the tests
# use, created on first use. Exports PATH so `python` is the venv's.
venv=.cache/venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r ci/requirements.txt
export PATH="$PWD/$venv/bin:$PATH"
python --version
