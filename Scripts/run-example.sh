#!/usr/bin/env bash
# The main job: set up, then run `fairmem analyze` on the built-in example.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash Scripts/setup.sh
echo
exec .build/release/fairmem analyze "$@"
