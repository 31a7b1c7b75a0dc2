"""A tiny Python wrapper around the `fairmem` command-line tool, for the notebooks.

The binary is found via the environment variable FAIRMEM_BIN, else at
`.build/release/fairmem` or `.build/debug/fairmem` under the repository root (the parent of
this file's directory, or of / at the current working directory). Commands run with
`subprocess`; JSON output is parsed; a nonzero exit raises `FairmemError` with stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

__all__ = ["FairmemError", "binary", "data_directory", "run", "run_json", "sweep", "dumps"]


class FairmemError(RuntimeError):
    """`fairmem` exited with a nonzero code (the message includes its stderr)."""

    def __init__(self, args, returncode, stderr):
        self.args_ = list(args)
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(
            f"fairmem {' '.join(map(str, args))} exited with {returncode}:\n{stderr.strip()}")


def _candidates():
    here = Path(__file__).resolve().parent
    cwd = Path.cwd().resolve()
    roots = [here.parent, cwd.parent, cwd, here]
    seen = set()
    for root in roots:
        for config in ("release", "debug"):
            path = root / ".build" / config / "fairmem"
            if path not in seen:
                seen.add(path)
                yield path


def binary() -> str:
    """Path of the fairmem executable (FAIRMEM_BIN, else ../.build/{release,debug}/fairmem)."""
    env = os.environ.get("FAIRMEM_BIN")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise FileNotFoundError(f"FAIRMEM_BIN={env!r} is not an executable file")
        return env
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise FileNotFoundError(
        "fairmem binary not found; build it with `swift build -c release --product fairmem` "
        "or set FAIRMEM_BIN. Tried:\n  " + "\n  ".join(tried))


def data_directory() -> str:
    """Directory of the raw dataset files for `--data-directory`: FAIRMEM_DATA_DIR (as in
    Scripts/fetch-datasets.sh), else Data/raw under the repository root (the parent of this
    file's directory). fairmem's own default, Data/raw, is relative to the working directory,
    which for a notebook is Notebooks/."""
    env = os.environ.get("FAIRMEM_DATA_DIR")
    if env:
        return env
    return str(Path(__file__).resolve().parent.parent / "Data" / "raw")


def _plain(value):
    """JSON fallback for numpy scalars and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(obj) -> str:
    """Compact JSON text (numpy values allowed) for fairmem's input."""
    return json.dumps(obj, default=_plain, separators=(",", ":"))


def run(*args, stdin: str | None = None) -> str:
    """Run `fairmem ARGS`, return stdout; raise FairmemError with stderr on a nonzero exit."""
    argv = [binary(), *map(str, args)]
    proc = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = proc.stderr.strip()
        errors = [line for line in proc.stdout.splitlines() if '"error"' in line][:5]
        if errors:
            detail = "\n".join([detail, *errors]).strip()
        raise FairmemError(args, proc.returncode, detail)
    return proc.stdout


def run_json(*args, stats=None):
    """Run a `--json` command; with `stats` (a dict) the input is passed on stdin as '-'.

    Returns the parsed JSON (a dict, or a list when several metrics are answered).
    """
    args = list(args)
    stdin = None
    if stats is not None:
        args.insert(1, "-")
        stdin = dumps(stats)
    if "--json" not in args:
        args.append("--json")
    return json.loads(run(*args, stdin=stdin))


def sweep(instances, metrics=("sp",), extra=()):
    """One `fairmem sweep` call over many statistics dicts (JSON Lines in, one answer per
    line and metric out). Returns the list of answer dicts in input order."""
    args = ["sweep", "--quiet", *extra]
    for metric in metrics:
        args += ["--metric", metric]
    text = "".join(dumps(inst) + "\n" for inst in instances)
    answers = [json.loads(line) for line in run(*args, stdin=text).splitlines() if line.strip()]
    bad = [a for a in answers if "error" in a]
    if bad:
        raise FairmemError(args, 2, "; ".join(f"line {a['line']}: {a['error']}" for a in bad[:5]))
    return answers
