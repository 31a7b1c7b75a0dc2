#!/usr/bin/env bash
# Regenerates the golden outputs of Tests/Golden/empirical/cases.txt with a fairmem binary
# (FAIRMEM_BIN, default .build/debug/fairmem), from the package root, one BLAS thread. Only run it
# when an output changed on purpose, and record the change under "Changes" in
# Docs/output-format.md. Wall-clock times are replaced by 0, as the test does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${FAIRMEM_BIN:-.build/debug/fairmem}"
dir=Tests/Golden/empirical
export OPENBLAS_NUM_THREADS=1
grep -vE '^(#|$)' "$dir/cases.txt" | while read -r name args; do
  start=$SECONDS
  # shellcheck disable=SC2086 # the arguments are split on purpose
  if ! "$bin" $args </dev/null 2>"/tmp/golden-$name.err" >"/tmp/golden-$name.raw"; then
    echo "[goldens] $name failed:" >&2
    tail -n 5 "/tmp/golden-$name.err" >&2
    exit 1
  fi
  sed -E 's/("seconds": ?)[-0-9.e+]+/\10/g; s/; [0-9]+ s\)/; 0 s)/g' "/tmp/golden-$name.raw" >"$dir/$name.out"
  rm -f "/tmp/golden-$name.raw" "/tmp/golden-$name.err"
  echo "[goldens] $name ($((SECONDS - start)) s)"
done
