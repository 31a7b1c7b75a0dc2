#!/usr/bin/env bash
# Graph-of-gradients training loop on COMPAS: FairMem (Swift, release) vs the same loop written
# independently in PyTorch CPU (reference_torch.py), side by side with 1 and 2 threads: time per
# epoch (a fixed number of epochs, validation pass included) and wall time to the selected epoch of
# the default early-stopped run; prints the ratios. Equal data, model (MLP 64 ReLU units, float64),
# batch size 64, K = 3, adversary and optimizer settings.
# Usage: bash Benchmarks/gog/run.sh [fixed-epochs] [seed]
# Environment: FAIRMEM_DATA_DIR (default Data/raw; fetched if missing), PYTHON (default .venv/bin/python),
# OUT (default .build/gog-bench), TORCH_VENV (default .venv-torch; see Benchmarks/torch-venv.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DATA="${FAIRMEM_DATA_DIR:-$ROOT/Data/raw}"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="${OUT:-$ROOT/.build/gog-bench}"
EPOCHS="${1:-30}"
SEED="${2:-0}"
[ -f "$DATA/compas-scores-two-years.csv" ] || FAIRMEM_DATA_DIR="$DATA" bash Scripts/fetch-datasets.sh
[ -x "$PYTHON" ] || { echo "no Python at $PYTHON: run bash Scripts/setup.sh or set PYTHON" >&2; exit 1; }
# shellcheck source=Benchmarks/torch-venv.sh
source "$ROOT/Benchmarks/torch-venv.sh"
ensure_torch_venv || { echo "PyTorch unavailable: cannot run the comparison" >&2; exit 1; }
swift build -c release --package-path Benchmarks --product gog-bench
BIN="$(swift build -c release --package-path Benchmarks --show-bin-path)/gog-bench"
mkdir -p "$OUT"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
for threads in 1 2; do
  # The driver's lines are echoed to stderr by the shell, not `tee /dev/stderr`: tee would reopen a
  # redirected stderr file with O_TRUNC and erase what was logged before.
  swift_out="$(OPENBLAS_NUM_THREADS=$threads "$BIN" "$DATA" "$OUT" "$threads" "$EPOCHS" "$SEED")"
  echo "$swift_out" >&2
  swift_line="$(tail -1 <<<"$swift_out")"
  torch_line="$(OMP_NUM_THREADS=$threads "$TORCH_VENV/bin/python" "$ROOT/Benchmarks/gog/reference_torch.py" "$OUT" "$threads" "$EPOCHS" "$SEED")"
  echo "$torch_line"
  awk -v t="$threads" -v se="$(field per_epoch_ms "$swift_line")" -v te="$(field per_epoch_ms "$torch_line")" \
    -v ss="$(field to_selected_s "$swift_line")" -v ts="$(field to_selected_s "$torch_line")" \
    -v sn="$(field selected_epoch "$swift_line")" -v tn="$(field selected_epoch "$torch_line")" \
    'BEGIN { printf "threads=%d: per epoch %.2f ms (FairMem) vs %.2f ms (PyTorch): %.1fx; to the selected epoch %.3f s (epoch %d) vs %.3f s (epoch %d): %.1fx\n", t, se, te, te / se, ss, sn, ts, tn, ts / ss }'
done
