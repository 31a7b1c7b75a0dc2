"""The installed wheel: the library and binary it ships, its license metadata, its console
script."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import fairmem


def test_wheel_carries_the_gpl_license():
    meta = metadata.metadata("fairmem")
    assert meta["License-Expression"] == "GPL-3.0-or-later"
    files = [str(f) for f in metadata.files("fairmem") or []]
    license_file = next(f for f in files if f.endswith("licenses/LICENSE"))
    text = Path(metadata.distribution("fairmem").locate_file(license_file)).read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3" in text


def test_shipped_library_and_binary_need_no_swift_runtime():
    for path in (fairmem.library_path(), fairmem.binary_path()):
        assert path.is_file()
        linked = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        assert "libswiftCore" not in linked and "libFoundation" not in linked, linked
        assert "libglpk" in linked


def test_console_script_runs_the_shipped_binary():
    script = Path(sys.executable).parent / "fairmem"  # the environment's console script
    assert script.is_file(), script
    out = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == fairmem.version()
