#!/usr/bin/env bash
# Sets up and runs the whole test suite, stage by stage, and prints a summary:
#   setup      Scripts/setup.sh (Debian packages, .venv, release build of fairmem)
#   datasets   Scripts/fetch-datasets.sh, when it exists
#   format     swift format lint --strict over Sources, Tests, Benchmarks (config: .swift-format)
#   swift      swift build --build-tests, then swift test (debug)
#   fuzz       Scripts/fuzz.sh: the libFuzzer targets (Fuzz/) built with coverage + ASan in
#              .build-fuzz, 20 s each with -seed=1 from the committed corpus; a crash fails it
#   sanitize   the Swift tests once more under AddressSanitizer (.build-asan); FAIRMEM_ASAN_FILTER
#              narrows them (a `swift test --filter` pattern; default: every test)
#   python     pytest Tests/python with the venv (scipy/HiGHS LP cross-checks, fairlearn, bad input)
#              against the release binary; FAIRMEM_REQUIRE_CLI=1 so CLI tests cannot silently skip
#   wheel      the Python package: `pip install ./python` into .venv (a platform wheel with the
#              release library and binary), only when its sources changed (stamp in .venv)
#   package    pytest python/tests: every call of the package against the CLI's JSON, the C ABI's
#              bad-input answers, the header compiled and linked, the wheel's metadata
#   spark      pytest python/tests/spark with pyspark in local mode (local[2])
#   notebooks  every Notebooks/*.ipynb executed in place (Scripts/run-notebooks.py)
# Every stage runs even if an earlier one failed (except after a failed setup); the exit code is
# non-zero when any stage failed. CI runs this through .ci/run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
export FAIRMEM_BIN="${FAIRMEM_BIN:-$PWD/.build/release/fairmem}"
export FAIRMEM_REQUIRE_CLI="${FAIRMEM_REQUIRE_CLI:-1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export MPLBACKEND=Agg
export PYTHONDONTWRITEBYTECODE=1

stages=()
declare -A status seconds
stage_start=0
begin() { printf '\n[test] ===== %s =====\n' "$1"; stage_start=$SECONDS; }
finish() { stages+=("$1"); status[$1]=$2; seconds[$1]=$((SECONDS - stage_start)); }

summary() {
  local failed=0 s
  printf '\n[test] summary (%d s in all):\n' "$SECONDS"
  for s in "${stages[@]}"; do
    case "${status[$s]}" in
      0) printf '  %-10s ok       (%4d s)\n' "$s" "${seconds[$s]}" ;;
      skipped) printf '  %-10s skipped\n' "$s" ;;
      *) printf '  %-10s FAILED   (%4d s, exit %s)\n' "$s" "${seconds[$s]}" "${status[$s]}"; failed=1 ;;
    esac
  done
  return $failed
}

begin setup
bash Scripts/setup.sh </dev/null
code=$?
finish setup $code
if [ $code -ne 0 ]; then
  summary
  exit 1
fi

if [ -f Scripts/fetch-datasets.sh ]; then
  begin datasets
  bash Scripts/fetch-datasets.sh </dev/null
  finish datasets $?
fi

begin format
# The toolchain's formatter; fix with: swift format format -i -r --parallel Sources Tests Benchmarks Fuzz Package.swift
swift format lint -r --strict --parallel Sources Tests Benchmarks Fuzz Package.swift
finish format $?

begin swift
mkdir -p .build
if swift build --build-tests >.build/swift-build-tests.log 2>&1; then
  grep -E 'warning:' .build/swift-build-tests.log | sort -u | tail -n 40
  # Full log in .build/swift-test.log; shown: everything but per-test "started/passed" chatter.
  swift test </dev/null 2>&1 | tee .build/swift-test.log \
    | awk '/Test run with|Executed [0-9]+ test/ { print; next }
           /^Test Case .* (started|passed)/ || /^Test Suite .* started/ || /^\[seed\]/ { next }
           /^[^A-Za-z]*(Test|Suite) .* (started|passed after)/ { next }
           { print }' | tail -n 200
  code=${PIPESTATUS[0]}
  if [ "$code" -ne 0 ]; then
    echo "[test] swift test failed (exit $code); failure lines:"
    grep -E "error|failed|issue|recorded an issue" .build/swift-test.log | grep -vE 'with 0 failures|0 issues' | head -n 60
  fi
  finish swift "$code"
else
  grep -vE '^\[[0-9]+/[0-9]+\] ' .build/swift-build-tests.log | tail -n 80
  echo "[test] swift build --build-tests failed (full log: .build/swift-build-tests.log)"
  finish swift 1
fi

begin fuzz
bash Scripts/fuzz.sh </dev/null
finish fuzz $?

begin sanitize
# Linux Swift offers AddressSanitizer (and ThreadSanitizer); -sanitize=undefined is rejected
# for Swift code ("unsupported option ... for target x86_64-unknown-linux-gnu"), and Swift
# itself traps on overflow and out-of-bounds access, so UBSan has nothing to add here.
if swift build --build-tests --scratch-path .build-asan --sanitize address >.build/swift-asan-build.log 2>&1; then
  ASAN_OPTIONS="detect_leaks=0:halt_on_error=1" SWIFT_BACKTRACE=enable=no \
    swift test --skip-build --scratch-path .build-asan --sanitize address \
    ${FAIRMEM_ASAN_FILTER:+--filter "$FAIRMEM_ASAN_FILTER"} </dev/null >.build/swift-asan-test.log 2>&1
  code=$?
  grep -E "Test run with|Executed [0-9]+ test|ERROR: AddressSanitizer|SUMMARY: AddressSanitizer" .build/swift-asan-test.log | tail -n 20
  [ "$code" -eq 0 ] || { echo "[test] swift test under ASan failed (exit $code; log .build/swift-asan-test.log)"; grep -E "✘|error:" .build/swift-asan-test.log | head -n 40; }
  finish sanitize "$code"
else
  grep -vE '^\[[0-9]+/[0-9]+\] ' .build/swift-asan-build.log | tail -n 40
  echo "[test] ASan build failed (log .build/swift-asan-build.log)"
  finish sanitize 1
fi

begin python
if [ -n "$(find Tests/python -name 'test_*.py' 2>/dev/null | head -n 1)" ]; then
  .venv/bin/python -m pytest Tests/python -q -rsxX -p no:cacheprovider </dev/null
  finish python $?
else
  # pytest exits 5 when it collects nothing; that is only fine when there is no test file at all.
  echo "[test] no Python tests (Tests/python/test_*.py)"
  finish python skipped
fi

begin wheel
# The wheel is rebuilt and re-installed only when what goes into it changed. The build backend
# (hatchling, pinned in requirements.txt) is already in .venv, hence --no-build-isolation.
wheel_stamp=.venv/.fairmem-wheel.sha256
wheel_sources=$( { git ls-files -s -- Package.swift Sources include python/src python/pyproject.toml python/hatch_build.py Scripts/build-release.sh 2>/dev/null;
  git diff -- Package.swift Sources include python/src python/pyproject.toml python/hatch_build.py Scripts/build-release.sh 2>/dev/null;
  git ls-files --others --exclude-standard -- Sources include python/src | xargs -r sha256sum; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$wheel_stamp" 2>/dev/null)" = "$wheel_sources" ] && .venv/bin/python -c 'import fairmem; fairmem.version()' >/dev/null 2>&1; then
  echo "[test] fairmem wheel up to date"
  finish wheel 0
else
  rm -f "$wheel_stamp"
  if .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
    --force-reinstall ./python </dev/null; then
    echo "$wheel_sources" >"$wheel_stamp"
    finish wheel 0
  else
    finish wheel 1
  fi
fi

begin package
.venv/bin/python -m pytest python/tests --ignore=python/tests/spark -q -rsxX -p no:cacheprovider </dev/null
finish package $?

begin spark
FAIRMEM_REQUIRE_SPARK=1 .venv/bin/python -m pytest python/tests/spark -q -rsxX -s -p no:cacheprovider </dev/null \
  | grep -vE '^\s*$'
finish spark "${PIPESTATUS[0]}"

begin notebooks
if compgen -G "Notebooks/*.ipynb" >/dev/null; then
  .venv/bin/python Scripts/run-notebooks.py </dev/null
  finish notebooks $?
else
  echo "[test] no notebooks (Notebooks/*.ipynb)"
  finish notebooks skipped
fi

summary
