#!/usr/bin/env bash
# Answer throughput benchmark: `fairmem sweep` vs scipy.optimize.linprog(method="highs") and vs HiGHS
# through highspy (one reused model per shape), on the same least-mass SP, EOpp and EOdds problems
# (the 10,000-instance benchmark set, a two-groups/binary-labels set, a G = 2..4 / K = 2..5 set),
# with an agreement check on every instance.
# One command: bash Benchmarks/lp-sweep/run.sh [bench.py options, e.g. --instances 2000 --reps 5]
# Results: Benchmarks/out/lp-sweep/results.md (markdown table) and results.json. See Docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

source Benchmarks/release-fairmem.sh
# The benchmark's own pin (highspy), on top of the project's requirements.
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r Benchmarks/lp-sweep/requirements.txt
exec .venv/bin/python Benchmarks/lp-sweep/bench.py "$@"
