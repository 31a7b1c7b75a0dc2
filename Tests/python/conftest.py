"""Shared fixtures: where the `fairmem` binary is and how to run it.

Binary lookup order: $FAIRMEM_BIN, .build/release/fairmem, .build/debug/fairmem. Tests that need
the binary (or one of its subcommands) are skipped with a clear reason when it is missing, unless
FAIRMEM_REQUIRE_CLI=1, which turns the skip into a failure (use it once the CLI is expected).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Optional

import pytest

REPO = Path(__file__).resolve().parents[2]


def locate_fairmem() -> Optional[Path]:
    env = os.environ.get("FAIRMEM_BIN")
    if env:
        return Path(env)
    for cand in (REPO / ".build" / "release" / "fairmem", REPO / ".build" / "debug" / "fairmem"):
        if cand.is_file() and os.access(cand, os.X_OK):
            return cand
    return None


def _missing(reason: str):
    if os.environ.get("FAIRMEM_REQUIRE_CLI") == "1":
        pytest.fail(reason + " (FAIRMEM_REQUIRE_CLI=1)")
    pytest.skip(reason)


class Fairmem:
    """Runs the CLI: `fm.run(["sweep", "--metric", "sp"], stdin="...")`."""

    def __init__(self, path: Path):
        self.path = path
        self._has = {}

    def run(self, args, stdin: Optional[str] = None, timeout: float = 600.0) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.path), *map(str, args)],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def has_subcommand(self, name: str) -> bool:
        if name not in self._has:
            # `fairmem NAME --help` prints "USAGE: fairmem NAME ..." only when NAME is a real
            # subcommand (a command without subcommands would print its own usage).
            p = self.run([name, "--help"], timeout=60)
            self._has[name] = p.returncode == 0 and f"fairmem {name}" in p.stdout
        return self._has[name]

    def require(self, name: str):
        if not self.has_subcommand(name):
            _missing(f"`fairmem {name}` is not implemented in {self.path} yet (`fairmem {name} --help` does not describe it)")

    def sweep(self, instances, metrics, *extra, timeout: float = 600.0):
        """Run `fairmem sweep`; returns (process, parsed output lines)."""
        args = ["sweep"]
        for m in metrics:
            args += ["--metric", m]
        args += list(extra)
        stdin = "".join(json.dumps(o) + "\n" for o in instances)
        proc = self.run(args, stdin=stdin, timeout=timeout)
        lines = []
        if proc.returncode == 0:
            for ln in proc.stdout.splitlines():
                if ln.strip():
                    lines.append(json.loads(ln))
        return proc, lines


@pytest.fixture(scope="session")
def fairmem() -> Fairmem:
    path = locate_fairmem()
    if path is None or not path.exists():
        _missing(
            "no fairmem binary: set FAIRMEM_BIN or build it (`swift build -c release --product fairmem`; "
            "Scripts/test.sh does this)"
        )
    return Fairmem(path)


def describe(proc: subprocess.CompletedProcess, limit: int = 2000) -> str:
    return (
        f"exit code {proc.returncode}\n--- stderr ---\n{proc.stderr[-limit:]}\n--- stdout ---\n{proc.stdout[:limit]}"
    )
