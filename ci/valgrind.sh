#!/usr/bin/env bash
# The DLPack integration tests (tests/dlpack*.rs) under valgrind memcheck: every foreign and
# exported tensor must be released exactly once, with no invalid reads or writes.
#
#   bash ci/valgrind.sh
#
# Fails on definite or indirect leaks and on any memcheck error. "Possibly lost" and "still
# reachable" blocks (rayon's global pool, thread-locals, the CPU buffer cache) are not counted.
# Meant for CPU machines: CUDA devices are hidden, so the CUDA driver is not run under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '\n=== %s (%ss) ===\n' "$*" $((SECONDS - started)); }

step "valgrind"
if ! command -v valgrind >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "valgrind is not installed and this is not root: install it (apt-get install -y valgrind) and rerun"
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq valgrind >/dev/null
fi
valgrind --version

export CUDA_VISIBLE_DEVICES=""
tests=$(for f in tests/dlpack*.rs; do basename "$f" .rs; done)
[ -n "$tests" ] || { echo "no tests/dlpack*.rs found"; exit 1; }

for t in $tests; do
    step "build $t"
    # The test binary's path, from cargo's JSON messages (the artifact of target "$t" with an
    # "executable").
    bin=$(cargo test --test "$t" --no-run --message-format=json \
        | grep '"executable":"' | grep "\"name\":\"$t\"" \
        | sed -E 's/.*"executable":"([^"]*)".*/\1/' | tail -n 1)
    [ -x "$bin" ] || { echo "could not find the test binary of $t"; exit 1; }

    step "valgrind $t"
    valgrind --tool=memcheck --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=1 --quiet \
        "$bin" --test-threads=1
done

step "done"
echo "valgrind: no leaks and no memory errors in: $(echo $tests) ($((SECONDS - started))s)"
