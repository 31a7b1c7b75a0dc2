"""`fairmem robust` cross-checks: every Clopper-Pearson interval of a report against
scipy.stats.beta.ppf, the Bonferroni level, the verdict against the point analysis, and bad input.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import beta

from conftest import describe
from instances import seed_for


def clopper_pearson(k, n, alpha):
    lower = 0.0 if k == 0 else beta.ppf(alpha / 2, k, n - k + 1)
    upper = 1.0 if k == n else beta.ppf(1 - alpha / 2, k + 1, n - k)
    return lower, upper


def intervals(region):
    """Every interval object of a region, flattened."""
    out = []

    def walk(x):
        if isinstance(x, dict):
            out.append(x)
        elif isinstance(x, list):
            for y in x:
                walk(y)

    for key in ("cell_mass", "base_rate", "confusion"):
        walk(region.get(key))
    return out


@pytest.mark.parametrize("rep", range(4))
def test_intervals_match_scipy(fairmem, tmp_path, rep):
    fairmem.require("robust")
    seed = seed_for(700 + rep, f"robust intervals vs scipy (rep {rep})")
    rng = np.random.default_rng(seed)
    g, k = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    scale = [30, 300, 3000, 30000][rep]
    counts = rng.integers(1, scale, size=(g, k, k)).tolist()
    path = tmp_path / "counts.json"
    path.write_text(json.dumps({"groups": [f"g{a}" for a in range(g)], "classes": [str(c) for c in range(k)],
                                "counts": counts}))
    level = [0.9, 0.95, 0.99, 0.5][rep]
    for metric in ("sp", "eopp", "eodds"):
        proc = fairmem.run(["robust", str(path), "--metric", metric, "--method", "box", "--level", level,
                            "--tolerance", "0.05", "--json"])
        assert proc.returncode == 0, describe(proc)
        report = json.loads(proc.stdout)
        region = report["box"]["region"]
        m = region["interval_count"]
        alpha = (1 - level) / m
        assert abs(region["per_interval_level"] - (1 - alpha)) < 1e-15
        found = intervals(region)
        assert found, "no intervals in the region"
        for iv in found:
            lo, hi = clopper_pearson(iv["successes"], iv["trials"], alpha)
            assert abs(iv["lower"] - lo) < 1e-10 and abs(iv["upper"] - hi) < 1e-10, (iv, lo, hi)
        # A certain verdict agrees with the point estimate (the point estimate lies in the region).
        point = report["point_estimate"]["feasible"]
        if report["verdict"] == "certainly_feasible":
            assert point
        if report["verdict"] == "certainly_infeasible":
            assert not point
        if report["min_mass_interval"] is not None and point:
            lo, hi = report["min_mass_interval"]
            assert lo <= report["point_estimate"]["min_mass"] + 1e-7
            if hi is not None:
                assert report["point_estimate"]["min_mass"] <= hi + 1e-7


def test_builtin_example_point_impossible_robust_undetermined(fairmem):
    fairmem.require("robust")
    proc = fairmem.run(["robust", "--metric", "sp", "--method", "both", "--draws", "400", "--json"])
    assert proc.returncode == 0, describe(proc)
    report = json.loads(proc.stdout)
    assert report["point_estimate"]["feasible"] is False
    assert report["verdict"] == "undetermined"
    assert report["box"]["min_mass_interval"]["lower_witness"]["verified"] is True
    assert 0 < report["probability_feasible"] < 1
    assert report["settling_scale"] > 1


@pytest.mark.parametrize(
    "args, obj, field",
    [
        (["--level", "1.5"], None, "--level"),
        (["--level", "0"], None, "--level"),
        (["--draws", "0"], None, "--draws"),
        (["--method", "grid"], None, "--method"),
        ([], {"counts": [[[5, 5], [0, 0]], [[5, 5], [3, 3]]]}, "counts[0][1]"),
        ([], {"counts": [[[5, -1], [2, 2]], [[5, 5], [3, 3]]]}, "counts"),
        ([], {"counts": [[[5, 1.5], [2, 2]], [[5, 5], [3, 3]]]}, "counts"),
        ([], {"population": [[0.25, 0.25], [0.25, 0.25]], "confusion": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]},
         "counts"),
    ],
)
def test_bad_input(fairmem, tmp_path, args, obj, field):
    fairmem.require("robust")
    path = tmp_path / "in.json"
    body = {"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[5, 5], [2, 2]], [[5, 5], [3, 3]]]}
    if obj is not None:
        body = {"groups": ["a", "b"], "classes": ["0", "1"], **obj}
    path.write_text(json.dumps(body))
    proc = fairmem.run(["robust", str(path), "--metric", "eopp", "--draws", "5", *args])
    assert proc.returncode == 2, describe(proc)
    assert field in proc.stderr, describe(proc)


@pytest.mark.parametrize("rep", range(2))
def test_convention_a_region_matches_scipy(fairmem, tmp_path, rep):
    """SP in convention A: the region holds only cell masses and base rates (the stated
    unmemorized law is not a sample estimate), each a Clopper-Pearson interval at the Bonferroni
    level with G*K + G*(1 if K == 2 else K) events; a certain verdict agrees with the point
    estimate."""
    fairmem.require("robust")
    seed = seed_for(720 + rep, f"robust convention A region vs scipy (rep {rep})")
    rng = np.random.default_rng(seed)
    g, k = 2, [2, 3][rep]
    counts = rng.integers(5, 400, size=(g, k, k)).tolist()
    law = rng.dirichlet(np.ones(k), size=g).tolist()
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"groups": ["g0", "g1"], "classes": [str(c) for c in range(k)], "counts": counts,
                                "unmemorized_prediction": law}))
    proc = fairmem.run(["robust", str(path), "--metric", "sp", "--method", "box", "--tolerance", "0.05", "--json"])
    assert proc.returncode == 0, describe(proc)
    report = json.loads(proc.stdout)
    assert report["convention"] == "A"
    region = report["box"]["region"]
    assert all(rate is None for group in region["confusion"] for row in group for rate in row)
    assert region["interval_count"] == g * k + g * (1 if k == 2 else k)
    alpha = (1 - report["level"]) / region["interval_count"]
    for iv in intervals(region):
        lo, hi = clopper_pearson(iv["successes"], iv["trials"], alpha)
        assert abs(iv["lower"] - lo) < 1e-10 and abs(iv["upper"] - hi) < 1e-10, (iv, lo, hi)
    point = report["point_estimate"]["feasible"]
    if report["verdict"] == "certainly_feasible":
        assert point and report["box"]["robust_witness"]["verified"]
    if report["verdict"] == "certainly_infeasible":
        assert not point and report["box"]["certificate"]["verified"]
