"""The graph-of-gradients training loop written independently in PyTorch (CPU), for timing.

Same data (the split gog-bench dumps), model (Linear(d, 64) - ReLU - Linear(64, 2)), batch size 64,
K = 3, adversary (Linear(d, 16) encoder, one GCN layer with self-loops and symmetric normalisation
over the directed kNN edges, r = LeakyReLU(o) + 1 normalised to mean 1), Adam lr 3e-3 for both
players, learner gradient-norm clip 1, early stopping on validation worst-group accuracy (patience
20, at most 300 epochs). Per-sample last-layer gradients in closed form, (p - e_y) (x) [h; 1].

Usage: python reference_torch.py <dump-dir> <threads> [fixed-epochs] [seed]
Prints one line: torch threads=... per_epoch_ms=... selected_epoch=... to_selected_s=...
"""

import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(path):
    a = np.loadtxt(path, delimiter=",")
    x = torch.tensor(a[:, :-2], dtype=torch.float64)
    return x, torch.tensor(a[:, -2], dtype=torch.long), torch.tensor(a[:, -1], dtype=torch.long)


class Adversary(torch.nn.Module):
    def __init__(self, d, width=16):
        super().__init__()
        self.encoder = torch.nn.Linear(d, width)
        self.gcn = torch.nn.Linear(width, 1, bias=False)
        torch.nn.init.xavier_uniform_(self.gcn.weight)
        self.bias = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x, source, target):
        n = x.shape[0]
        u = self.gcn(self.encoder(x)).squeeze(1)
        loops = torch.arange(n)
        src = torch.cat([source, loops])
        dst = torch.cat([target, loops])
        degree = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, torch.ones_like(dst, dtype=x.dtype))
        norm = degree[src].rsqrt() * degree[dst].rsqrt()
        o = torch.zeros(n, dtype=x.dtype).index_add_(0, dst, norm * u[src]) + self.bias
        r = F.leaky_relu(o, 0.01) + 1
        return r / (r.mean() + 1e-8)


def knn_edges(points, k):
    distances = torch.cdist(points, points)
    distances.fill_diagonal_(float("inf"))
    neighbours = distances.topk(k, largest=False).indices
    source = torch.arange(points.shape[0]).repeat_interleave(k)
    return source, neighbours.reshape(-1)


def worst_group_accuracy(model, x, y, g):
    with torch.no_grad():
        correct = model(x).argmax(1) == y
    return min(correct[g == a].double().mean().item() for a in g.unique())


def train(data, max_epochs, patience, seed, k=3, batch=64, hidden=64):
    (x, y, _), (xv, yv, gv) = data
    torch.manual_seed(seed)
    d = x.shape[1]
    model = torch.nn.Sequential(torch.nn.Linear(d, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 2)).double()
    adversary = Adversary(d).double()
    learner_opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    adversary_opt = torch.optim.Adam(adversary.parameters(), lr=3e-3)
    n = x.shape[0]
    times, best, best_epoch = [], -1.0, 0
    start = time.perf_counter()
    for epoch in range(1, max_epochs + 1):
        order = torch.randperm(n)
        for b in range(0, n - batch + 1, batch):
            rows = order[b : b + batch]
            xb, yb = x[rows], y[rows]
            h = model[1](model[0](xb))
            logits = model[2](h)
            losses = F.cross_entropy(logits, yb, reduction="none")
            with torch.no_grad():
                residual = logits.softmax(1) - F.one_hot(yb, 2).double()
                features = torch.cat([h, torch.ones(batch, 1, dtype=h.dtype)], 1)
                gradients = (residual.unsqueeze(2) * features.unsqueeze(1)).reshape(batch, -1)
                source, target = knn_edges(gradients, k)
            weights = adversary(xb, source, target)
            learner_opt.zero_grad()
            (weights.detach() * losses).mean().backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            learner_opt.step()
            adversary_opt.zero_grad()
            (-(weights * losses.detach()).mean()).backward()
            adversary_opt.step()
        score = worst_group_accuracy(model, xv, yv, gv)
        times.append(time.perf_counter() - start)
        if score > best:
            best, best_epoch = score, epoch
        elif epoch - best_epoch >= patience:
            break
    return times, best_epoch


def main():
    dump, threads = sys.argv[1], int(sys.argv[2])
    fixed = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    torch.set_num_threads(threads)
    data = (load(f"{dump}/train.csv"), load(f"{dump}/validation.csv"))
    train(data, fixed, fixed, seed)  # warm-up
    per_epoch = train(data, fixed, fixed, seed)[0][-1] / fixed
    times, selected = train(data, 300, 20, seed)
    print(
        f"torch threads={threads} per_epoch_ms={per_epoch * 1000:.3f} selected_epoch={selected} "
        f"epochs_run={len(times)} to_selected_s={times[selected - 1]:.4f} total_s={times[-1]:.4f}"
    )


if __name__ == "__main__":
    main()
