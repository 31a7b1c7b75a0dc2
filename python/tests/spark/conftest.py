"""A local Spark session (local[2]) for the Spark tests; skipped only when pyspark is missing
and FAIRMEM_REQUIRE_SPARK is not set (Scripts/test.sh sets it)."""

from __future__ import annotations

import os
import sys

import pytest


@pytest.fixture(scope="session")
def spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        if os.environ.get("FAIRMEM_REQUIRE_SPARK") == "1":
            pytest.fail("pyspark is not installed (FAIRMEM_REQUIRE_SPARK=1)")
        pytest.skip("pyspark is not installed")
    # The executors' Python workers must import fairmem: use this interpreter (the venv with the
    # wheel) for them, as a cluster would use the environment the wheel is installed in.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("fairmem-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
