"""`fairmem stats --bootstrap` intervals against fairlearn's `MetricFrame(n_boot=...)` on the same
predictions (fairlearn 0.15.0, pinned in requirements.txt, resamples records with replacement and
takes numpy quantiles; fairmem resamples the same multinomial per cell).

The two use different random streams, so the interval ends differ by Monte Carlo error only.
Allowed difference for a 2.5% / 97.5% percentile end: four standard errors of the difference of
two independent percentile estimates (normal approximation, `sqrt(2) · σ · sqrt(q(1-q)/B) /
φ(z_q)` with σ the bootstrap standard error fairmem reports), plus one step of the rate's
granularity (1/n of its group). Checked for the per-group selection rate, TPR, FPR and accuracy and
for the demographic-parity difference.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import accuracy_score

from conftest import describe
from instances import seed_for

N_BOOT = 200
LEVEL = 0.95


def predictions(rng, n):
    group = rng.choice(["alpha", "beta"], size=n, p=[0.35, 0.65])
    base = {"alpha": 0.3, "beta": 0.5}
    label = (rng.random(n) < np.vectorize(base.get)(group)).astype(int)
    tpr = {"alpha": 0.7, "beta": 0.85}
    fpr = {"alpha": 0.1, "beta": 0.25}
    p = np.where(label == 1, np.vectorize(tpr.get)(group), np.vectorize(fpr.get)(group))
    pred = (rng.random(n) < p).astype(int)
    return pd.DataFrame({"label": label, "prediction": pred, "group": group})


@pytest.mark.parametrize("rep", range(1))
def test_bootstrap_intervals_match_fairlearn(fairmem, tmp_path, rep):
    fairmem.require("stats")
    seed = seed_for(900 + rep, f"bootstrap vs fairlearn (rep {rep})")
    rng = np.random.default_rng(seed)
    df = predictions(rng, 1200)
    csv = tmp_path / "predictions.csv"
    df.to_csv(csv, index=False)
    proc = fairmem.run(["stats", csv, "--label", "label", "--prediction", "prediction", "--group", "group",
                        "--bootstrap", N_BOOT, "--level", LEVEL, "--seed", seed % (2**62), "--json"])
    assert proc.returncode == 0, describe(proc)
    ours = {iv["name"]: iv for iv in json.loads(proc.stdout)["bootstrap"]["intervals"]}

    q = [(1 - LEVEL) / 2, (1 + LEVEL) / 2]
    frame = MetricFrame(
        metrics={"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
                 "accuracy": accuracy_score},
        y_true=df.label, y_pred=df.prediction, sensitive_features=df.group,
        n_boot=N_BOOT, ci_quantiles=q, random_state=int(seed % (2**31)))
    lower, upper = frame.by_group_ci
    dp_lower, dp_upper = frame.difference_ci(method="between_groups")

    z = 1.959963984540054
    phi = np.exp(-z * z / 2) / np.sqrt(2 * np.pi)
    factor = np.sqrt(2) * np.sqrt(q[0] * (1 - q[0]) / N_BOOT) / phi

    def check(name, fl_lower, fl_upper, group_size):
        iv = ours[name]
        tolerance = 4 * factor * iv["standard_error"] + 1.0 / group_size
        assert abs(iv["lower"] - fl_lower) <= tolerance, (name, iv["lower"], fl_lower, tolerance)
        assert abs(iv["upper"] - fl_upper) <= tolerance, (name, iv["upper"], fl_upper, tolerance)

    sizes = df.groupby("group").size()
    positives = df[df.label == 1].groupby("group").size()
    negatives = df[df.label == 0].groupby("group").size()
    checked = 0
    for g in ["alpha", "beta"]:
        for metric, size in [("selection_rate", sizes[g]), ("tpr", positives[g]), ("fpr", negatives[g]),
                             ("accuracy", sizes[g])]:
            check(f"{metric}[{g}]", lower.loc[g, metric], upper.loc[g, metric], size)
            checked += 1
    check("demographic_parity_difference", dp_lower["selection_rate"], dp_upper["selection_rate"], sizes.min())
    assert checked == 8
