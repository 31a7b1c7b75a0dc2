#!/usr/bin/env bash
# Fairness-influence benchmark on Adult: Swift (release, OPENBLAS_NUM_THREADS=1) vs a NumPy reference
# on identical parameters. Usage: bash Benchmarks/influence/run.sh [mlp-epochs] [seed]
# Environment: FAIRMEM_DATA_DIR (default Data/raw; fetched by Scripts/fetch-datasets.sh if missing),
# PYTHON (default .venv/bin/python, see Scripts/setup.sh), OUT (default .build/influence-bench).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DATA="${FAIRMEM_DATA_DIR:-$ROOT/Data/raw}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="${OUT:-$ROOT/.build/influence-bench}"
EPOCHS="${1:-10}"
SEED="${2:-1}"
export OPENBLAS_NUM_THREADS=1
if [ ! -f "$DATA/adult.data" ] || [ ! -f "$DATA/adult.test" ]; then
  FAIRMEM_DATA_DIR="$DATA" bash Scripts/fetch-datasets.sh
fi
[ -x "$PYTHON" ] || { echo "no Python at $PYTHON: run bash Scripts/setup.sh or set PYTHON" >&2; exit 1; }
swift build -c release --product influence-bench
BIN="$(swift build -c release --show-bin-path)/influence-bench"
mkdir -p "$OUT"
TIMEV=()
[ -x /usr/bin/time ] && TIMEV=(/usr/bin/time -f "%C: peak RSS %M KiB, wall %e s")
"${TIMEV[@]}" "$BIN" "$DATA" "$OUT" "$EPOCHS" "$SEED"
"${TIMEV[@]}" "$PYTHON" "$ROOT/Benchmarks/influence/reference.py" "$OUT"
