#!/usr/bin/env bash
# Sets up everything FairMem needs, idempotently, on a Debian machine with Swift and Python 3:
#   1. Debian packages libglpk-dev, libopenblas-dev, liblapacke-dev (as root, or with sudo),
#      installed only when `dpkg -s` says they are missing, and a Java runtime for the Spark tests
#      (default-jre-headless) only when there is no `java` on PATH;
#   2. a Python virtual environment .venv with the pinned requirements.txt, re-installed only
#      when requirements.txt (or the Python version) changes (stamp: .venv/.requirements.sha256);
#   3. a release build of the `fairmem` command-line tool and the C ABI library
#      (Scripts/build-release.sh; path printed at the end).
# Re-running it on a set-up machine only re-checks and does an incremental build.
# Environment: PYTHON (default python3), FAIRMEM_SKIP_BUILD=1 skips step 3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
PYTHON="${PYTHON:-python3}"

# Swift lives in /opt/swift on the project's machines; use it when PATH does not have it.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else die "need root or sudo to run: $*"
  fi
}

apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. Debian packages ----------------------------------------------------------------------------
missing=()
for package in libglpk-dev libopenblas-dev liblapacke-dev; do
  dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  apt_install "${missing[@]}"
else
  say "Debian packages present (libglpk-dev libopenblas-dev liblapacke-dev)"
fi

# Java for pyspark's local mode (python/tests/spark); any Java 17+ already on PATH is used.
if command -v java >/dev/null 2>&1; then
  say "Java present ($(java -version 2>&1 | head -n 1))"
else
  say "installing Debian package default-jre-headless (Java for the Spark tests)"
  apt_install default-jre-headless
fi

# 2. Python virtual environment -----------------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"
venv_ok() { [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys, pip' >/dev/null 2>&1; }

make_venv() {
  rm -rf .venv
  "$PYTHON" -m venv .venv >/dev/null 2>&1 && venv_ok && return 0
  # Debian's system Python splits venv/ensurepip into python3-venv.
  if command -v apt-get >/dev/null 2>&1; then
    say "python venv module unusable; installing python3-venv"
    pyver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install python3-venv "python${pyver}-venv" 2>/dev/null || apt_install python3-venv || true
    rm -rf .venv
    "$PYTHON" -m venv .venv >/dev/null 2>&1 && venv_ok && return 0
  fi
  # Last resort: virtualenv from PyPI (needs only pip).
  say "falling back to virtualenv"
  "$PYTHON" -m pip install --quiet --user virtualenv && rm -rf .venv && "$PYTHON" -m virtualenv -q .venv && venv_ok
}

if venv_ok; then
  say "reusing .venv ($(.venv/bin/python --version 2>&1))"
else
  say "creating Python virtual environment .venv"
  make_venv || die "could not create a Python virtual environment in .venv"
fi

stamp=.venv/.requirements.sha256
wanted=$( { sha256sum requirements.txt; .venv/bin/python --version 2>&1; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "installing pinned Python packages (requirements.txt)"
  rm -f "$stamp"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-input -r requirements.txt \
    || die "pip install -r requirements.txt failed"
  echo "$wanted" >"$stamp"
else
  say "Python packages up to date (requirements.txt unchanged)"
fi

# 3. Release build of the CLI and the C ABI library --------------------------------------------
if [ "${FAIRMEM_SKIP_BUILD:-0}" = 1 ]; then
  say "skipping the Swift build (FAIRMEM_SKIP_BUILD=1)"
  exit 0
fi
command -v swift >/dev/null 2>&1 || die "swift not found (expected on PATH or in /opt/swift/usr/bin)"
say "building fairmem and libFairMemABI.so (release, static Swift runtime): Scripts/build-release.sh"
log=$(mktemp)
started=$SECONDS
if ! bash Scripts/build-release.sh >"$log" 2>&1; then
  grep -vE '^\[[0-9]+/[0-9]+\] ' "$log" | tail -n 80 >&2
  rm -f "$log"
  die "Scripts/build-release.sh failed"
fi
grep -E 'warning:' "$log" | grep -v "mktemp' is dangerous" | sort -u | tail -n 20 || true
bin_dir="$(tail -n 1 "$log")"
rm -f "$log"
[ -x "$bin_dir/fairmem" ] || die "build reported success but $bin_dir/fairmem is missing"
say "built in $((SECONDS - started)) s: $bin_dir/fairmem, $bin_dir/libFairMemABI.so"
say "ready: run it as .build/release/fairmem (e.g. .build/release/fairmem analyze)"
