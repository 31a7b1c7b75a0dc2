"""Executes every notebook in Notebooks/ in place (outputs kept), one after the other, with the
working directory set to Notebooks/ and the kernel "python3" pinned to this interpreter (the
project's .venv when run as `.venv/bin/python Scripts/run-notebooks.py`). Exits non-zero if any
cell of any notebook fails; every notebook is attempted.

Usage: .venv/bin/python Scripts/run-notebooks.py [NOTEBOOK.ipynb ...]
Environment: FAIRMEM_CELL_TIMEOUT (seconds per cell, default 1200).
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import time
import traceback

root = pathlib.Path(__file__).resolve().parent.parent


def pin_kernel_to_this_python(tmp: pathlib.Path) -> None:
    """A kernelspec "python3" that runs ipykernel with sys.executable, put first on JUPYTER_PATH
    so that no user- or system-wide "python3" kernel (another interpreter) is picked instead."""
    spec = tmp / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (FairMem .venv)",
                "language": "python",
            }
        )
    )
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(tmp), os.environ.get("JUPYTER_PATH")]))


def main(argv: list) -> int:
    notebooks = [pathlib.Path(a).resolve() for a in argv] or sorted((root / "Notebooks").glob("*.ipynb"))
    if not notebooks:
        print("[notebooks] no notebooks in Notebooks/")
        return 0
    import nbclient
    import nbformat

    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Notebooks find the CLI the way the tests do.
    default_bin = root / ".build" / "release" / "fairmem"
    if "FAIRMEM_BIN" not in os.environ and default_bin.exists():
        os.environ["FAIRMEM_BIN"] = str(default_bin)
    timeout = int(os.environ.get("FAIRMEM_CELL_TIMEOUT", "1200"))
    failed = []
    with tempfile.TemporaryDirectory(prefix="fairmem-kernels-") as tmp:
        pin_kernel_to_this_python(pathlib.Path(tmp))
        for path in notebooks:
            started = time.time()
            notebook = nbformat.read(path, as_version=4)
            client = nbclient.NotebookClient(
                notebook,
                timeout=timeout,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            )
            try:
                client.execute()
                print(f"[notebooks] {path.name}: ok ({time.time() - started:.1f} s)")
            except Exception as error:  # report every notebook, then fail
                print(f"[notebooks] {path.name}: FAILED after {time.time() - started:.1f} s")
                print("".join(traceback.format_exception_only(type(error), error))[-4000:])
                failed.append(path.name)
            finally:
                # Written in place either way: a failed run keeps the traceback in the cell output.
                nbformat.write(notebook, path)
    print(f"notebooks: {len(notebooks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
