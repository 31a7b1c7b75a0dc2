#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, see Docs/fuzzing.md) in .build-fuzz and runs each one for
# a fixed time with a fixed seed, starting from its committed corpus in Fuzz/corpus/<target>.
#
#   bash Scripts/fuzz.sh                 # the test-suite run: 20 s per target, -seed=1
#   FUZZ_SECONDS=1800 FUZZ_SEED=0 bash Scripts/fuzz.sh SweepLineFuzz   # a long run, random seed
#
# New inputs found during a run go to .build-fuzz/corpus/<target> (not committed; copy the
# interesting ones into Fuzz/corpus/<target> by hand). A crash, a sanitizer report or a timeout
# writes .build-fuzz/artifacts/<target>/crash-* (or timeout-*, oom-*) and makes this script
# exit non-zero; replay it with `.build-fuzz/release/<target> <artifact>`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

seconds="${FUZZ_SECONDS:-20}"
seed="${FUZZ_SEED:-1}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(StatisticsDecoderFuzz CSVTableFuzz SweepLineFuzz)

# libFuzzer without its own main (our targets call LLVMFuzzerRunDriver: SwiftPM gives every
# executable a `main`), coverage instrumentation for libFuzzer, AddressSanitizer, and
# -enable-testing for the sweep line handler (internal to FairMemCommands).
resource_dir="$(dirname "$(dirname "$(command -v swift)")")/lib/clang"
runtime="$(ls "$resource_dir"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -n 1)"
if [ -z "$runtime" ]; then
  echo "[fuzz] libclang_rt.fuzzer_no_main not found under $resource_dir" >&2
  exit 1
fi
echo "[fuzz] building ${targets[*]} in .build-fuzz"
mkdir -p .build-fuzz
: >.build-fuzz/build.log
for target in "${targets[@]}"; do
  if ! FAIRMEM_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product "$target" \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xswiftc -enable-testing -Xlinker "$runtime" -Xlinker -lstdc++ >>.build-fuzz/build.log 2>&1; then
    grep -vE '^\[[0-9]+/[0-9]+\] ' .build-fuzz/build.log | tail -n 40
    echo "[fuzz] build of $target failed (log: .build-fuzz/build.log)" >&2
    exit 1
  fi
done

failed=0
for target in "${targets[@]}"; do
  corpus=".build-fuzz/corpus/$target"
  artifacts=".build-fuzz/artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  # A crash must show up as libFuzzer's report and exit code, not as Swift's backtrace.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
    ".build-fuzz/release/$target" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "Fuzz/corpus/$target" \
    >".build-fuzz/$target.log" 2>&1
  code=$?
  stats="$(grep -E '^stat::number_of_executed_units' ".build-fuzz/$target.log" | awk '{print $2}')"
  if [ $code -eq 0 ]; then
    echo "[fuzz] $target: ok, ${stats:-?} inputs in ${seconds} s (seed $seed)"
  else
    failed=1
    echo "[fuzz] $target: FAILED (exit $code); artifacts in $artifacts"
    grep -E 'ERROR|Fatal error|Precondition|SUMMARY|Test unit written' ".build-fuzz/$target.log" | head -n 20
  fi
done
exit $failed
