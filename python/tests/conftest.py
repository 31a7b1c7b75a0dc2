"""Fixtures of the `fairmem` package tests: the CLI binary the answers are checked against, and
seeded instances (Tests/python/instances.py, shared with the cross-check suite).

The CLI is the binary shipped in the installed wheel (`fairmem.binary_path()`), or $FAIRMEM_BIN.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import fairmem

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "python"))

EXAMPLE: dict[str, Any] = {
    "groups": ["female", "male"],
    "classes": ["<=50K", ">50K"],
    "population": [[0.30, 0.10], [0.35, 0.25]],
    "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
}

COUNTS: dict[str, Any] = {
    "groups": ["a", "b", "c"],
    "classes": ["0", "1"],
    "counts": [[[50, 10], [8, 32]], [[70, 5], [20, 25]], [[40, 20], [10, 30]]],
}


class CLI:
    """Runs the `fairmem` binary and parses its JSON output."""

    def __init__(self, path: Path, tmp: Path) -> None:
        self.path = path
        self.tmp = tmp

    def file(self, name: str, content: Any) -> Path:
        path = self.tmp / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return path

    def run(self, *arguments: Any, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.path), *map(str, arguments)], input=stdin, capture_output=True, text=True, timeout=600
        )

    def json(self, *arguments: Any, stdin: str = "") -> Any:
        process = self.run(*arguments, stdin=stdin)
        assert process.returncode == 0, process.stderr
        return json.loads(process.stdout)


@pytest.fixture(scope="session")
def cli_path() -> Path:
    path = Path(os.environ.get("FAIRMEM_BIN") or fairmem.binary_path())
    assert path.is_file(), f"no fairmem binary at {path}"
    return path


@pytest.fixture
def cli(cli_path: Path, tmp_path: Path) -> CLI:
    return CLI(cli_path, tmp_path)
