#!/usr/bin/env bash
# Scaling of every theory command in the number of groups G and classes K: wall time and peak
# RSS per command and size (one run each, seeded instances). See Docs/benchmarks.md.
# One command: bash Benchmarks/scaling/run.sh [--timeout 60]
# Results: Benchmarks/out/scaling/results.md and results.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source Benchmarks/release-fairmem.sh
exec .venv/bin/python Benchmarks/scaling/scaling.py "$@"
