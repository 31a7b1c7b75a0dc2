#!/usr/bin/env bash
# Logistic-regression benchmark on UCI Adult: FairMem's MultinomialLogisticRegression (Newton and
# L-BFGS, OpenBLAS 1 and 2 threads) vs scikit-learn LogisticRegression(solver="lbfgs") on the
# identical preprocessed training matrix, with an objective-agreement check (relative 1e-6).
# One command: bash Benchmarks/lr-adult/run.sh [--C 1.0] [--reps 3]
# Results: Benchmarks/out/lr-adult/{swift.json,results.json}, table on stdout. See Docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

C=1.0
REPS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --C) C="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    *) echo "usage: $0 [--C value] [--reps n]" >&2; exit 2 ;;
  esac
done

bash Scripts/setup.sh          # Debian packages, pinned .venv, release build of fairmem
bash Scripts/fetch-datasets.sh # Data/raw/adult.{data,test}, checksum-verified
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
echo "[bench] swift build -c release --package-path Benchmarks --product lr-bench"
if ! swift build -c release --package-path Benchmarks --product lr-bench >/tmp/lr-bench-build.log 2>&1; then tail -n 60 /tmp/lr-bench-build.log >&2; exit 1; fi
BIN="$(swift build -c release --package-path Benchmarks --show-bin-path)/lr-bench"
OUT=Benchmarks/out/lr-adult
mkdir -p "$OUT"
echo "[bench] machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
# The driver sets the OpenBLAS thread count itself (1, then 2) around each timed fit.
"$BIN" --data-dir Data/raw --out "$OUT" --C "$C" --reps "$REPS" > /dev/null
echo "[bench] load average after FairMem fits: $(cut -d' ' -f1-3 /proc/loadavg)"
# scikit-learn's lbfgs does its own numpy/scipy BLAS calls: give it one thread as well (fair
# comparison with the threads=1 rows); its row is labelled with this setting.
status=0
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 .venv/bin/python Benchmarks/lr-adult/bench.py --out "$OUT" --reps "$REPS" || status=$?
echo "[bench] load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
