#!/usr/bin/env bash
# Release build of the `fairmem` binary and the C ABI library (libFairMemABI.so), with the Swift
# runtime and Foundation linked statically (-static-stdlib): the binary starts faster and both run
# on machines without a Swift toolchain, needing only the Debian packages libglpk40,
# libopenblas0 and liblapacke (Docs/scaling.md; measurement in Docs/python.md). Used by
# Scripts/setup.sh and by the Python package's build hook (python/hatch_build.py), so that both
# share one build in .build. Prints the directory holding the two products on its last line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
# The static Swift libraries live beside the toolchain's dynamic ones.
toolchain_lib="$(cd "$(dirname "$(readlink -f "$(command -v swift)")")/../lib" && pwd)"
flags=(-c release -Xswiftc -static-stdlib -Xlinker "-L$toolchain_lib/swift_static/linux")
for product in fairmem FairMemABI; do
  swift build "${flags[@]}" --product "$product" >&2
done
swift build "${flags[@]}" --show-bin-path
