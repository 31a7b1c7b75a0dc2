#!/usr/bin/env bash
# Re-records the golden outputs of Tests/Golden/cases.txt with a built fairmem binary.
# Usage (from the package root): bash Tests/Golden/record.sh [path/to/fairmem]
# Only re-record when an output change is intended, and note it in Docs/output-format.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-.build/debug/fairmem}"
mkdir -p Tests/Golden/expected
grep -v '^#' Tests/Golden/cases.txt | grep -v '^ *$' | while IFS='|' read -r name args; do
  name="$(echo "$name" | xargs)"
  # shellcheck disable=SC2086
  set +e
  "$bin" $args >"Tests/Golden/expected/$name.out" 2>"Tests/Golden/expected/$name.err"
  echo $? >"Tests/Golden/expected/$name.status"
  set -e
done
