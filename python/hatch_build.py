"""Hatchling build hook: builds FairMem's Swift products and puts them into the wheel.

Runs ``Scripts/build-release.sh`` of the repository this directory belongs to (a release build
of ``libFairMemABI.so`` and the ``fairmem`` binary, Swift runtime linked statically), copies both
into ``fairmem/_native/`` with their symbols stripped, and tags the wheel for this platform
(``py3-none-<platform>``): the library does not use Python's C API, so one wheel serves every
Python 3.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PRODUCTS = ("libFairMemABI.so", "fairmem")


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        repository = Path(self.root).resolve().parent
        script = repository / "Scripts" / "build-release.sh"
        if not script.is_file():
            raise RuntimeError(
                f"{script} not found: build the wheel from a FairMem checkout (pip install ./python)"
            )
        result = subprocess.run(
            ["bash", str(script)], check=True, stdout=subprocess.PIPE, text=True
        )
        bin_dir = Path(result.stdout.strip().splitlines()[-1])
        staging = Path(self.directory) / "native-staging"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        strip = shutil.which("strip")
        for name in PRODUCTS:
            source = bin_dir / name
            if not source.is_file():
                raise RuntimeError(f"the Swift build did not produce {source}")
            target = staging / name
            shutil.copy2(source, target)
            if strip:
                subprocess.run([strip, "--strip-unneeded", str(target)], check=True)
            os.chmod(target, 0o755)
            build_data["force_include"][str(target)] = f"fairmem/_native/{name}"
        build_data["pure_python"] = False
        platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        build_data["tag"] = f"py3-none-{platform}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(Path(self.directory) / "native-staging", ignore_errors=True)
