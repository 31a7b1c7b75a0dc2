#!/usr/bin/env bash
# LP throughput benchmark: `fairmem sweep` (GLPK) vs scipy.optimize.linprog(method="highs") on the
# same 10,000 least-mass SP and EOpp problems, with an agreement check on every instance.
# One command: bash Benchmarks/lp-sweep/run.sh [bench.py options, e.g. --instances 2000 --reps 5]
# Results: Benchmarks/out/lp-sweep/results.md (markdown table) and results.json. See Docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# Debian packages and the pinned .venv (no build here: done explicitly below).
FAIRMEM_SKIP_BUILD=1 bash Scripts/setup.sh
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
echo "[bench] swift build -c release --product fairmem"
if ! swift build -c release --product fairmem >/tmp/fairmem-bench-build.log 2>&1; then tail -n 60 /tmp/fairmem-bench-build.log >&2; exit 1; fi
export FAIRMEM_BIN="$(swift build -c release --show-bin-path)/fairmem"
[ -x "$FAIRMEM_BIN" ] || { echo "[bench] build failed: no $FAIRMEM_BIN" >&2; exit 1; }
exec .venv/bin/python Benchmarks/lp-sweep/bench.py "$@"
