# Sourced by ci/*.sh: a virtual environment at .cache/venv with exactly the Python packages of
# ci/requirements.lock (every one pinned, transitive ones included; --no-deps so nothing
# unlisted can float in), created on first use. Exports PATH so `python` is the venv's, and
# prints the versions it uses.
venv=.cache/venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
pip_pin=$(grep '^pip==' ci/requirements.lock)
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$pip_pin"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r ci/requirements.lock
# A lock that misses a dependency (or pins incompatible versions) fails here, not in a test.
"$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null || {
    "$venv/bin/python" -m pip check --disable-pip-version-check
    echo "ci/requirements.lock is inconsistent: run bash ci/update-lock.sh"
    return 1 2>/dev/null || exit 1
}
export PATH="$PWD/$venv/bin:$PATH"
echo "$(python --version); packages (ci/requirements.lock):" \
    $(python -m pip list --disable-pip-version-check --format=freeze 2>/dev/null | grep -v '^devarray==' | tr '\n' ' ')
