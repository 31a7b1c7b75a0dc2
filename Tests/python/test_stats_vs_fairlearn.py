"""`fairmem stats --json` against fairlearn.metrics on the same predictions CSV.

Compares the `summary` object's demographic_parity_difference and equalized_odds_difference, and
the per-group selection / true-positive / false-positive rates, with fairlearn (1e-12), for binary labels and 2-4 groups.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

from conftest import describe
from instances import seed_for

TOL = 1e-12


def random_predictions(rng, n_groups, n):
    names = ["alpha", "beta", "gamma", "delta"][:n_groups]
    group = rng.choice(names, size=n, p=rng.dirichlet(np.full(n_groups, 3.0)))
    base = {g: rng.uniform(0.2, 0.7) for g in names}
    label = np.array([rng.random() < base[g] for g in group], dtype=int)
    tpr = {g: rng.uniform(0.5, 0.95) for g in names}
    fpr = {g: rng.uniform(0.05, 0.4) for g in names}
    pred = np.array(
        [int(rng.random() < (tpr[g] if y == 1 else fpr[g])) for g, y in zip(group, label)], dtype=int
    )
    return pd.DataFrame({"label": label, "prediction": pred, "group": group})


def per_group(out, key):
    """summary[key] as {group: value}: a list aligned with the output's `groups`, or a mapping."""
    val = out["summary"].get(key)
    if isinstance(val, dict):
        return {str(k): v for k, v in val.items()}
    if isinstance(val, list):
        groups = out.get("groups") or out["summary"].get("groups")
        assert groups is not None and len(groups) == len(val), f"{key} not aligned with groups"
        return dict(zip(map(str, groups), val))
    return None


@pytest.mark.parametrize("n_groups", [2, 3, 4])
@pytest.mark.parametrize("rep", range(3))
def test_cli_stats_matches_fairlearn(fairmem, tmp_path, n_groups, rep):
    fairmem.require("stats")
    seed = seed_for(1000 * n_groups + rep, f"stats vs fairlearn ({n_groups} groups, rep {rep})")
    rng = np.random.default_rng(seed)
    df = random_predictions(rng, n_groups, int(rng.integers(300, 3000)))
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    proc = fairmem.run(
        ["stats", str(path), "--label", "label", "--prediction", "prediction", "--group", "group", "--favorable", "1", "--json"]
    )
    assert proc.returncode == 0, describe(proc)
    out = json.loads(proc.stdout)
    assert "summary" in out, f"no `summary` object in output keys {sorted(out)}"
    summary = out["summary"]

    y, yh, g = df["label"], df["prediction"], df["group"]
    dpd = demographic_parity_difference(y, yh, sensitive_features=g)
    eod = equalized_odds_difference(y, yh, sensitive_features=g)
    assert summary["demographic_parity_difference"] == pytest.approx(dpd, abs=TOL)
    assert summary["equalized_odds_difference"] == pytest.approx(eod, abs=TOL)

    frame = MetricFrame(
        metrics={"selection_rates": selection_rate, "true_positive_rates": true_positive_rate, "false_positive_rates": false_positive_rate},
        y_true=y,
        y_pred=yh,
        sensitive_features=g,
    ).by_group
    for key in frame.columns:
        got = per_group(out, key)
        assert got is not None, f"no per-group {key} in summary keys {sorted(summary)}"
        assert set(got) == set(map(str, frame.index)), key
        for grp, rate in frame[key].items():
            assert got[str(grp)] == pytest.approx(rate, abs=TOL), (key, grp)
