"""Bootstrap intervals on Adult: `fairmem stats --bootstrap 200` vs fairlearn MetricFrame(n_boot=200).

Trains a logistic regression on Adult (scikit-learn, adult.data), predicts adult.test (15,060
records after dropping rows with missing values), writes the predictions CSV and times, on the
same data and the same per-group metrics (selection rate, TPR, FPR, accuracy) at 95%:
- fairlearn 0.15.0 `MetricFrame(..., n_boot=200, ci_quantiles=[0.025, 0.975])` (one run: it
  resamples records and recomputes the frame per replicate);
- `fairmem stats CSV ... --bootstrap 200` (release binary, best of 5; it also prints the
  summaries and every other metric's interval), `fairmem stats` without the bootstrap, and
  `--bootstrap 20000` (best of 3), whose difference from no bootstrap, divided by 100, is the
  bootstrap's own cost for 200 replicates (per-cell drawing and metric recomputation).
Wall and CPU (user + sys) times; on a shared machine CPU time is the steadier measure.
Usage: .venv/bin/python Benchmarks/bootstrap/bench.py [FAIRMEM_BINARY] (see run.sh).
"""

from __future__ import annotations

import resource
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

    def best_of(command, runs=5):
        """Best wall time and best CPU time (user + sys of the child) over `runs` runs."""
        walls, cpus = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return min(walls), min(cpus)

    plain = best_of(args)
    boot = best_of(args + ["--bootstrap", str(REPLICATES), "--seed", "1"])
    # The bootstrap's own cost is below the command's noise at 200 replicates: measure it on
    # 100x as many and scale back.
    many = best_of(args + ["--bootstrap", str(100 * REPLICATES), "--seed", "1"], runs=3)
    per_200 = ((many[0] - plain[0]) / 100, (many[1] - plain[1]) / 100)

    cpu_start = time.process_time()
    start = time.perf_counter()
    frame = MetricFrame(
        metrics={"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
                 "accuracy": accuracy_score},
        y_true=df.label, y_pred=df.prediction, sensitive_features=df.sex,
        n_boot=REPLICATES, ci_quantiles=[0.025, 0.975], random_state=1)
    _ = frame.by_group_ci
    fairlearn = (time.perf_counter() - start, time.process_time() - cpu_start)

    print("| tool | replicates | wall (s) | CPU (s) |")
    print("|---|---:|---:|---:|")
    print(f"| fairlearn 0.15.0 MetricFrame(n_boot={REPLICATES}), 4 per-group metrics | {REPLICATES} | "
          f"{fairlearn[0]:.2f} | {fairlearn[1]:.2f} |")
    print(f"| fairmem stats --bootstrap {REPLICATES} (every rate and summary), whole command, best of 5 | "
          f"{REPLICATES} | {boot[0]:.4f} | {boot[1]:.4f} |")
    print(f"| fairmem stats without bootstrap, best of 5 | 0 | {plain[0]:.4f} | {plain[1]:.4f} |")
    print(f"| fairmem bootstrap alone, from --bootstrap {100 * REPLICATES} minus none, / 100 | {REPLICATES} | "
          f"{per_200[0]:.5f} | {per_200[1]:.5f} |")
    print(f"speed-up vs fairlearn, whole fairmem command: {fairlearn[0] / boot[0]:.0f}x wall, "
          f"{fairlearn[1] / boot[1]:.0f}x CPU; bootstrap alone: {fairlearn[0] / per_200[0]:.0f}x wall, "
          f"{fairlearn[1] / per_200[1]:.0f}x CPU")


if __name__ == "__main__":
    main()
