#!/usr/bin/env bash
# Bootstrap intervals on Adult: fairmem stats --bootstrap 200 vs fairlearn MetricFrame(n_boot=200).
# Usage: bash Benchmarks/bootstrap/run.sh   (needs Data/raw/adult.{data,test} and .venv; see Scripts/setup.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
if [ ! -f Data/raw/adult.data ] || [ ! -f Data/raw/adult.test ]; then bash Scripts/fetch-datasets.sh; fi
swift build -c release --product fairmem
"$PYTHON" Benchmarks/bootstrap/bench.py "$(swift build -c release --show-bin-path)/fairmem"
