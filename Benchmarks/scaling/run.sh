#!/usr/bin/env bash
# Scaling of every theory command in the number of groups G and classes K: wall time and peak
# RSS per command and size (one run each, seeded instances). See Docs/benchmarks.md.
# One command: bash Benchmarks/scaling/run.sh [--timeout 60]
# Results: Benchmarks/out/scaling/results.md and results.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
FAIRMEM_SKIP_BUILD=1 bash Scripts/setup.sh
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
echo "[bench] swift build -c release --product fairmem"
if ! swift build -c release --product fairmem >/tmp/fairmem-scaling-build.log 2>&1; then
  tail -n 60 /tmp/fairmem-scaling-build.log >&2
  exit 1
fi
export FAIRMEM_BIN="$(swift build -c release --show-bin-path)/fairmem"
exec .venv/bin/python Benchmarks/scaling/scaling.py "$@"
