"""The experiment calls of the package (``groupfree``, ``steer``, and ``validate``,
``reweight``, ``compare`` on the user's own CSV or DataFrame) against the CLI's JSON on the same
input: the package runs the same command in-process (C ABI), so the reports must be equal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

import fairmem

SEED = 14


def seeded_table(rows: int = 500, seed: int = SEED) -> pd.DataFrame:
    """Groups a/b (30% b), label yes/no from two numeric features, a city and a year code."""
    print(f"[seed] seeded_table: {seed}")
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(rows) < 0.3, "b", "a")
    income = rng.normal(size=rows) + np.where(group == "a", 0.5, 0.0)
    debt = rng.normal(size=rows)
    city = rng.choice(["north", "south", "east"], size=rows)
    year = rng.integers(2000, 2003, size=rows)
    score = 1.2 * income - 0.8 * debt + np.where(city == "north", 0.3, 0.0) + 0.3 * rng.normal(size=rows)
    outcome = np.where(score > 0.2, "yes", "no")
    return pd.DataFrame(
        {"income": income.round(4), "city": city, "year": year, "group": group, "debt": debt.round(4), "outcome": outcome}
    )


OWN = {"label": "outcome", "group": "group", "categorical": "year", "positive": "yes"}
OWN_CLI = ["--label", "outcome", "--group", "group", "--categorical", "year", "--positive", "yes"]


def without(value: Any, keys: set[str]) -> Any:
    """``value`` without the given keys at any depth (timings, names of temporary files)."""
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


@pytest.fixture
def table_path(cli) -> Path:
    path = cli.tmp / "own.csv"
    seeded_table().to_csv(path, index=False)
    return path


def test_steer_specification_equals_cli(cli):
    spec = REPO / "Examples" / "steering-1d.json"
    got = fairmem.steer(spec, intervention="all-subgroup", reference="B")
    want = cli.json("steer", spec, "--intervention", "all-subgroup", "--reference", "B", "--json")
    assert got.to_dict() == want
    assert got.kl == pytest.approx(want["kl"]) and got.kl > 0
    import json

    assert fairmem.steer(json.loads(spec.read_text()), intervention="mean").to_dict() == cli.json(
        "steer", spec, "--intervention", "mean", "--json"
    )


def test_steer_on_own_csv_equals_cli(cli, table_path):
    got = fairmem.steer(csv=table_path, splits=2, intervention="affirmative", **OWN)
    want = cli.json("steer", "--csv", table_path, *OWN_CLI, "--splits", "2", "--intervention", "affirmative", "--json")
    assert got.to_dict() == want
    frame = got.to_pandas()
    assert list(frame["method"]) == [r["method"] for r in want["rows"]]
    assert frame["accuracy"].between(0.5, 1).all()


def test_groupfree_on_own_data_equals_cli(cli, table_path):
    options = dict(method="erm,gog", splits=1, epochs=3, model="lr", **OWN)
    got = fairmem.groupfree(csv=str(table_path), **options)
    want = cli.json(
        "groupfree", "--csv", table_path, *OWN_CLI, "--method", "erm,gog", "--splits", "1", "--epochs", "3",
        "--model", "lr", "--json",
    )
    assert without(got.to_dict(), {"seconds"}) == without(want, {"seconds"})
    assert got.group_names == ["a", "b"] and got.dataset == "own.csv"
    assert list(got.to_pandas()["method"]) == ["erm", "gog"]
    # The DataFrame route writes the same table: the same report but for the file's name.
    frame = fairmem.groupfree(csv=seeded_table(), **options)
    assert without(frame.to_dict(), {"seconds", "dataset"}) == without(want, {"seconds", "dataset"})


@pytest.mark.parametrize(
    "command, extra",
    [
        ("reweight", ["--method", "fairif", "--apply", "retrain"]),
        ("compare", ["--splits", "2", "--methods", "i-jack,fairif", "--apply", "ij"]),
        ("validate", []),
    ],
)
def test_own_data_reports_equal_cli(cli, table_path, command, extra):
    keywords = {extra[i][2:].replace("-", "_"): extra[i + 1] for i in range(0, len(extra), 2)}
    got = getattr(fairmem, command)(csv=table_path, **OWN, **keywords).to_dict()
    want = cli.json(command, "--csv", table_path, *OWN_CLI, *extra, "--json", *(["--quiet"] if command == "validate" else []))
    assert without(got, {"seconds"}) == without(want, {"seconds"})
    if command == "reweight":
        assert got["dataset"] == {
            "csv": str(table_path),
            "label": "outcome",
            "groups": ["group"],
            "features": None,
            "categorical": ["year"],
            "positive": "yes",
        }


def test_own_dataframe_route_gives_the_file_report(table_path):
    by_path = fairmem.reweight(csv=table_path, method="i-jack", **OWN).to_dict()
    by_frame = fairmem.reweight(csv=seeded_table(), method="i-jack", **OWN).to_dict()
    assert by_frame["erm"] == by_path["erm"] and by_frame["result"] == by_path["result"]


@pytest.mark.parametrize(
    "table, options, field",
    [
        (pd.DataFrame({"x": [1.0, 2.0], "g": ["a", "b"], "y": [0, 1]}), {"label": "nope", "group": "g"}, "nope"),
        (pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0], "g": list("abab"), "y": [0, 1, 0, 1]}), {"label": "y", "group": "g"}, "x"),
        (pd.DataFrame({"x": [1.0, 2.0, 3.0], "g": list("aba"), "y": [0, 1, 2]}), {"label": "y", "group": "g", "positive": "1"}, "y"),
    ],
    ids=["unknown-column", "nan-cell", "third-label-value"],
)
def test_bad_own_data_raises_naming_the_column(table, options, field):
    with pytest.raises(fairmem.BadInputError) as error:
        fairmem.reweight(csv=table, **options)
    assert error.value.field == field and error.value.exit_code == 2


def test_readme_example(tmp_path, monkeypatch, capsys):
    """The README's five-line example on the CSV of Scripts/example-predictions.py prints the
    output the README shows."""
    import re
    import runpy

    readme = (REPO / "README.md").read_text()
    code, output = re.search(r"```python\n(import fairmem.*?)```\n\n```\n(.*?)```", readme, re.S).groups()
    generator = runpy.run_path(str(REPO / "Scripts" / "example-predictions.py"))
    generator["example_predictions"]().to_csv(tmp_path / "preds.csv", index=False)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out == output
