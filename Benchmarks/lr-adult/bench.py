"""Logistic regression on UCI Adult: FairMem (Newton, L-BFGS) vs scikit-learn (lbfgs).

Reads the training matrix that `lr-bench` wrote (the identical preprocessed Adult train part),
fits sklearn.linear_model.LogisticRegression(solver="lbfgs", C, tol=1e-10, max_iter=10000)
best of --reps, evaluates both fitted models' objectives in FairMem's normalization
    J = mean_i logloss_i + (lambda/2) ||w||^2,   lambda = 1/(C n), intercept unpenalized
(sklearn minimizes C * sum_i logloss_i + ||w||^2 / 2 = C n J, same minimizer), checks the relative
difference <= 1e-6, and prints a side-by-side table. Run through Benchmarks/lr-adult/run.sh.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression


def objective(X, y, w, b, lam):
    z = X @ w + b
    # logloss = log(1 + e^z) - y z, computed stably
    loss = np.logaddexp(0.0, z) - y * z
    return loss.mean() + 0.5 * lam * float(w @ w)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="Benchmarks/out/lr-adult")
    p.add_argument("--reps", type=int, default=3)
    a = p.parse_args()
    with open(os.path.join(a.out, "swift.json")) as f:
        sw = json.load(f)
    n, d, C, lam = sw["rows"], sw["features"], sw["C"], sw["lambda"]
    X = np.fromfile(os.path.join(a.out, "X.f64"), dtype="<f8").reshape(n, d)
    y = np.fromfile(os.path.join(a.out, "y.i32"), dtype="<i4").astype(np.float64)
    assert X.shape == (n, d) and y.shape == (n,)

    times, clf = [], None
    for _ in range(a.reps):
        clf = LogisticRegression(solver="lbfgs", C=C, tol=1e-10, max_iter=10000)
        t0 = time.perf_counter()
        clf.fit(X, y)
        times.append(time.perf_counter() - t0)
    sk_j = objective(X, y, clf.coef_[0], clf.intercept_[0], lam)
    sk_best = min(times)

    rows, ok = [], True
    for run in sw["runs"]:
        theta = np.asarray(run["parameters"])
        w, b = theta[:d], theta[d]
        j_numpy = objective(X, y, w, b, lam)
        rel = abs(j_numpy - sk_j) / abs(sk_j)
        rel_report = abs(run["loss"] - j_numpy) / abs(j_numpy)
        passed = rel <= 1e-6 and run["converged"]
        ok &= passed
        rows.append(dict(solver=f"fairmem {run['solver']}", threads=run["threads"], best=run["best_seconds"],
                         iterations=run["iterations"], J=j_numpy, rel=rel, rel_report=rel_report,
                         ratio=sk_best / run["best_seconds"], passed=passed))

    threads_env = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(f"UCI Adult train part: n = {n}, d = {d}, C = {C} (lambda = 1/(C n) = {lam:.6e}); "
          f"best of {a.reps} fit times")
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"OPENBLAS_NUM_THREADS={threads_env} for Python")
    header = f"| {'solver':<16} | {'BLAS thr':>8} | {'best fit s':>10} | {'iters':>5} | {'J (numpy)':>18} | {'rel dJ vs sklearn':>17} | {'sklearn/this':>12} |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    print(f"| {'sklearn lbfgs':<16} | {threads_env:>8} | {sk_best:>10.4f} | {int(clf.n_iter_[0]):>5} | {sk_j:>18.13f} | {'-':>17} | {1.0:>12.2f} |")
    for r in rows:
        print(f"| {r['solver']:<16} | {r['threads']:>8} | {r['best']:>10.4f} | {r['iterations']:>5} | {r['J']:>18.13f} | "
              f"{r['rel']:>17.2e} | {r['ratio']:>12.2f} |")
    print(f"sklearn fit times: {', '.join(f'{t:.4f}' for t in times)} s")
    for run in sw["runs"]:
        print(f"fairmem {run['solver']} threads={run['threads']}: fit times "
              f"{', '.join(f'{t:.4f}' for t in run['seconds'])} s, FitReport.loss {run['loss']:.13f}, "
              f"|grad| {run['gradient_norm']:.2e}, converged {run['converged']}")
    print("loss agreement (relative |J_fairmem - J_sklearn| <= 1e-6):", "PASS" if ok else "FAIL")
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(dict(n=n, d=d, C=C, **{"lambda": lam}, sklearn=dict(version=sklearn.__version__, seconds=times,
                  best_seconds=sk_best, iterations=int(clf.n_iter_[0]), J=sk_j), fairmem=rows, passed=bool(ok)), f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
