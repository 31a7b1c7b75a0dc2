# Sourced by the benchmark run.sh scripts (from the package root): Debian packages and the pinned
# .venv (Scripts/setup.sh without its build), then a release build of fairmem, exported as
# FAIRMEM_BIN.
FAIRMEM_SKIP_BUILD=1 bash Scripts/setup.sh
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
echo "[bench] swift build -c release --product fairmem"
if ! swift build -c release --product fairmem >/tmp/fairmem-bench-build.log 2>&1; then
  tail -n 60 /tmp/fairmem-bench-build.log >&2
  exit 1
fi
FAIRMEM_BIN="$(swift build -c release --show-bin-path)/fairmem"
export FAIRMEM_BIN
[ -x "$FAIRMEM_BIN" ] || { echo "[bench] build failed: no $FAIRMEM_BIN" >&2; exit 1; }
