#!/usr/bin/env bash
# Sets up everything FairMem needs, idempotently, on a Debian machine with Swift and Python 3:
#   1. Debian packages libglpk-dev, libopenblas-dev, liblapacke-dev (as root, or with sudo);
#   2. a Python virtual environment .venv with the pinned requirements.txt (re-installed only
#      when requirements.txt changes);
#   3. a release build of the `fairmem` command-line tool (.build/release/fairmem).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

missing=()
for package in libglpk-dev libopenblas-dev liblapacke-dev; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "[setup] need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo_cmd="sudo"
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
else
  say "Debian packages present"
fi

if [ ! -x .venv/bin/python ]; then
  say "creating Python virtual environment .venv"
  if ! python3 -m venv .venv 2>/dev/null; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv
    python3 -m venv .venv
  fi
fi
stamp=.venv/.requirements.sha256
wanted=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  say "installing pinned Python packages (requirements.txt)"
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$wanted" > "$stamp"
else
  say "Python packages up to date"
fi

say "building fairmem (release)"
swift build -c release --product fairmem 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
test -x .build/release/fairmem || { echo "[setup] build failed" >&2; exit 1; }
say "ready: .build/release/fairmem"
