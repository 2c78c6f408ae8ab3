#!/usr/bin/env bash
# Runs the Array API standard's official test suite (data-apis/array-api-tests) against the
# devarray installed in .cache/venv, and prints a per-file passed/failed/skipped summary and the
# failing tests. The results of the last recorded run are in docs/array-api-conformance.md.
#
# A LOCAL TOOL, NOT PART OF ci/test.sh: the suite is not on PyPI (it is a git repository with the
# spec as a submodule), so this script takes a checkout of it instead of installing it.
#
#   bash tools/array_api_suite.sh PATH                 # PATH: an array-api-tests checkout
#   ARRAY_API_TESTS_DIR=PATH bash tools/array_api_suite.sh
#   bash tools/array_api_suite.sh PATH array_api_tests/test_linalg.py   # extra pytest arguments
#                                      (after PATH, or after "" when PATH comes from the env)
#   AAT_MAX_EXAMPLES=200 AAT_SEED=1 bash tools/array_api_suite.sh PATH  # other Hypothesis settings
#
# The checkout needs its `array-api` submodule (the spec, used for the signature tests) checked
# out at the commit the suite pins (`git -C PATH submodule update --init`). Recorded run: suite
# 55fcc60179efa2680ddd6cd926ddf17b83530e2b, array-api 5f847a3858875c682ae901aa22b0413bf24be9da.
#
# What it does:
# - devarray must already be installed in .cache/venv (`source ci/python-env.sh` and the pip install
#   of ./bindings, as in ci/python.sh); pytest and hypothesis come from there (ci/requirements.lock).
#   This script builds nothing.
# - The suite's other dependencies are installed at exact versions into .cache/aat/site (pip
#   --target, --no-deps), never into the venv, and ci/requirements.lock is not touched.
# - The checkout is copied to .cache/aat/suite (without .git) and run unpatched, every dtype
#   enabled (until devarray had complex dtypes, a patch and ARRAY_API_TESTS_SKIP_DTYPES were
#   needed for the suite to import its configuration at all).
# - Runs with ARRAY_API_TESTS_VERSION=2024.12, --max-examples=50 --hypothesis-seed=0
#   --disable-deadline (the 800 ms default deadline makes results depend on machine load) and a
#   fresh Hypothesis example database, so two runs on one machine generate the same examples.
#   Report: .cache/aat/report.json (pytest-json-report); full log: .cache/aat/pytest.log.
#
# Exit status: pytest's (1 when any test failed, which is the case today: see the doc), or 2 when
# the setup fails. About 3 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

src=${1:-${ARRAY_API_TESTS_DIR:-}}
[ $# -gt 0 ] && shift
if [ -z "$src" ] || [ ! -d "$src/array_api_tests" ]; then
    echo "usage: bash tools/array_api_suite.sh PATH [pytest args...]  (or ARRAY_API_TESTS_DIR=PATH)" >&2
    echo "PATH must be a checkout of data-apis/array-api-tests (it has array_api_tests/)" >&2
    exit 2
fi
src=$(cd "$src" && pwd)
if [ ! -d "$src/array-api/src/array_api_stubs" ]; then
    echo "$src/array-api is empty: check out the spec submodule (git -C $src submodule update --init)" >&2
    exit 2
fi

python=$root/.cache/venv/bin/python
if ! "$python" -c 'import devarray' 2>/dev/null; then
    echo "devarray is not installed in .cache/venv: run the install step of ci/python.sh first" >&2
    exit 2
fi

aat=$root/.cache/aat
mkdir -p "$aat"

# Exact versions of the suite's requirements that ci/requirements.lock does not have
# (pytest-metadata is pytest-json-report's one dependency).
pins="ndindex==1.10.1 pytest-json-report==1.5.0 pytest-metadata==3.1.1"
if [ "$(cat "$aat/site.pins" 2>/dev/null)" != "$pins" ]; then
    rm -rf "$aat/site" "$aat/site.pins"
    # shellcheck disable=SC2086
    "$python" -m pip install --quiet --disable-pip-version-check --no-deps --target "$aat/site" $pins
    echo "$pins" > "$aat/site.pins"
fi

suite_commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)
spec_commit=$(git -C "$src/array-api" rev-parse HEAD 2>/dev/null || echo unknown)

# A fresh copy of the checkout, run unpatched (devarray has complex64/complex128, so the suite
# imports its configuration as it is).
rm -rf "$aat/suite"
mkdir -p "$aat/suite"
tar -C "$src" --exclude=.git --exclude=.hypothesis --exclude=.pytest_cache --exclude=__pycache__ -cf - . \
    | tar -C "$aat/suite" -xf -

max_examples=${AAT_MAX_EXAMPLES:-50}
seed=${AAT_SEED:-0}
rm -rf "$aat/hypothesis"
export HYPOTHESIS_STORAGE_DIRECTORY=$aat/hypothesis
export PYTHONPATH=$aat/site${PYTHONPATH:+:$PYTHONPATH}
export ARRAY_API_TESTS_MODULE=devarray
export ARRAY_API_TESTS_VERSION=2024.12

echo "array-api-tests $suite_commit (array-api $spec_commit)"
"$python" -c 'import devarray, hypothesis, pytest, numpy, sys; print("devarray", devarray.__version__, "| python", sys.version.split()[0], "| pytest", pytest.__version__, "| hypothesis", hypothesis.__version__, "| numpy", numpy.__version__)'
echo "extra packages: $pins"
echo "ARRAY_API_TESTS_VERSION=$ARRAY_API_TESTS_VERSION (every dtype, complex included)"
echo "pytest --max-examples=$max_examples --hypothesis-seed=$seed --disable-deadline $*"

[ $# -eq 0 ] && set -- array_api_tests/
rc=0
(cd "$aat/suite" && "$python" -m pytest "$@" -p no:cacheprovider -q -rfE \
    --max-examples="$max_examples" --hypothesis-seed="$seed" --disable-deadline \
    --json-report --json-report-file="$aat/report.json") > "$aat/pytest.log" 2>&1 || rc=$?
tail -n 1 "$aat/pytest.log"
if [ ! -s "$aat/report.json" ]; then
    echo "pytest wrote no report (exit $rc); the log is $aat/pytest.log:" >&2
    tail -n 30 "$aat/pytest.log" >&2
    exit "$rc"
fi

"$python" - "$aat/report.json" <<'PY'
import collections, json, sys

report = json.load(open(sys.argv[1]))
counts = collections.defaultdict(collections.Counter)
failures = []
for test in report["tests"]:
    path, _, name = test["nodeid"].partition("::")
    file = path.rsplit("/", 1)[-1]
    counts[file][test["outcome"]] += 1
    if test["outcome"] in ("failed", "error"):
        phase = next(p for p in ("setup", "call", "teardown") if test.get(p, {}).get("outcome") == "failed")
        message = test[phase].get("crash", {}).get("message", "").splitlines()
        failures.append((file, name, message[0] if message else "(no message)"))
for collector in report.get("collectors", []):
    if collector["outcome"] == "failed":
        lines = (collector.get("longrepr") or "(no message)").splitlines()
        failures.append((collector["nodeid"], "(collection error)", lines[-1] if lines else "(no message)"))

outcomes = ("passed", "failed", "skipped", "error", "xfailed", "xpassed")
shown = [o for o in outcomes if any(c[o] for c in counts.values())]
width = max([len("file")] + [len(f) for f in counts])
print()
print(f"{'file':<{width}} " + " ".join(f"{o:>8}" for o in shown))
for file in sorted(counts):
    print(f"{file:<{width}} " + " ".join(f"{counts[file][o]:>8}" for o in shown))
total = collections.Counter()
for c in counts.values():
    total.update(c)
print(f"{'total':<{width}} " + " ".join(f"{total[o]:>8}" for o in shown))
if failures:
    print(f"\n{len(failures)} failing tests (first line of each error):")
    for file, name, message in failures:
        print(f"  {file}::{name}: {message[:160]}")
PY
exit "$rc"
