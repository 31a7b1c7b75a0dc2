"""Every call of the package against the CLI's JSON on the same input: the package runs the
same command in-process (C ABI), so the answers must be equal, field for field."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pandas as pd
import pytest
from conftest import COUNTS, EXAMPLE
from instances import random_batch, seed_for

import fairmem


def test_version_matches_the_cli(cli):
    assert fairmem.version() == cli.run("--version").stdout.strip()


def test_analyze_builtin_example_equals_cli(cli):
    result = fairmem.analyze()
    assert result.to_dict() == cli.json("analyze", "--json")
    assert [a.metric for a in result.answers] == ["sp", "eopp", "eodds"]
    assert result.answers.by_metric("eopp").min_mass == pytest.approx(0.225)


@pytest.mark.parametrize("statistics", [EXAMPLE, COUNTS], ids=["probabilities", "counts"])
def test_analyze_equals_cli(cli, statistics):
    path = cli.file("s.json", statistics)
    got = fairmem.analyze(statistics, tolerance=0.01, frontier_points=4).to_dict()
    want = cli.json("analyze", path, "--tolerance", "0.01", "--frontier-points", "4", "--json")
    got.pop("source"), want.pop("source")  # "request input" vs the file name
    assert got == want


@pytest.mark.parametrize("command", ["feasible", "bounds"])
def test_feasible_and_bounds_equal_cli(cli, command):
    path = cli.file("s.json", COUNTS)
    call = getattr(fairmem, command)
    for metric, extra in [(None, []), ("eopp", ["--metric", "eopp"]), (["sp", "eodds"], ["--metric", "sp", "--metric", "eodds"])]:
        got = call(COUNTS, metric=metric, exact=True)
        assert got.to_dict() == cli.json(command, path, "--exact", "--json", *extra)
    answers = call(fairmem.Statistics.from_dict(COUNTS), tolerance=0.02)
    assert answers.to_dict() == cli.json(command, path, "--tolerance", "0.02", "--json")
    frame = answers.to_pandas()
    assert list(frame["metric"]) == ["sp", "eopp", "eodds"]
    assert list(frame["feasible"]) == [a["feasible"] for a in answers.to_dict()]


def test_frontier_equals_cli(cli):
    path = cli.file("s.json", EXAMPLE)
    got = fairmem.frontier(EXAMPLE, metric=["sp", "eopp"], points=6)
    assert got.to_dict() == cli.json("frontier", path, "--metric", "sp", "--metric", "eopp", "--points", "6", "--json")
    table = got.to_pandas()
    assert table.shape == (12, 5) and table["bias"].is_monotonic_decreasing is not None
    assert list(got.curve("sp")["budget"]) == [p["budget"] for p in got.to_dict()[0]["points"]]


def test_bias_equals_cli(cli):
    path = cli.file("s.json", EXAMPLE)
    assert fairmem.bias(EXAMPLE, uniform=0.2).to_dict() == cli.json("bias", path, "--uniform", "0.2", "--json")
    memorized = np.array([[0.0, 0.05], [0.175, 0.0]])
    got = fairmem.bias(EXAMPLE, memorized=memorized)
    assert got.to_dict() == cli.json("bias", path, "--memorized", json.dumps(memorized.tolist()), "--json")
    # The witness of equal opportunity makes every eopp gap zero (checked by R1-R3 again here).
    gaps = got.to_pandas()
    assert gaps[gaps.metric == "eopp"]["value"].abs().max() == pytest.approx(0.0, abs=1e-12)
    assert got.group_rates.shape == (2, 2)


def test_explain_equals_cli(cli):
    path = cli.file("s.json", COUNTS)
    got = fairmem.explain(COUNTS, metric="sp")
    assert got.to_dict() == cli.json("explain", path, "--metric", "sp", "--json")
    assert set(got.to_pandas()["metric"]) == {"sp"}


def _predictions(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["female", "male"], n),
            "race": rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2]),
            "y": rng.integers(0, 2, n),
        }
    )
    frame["yhat"] = np.where(rng.random(n) < 0.8, frame["y"], 1 - frame["y"])
    return frame


def test_from_predictions_equals_cli_stats_intersectional(cli):
    frame = _predictions(seed_for(11, "from_predictions"))
    stats = fairmem.Statistics.from_predictions(frame["y"], frame["yhat"], sensitive_features=frame[["sex", "race"]])
    csv = cli.file("p.csv", frame.rename(columns={"y": "y_true", "yhat": "y_pred"}).to_csv(index=False))
    want = cli.json("stats", csv, "--label", "y_true", "--prediction", "y_pred", "--group", "sex", "--group", "race", "--json")
    got = stats.to_dict()
    got.pop("description"), want.pop("description")
    assert got == want
    assert len(stats.groups) == 6 and stats.groups[0] == "female|A"
    # Counting by pandas, independently: every cell of the tensor.
    counts = stats.counts
    for (sex, race, y, yhat), n in frame.groupby(["sex", "race", "y", "yhat"]).size().items():
        assert counts[stats.groups.index(f"{sex}|{race}"), stats.classes.index(str(y)), stats.classes.index(str(yhat))] == n
    assert counts.sum() == len(frame)
    long = stats.to_pandas()
    assert long["count"].sum() == len(frame)


def test_from_predictions_numpy_and_series_agree():
    frame = _predictions(seed_for(12, "numpy vs series"), n=500)
    a = fairmem.Statistics.from_predictions(frame["y"].to_numpy(), frame["yhat"].to_numpy(), frame["sex"].to_numpy())
    b = fairmem.Statistics.from_predictions(frame["y"], frame["yhat"], frame["sex"])
    assert a.groups == b.groups == ["female", "male"]
    assert np.array_equal(a.counts, b.counts)


def test_from_metric_frame_equals_from_predictions():
    from fairlearn.metrics import MetricFrame
    from sklearn.metrics import confusion_matrix

    frame = _predictions(seed_for(13, "metric frame"), n=2000)
    mf = MetricFrame(
        metrics={"cm": partial(confusion_matrix, labels=[0, 1])},
        y_true=frame["y"],
        y_pred=frame["yhat"],
        sensitive_features=frame[["sex", "race"]],
    )
    from_frame = fairmem.Statistics.from_metric_frame(mf)
    direct = fairmem.Statistics.from_predictions(frame["y"], frame["yhat"], frame[["sex", "race"]])
    assert from_frame.groups == direct.groups and from_frame.classes == direct.classes
    assert np.array_equal(from_frame.counts, direct.counts)
    assert fairmem.bounds(from_frame).to_dict() == fairmem.bounds(direct).to_dict()


def test_from_counts_round_trip():
    stats = fairmem.Statistics.from_counts(np.array(COUNTS["counts"]), COUNTS["groups"], COUNTS["classes"])
    assert np.array_equal(stats.counts, np.array(COUNTS["counts"]))
    assert fairmem.feasible(stats).to_dict() == fairmem.feasible(COUNTS).to_dict()


def test_sweep_equals_cli_sweep(cli):
    seed = seed_for(14, "sweep vs CLI")
    batch = random_batch(seed, 300)
    batch.insert(17, {"id": "bad", "groups": ["x"], "classes": ["0", "1"]})
    lines = "\n".join(json.dumps(item) for item in batch) + "\n"
    process = cli.run("sweep", "--metric", "sp", "--metric", "eopp", "--quiet", stdin=lines)
    assert process.returncode == 2  # the bad instance
    want = [json.loads(line) for line in process.stdout.splitlines()]
    got = [item.to_dict() for item in fairmem.sweep(batch, metric=["sp", "eopp"], block=64, errors="return")]
    assert got == want
    failures = [item for item in fairmem.sweep(batch, metric="sp", block=7, errors="return") if isinstance(item, fairmem.SweepFailure)]
    assert [(f.line, f.id, f.field) for f in failures] == [(18, "bad", "groups")]


def test_sweep_raises_with_position_and_field():
    batch = [COUNTS, dict(COUNTS, counts=[[[1, -1], [0, 1]]] * 3)]
    with pytest.raises(fairmem.BadInputError) as caught:
        list(fairmem.sweep(batch, metric="sp"))
    assert caught.value.field.startswith("counts") and "instance 2" in str(caught.value)


def test_sweep_streams_a_generator_in_order():
    seed = seed_for(15, "sweep streaming")
    batch = random_batch(seed, 50)
    ids = (dict(item, id=i) for i, item in enumerate(batch))
    answers = list(fairmem.sweep(ids, metric="eopp", block=8))
    assert [a.id for a in answers] == list(range(50))
    assert all(a.metric == "eopp" for a in answers)


def _without_seconds(value):
    """The report with every wall-clock `seconds` field set to 0 (the only field that may differ)."""
    if isinstance(value, dict):
        return {k: 0 if k == "seconds" else _without_seconds(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_seconds(v) for v in value]
    return value


def test_validate_theory_mode_equals_cli(cli):
    # Two small seeded populations with the interpolating MLP: per-run fit and per-entry spill-over.
    got = fairmem.validate(synthetic=2, datasets="none", mlp_populations=2, random_memorizations=1, seed=0, entries=True)
    expected = cli.json(
        "validate", "--synthetic", 2, "--datasets", "none", "--mlp-populations", 2, "--random-memorizations", 1,
        "--seed", 0, "--entries", "--json", "--quiet",
    )
    assert _without_seconds(got.to_dict()) == _without_seconds(expected)
    assert got["settings"]["mlp_initialization"] == "interpolating"
    metrics = [m for p in got["synthetic"] for m in p["metrics"] if m["feasible"]]
    assert metrics and all(m["mlp_fit"]["memorizedFitted"] == m["mlp_fit"]["memorizedCount"] for m in metrics)
    assert all(e["explained"] and e["spill_over"] == 0 for m in metrics for e in m["mlp_entries"])
    assert "spill_over" in got["synthetic"][0]["entries"]
    random_fits = [f for p in got["synthetic"] for f in p["mlp_random_fits"]]
    assert len(random_fits) == 2 and all(f["memorizedFitted"] == f["memorizedCount"] for f in random_fits)


def test_validate_memorization_mode_equals_cli(cli):
    got = fairmem.validate(mode="memorization", datasets="synthetic", max_records=200, models="lr,1nn", seed=0)
    expected = cli.json(
        "validate", "--mode", "memorization", "--datasets", "synthetic", "--max-records", 200, "--models", "lr,1nn",
        "--seed", 0, "--json", "--quiet",
    )
    assert _without_seconds(got.to_dict()) == _without_seconds(expected)
    assert [m["model"] for m in got["populations"][0]["models"]] == ["lr", "1nn"]


def test_validate_bad_option_names_the_field():
    with pytest.raises(fairmem.BadInputError) as caught:
        fairmem.validate(synthetic=0, datasets="none", mlp_initialization="zeros")
    assert caught.value.field == "mlp_initialization"  # the option, as the keyword argument
