"""The ``fairmem`` console script: runs the command-line binary shipped in the wheel."""

from __future__ import annotations

import os
import sys

from ._native import binary_path


def main() -> None:
    """Replaces this process with ``fairmem`` and the same arguments."""
    path = str(binary_path())
    os.execv(path, [path, *sys.argv[1:]])


if __name__ == "__main__":
    main()
