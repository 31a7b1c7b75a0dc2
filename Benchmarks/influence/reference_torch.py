"""PyTorch (CPU, float64) reference for Benchmarks/influence.

Recomputes the demographic-parity (DP) influence of every training point from the data and
parameters dumped by `influence-bench`, with the conventions of Docs/influence.md:

    J(θ)  = mean_i ℓ_i(θ) + (λ/2) Σ_j m_j θ_j²      (m_j = 0 only for the LR intercept)
    H     = ∇²_B J(θ̂)                              (mean Hessian over the block B, incl. λ)
    g_i   = ∇_B ℓ_i(θ̂)                             (per-sample loss gradients, rows of G)
    F(θ)  = sign · Σ_v c_v p_θ(y = 1 | x_v)          (c_v = 1/n₀ in group 0, −1/n₁ in group 1)
    I_i   = −g_iᵀ H⁻¹ ∇_B F / n

for logistic regression (block: all 102 parameters, intercept unpenalized) and for the MLP with
100 SeLU units (block: the last layer, [vec(W2) row-major, b2], 202 parameters, all penalized).

Each quantity is computed two ways, both timed and both checked against the Swift output:

* "autodiff": what a generic PyTorch user writes. Per-sample gradients with
  torch.func.vmap(torch.func.grad(loss_i)), the Hessian with torch.func.hessian (forward-over-
  reverse) of the mean objective over the whole training block, ∇F with torch.func.grad of the
  smooth DP target. No model-specific derivative is written by hand.
* "closed form": what an expert writes for these two models. G, H and ∇F from the analytic
  derivatives of the logistic / softmax cross-entropy loss; H as a weighted Gram matrix
  (Gauss-Newton form, exact here because the logits are linear in the block).

Both solve with torch.linalg.cholesky + torch.cholesky_solve. Timed (best of 3): everything from
the parameter and data tensors in memory to the influence vector (forward passes, target value
and gradient, G, H, Cholesky, solve, G s), i.e. the stages `influence-bench` times; loading the
files is not timed. Runs with torch.set_num_threads(1) (the Swift side uses one OpenBLAS thread),
then again with PyTorch's default thread count if that is larger.

Usage: python reference_torch.py <out-dir>
Exit status 1 if any influence vector differs from Swift's by more than 1e-6 (max abs difference
relative to max |I|).
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as fn
from torch.func import grad, hessian, vmap

# torch 2.15 warns (FutureWarning, from its own forward-AD decompositions) that torch.jit.script
# is deprecated the first time jacfwd/hessian runs; this script does not call torch.jit itself.
warnings.filterwarnings("ignore", message=r".*torch\.jit\.script.*deprecated", category=FutureWarning)

TOLERANCE = 1e-6
REPEATS = 3
FAVORABLE = 1  # favorable class index (p(y = 1 | x) is the smoothed prediction in F)


def load(out, name, cols=None):
    """A little-endian float64 dump of influence-bench as a (zero-copy) torch tensor."""
    a = np.fromfile(f"{out}/{name}", dtype="<f8")
    return torch.from_numpy(a.reshape(-1, cols) if cols else a)


def dp_coefficients(groups, sign):
    """c_v of the DP target: +1/n₀ on group 0, −1/n₁ on group 1, times the orientation sign."""
    g0 = (groups == 0).to(torch.float64)
    g1 = (groups == 1).to(torch.float64)
    return sign * (g0 / g0.sum() - g1 / g1.sum())


def influence_from(G, H, grad_f, n):
    """I = −G H⁻¹ ∇F / n with a Cholesky factorization of the (SPD) mean Hessian."""
    L = torch.linalg.cholesky(H)
    s = torch.cholesky_solve(grad_f.unsqueeze(1), L).squeeze(1)
    return -(G @ s) / n


# ----------------------------------------------------------------------------------------------
# Logistic regression, θ = [w (d), b]; ℓ_i = binary cross-entropy of the logit x_iᵀw + b.


def lr_autodiff(x, y, xv, c, theta, lam):
    n, d = x.shape
    mask = torch.ones(d + 1, dtype=torch.float64)
    mask[-1] = 0.0  # the intercept is not penalized

    def loss_one(t, xi, yi):  # ℓ_i for one row (vmap adds the batch dimension)
        return fn.binary_cross_entropy_with_logits(xi @ t[:-1] + t[-1], yi)

    def objective(t):  # J(θ) = mean ℓ_i + (λ/2) Σ m_j θ_j²
        z = x @ t[:-1] + t[-1]
        return fn.binary_cross_entropy_with_logits(z, y) + 0.5 * lam * (mask * t * t).sum()

    def target(t):  # smooth DP: Σ_v c_v σ(x_vᵀw + b)
        return (c * torch.sigmoid(xv @ t[:-1] + t[-1])).sum()

    G = vmap(grad(loss_one), in_dims=(None, 0, 0))(theta, x, y)
    H = hessian(objective)(theta)
    grad_f = grad(target)(theta)
    return influence_from(G, H, grad_f, n), target(theta)


def lr_closed_form(x, y, xv, c, theta, lam):
    n, d = x.shape
    w, b = theta[:-1], theta[-1]
    p = torch.sigmoid(x @ w + b)
    xt = torch.cat([x, torch.ones(n, 1, dtype=torch.float64)], dim=1)  # rows [x_i, 1]
    G = (p - y).unsqueeze(1) * xt  # g_i = (p_i − y_i) [x_i, 1]
    # H = X̃ᵀ diag(p(1 − p)) X̃ / n + λ diag(m): one weighted Gram (X̃ scaled by √weight).
    root = xt * torch.sqrt(p * (1 - p) / n).unsqueeze(1)
    H = root.T @ root
    H.diagonal()[:-1] += lam
    pv = torch.sigmoid(xv @ w + b)
    a = c * pv * (1 - pv)  # ∂F/∂z_v
    grad_f = torch.cat([xv.T @ a, a.sum().unsqueeze(0)])
    return influence_from(G, H, grad_f, n), (c * pv).sum()


# ----------------------------------------------------------------------------------------------
# MLP: h = selu(x W1ᵀ + b1), z = h W2ᵀ + b2, softmax cross-entropy. Block: θ_B = [vec(W2), b2].
# torch.nn.functional.selu uses the same constants (α ≈ 1.6733, scale ≈ 1.0507) as FairMem.


def mlp_split(theta, d, h, k):
    """Views (W1, b1, θ_B) into FairMem's flat parameter order [vec(W1), b1, vec(W2), b2]."""
    w1 = theta[: h * d].view(h, d)
    b1 = theta[h * d : h * d + h]
    return w1, b1, theta[h * d + h :]


def hidden(xx, w1, b1):
    """Hidden features: the fixed input of the last layer (the body is not in the block)."""
    return fn.selu(torch.addmm(b1, xx, w1.T))


def mlp_autodiff(x, y, xv, c, theta, d, h, k, lam):
    n = len(x)
    w1, b1, theta_b = mlp_split(theta, d, h, k)
    hid, hid_v = hidden(x, w1, b1), hidden(xv, w1, b1)

    def logits(t, hh):  # last layer on hidden features, θ_B unpacked in FairMem's order
        return hh @ t[: k * h].view(k, h).T + t[k * h :]

    def loss_one(t, hi, yi):
        return fn.cross_entropy(logits(t, hi), yi)  # unbatched (k,) logits, scalar label

    def objective(t):  # mean loss over all n rows + (λ/2)‖θ_B‖²
        return fn.cross_entropy(logits(t, hid), y) + 0.5 * lam * (t * t).sum()

    def target(t):
        return (c * torch.softmax(logits(t, hid_v), dim=1)[:, FAVORABLE]).sum()

    G = vmap(grad(loss_one), in_dims=(None, 0, 0))(theta_b, hid, y)
    H = hessian(objective)(theta_b)
    grad_f = grad(target)(theta_b)
    return influence_from(G, H, grad_f, n), target(theta_b)


def mlp_closed_form(x, y, xv, c, theta, d, h, k, lam):
    assert k == 2, "the closed-form Hessian below uses the two-class structure"
    n = len(x)
    w1, b1, theta_b = mlp_split(theta, d, h, k)
    w2, b2 = theta_b[: k * h].view(k, h), theta_b[k * h :]
    hid = hidden(x, w1, b1)
    p = torch.softmax(torch.addmm(b2, hid, w2.T), dim=1)

    # Per-sample gradients in FairMem's flat layout: g_i = [vec((p_i − e_{y_i}) h_iᵀ), p_i − e_{y_i}].
    r = p - fn.one_hot(y, k).to(torch.float64)
    G = torch.cat([(r.unsqueeze(2) * hid.unsqueeze(1)).reshape(n, k * h), r], dim=1)

    # Hessian. The logits are linear in θ_B with Jacobian I_k ⊗ h̃_iᵀ (h̃_i = [h_i, 1]), so
    #   H = (1/n) Σ_i (diag p_i − p_i p_iᵀ) ⊗ h̃_i h̃_iᵀ + λI.
    # With two classes diag p − p pᵀ = p₀p₁ [[1, −1], [−1, 1]], so every class block is ±A with
    # A = H̃ᵀ diag(p₀p₁) H̃ / n: one weighted Gram matrix of size (h+1)².
    ht = torch.cat([hid, torch.ones(n, 1, dtype=torch.float64)], dim=1)
    root = ht * torch.sqrt(p[:, 0] * p[:, 1] / n).unsqueeze(1)
    A = root.T @ root
    signs = torch.tensor([[1.0, -1.0], [-1.0, 1.0]], dtype=torch.float64)
    H_nat = torch.kron(signs, A)  # layout (class c, feature a) -> c(h+1) + a
    # Reorder to the flat layout [vec(W2), b2]: W2[c, a] first, then the k biases.
    order = torch.tensor([cc * (h + 1) + a for cc in range(k) for a in range(h)] + [cc * (h + 1) + h for cc in range(k)])
    H = H_nat[order][:, order]
    H.diagonal().add_(lam)

    # ∇F = Σ_v c_v ∂p_fav/∂z_v ⊗ [h_v, 1], with ∂p_fav/∂z_c = p_fav (δ_{c,fav} − p_c).
    hid_v = hidden(xv, w1, b1)
    pv = torch.softmax(torch.addmm(b2, hid_v, w2.T), dim=1)
    dz = pv[:, FAVORABLE : FAVORABLE + 1] * (fn.one_hot(torch.tensor(FAVORABLE), k).to(torch.float64) - pv)
    wz = c.unsqueeze(1) * dz  # n_val x k
    grad_f = torch.cat([(wz.T @ hid_v).reshape(-1), wz.sum(dim=0)])
    return influence_from(G, H, grad_f, n), (c * pv[:, FAVORABLE]).sum()


# ----------------------------------------------------------------------------------------------


def best_of(fun, *args):
    """(best wall time of REPEATS calls, result of the last call)."""
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        result = fun(*args)
        times.append(time.perf_counter() - t)
    return min(times), result


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def main():
    out = sys.argv[1]
    meta = json.load(open(f"{out}/meta.json"))
    n, d = meta["n"], meta["d"]
    h, k = meta["mlp"]["hidden"], 2
    x = load(out, "x_train.f64", d)
    y = load(out, "y_train.f64")  # 0/1 as float64 (BCE target)
    y_class = y.to(torch.int64)  # class index (cross-entropy target)
    xv = load(out, "x_val.f64", d)
    gv = load(out, "g_val.f64")
    c_lr = dp_coefficients(gv, meta["lr"]["sign"])
    c_mlp = dp_coefficients(gv, meta["mlp"]["sign"])
    lr_theta, mlp_theta = load(out, "lr_params.f64"), load(out, "mlp_params.f64")
    swift = {"lr": load(out, "lr_influence.f64"), "mlp": load(out, "mlp_influence.f64")}

    cases = {  # (model, variant) -> (function, arguments)
        ("lr", "closed form"): (lr_closed_form, (x, y, xv, c_lr, lr_theta, meta["lr"]["lambda"])),
        ("mlp", "closed form"): (mlp_closed_form, (x, y_class, xv, c_mlp, mlp_theta, d, h, k, meta["mlp"]["lambda"])),
        ("lr", "autodiff"): (lr_autodiff, (x, y, xv, c_lr, lr_theta, meta["lr"]["lambda"])),
        ("mlp", "autodiff"): (mlp_autodiff, (x, y_class, xv, c_mlp, mlp_theta, d, h, k, meta["mlp"]["lambda"])),
    }
    default_threads = torch.get_num_threads()
    thread_counts = [1] + ([default_threads] if default_threads > 1 else [])
    print(f"torch {torch.__version__} (CPU, float64), numpy {np.__version__}; default threads {default_threads}")
    rss_loaded = peak_rss_kib()
    rss_after = {}  # peak RSS after each variant's first (1-thread) pass
    ok = True
    for threads in thread_counts:
        torch.set_num_threads(threads)
        for (model, variant), (fun, args) in cases.items():
            secs, (influence, f_value) = best_of(fun, *args)
            if threads == 1:  # peak RSS is monotonic: closed form runs first, then autodiff
                rss_after[variant] = peak_rss_kib()
            # Like for like: Swift's best-of-3 time with the same number of BLAS threads
            # (influence-bench measures 1 and 2; older dumps have only the 1-thread time).
            swift_secs = meta[model].get("seconds_2_threads", meta[model]["seconds"]) if threads > 1 else meta[model]["seconds"]
            rel = (torch.max(torch.abs(swift[model] - influence)) / torch.max(torch.abs(influence))).item()
            f_rel = abs(f_value.item() - meta[model]["F"]) / abs(meta[model]["F"])
            ok &= rel <= TOLERANCE and f_rel <= TOLERANCE
            print(
                f"{model} ({variant}, {threads} thread{'s' if threads > 1 else ''}): torch {secs:.3f} s, "
                f"swift {swift_secs:.3f} s with {threads if threads > 1 and 'seconds_2_threads' in meta[model] else 1} thread(s) (torch/swift {secs / swift_secs:.2f}x); "
                f"max|I_swift - I_torch| / max|I_torch| = {rel:.2e} {'OK' if rel <= TOLERANCE else 'FAIL'} "
                f"(<= 1e-6); F rel diff {f_rel:.1e}"
            )
    print(
        f"torch peak RSS {peak_rss_kib()} KiB (after import + load {rss_loaded} KiB; after closed form "
        f"{rss_after['closed form']} KiB; after autodiff {rss_after['autodiff']} KiB); "
        f"swift peak RSS {meta['swift_peak_rss_kib']} KiB"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
