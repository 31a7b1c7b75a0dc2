#!/usr/bin/env bash
# Fairness-influence benchmark on Adult: Swift (release, OPENBLAS_NUM_THREADS=1) vs a NumPy reference
# and a PyTorch CPU reference on identical parameters.
# Usage: bash Benchmarks/influence/run.sh [mlp-epochs] [seed]
# Environment: FAIRMEM_DATA_DIR (default Data/raw; fetched by Scripts/fetch-datasets.sh if missing),
# PYTHON (default .venv/bin/python, see Scripts/setup.sh), OUT (default .build/influence-bench),
# FAIRMEM_SKIP_TORCH=1 to skip the PyTorch reference, TORCH_VENV (default .venv-torch).
# The PyTorch reference runs in its own venv, installed from Benchmarks/influence/requirements-torch.txt
# (PyPI only; the torch wheel pulls in the CUDA stack, about 5.4 GB) and re-installed only when that
# file changes. Exit status: non-zero if the NumPy or (when it ran) the PyTorch comparison fails;
# an unavailable PyTorch (e.g. no network) is reported but does not change the status.
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
swift build -c release --package-path Benchmarks --product influence-bench
BIN="$(swift build -c release --package-path Benchmarks --show-bin-path)/influence-bench"
mkdir -p "$OUT"
TIMEV=()
[ -x /usr/bin/time ] && TIMEV=(/usr/bin/time -f "%C: peak RSS %M KiB, wall %e s")
"${TIMEV[@]}" "$BIN" "$DATA" "$OUT" "$EPOCHS" "$SEED"
status=0
"${TIMEV[@]}" "$PYTHON" "$ROOT/Benchmarks/influence/reference.py" "$OUT" || status=$?

if [ "${FAIRMEM_SKIP_TORCH:-0}" = 1 ]; then
  echo "FAIRMEM_SKIP_TORCH=1: PyTorch reference skipped"
  exit "$status"
fi
TORCH_VENV="${TORCH_VENV:-$ROOT/.venv-torch}"
REQ="$ROOT/Benchmarks/influence/requirements-torch.txt"
# The venv is up to date when its stamp matches the requirements file and Python version, and torch
# imports with the pinned version; otherwise it is (re)built from scratch.
wanted_torch="$(sed -n 's/^torch==//p' "$REQ")"
wanted_stamp="$( { sha256sum "$REQ" | cut -d' ' -f1; "$PYTHON" --version 2>&1; } | sha256sum | cut -d' ' -f1)"
torch_ready() {
  [ "$(cat "$TORCH_VENV/.requirements-torch.sha256" 2>/dev/null)" = "$wanted_stamp" ] &&
    "$TORCH_VENV/bin/python" -c "import sys, torch; sys.exit(torch.__version__.split('+')[0] != '$wanted_torch')" 2>/dev/null
}
if torch_ready; then
  echo "PyTorch $wanted_torch already installed in $TORCH_VENV"
else
  echo "installing PyTorch $wanted_torch into $TORCH_VENV from PyPI (requirements-torch.txt; about 5.4 GB)"
  rm -rf "$TORCH_VENV"
  # PIP_FIND_LINKS=" ": no local wheel directories, PyPI only (a machine's pip.conf or environment
  # may point find-links at local wheels, e.g. a +cpu build that "==" would accept; pip 23 ignores an
  # empty PIP_FIND_LINKS and falls back to the config file, a blank one overrides it).
  if "$PYTHON" -m venv "$TORCH_VENV" &&
    PIP_FIND_LINKS=" " "$TORCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQ" &&
    echo "$wanted_stamp" >"$TORCH_VENV/.requirements-torch.sha256" && torch_ready; then
    echo "PyTorch $wanted_torch installed"
  else
    echo "PyTorch reference SKIPPED: could not install $REQ into $TORCH_VENV (no network?)." >&2
    echo "Set FAIRMEM_SKIP_TORCH=1 to skip it silently. Exit status is the NumPy comparison's ($status)." >&2
    rm -rf "$TORCH_VENV"
    exit "$status"
  fi
fi
"${TIMEV[@]}" "$TORCH_VENV/bin/python" "$ROOT/Benchmarks/influence/reference_torch.py" "$OUT" || status=$?
exit "$status"
