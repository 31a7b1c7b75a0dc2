"""Writes the seeded predictions CSV of the README's Python example (Docs/python.md).

5,000 records with columns y, yhat, sex, race: sex female/male and race A/B each with
probability 1/2, base rate of y = 1 of 25% (female) and 42% (male), 5 points lower for race B,
and a classifier that is right with probability 78% (female) and 85% (male).
Seeded: numpy.random.default_rng(7).

Usage: python Scripts/example-predictions.py [OUT.csv]   (default preds.csv)
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def example_predictions(records: int = 5000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], size=records)
    race = rng.choice(["A", "B"], size=records)
    base = np.where(sex == "female", 0.25, 0.42) - np.where(race == "B", 0.05, 0.0)
    y = (rng.random(records) < base).astype(int)
    right = rng.random(records) < np.where(sex == "female", 0.78, 0.85)
    yhat = np.where(right, y, 1 - y)
    return pd.DataFrame({"y": y, "yhat": yhat, "sex": sex, "race": race})


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "preds.csv"
    example_predictions().to_csv(out, index=False)
    print(f"wrote {out}")
