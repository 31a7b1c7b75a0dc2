"""Executes every notebook in Notebooks/ in place (outputs kept), with the working directory set
to Notebooks/. Exits non-zero if any cell fails."""
import pathlib
import sys
import time

import nbclient
import nbformat

root = pathlib.Path(__file__).resolve().parent.parent
notebooks = sorted((root / "Notebooks").glob("*.ipynb"))
if not notebooks:
    print("[notebooks] none found")
    sys.exit(0)
failed = []
for path in notebooks:
    started = time.time()
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=900, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
        nbformat.write(notebook, path)
        print(f"[notebooks] {path.name}: ok ({time.time() - started:.1f} s)")
    except Exception as error:  # report every notebook, then fail
        print(f"[notebooks] {path.name}: FAILED\n{error}")
        failed.append(path.name)
sys.exit(1 if failed else 0)
