"""Bootstrap intervals on Adult: `fairmem stats --bootstrap 200` vs fairlearn MetricFrame(n_boot=200).

Trains a logistic regression on Adult (scikit-learn, adult.data), predicts adult.test (15,060
records after dropping rows with missing values), writes the predictions CSV and times, on the
same data and the same per-group metrics (selection rate, TPR, FPR, accuracy) at 95%:
- fairlearn 0.15.0 `MetricFrame(..., n_boot=200, ci_quantiles=[0.025, 0.975])` (one run: it
  resamples records and recomputes the frame per replicate);
- `fairmem stats CSV ... --bootstrap 200` (release binary, best of 3; it also prints the
  summaries and every other metric's interval), and `fairmem stats` without the bootstrap, whose
  difference is the bootstrap's own time (per-cell drawing and metric recomputation).
Usage: .venv/bin/python Benchmarks/bootstrap/bench.py [FAIRMEM_BINARY] (see run.sh).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
           "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income"]
REPLICATES = 200


def load(name, skip):
    df = pd.read_csv(ROOT / "Data" / "raw" / name, header=None, names=COLUMNS, skipinitialspace=True,
                     skiprows=skip, na_values="?")
    df["income"] = df["income"].str.rstrip(".")
    return df.dropna().reset_index(drop=True)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / ".build" / "release" / "fairmem")
    train, test = load("adult.data", 0), load("adult.test", 1)
    X = pd.get_dummies(pd.concat([train, test]).drop(columns=["income"]), dtype=float)
    scaler = StandardScaler().fit(X.iloc[:len(train)])
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(X.iloc[:len(train)]), train["income"])
    pred = model.predict(scaler.transform(X.iloc[len(train):]))
    df = pd.DataFrame({"label": (test["income"] == ">50K").astype(int), "prediction": (pred == ">50K").astype(int),
                       "sex": test["sex"]})
    csv = Path(tempfile.mkdtemp()) / "adult-predictions.csv"
    df.to_csv(csv, index=False)
    print(f"Adult test predictions: {len(df)} records, accuracy {np.mean(df.label == df.prediction):.4f}")

    args = [binary, "stats", str(csv), "--label", "label", "--prediction", "prediction", "--group", "sex", "--json"]

    def best_of(command, runs=3):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return min(times)

    plain = best_of(args)
    boot = best_of(args + ["--bootstrap", str(REPLICATES), "--seed", "1"])

    start = time.perf_counter()
    frame = MetricFrame(
        metrics={"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
                 "accuracy": accuracy_score},
        y_true=df.label, y_pred=df.prediction, sensitive_features=df.sex,
        n_boot=REPLICATES, ci_quantiles=[0.025, 0.975], random_state=1)
    _ = frame.by_group_ci
    fairlearn = time.perf_counter() - start

    print(f"| tool | replicates | wall (s) |")
    print(f"|---|---:|---:|")
    print(f"| fairlearn 0.15.0 MetricFrame(n_boot={REPLICATES}), 4 per-group metrics | {REPLICATES} | {fairlearn:.2f} |")
    print(f"| fairmem stats --bootstrap {REPLICATES} (every rate and summary), best of 3 | {REPLICATES} | {boot:.4f} |")
    print(f"| fairmem stats without bootstrap, best of 3 | 0 | {plain:.4f} |")
    print(f"speed-up, whole command: {fairlearn / boot:.0f}x; bootstrap part alone ({boot - plain:.4f} s): "
          f"{fairlearn / max(boot - plain, 1e-9):.0f}x")


if __name__ == "__main__":
    main()
