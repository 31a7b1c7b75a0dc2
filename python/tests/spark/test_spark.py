"""fairmem.spark in local mode: group-by statistics equal the local ones, nulls are counted and
reported, and a sweep through Spark gives answers identical to the local sweep."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
from instances import random_batch, seed_for

import fairmem
from fairmem.spark import statistics_from_spark, sweep_spark


def _predictions(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male"], n),
            "race": rng.choice(["A", "B", "C"], n),
            "age": rng.choice(["young", "old"], n),
            "label": rng.integers(0, 3, n),
        }
    )
    frame["pred"] = np.where(rng.random(n) < 0.7, frame["label"], rng.integers(0, 3, n))
    return frame


@pytest.mark.parametrize("groups", [["sex"], ["sex", "race"], ["sex", "race", "age"]])
def test_statistics_from_spark_equal_local_counts(spark, groups):
    frame = _predictions(seed_for(21, "spark statistics"), 20_000)
    from_spark = statistics_from_spark(spark.createDataFrame(frame), label="label", prediction="pred", group=groups)
    local = fairmem.Statistics.from_predictions(frame["label"], frame["pred"], frame[groups])
    assert from_spark.groups == local.groups and from_spark.classes == local.classes
    assert np.array_equal(from_spark.counts, local.counts)
    assert from_spark.summary == local.summary
    assert from_spark.null_counts == {}
    assert fairmem.bounds(from_spark).to_dict() == fairmem.bounds(local).to_dict()


def test_nulls_are_counted_and_reported(spark):
    frame = _predictions(seed_for(22, "spark nulls"), 2_000).astype(object)
    frame.loc[[3, 5, 8], "sex"] = None
    frame.loc[[5, 13], "pred"] = None
    data = spark.createDataFrame(frame, schema="sex string, race string, age string, label long, pred long")
    with pytest.raises(fairmem.BadInputError) as caught:
        statistics_from_spark(data, label="label", prediction="pred", group="sex")
    assert caught.value.field == "sex" and "3 rows" in caught.value.message
    dropped = statistics_from_spark(data, label="label", prediction="pred", group="sex", nulls="drop")
    assert dropped.null_counts == {"sex": 3, "pred": 2}
    assert dropped.counts.sum() == 2_000 - 4  # rows 3, 5, 8, 13
    assert "left out" in dropped.to_dict()["description"]


def test_missing_column_names_it(spark):
    data = spark.createDataFrame(_predictions(1, 10))
    with pytest.raises(fairmem.BadInputError) as caught:
        statistics_from_spark(data, label="label", prediction="yhat", group="sex")
    assert caught.value.field == "yhat"


def _instances(seed: int, n: int) -> list[dict]:
    return [dict(item, id=str(i)) for i, item in enumerate(random_batch(seed, n))]


def test_sweep_through_spark_equals_local_sweep_100k(spark):
    seed = seed_for(23, "spark sweep 100k")
    instances = _instances(seed, 100_000)
    started = time.perf_counter()
    local = [json.dumps(a.to_dict(), sort_keys=True) for a in fairmem.sweep(instances, metric="sp")]
    local_seconds = time.perf_counter() - started
    frame = spark.createDataFrame(
        pd.DataFrame({"id": [item["id"] for item in instances], "statistics": [json.dumps(item) for item in instances]})
    ).repartition(4)
    started = time.perf_counter()
    rows = sweep_spark(frame, metric="sp").select("id", "answer", "error").collect()
    spark_seconds = time.perf_counter() - started
    print(f"[throughput] 100000 instances: local sweep {100_000 / local_seconds:.0f}/s, Spark local[2] {100_000 / spark_seconds:.0f}/s")
    assert all(row.error is None for row in rows)
    by_id = {row.id: row.answer for row in rows}
    assert len(by_id) == 100_000
    assert [by_id[item["id"]] for item in instances] == local


def test_sweep_through_spark_reports_bad_instances(spark):
    good = _instances(seed_for(24, "spark bad instances"), 20)
    texts = [json.dumps(item) for item in good]
    texts[4] = "{not json"
    texts[9] = json.dumps(dict(good[9], population=[[2.0]]))
    ids = [item["id"] for item in good]
    frame = spark.createDataFrame(pd.DataFrame({"id": ids, "statistics": texts}))
    rows = {row.id: row for row in sweep_spark(frame, metric=["sp", "eopp"]).collect()}
    assert rows["4"].error is not None and rows["4"].field == "input"
    assert rows["9"].error is not None and rows["9"].metric is None
    answered = [row for row in sweep_spark(frame, metric=["sp", "eopp"]).collect() if row.error is None]
    assert len(answered) == 2 * 18
