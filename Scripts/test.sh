#!/usr/bin/env bash
# Sets up and runs the whole test suite: Swift tests, Python cross-checks (scipy/HiGHS,
# fairlearn, bad input), and every notebook in Notebooks/ executed in place.
set -uo pipefail
cd "$(dirname "$0")/.."
export FAIRMEM_BIN="$PWD/.build/release/fairmem"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export MPLBACKEND=Agg

bash Scripts/setup.sh || { echo "[test] setup failed"; exit 1; }

declare -A status
if [ -f Scripts/fetch-datasets.sh ]; then
  bash Scripts/fetch-datasets.sh; status[datasets]=$?
fi

echo "[test] swift tests"
if swift build --build-tests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]'; then :; fi
swift test 2>&1 | tee .build/swift-test.log | grep -vE '^(Test Case|Test Suite|\[seed\])' | tail -n 400
status[swift]=${PIPESTATUS[0]}

echo "[test] python cross-checks"
.venv/bin/python -m pytest Tests/python -q
code=$?
[ $code -eq 5 ] && [ -z "$(ls Tests/python/test_*.py 2>/dev/null)" ] && code=0
status[python]=$code

echo "[test] notebooks"
.venv/bin/python Scripts/run-notebooks.py
status[notebooks]=$?

echo
echo "[test] summary:"
failed=0
for stage in datasets swift python notebooks; do
  [ -n "${status[$stage]+x}" ] || continue
  if [ "${status[$stage]}" -eq 0 ]; then echo "  $stage: ok"; else echo "  $stage: FAILED (${status[$stage]})"; failed=1; fi
done
exit $failed
