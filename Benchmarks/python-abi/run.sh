#!/usr/bin/env bash
# Python package benchmark (Docs/python.md, Docs/scaling.md): C ABI call vs `fairmem` process,
# fairmem.sweep vs `fairmem sweep`, and (with --spark) Spark local[2]. Needs the wheel installed
# in .venv (bash Scripts/test.sh does it). Usage: bash Benchmarks/python-abi/run.sh [--spark] [--instances N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
.venv/bin/python Benchmarks/python-abi/bench.py "$@"
