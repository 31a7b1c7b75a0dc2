"""NumPy reference for Benchmarks/influence: recomputes the DP fairness influence of every training
point from the parameters and data dumped by `influence-bench`, with the conventions of
Docs/influence.md (mean Hessian H incl. L2, I_i = -g_i^T H^{-1} grad F / n), and compares.

The PyTorch reference is reference_torch.py (own venv, see run.sh).

Usage: python reference.py <out-dir>
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve

SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def load(out, name, cols=None):
    a = np.fromfile(f"{out}/{name}", dtype="<f8")
    return a.reshape(-1, cols) if cols else a


def dp_coefficients(groups, sign):
    c = np.zeros(len(groups))
    g0, g1 = groups == 0, groups == 1
    c[g0] = 1.0 / g0.sum()
    c[g1] = -1.0 / g1.sum()
    return sign * c


def lr_influence(x, y, xv, gv, theta, lam, sign):
    n, d = x.shape
    xt = np.hstack([x, np.ones((n, 1))])
    p = 1.0 / (1.0 + np.exp(-(xt @ theta)))
    G = (p - y)[:, None] * xt  # per-sample gradients, n x (d+1)
    mask = np.ones(d + 1)
    mask[-1] = 0.0  # unpenalized intercept
    H = (xt * (p * (1 - p))[:, None]).T @ xt / n + lam * np.diag(mask)
    xvt = np.hstack([xv, np.ones((len(xv), 1))])
    pv = 1.0 / (1.0 + np.exp(-(xvt @ theta)))
    c = dp_coefficients(gv, sign)
    grad_f = xvt.T @ (c * pv * (1 - pv))
    s = cho_solve(cho_factor(H, lower=True), grad_f)
    return -(G @ s) / n


def selu(a):
    return np.where(a > 0, SELU_SCALE * a, SELU_SCALE * SELU_ALPHA * np.expm1(np.minimum(a, 0)))


def mlp_influence(x, y, xv, gv, theta, d, h, k, lam, sign):
    n = len(x)
    w1 = theta[: h * d].reshape(h, d)
    b1 = theta[h * d : h * d + h]
    off = h * d + h
    w2 = theta[off : off + k * h].reshape(k, h)
    b2 = theta[off + k * h :]

    def forward(xx):
        hid = selu(xx @ w1.T + b1)
        z = hid @ w2.T + b2
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return hid, e / e.sum(axis=1, keepdims=True)

    def flat(coef_w, coef_b):  # map (K x h, K) to the flat last-layer order [vec(W2), b2]
        return np.concatenate([coef_w.ravel(), coef_b])

    hid, p = forward(x)
    r = p.copy()
    r[np.arange(n), y] -= 1.0
    G = np.hstack([(r[:, :, None] * hid[:, None, :]).reshape(n, k * h), r])
    ht = np.hstack([hid, np.ones((n, 1))])
    P = k * h + k
    H = np.zeros((P, P))

    def idx(c):
        return np.concatenate([c * h + np.arange(h), [k * h + c]])

    for c in range(k):
        for c2 in range(k):
            a = p[:, c] * ((c == c2) - p[:, c2]) / n
            block = (ht * a[:, None]).T @ ht
            H[np.ix_(idx(c), idx(c2))] = block
    H += lam * np.eye(P)
    hv, pv = forward(xv)
    coef = dp_coefficients(gv, sign)
    fav = 1
    dz = pv[:, [fav]] * ((np.arange(k) == fav)[None, :] - pv)  # d p_fav / d z, n_val x K
    wz = coef[:, None] * dz
    grad_f = flat(wz.T @ hv, wz.sum(axis=0))
    s = cho_solve(cho_factor(H, lower=True), grad_f)
    return -(G @ s) / n


def best_of_3(fun, *args):
    """(best wall time of 3 calls, result of the last call): the Swift and PyTorch sides also
    report the best of 3."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        result = fun(*args)
        times.append(time.perf_counter() - t)
    return min(times), result


def main():
    out = sys.argv[1]
    meta = json.load(open(f"{out}/meta.json"))
    n, d = meta["n"], meta["d"]
    x = load(out, "x_train.f64", d)
    y = load(out, "y_train.f64").astype(int)
    xv = load(out, "x_val.f64", d)
    gv = load(out, "g_val.f64").astype(int)
    results = {}
    secs, lr = best_of_3(
        lr_influence, x, y, xv, gv, load(out, "lr_params.f64"), meta["lr"]["lambda"], meta["lr"]["sign"]
    )
    results["lr"] = (secs, lr, load(out, "lr_influence.f64"))
    secs, mlp = best_of_3(
        mlp_influence,
        x, y, xv, gv, load(out, "mlp_params.f64"), d, meta["mlp"]["hidden"], 2, meta["mlp"]["lambda"], meta["mlp"]["sign"]
    )
    results["mlp"] = (secs, mlp, load(out, "mlp_influence.f64"))
    ok = True
    for name, (secs, ref, swift) in results.items():
        rel = np.max(np.abs(swift - ref)) / np.max(np.abs(ref))
        ratio = secs / meta[name]["seconds"]
        ok &= rel <= 1e-6
        print(
            f"{name}: numpy {secs:.3f} s (best of 3, 1 thread), swift {meta[name]['seconds']:.3f} s (numpy/swift {ratio:.2f}x); "
            f"max|I_swift - I_numpy| / max|I_numpy| = {rel:.2e} {'OK' if rel <= 1e-6 else 'FAIL'} (<= 1e-6)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"numpy {np.__version__}: peak RSS {peak} KiB; swift peak RSS {meta['swift_peak_rss_kib']} KiB")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
