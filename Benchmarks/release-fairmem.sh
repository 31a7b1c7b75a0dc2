# Sourced by the benchmark run.sh scripts (from the package root): Debian packages and the pinned
# .venv (Scripts/setup.sh without its build), then the release build of fairmem that users get
# (Scripts/build-release.sh: the Swift runtime and Foundation linked statically, as
# Scripts/setup.sh and the Python wheel build it), exported as FAIRMEM_BIN.
FAIRMEM_SKIP_BUILD=1 bash Scripts/setup.sh
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
echo "[bench] Scripts/build-release.sh (fairmem with the static Swift runtime)"
if ! bash Scripts/build-release.sh >/tmp/fairmem-bench-build.out 2>/tmp/fairmem-bench-build.log; then
  tail -n 60 /tmp/fairmem-bench-build.log >&2
  exit 1
fi
FAIRMEM_BIN="$(tail -n 1 /tmp/fairmem-bench-build.out)/fairmem"
export FAIRMEM_BIN
[ -x "$FAIRMEM_BIN" ] || { echo "[bench] build failed: no $FAIRMEM_BIN" >&2; exit 1; }
