"""Time and peak memory of every theory command against the number of groups G and classes K.

For each size a seeded random count table (G x K x K, counts 1..50, so every cell is non-empty)
is written as statistics JSON, and each command runs once under /usr/bin/time (wall seconds and
peak resident set size). `stats` runs on a predictions CSV with G groups (K = 2) or K classes
(G = 2), 20 rows per cell. A command that exceeds --timeout is reported as "> timeout".

Output: Benchmarks/out/scaling/results.md (the table in Docs/benchmarks.md) and results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Benchmarks" / "out" / "scaling"

# (label, arguments after the input path); every command reads the same statistics JSON.
THEORY_COMMANDS = [
    ("analyze", ["analyze"]),
    ("analyze eps=0.05", ["analyze", "--tolerance", "0.05"]),
    ("feasible sp", ["feasible", "--metric", "sp"]),
    ("feasible eopp eps=0.05", ["feasible", "--metric", "eopp", "--tolerance", "0.05"]),
    ("feasible eodds", ["feasible", "--metric", "eodds"]),
    ("bounds sp", ["bounds", "--metric", "sp"]),
    ("bounds sp eps=0.05", ["bounds", "--metric", "sp", "--tolerance", "0.05"]),
    ("bounds eodds eps=0.05", ["bounds", "--metric", "eodds", "--tolerance", "0.05"]),
    ("bias", ["bias"]),
    ("explain sp", ["explain", "--metric", "sp"]),
    ("explain eodds", ["explain", "--metric", "eodds"]),
    ("frontier sp", ["frontier", "--metric", "sp"]),
    ("frontier eodds", ["frontier", "--metric", "eodds"]),
    ("robust box sp", ["robust", "--metric", "sp", "--method", "box"]),
    ("robust box eodds eps=0.05", ["robust", "--metric", "eodds", "--method", "box", "--tolerance", "0.05"]),
]


def counts_json(groups: int, classes: int, rng: random.Random) -> dict:
    return {
        "groups": [f"g{a}" for a in range(groups)],
        "classes": [f"c{y}" for y in range(classes)],
        "counts": [[[rng.randint(1, 50) for _ in range(classes)] for _ in range(classes)] for _ in range(groups)],
    }


def predictions_csv(path: Path, groups: int, classes: int, rng: random.Random) -> None:
    with path.open("w") as f:
        f.write("group,label,prediction\n")
        for a in range(groups):
            for y in range(classes):
                for _ in range(20):
                    f.write(f"g{a},c{y},c{rng.randrange(classes)}\n")


def timed(args: list[str], stdin: Path | None, timeout: float) -> dict:
    cmd = ["/usr/bin/time", "-f", "%e %M", *args]
    start = time.perf_counter()
    # Own process group, killed whole on timeout: killing /usr/bin/time alone would leave the
    # command running and loading the machine for every later measurement.
    with open(stdin or os.devnull, "rb") as inp:
        proc = subprocess.Popen(cmd, stdin=inp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"seconds": None, "peak_mb": None, "exit": None}
    wall = time.perf_counter() - start
    last = stderr.decode(errors="replace").strip().splitlines()[-1].split()
    return {"seconds": round(wall, 3), "peak_mb": round(int(last[1]) / 1024, 1), "exit": proc.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--sizes", default="2x3,10x3,25x3,50x3,5x10,5x20,5x30,50x30",
                        help="theory sizes GxK, comma separated")
    parser.add_argument("--no-stats", action="store_true", help="skip the stats and 100k-name rows")
    args = parser.parse_args()
    binary = os.environ.get("FAIRMEM_BIN", str(ROOT / ".build" / "release" / "fairmem"))
    rng = random.Random(args.seed)
    sizes = [tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",") if size]
    stats_sizes = [] if args.no_stats else [(100, 2), (500, 2), (2000, 2), (2, 30), (2, 100), (2, 300)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for g, k in sizes:
            path = Path(tmp) / f"g{g}-k{k}.json"
            path.write_text(json.dumps(counts_json(g, k, rng)))
            for label, extra in THEORY_COMMANDS:
                r = timed([binary, extra[0], str(path), *extra[1:]], None, args.timeout)
                rows.append({"command": label, "G": g, "K": k, **r})
                print(rows[-1], flush=True)
            # sweep: the same instance on 20 lines, eps = 0.05.
            lines = Path(tmp) / f"g{g}-k{k}.jsonl"
            lines.write_text((path.read_text() + "\n") * 20)
            r = timed([binary, "sweep", str(lines), "--tolerance", "0.05", "--quiet"], None, args.timeout)
            rows.append({"command": "sweep 20 lines eps=0.05", "G": g, "K": k, **r})
            print(rows[-1], flush=True)
        for g, k in stats_sizes:
            csv = Path(tmp) / f"pred-g{g}-k{k}.csv"
            predictions_csv(csv, g, k, rng)
            r = timed([binary, "stats", str(csv), "--label", "label", "--prediction", "prediction", "--group", "group",
                       "--json"], None, args.timeout)
            rows.append({"command": "stats", "G": g, "K": k, **r})
            print(rows[-1], flush=True)
        # 100,000 group names (rejected: the population has one row).
        if not args.no_stats:
            names = Path(tmp) / "names.json"
            names.write_text(json.dumps({"groups": [f"g{i}" for i in range(100_000)], "classes": ["0", "1"],
                                         "population": [[0.5, 0.5]], "confusion": [[[1, 0], [0, 1]]]}))
            r = timed([binary, "bounds", str(names)], None, args.timeout)
            rows.append({"command": "bounds, 100k names (rejected)", "G": 100_000, "K": 2, **r})
            print(rows[-1], flush=True)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(rows, indent=1))
    lines = ["| command | G | K | seconds | peak RSS (MB) | exit |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        secs = f"> {args.timeout:g}" if r["seconds"] is None else f"{r['seconds']:.2f}"
        mb = "" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}"
        lines.append(f"| {r['command']} | {r['G']} | {r['K']} | {secs} | {mb} | {r['exit'] if r['exit'] is not None else ''} |")
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
