"""`fairmem steer --json` against an independent NumPy/SciPy computation.

For the shipped example specifications and every intervention and KL direction:
- every map's matrix equals S^(-1/2) (S^(1/2) S~ S^(1/2))^(1/2) S^(-1/2) computed with
  `scipy.linalg.sqrtm`, pushes the original covariance to the target (M S M = S~) and the mean to
  the target mean;
- the reported joint KL (both directions) equals the chain-rule formula evaluated with NumPy;
- groups that do not move keep their moments (affirmative action and baselines);
- the univariate affirmative-action optimum agrees with `scipy.optimize.minimize` over (log γ, c)
  of the summed KL, and the steered 1-D model has zero Bayes gaps.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.linalg import sqrtm
from scipy.optimize import minimize

REPO = Path(__file__).resolve().parents[2]
SPECS = [REPO / "Examples" / "steering-1d.json", REPO / "Examples" / "steering-2d.json"]
INTERVENTIONS = ["affirmative", "all-subgroup", "mean", "mean-cov"]


def gaussian_kl(m0, s0, m1, s1):
    """KL(N(m0, s0) || N(m1, s1)), written out with NumPy."""
    d = len(m0)
    s1_inv = np.linalg.inv(s1)
    diff = np.asarray(m1) - np.asarray(m0)
    _, logdet1 = np.linalg.slogdet(s1)
    _, logdet0 = np.linalg.slogdet(s0)
    return 0.5 * (np.trace(s1_inv @ s0) + diff @ s1_inv @ diff - d + logdet1 - logdet0)


def joint_kl(p_priors, p_means, p_covs, q_priors, q_means, q_covs):
    total = 0.0
    for a in range(len(p_priors)):
        for y in range(len(p_priors[a])):
            p, q = p_priors[a][y], q_priors[a][y]
            total += p * (np.log(p / q) + gaussian_kl(
                np.array(p_means[a][y]), np.array(p_covs[a][y]), np.array(q_means[a][y]), np.array(q_covs[a][y])))
    return total


def steer(fairmem, spec, *args):
    fairmem.require("steer")
    proc = fairmem.run(["steer", str(spec), "--json", "--samples", "2000", *args])
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
@pytest.mark.parametrize("intervention", INTERVENTIONS)
@pytest.mark.parametrize("direction", ["forward", "reverse"])
def test_maps_and_kl_match_scipy(fairmem, spec, intervention, direction):
    model = json.loads(spec.read_text())
    report = steer(fairmem, spec, "--intervention", intervention, "--kl", direction)
    reference = model["groups"].index(report["reference"])
    for a in range(len(model["groups"])):
        for y in range(len(model["classes"])):
            s = np.array(model["covariances"][a][y])
            mu = np.array(model["means"][a][y])
            target_s = np.array(report["target_covariances"][a][y])
            target_mu = np.array(report["target_means"][a][y])
            root = np.real(sqrtm(s))
            inv_root = np.linalg.inv(root)
            expected = inv_root @ np.real(sqrtm(root @ target_s @ root)) @ inv_root
            m = np.array(report["map"][a][y]["matrix"])
            b = np.array(report["map"][a][y]["offset"])
            np.testing.assert_allclose(m, expected, atol=1e-9)
            np.testing.assert_allclose(m @ s @ m, target_s, atol=1e-9)
            np.testing.assert_allclose(m @ mu + b, target_mu, atol=1e-9)
            if intervention != "all-subgroup" and a == reference:
                np.testing.assert_allclose(target_mu, mu, atol=0)
                np.testing.assert_allclose(target_s, s, atol=0)
    steered = (report["target_priors"], report["target_means"], report["target_covariances"])
    original = (model["priors"], model["means"], model["covariances"])
    forward = joint_kl(*steered, *original)
    reverse = joint_kl(*original, *steered)
    assert report["kl_forward"] == pytest.approx(forward, rel=1e-9, abs=1e-12)
    assert report["kl_reverse"] == pytest.approx(reverse, rel=1e-9, abs=1e-12)
    assert report["kl"] == pytest.approx(forward if direction == "forward" else reverse, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("direction", ["forward", "reverse"])
def test_univariate_affirmative_optimum_matches_scipy_minimize(fairmem, direction):
    spec = SPECS[0]
    model = json.loads(spec.read_text())
    report = steer(fairmem, spec, "--kl", direction, "--priors", "keep", "--reference", "B")
    a, r = 0, 1
    w = model["priors"][a]

    def objective(params):
        gamma, c = np.exp(params[0]), params[1]
        total = 0.0
        for y in range(2):
            mean = np.array([gamma * model["means"][r][y][0] + c])
            cov = np.array([[gamma ** 2 * model["covariances"][r][y][0][0]]])
            orig_mean = np.array(model["means"][a][y])
            orig_cov = np.array(model["covariances"][a][y])
            kl = gaussian_kl(mean, cov, orig_mean, orig_cov) if direction == "forward" else gaussian_kl(
                orig_mean, orig_cov, mean, cov)
            total += w[y] * kl
        return total

    best = minimize(objective, x0=[0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-15,
                                                                          "maxiter": 20000})
    assert report["gamma"][a] == pytest.approx(np.exp(best.x[0]), rel=1e-6)
    assert report["offsets"][a][0] == pytest.approx(best.x[1], abs=1e-6)
    assert report["kl"] == pytest.approx(best.fun, rel=1e-8, abs=1e-12)
    # Priors kept: the base rates still differ (condition 3), so Bayes thresholds differ by group.
    assert report["ideal_after"]["base_rate_difference"] > 0.05
    assert report["ideal_after"]["bayes"]["equalized_odds"] > 1e-3
    # With the priors projected as well, every cost-sensitive Bayes classifier is exactly fair.
    after = steer(fairmem, spec, "--kl", direction, "--reference", "B")["ideal_after"]
    assert after["bayes"]["exact"] and after["base_rate_difference"] < 1e-15
    assert max(after["bayes"]["demographic_parity"], after["bayes"]["equalized_odds"]) < 1e-12
