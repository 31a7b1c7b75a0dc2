"""Seeded random statistics instances in the `fairmem` input schema (theory.md "Setup").

Seeds follow the Swift tests' convention (Tests/_TestSupport/TestRandom.swift): a fixed default
keeps CI reproducible, FAIRMEM_TEST_SEED=<n> replays a run, FAIRMEM_RANDOMIZED_TESTING=1 draws a
fresh seed. The seed is always printed.
"""

from __future__ import annotations

import os
import random
import sys
from typing import Optional

import numpy as np


def seed_for(default: int, label: str) -> int:
    env = os.environ
    if env.get("FAIRMEM_TEST_SEED", "").isdigit():
        seed = int(env["FAIRMEM_TEST_SEED"])
    elif env.get("FAIRMEM_RANDOMIZED_TESTING") == "1":
        seed = random.SystemRandom().randrange(2**63)
    else:
        seed = default
    print(f"[seed] {label}: {seed} (replay with FAIRMEM_TEST_SEED={seed})", file=sys.stderr)
    return seed


def class_names(K: int) -> list:
    return [f"c{k}" for k in range(K)]


def group_names(G: int) -> list:
    return [f"g{a}" for a in range(G)]


def _confusion_row(rng: np.random.Generator, K: int, y: int, skill: float) -> list:
    alpha = np.ones(K)
    alpha[y] += skill
    return rng.dirichlet(alpha).tolist()


def random_instance(
    rng: np.random.Generator,
    G: int,
    K: int,
    *,
    ident=None,
    with_cap: bool = False,
    with_unmemorized: bool = False,
    with_counts: bool = False,
    allow_zero_cell: bool = False,
) -> dict:
    """One statistics object. Probabilities come from Dirichlet laws; confusion rows lean toward
    the diagonal (a better-than-chance classifier) by a random amount."""
    obj: dict = {"id": ident, "groups": group_names(G), "classes": class_names(K)}
    if with_counts:
        # Integer counts n[a][y][yh]; every group is non-empty.
        n = np.zeros((G, K, K), dtype=int)
        for a in range(G):
            for y in range(K):
                size = int(rng.integers(5, 400))
                if allow_zero_cell and rng.random() < 0.15:
                    size = 0
                row = rng.multinomial(size, _confusion_row(rng, K, y, float(rng.uniform(0, 6))))
                n[a, y] = row
            if n[a].sum() == 0:
                n[a, 0, 0] = 1
        obj["counts"] = n.tolist()
        p = n.sum(axis=2) / n.sum()
    else:
        p = rng.dirichlet(np.full(G * K, float(rng.choice([0.7, 1.0, 2.0])))).reshape(G, K)
        if allow_zero_cell:
            # Zero out one cell (keeping its group non-empty) and renormalise.
            a, y = int(rng.integers(G)), int(rng.integers(K))
            if p[a].sum() - p[a, y] > 0:
                p[a, y] = 0.0
                p = p / p.sum()
        obj["population"] = p.tolist()
        obj["confusion"] = [
            [_confusion_row(rng, K, y, float(rng.uniform(0, 6))) for y in range(K)] for _ in range(G)
        ]
    if with_unmemorized:
        obj["unmemorized_prediction"] = [rng.dirichlet(np.ones(K)).tolist() for _ in range(G)]
    if with_cap:
        frac = np.where(rng.random((G, K)) < 0.5, rng.uniform(0.2, 1.0, (G, K)), 1.0)
        obj["cap"] = (p * frac).tolist()
    return obj


def random_batch(seed: int, n: int, *, max_groups: int = 4, max_classes: int = 5, mix: Optional[dict] = None) -> list:
    """n instances with G in 2..max_groups, K in 2..max_classes. About a quarter each carry a cap,
    unmemorized_prediction (convention A) or counts; a few have a zero-mass cell. The first ones
    cover the small shapes explicitly (2x2, 3x3, 4x5) so every run includes 3+ groups and classes."""
    rng = np.random.default_rng(seed)
    mix = mix or {}
    out = []
    fixed_shapes = [(2, 2), (3, 3), (4, 5), (3, 2), (2, 3)]
    for i in range(n):
        if i < len(fixed_shapes):
            G, K = fixed_shapes[i]
        else:
            G, K = int(rng.integers(2, max_groups + 1)), int(rng.integers(2, max_classes + 1))
        out.append(
            random_instance(
                rng,
                G,
                K,
                ident=i,
                with_cap=rng.random() < mix.get("cap", 0.25),
                with_unmemorized=rng.random() < mix.get("unmemorized", 0.25),
                with_counts=rng.random() < mix.get("counts", 0.25),
                allow_zero_cell=rng.random() < mix.get("zero_cell", 0.0),
            )
        )
    return out


def benchmark_batch(seed: int, n: int, share_3x3: float = 0.15) -> list:
    """The LP benchmark's instances: mostly two groups and two classes (as in the paper), a share
    of three groups / three classes; convention B, population + confusion, no cap."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        G, K = (3, 3) if rng.random() < share_3x3 else (2, 2)
        out.append(random_instance(rng, G, K, ident=i))
    return out


def ill_conditioned_batch(seed: int, n: int) -> list:
    """Instances whose joint law comes from a very skewed Dirichlet (alpha 0.15), so that some
    cells (and sometimes whole groups) have mass 1e-8 .. 1e-30: the rates divide by those masses
    and the LPs are badly scaled. About 30% with cap, 30% convention A."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        G, K = int(rng.integers(2, 5)), int(rng.integers(2, 6))
        obj = random_instance(rng, G, K, ident=i, with_cap=rng.random() < 0.3, with_unmemorized=rng.random() < 0.3)
        p = rng.dirichlet(np.full(G * K, 0.15)).reshape(G, K)
        if (p.sum(axis=1) <= 0).any():
            continue
        obj["population"] = p.tolist()
        if "cap" in obj:
            obj["cap"] = (p * rng.uniform(0.2, 1, (G, K))).tolist()
        out.append(obj)
    return out
