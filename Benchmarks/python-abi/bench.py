"""Side-by-side timings of the Python package (Docs/python.md, Docs/scaling.md):

1. one theory call in-process through the C ABI vs the same call as a `fairmem` process (what
   any subprocess wrapper pays), median of repeated calls;
2. `fairmem.sweep` over N seeded instances vs `fairmem sweep` (JSON Lines through a pipe);
3. with --spark: the same N instances through `fairmem.spark.sweep_spark` on Spark local[2].

Run with Benchmarks/python-abi/run.sh (uses .venv with the installed wheel).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fairmem

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "python"))
from instances import random_batch  # noqa: E402

EXAMPLE = {
    "groups": ["female", "male"],
    "classes": ["<=50K", ">50K"],
    "population": [[0.30, 0.10], [0.35, 0.25]],
    "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
}


def median_ms(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--spark", action="store_true")
    options = parser.parse_args()
    binary = str(fairmem.binary_path())
    print(f"fairmem {fairmem.version()}; library {fairmem.library_path().name}")

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "example.json"
        path.write_text(json.dumps(EXAMPLE))
        command = [binary, "bounds", str(path), "--metric", "eopp", "--json"]
        assert json.loads(subprocess.run(command, capture_output=True, text=True).stdout) == fairmem.bounds(
            EXAMPLE, metric="eopp"
        ).to_dict()
        in_process = median_ms(lambda: fairmem.bounds(EXAMPLE, metric="eopp"), 300)
        as_process = median_ms(lambda: subprocess.run(command, capture_output=True), 60)
        parse_only = median_ms(lambda: fairmem._native.raw_request(b'{"command": "nope"}'), 300)
        print(f"one `bounds --metric eopp` call: in-process (C ABI) {in_process:.3f} ms, "
              f"`fairmem` process {as_process:.1f} ms -> {as_process / in_process:.0f}x; "
              f"a request answered before any command runs: {parse_only * 1000:.0f} us")

    instances = [dict(item, id=str(i)) for i, item in enumerate(random_batch(23, options.instances))]
    lines = "".join(json.dumps(item) + "\n" for item in instances)
    started = time.perf_counter()
    local = [a.to_dict() for a in fairmem.sweep(instances, metric="sp")]
    local_seconds = time.perf_counter() - started
    started = time.perf_counter()
    process = subprocess.run([binary, "sweep", "--metric", "sp", "--quiet"], input=lines, capture_output=True, text=True)
    cli = [json.loads(line) for line in process.stdout.splitlines()]
    cli_seconds = time.perf_counter() - started
    assert cli == local
    n = options.instances
    print(f"sweep of {n} instances (metric sp): fairmem.sweep {n / local_seconds:,.0f}/s ({local_seconds:.2f} s), "
          f"`fairmem sweep` process {n / cli_seconds:,.0f}/s ({cli_seconds:.2f} s); answers identical")

    if options.spark:
        import pandas as pd
        from pyspark.sql import SparkSession

        from fairmem.spark import sweep_spark

        os.environ["PYSPARK_PYTHON"] = sys.executable  # executors import fairmem from this venv

        spark = (
            SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        frame = spark.createDataFrame(
            pd.DataFrame({"id": [i["id"] for i in instances], "statistics": [json.dumps(i) for i in instances]})
        ).repartition(4).cache()
        frame.count()
        started = time.perf_counter()
        rows = sweep_spark(frame, metric="sp").select("id", "answer").collect()
        spark_seconds = time.perf_counter() - started
        by_id = {row.id: row.answer for row in rows}
        assert [by_id[i["id"]] for i in instances] == [json.dumps(a, sort_keys=True) for a in local]
        print(f"sweep of {n} instances through Spark local[2] (mapInPandas, 4 partitions, input cached): "
              f"{n / spark_seconds:,.0f}/s ({spark_seconds:.2f} s) vs local fairmem.sweep {n / local_seconds:,.0f}/s "
              f"-> {local_seconds / spark_seconds:.2f}x; answers identical")
        spark.stop()


if __name__ == "__main__":
    main()
