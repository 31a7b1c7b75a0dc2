"""``fairmem.robust`` and ``fairmem.stats`` (with ``bootstrap``) against the CLI's JSON on the same
input: the package runs the same commands in-process (C ABI), so the answers must be equal,
field for field (the posterior draws are seeded and do not depend on the thread count)."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import COUNTS
from instances import seed_for

import fairmem

RATES_WITH_SIZES = {
    "groups": ["female", "male"],
    "classes": ["<=50K", ">50K"],
    "population": [[0.3, 0.1], [0.35, 0.25]],
    "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
    "sample_sizes": [[300, 100], [350, 250]],
}
CONVENTION_A = dict(COUNTS, unmemorized_prediction=[[0.8, 0.2], [0.6, 0.4], [0.5, 0.5]])


def test_robust_builtin_example_equals_cli(cli):
    got = fairmem.robust(metric="sp", draws=200)
    assert got.to_dict() == cli.json("robust", "--metric", "sp", "--draws", "200", "--json")
    answer = got[0]
    # The documented case: the point estimate says impossible, the robust verdict cannot tell.
    assert answer.point_estimate["feasible"] is False
    assert answer.verdict == "undetermined"
    assert 0 < answer.probability_feasible < 1
    assert answer.settling_scale is not None and answer.settling_scale > 1


@pytest.mark.parametrize(
    "statistics", [COUNTS, RATES_WITH_SIZES, CONVENTION_A], ids=["counts", "sample_sizes", "convention_a"]
)
def test_robust_equals_cli(cli, statistics):
    path = cli.file("s.json", statistics)
    for method in ("box", "both"):
        got = fairmem.robust(statistics, tolerance=0.05, level=0.9, method=method, draws=150, seed=7, threads=2)
        want = cli.json(
            "robust", path, "--tolerance", "0.05", "--level", "0.9", "--method", method, "--draws", "150",
            "--seed", "7", "--threads", "1", "--json",
        )
        assert got.to_dict() == want
        assert [a.metric for a in got] == ["sp", "eopp", "eodds"]
        frame = got.to_pandas()
        assert list(frame["verdict"]) == [a["verdict"] for a in want]
    sp = fairmem.robust(statistics, metric="sp", tolerance=0.05, method="box").by_metric("sp")
    assert sp.convention == ("A" if "unmemorized_prediction" in statistics else "B")


def test_sample_sizes_answer_like_the_counts_they_imply():
    counts = {"groups": RATES_WITH_SIZES["groups"], "classes": RATES_WITH_SIZES["classes"],
              "counts": [[[270, 30], [40, 60]], [[280, 70], [50, 200]]]}
    a = fairmem.robust(RATES_WITH_SIZES, tolerance=0.05, draws=100).to_dict()
    b = fairmem.robust(counts, tolerance=0.05, draws=100).to_dict()
    for item in a:
        assert item.pop("counts_from") == "sample_sizes"
    for item in b:
        assert item.pop("counts_from") == "counts"
    assert a == b


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda s: s.update(sample_sizes=[[300.5, 100], [350, 250]]), "sample_sizes[0][0]"),
        (lambda s: s.update(sample_sizes=[[300, -100], [350, 250]]), "sample_sizes[0][1]"),
        (lambda s: s.update(sample_sizes=[[300, 100]]), "sample_sizes"),
        (lambda s: s.update(sample_sizes=[[310, 100], [340, 250]]), "sample_sizes[0][0]"),
        (lambda s: s.update(confusion=[[[0.9, 0.1], [0.405, 0.595]], [[0.8, 0.2], [0.2, 0.8]]]), "confusion[0][1][0]"),
        (
            lambda s: s.update(population=[[0.4, 0.0], [0.35, 0.25]], sample_sizes=[[400, 0], [350, 250]]),
            "sample_sizes[0][1]",
        ),
    ],
    ids=["non-integer", "negative", "shape", "population share", "confusion records", "zero cell eopp needs"],
)
def test_bad_sample_sizes_name_the_field(cli, change, field):
    statistics = copy.deepcopy(RATES_WITH_SIZES)
    change(statistics)
    with pytest.raises(fairmem.BadInputError) as raised:
        fairmem.robust(statistics, metric="eopp", favorable=">50K", method="box")
    assert raised.value.field == field
    process = cli.run("robust", cli.file("bad.json", statistics), "--metric", "eopp", "--favorable", ">50K")
    assert process.returncode == 2 and field in process.stderr, process.stderr


def test_robust_bad_options_name_the_field():
    for options, field in [({"level": 1.0}, "level"), ({"draws": 0}, "draws"), ({"method": "grid"}, "method")]:
        with pytest.raises(fairmem.BadInputError) as raised:
            fairmem.robust(COUNTS, **options)
        assert raised.value.field == field


def _predictions(seed: int, n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"sex": rng.choice(["female", "male"], n), "y": rng.integers(0, 2, n)})
    frame["yhat"] = np.where(rng.random(n) < 0.8, frame["y"], 1 - frame["y"])
    return frame


def test_stats_bootstrap_equals_cli(cli):
    frame = _predictions(seed_for(31, "stats bootstrap"))
    path = cli.file("p.csv", frame.to_csv(index=False))
    want = cli.json(
        "stats", path, "--label", "y", "--prediction", "yhat", "--group", "sex", "--bootstrap", "60", "--level", "0.9",
        "--seed", "5", "--json",
    )
    for data in (frame, path, frame.to_csv(index=False)):
        got = fairmem.stats(data, label="y", prediction="yhat", group="sex", bootstrap=60, level=0.9, seed=5).to_dict()
        got.pop("description"), want.pop("description", None)
        assert got == want
    intervals = {item["name"]: item for item in want["bootstrap"]["intervals"]}
    assert intervals["selection_rate[female]"]["lower"] <= intervals["selection_rate[female]"]["upper"]
    # from_predictions passes the same options; its output is valid input for every command.
    stats = fairmem.Statistics.from_predictions(
        frame["y"].rename("y_true"), frame["yhat"].rename("y_pred"), frame["sex"], bootstrap=60, level=0.9, seed=5
    )
    assert stats.to_dict()["bootstrap"]["intervals"] == want["bootstrap"]["intervals"]
    stats.validate()
    assert fairmem.robust(stats, metric="eopp", favorable="1", method="box")[0].verdict == "certainly_feasible"


def test_sweep_robust_equals_cli(cli):
    instances = [dict(COUNTS, id="counts"), dict(RATES_WITH_SIZES, id="sizes"), dict(CONVENTION_A, id="a")]
    lines = "".join(json.dumps(item) + "\n" for item in instances)
    process = cli.run("sweep", "--quiet", "--metric", "sp", "--tolerance", "0.05", "--robust", "--level", "0.9", stdin=lines)
    assert process.returncode == 0, process.stderr
    want = [json.loads(line) for line in process.stdout.splitlines()]
    got = list(fairmem.sweep(instances, metric="sp", tolerance=0.05, robust=True, level=0.9))
    assert [answer.to_dict() for answer in got] == want
    assert [answer.robust.convention for answer in got] == ["B", "B", "A"]
    assert got[1].robust.to_dict()["counts_from"] == "sample_sizes"
    # Without counts the robust member says why.
    plain = {k: v for k, v in RATES_WITH_SIZES.items() if k != "sample_sizes"}
    assert "error" in next(fairmem.sweep([plain], metric="sp", robust=True)).robust
