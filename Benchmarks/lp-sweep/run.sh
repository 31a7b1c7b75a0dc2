#!/usr/bin/env bash
# LP throughput benchmark: `fairmem sweep` (GLPK) vs scipy.optimize.linprog(method="highs") on the
# same 10,000 least-mass SP and EOpp problems, with an agreement check on every instance.
# One command: bash Benchmarks/lp-sweep/run.sh [bench.py options, e.g. --instances 2000 --reps 5]
# Results: Benchmarks/out/lp-sweep/results.md (markdown table) and results.json. See Docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

source Benchmarks/release-fairmem.sh
exec .venv/bin/python Benchmarks/lp-sweep/bench.py "$@"
