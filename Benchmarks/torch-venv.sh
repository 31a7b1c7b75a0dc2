# Sourced by the benchmarks that compare against PyTorch CPU (Benchmarks/influence/run.sh,
# Benchmarks/gog/run.sh): `ensure_torch_venv` makes sure $TORCH_VENV (default $ROOT/.venv-torch)
# holds the exact pins of Benchmarks/influence/requirements-torch.txt (PyPI only; the torch wheel
# pulls in the CUDA stack, about 5.4 GB) and returns non-zero if that is not possible (e.g. no
# network). Needs ROOT and PYTHON. The venv is re-installed only when the requirements file or the
# Python version changes. Never touches the main .venv.
TORCH_VENV="${TORCH_VENV:-$ROOT/.venv-torch}"
TORCH_REQUIREMENTS="$ROOT/Benchmarks/influence/requirements-torch.txt"

ensure_torch_venv() {
  local wanted_torch wanted_stamp
  wanted_torch="$(sed -n 's/^torch==//p' "$TORCH_REQUIREMENTS")"
  wanted_stamp="$( { sha256sum "$TORCH_REQUIREMENTS" | cut -d' ' -f1; "$PYTHON" --version 2>&1; } | sha256sum | cut -d' ' -f1)"
  # Up to date when the stamp matches and torch imports with the pinned version.
  torch_ready() {
    [ "$(cat "$TORCH_VENV/.requirements-torch.sha256" 2>/dev/null)" = "$wanted_stamp" ] &&
      "$TORCH_VENV/bin/python" -c "import sys, torch; sys.exit(torch.__version__.split('+')[0] != '$wanted_torch')" 2>/dev/null
  }
  if torch_ready; then
    echo "PyTorch $wanted_torch already installed in $TORCH_VENV"
    return 0
  fi
  echo "installing PyTorch $wanted_torch into $TORCH_VENV from PyPI (requirements-torch.txt; about 5.4 GB)"
  rm -rf "$TORCH_VENV"
  # PIP_FIND_LINKS=" ": no local wheel directories, PyPI only (a machine's pip.conf or environment
  # may point find-links at local wheels, e.g. a +cpu build that "==" would accept; pip 23 ignores an
  # empty PIP_FIND_LINKS and falls back to the config file, a blank one overrides it).
  if "$PYTHON" -m venv "$TORCH_VENV" &&
    PIP_FIND_LINKS=" " "$TORCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$TORCH_REQUIREMENTS" &&
    echo "$wanted_stamp" >"$TORCH_VENV/.requirements-torch.sha256" && torch_ready; then
    echo "PyTorch $wanted_torch installed"
    return 0
  fi
  rm -rf "$TORCH_VENV"
  return 1
}
