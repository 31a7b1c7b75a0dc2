"""Independent reference for FairMem's zero-bias mass LPs, written from the project spec `theory.md` (shared/spec)
(sections R0-R7 and "LP forms") with scipy.optimize.linprog (HiGHS). It shares no code with the
Swift implementation and is used by the cross-check tests and by Benchmarks/lp-sweep.

Notation (theory.md):
  p[a][y]      = P(A=a, Y=y)                     (joint; p[a] = sum_y p[a][y])
  C[a][y][yh]  = P(Yhat=yh | Y=y, A=a)           (base / unmemorized confusion)
  s[a][yh]     = P(Yhat=yh | A=a, D=0)           (optional; switches SP to convention A)
  x[a][y]      = P(D=1, A=a, Y=y), 0 <= x <= cap[a][y] (cap defaults to p)

Rates (R1-R3):
  group rate B: (1/p[a]) sum_y [ x[a][y] d(y,yh) + (p[a][y]-x[a][y]) C[a][y][yh] ]
  group rate A: ( x[a][yh] + (p[a] - sum_y x[a][y]) s[a][yh] ) / p[a]
  cell rate   : ( x[a][y] d(y,yh) + (p[a][y]-x[a][y]) C[a][y][yh] ) / p[a][y]

Metrics: sp (group rates, every yh, or only the favorable predicted class), eopp (cell rate
(y,y) for every y, or only the favorable class), eodds (every cell rate (y,yh); with a favorable
class c only P(Yhat=c | Y=y, A) for every y, i.e. Hardt/fairlearn-style TPR and FPR of c --
theory.md leaves this option's meaning to the CLI docs, Docs/cli.md "binary-style ... on that class"). Zero bias with
tolerance eps: |rate_a - rate_a'| <= eps for every pair of groups and every entry. Cells with
p[a][y] = 0 have undefined cell rates and are left out of eopp/eodds entries.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
from scipy.optimize import linprog

METRICS = ("sp", "eopp", "eodds")

# HiGHS tolerances: tighter than the defaults (1e-7) so that the reference is not the weak side of
# a 1e-7 comparison.
HIGHS_OPTIONS = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
    "presolve": True,
}


class ReferenceError(RuntimeError):
    """The reference solver could not decide an instance (neither optimal nor infeasible)."""


@dataclass
class Instance:
    groups: list
    classes: list
    p: np.ndarray  # (G, K)
    C: np.ndarray  # (G, K, K)
    s: Optional[np.ndarray] = None  # (G, K) or None
    cap: Optional[np.ndarray] = None  # (G, K); None means cap = p
    id: Any = None
    raw: dict = field(default_factory=dict)

    @property
    def G(self) -> int:
        return self.p.shape[0]

    @property
    def K(self) -> int:
        return self.p.shape[1]

    @property
    def upper(self) -> np.ndarray:
        """Upper bounds of x: cap (clipped to p, as theory.md requires cap <= p) or p."""
        if self.cap is None:
            return self.p.copy()
        return np.minimum(self.cap, self.p)

    @property
    def convention(self) -> str:
        return "A" if self.s is not None else "B"

    def cell_defined(self, a: int, y: int) -> bool:
        return self.p[a, y] > 0.0


def parse_instance(obj: dict) -> Instance:
    """Build an Instance from the CLI's statistics JSON object (population+confusion or counts)."""
    groups = list(obj["groups"])
    classes = list(obj["classes"])
    G, K = len(groups), len(classes)
    if "counts" in obj:
        n = np.asarray(obj["counts"], dtype=float).reshape(G, K, K)
        total = n.sum()
        p = n.sum(axis=2) / total
        rows = n.sum(axis=2, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            C = np.where(rows > 0, n / np.where(rows > 0, rows, 1.0), 1.0 / K)
    else:
        p = np.asarray(obj["population"], dtype=float).reshape(G, K)
        C = np.asarray(obj["confusion"], dtype=float).reshape(G, K, K)
    s = None
    if obj.get("unmemorized_prediction") is not None:
        s = np.asarray(obj["unmemorized_prediction"], dtype=float).reshape(G, K)
    cap = None
    if obj.get("cap") is not None:
        cap = np.asarray(obj["cap"], dtype=float).reshape(G, K)
    return Instance(groups, classes, p, C, s, cap, obj.get("id"), obj)


# ----------------------------------------------------------------------------------------------
# Direct evaluation of rates (R0 mixture rule), used to check witnesses.
# ----------------------------------------------------------------------------------------------


def group_rates(inst: Instance, x: np.ndarray) -> np.ndarray:
    """P(Yhat=yh | A=a) for the memorized mass x, shape (G, K)."""
    x = np.asarray(x, dtype=float).reshape(inst.G, inst.K)
    pa = inst.p.sum(axis=1)
    out = np.zeros((inst.G, inst.K))
    for a in range(inst.G):
        if inst.s is not None:
            # Convention A: memorized part predicts the true label, unmemorized part follows s.
            out[a] = (x[a] + (pa[a] - x[a].sum()) * inst.s[a]) / pa[a]
        else:
            # Convention B: every cell keeps its confusion row on its unmemorized part.
            acc = np.zeros(inst.K)
            for y in range(inst.K):
                acc[y] += x[a, y]
                if inst.p[a, y] > 0:
                    acc += (inst.p[a, y] - x[a, y]) * inst.C[a, y]
            out[a] = acc / pa[a]
    return out


def cell_rates(inst: Instance, x: np.ndarray) -> np.ndarray:
    """P(Yhat=yh | Y=y, A=a), shape (G, K, K); NaN for zero-mass cells."""
    x = np.asarray(x, dtype=float).reshape(inst.G, inst.K)
    out = np.full((inst.G, inst.K, inst.K), np.nan)
    for a in range(inst.G):
        for y in range(inst.K):
            if inst.p[a, y] <= 0:
                continue
            row = (inst.p[a, y] - x[a, y]) * inst.C[a, y]
            row = row.copy()
            row[y] += x[a, y]
            out[a, y] = row / inst.p[a, y]
    return out


def entries(inst: Instance, metric: str, favorable: Optional[int] = None, x=None):
    """The metric's entries as lists of per-group values (only groups where the entry is defined).

    Returns a list of (label, {group index: value}).
    """
    x = np.zeros((inst.G, inst.K)) if x is None else np.asarray(x, dtype=float).reshape(inst.G, inst.K)
    out = []
    if metric == "sp":
        r = group_rates(inst, x)
        for yh in range(inst.K):
            if favorable is not None and yh != favorable:
                continue
            out.append((("sp", yh), {a: r[a, yh] for a in range(inst.G)}))
    elif metric == "eopp":
        r = cell_rates(inst, x)
        for y in range(inst.K):
            if favorable is not None and y != favorable:
                continue
            out.append((("eopp", y), {a: r[a, y, y] for a in range(inst.G) if inst.cell_defined(a, y)}))
    elif metric == "eodds":
        r = cell_rates(inst, x)
        for y in range(inst.K):
            for yh in range(inst.K):
                if favorable is not None and yh != favorable:
                    continue
                out.append((("eodds", y, yh), {a: r[a, y, yh] for a in range(inst.G) if inst.cell_defined(a, y)}))
    else:
        raise ValueError(f"unknown metric {metric!r}")
    return out


def max_gap(inst: Instance, metric: str, x=None, favorable: Optional[int] = None) -> float:
    """Largest |rate_a - rate_a'| over all entries and pairs of groups (0 if nothing is defined)."""
    worst = 0.0
    for _, vals in entries(inst, metric, favorable, x):
        v = list(vals.values())
        if len(v) >= 2:
            worst = max(worst, max(v) - min(v))
    return worst


# ----------------------------------------------------------------------------------------------
# Affine form of the rates.
#
# space="x":   coefficients over the flattened x (index a*K + y), as in theory.md R1-R3.
# space="rho": over the memorized fractions rho[a][y] = x[a][y] / p[a][y] (0 for zero-mass
#              cells). Same polytope, but every coefficient is O(1) (cell rates no longer divide
#              by p[a][y], group rates weigh by pi[a][y] = p[a][y]/p[a] <= 1), so the LPs stay well
#              conditioned when some cells have tiny mass. The LPs are solved in this space and
#              mapped back with x = p * rho.
# ----------------------------------------------------------------------------------------------


def _group_rate_affine(inst: Instance, a: int, yh: int, space: str = "x"):
    G, K = inst.G, inst.K
    coef = np.zeros(G * K)
    pa = inst.p[a].sum()
    # weight of x[a][y] (space x) or of rho[a][y] (space rho) in the group's mass fraction
    w = (lambda y: 1.0 / pa) if space == "x" else (lambda y: inst.p[a, y] / pa)
    if inst.s is not None:
        const = inst.s[a, yh]
        for y in range(K):
            if space == "rho" and inst.p[a, y] <= 0:
                continue
            coef[a * K + y] = ((1.0 if y == yh else 0.0) - inst.s[a, yh]) * w(y)
    else:
        const = 0.0
        for y in range(K):
            if inst.p[a, y] <= 0:
                continue  # x[a][y] is fixed at 0 and the cell contributes nothing
            const += inst.p[a, y] / pa * inst.C[a, y, yh]
            coef[a * K + y] = ((1.0 if y == yh else 0.0) - inst.C[a, y, yh]) * w(y)
    return const, coef


def _cell_rate_affine(inst: Instance, a: int, y: int, yh: int, space: str = "x"):
    G, K = inst.G, inst.K
    coef = np.zeros(G * K)
    const = inst.C[a, y, yh]
    d = (1.0 if y == yh else 0.0) - inst.C[a, y, yh]
    coef[a * K + y] = d / inst.p[a, y] if space == "x" else d
    return const, coef


def affine_entries(inst: Instance, metric: str, favorable: Optional[int] = None, space: str = "x"):
    """Same entries as `entries`, as {group: (const, coef)} with rate = const + coef @ v, v = x or rho."""
    out = []
    K, G = inst.K, inst.G
    if metric == "sp":
        for yh in range(K):
            if favorable is not None and yh != favorable:
                continue
            out.append({a: _group_rate_affine(inst, a, yh, space) for a in range(G)})
    elif metric == "eopp":
        for y in range(K):
            if favorable is not None and y != favorable:
                continue
            out.append({a: _cell_rate_affine(inst, a, y, y, space) for a in range(G) if inst.cell_defined(a, y)})
    elif metric == "eodds":
        for y in range(K):
            for yh in range(K):
                if favorable is not None and yh != favorable:
                    continue
                out.append({a: _cell_rate_affine(inst, a, y, yh, space) for a in range(G) if inst.cell_defined(a, y)})
    else:
        raise ValueError(f"unknown metric {metric!r}")
    return out


@dataclass
class LPData:
    """One zero-bias system over rho: A_eq rho = b_eq, A_ub rho <= b_ub, bounds; x = mass * rho."""

    A_eq: Optional[np.ndarray]
    b_eq: Optional[np.ndarray]
    A_ub: Optional[np.ndarray]
    b_ub: Optional[np.ndarray]
    bounds: list
    n: int
    mass: np.ndarray  # p flattened: objective weights and the map rho -> x


def _rho_bounds(inst: Instance) -> list:
    p = inst.p.reshape(-1)
    up = inst.upper.reshape(-1)
    return [(0.0, float(min(max(u / q, 0.0), 1.0)) if q > 0 else 0.0) for u, q in zip(up, p)]


def build_lp(inst: Instance, metric: str, tolerance: float = 0.0, favorable: Optional[int] = None) -> LPData:
    """Constraint system for "every entry within tolerance for every pair of groups"."""
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for ent in affine_entries(inst, metric, favorable, space="rho"):
        gs = sorted(ent)
        if len(gs) < 2:
            continue
        if tolerance == 0.0:
            # Equal to a reference group: equivalent to all pairs equal.
            c0, k0 = ent[gs[0]]
            for b in gs[1:]:
                c1, k1 = ent[b]
                eq_rows.append(k1 - k0)
                eq_rhs.append(c0 - c1)
        else:
            for a, b in itertools.combinations(gs, 2):
                ca, ka = ent[a]
                cb, kb = ent[b]
                d = ka - kb
                # -eps <= (ca - cb) + d rho <= eps
                ub_rows.append(d)
                ub_rhs.append(tolerance - (ca - cb))
                ub_rows.append(-d)
                ub_rhs.append(tolerance + (ca - cb))
    n = inst.G * inst.K
    return LPData(
        np.array(eq_rows) if eq_rows else None,
        np.array(eq_rhs) if eq_rows else None,
        np.array(ub_rows) if ub_rows else None,
        np.array(ub_rhs) if ub_rows else None,
        _rho_bounds(inst),
        n,
        inst.p.reshape(-1).astype(float),
    )


@dataclass
class MassResult:
    feasible: bool
    min_mass: Optional[float]
    max_mass: Optional[float]
    witness_min: Optional[np.ndarray]  # (G, K)
    witness_max: Optional[np.ndarray]


def _solve(lp: LPData, sense: float):
    """Optimize sense * sum x over the system; returns (feasible, x or None)."""
    res = linprog(
        c=sense * lp.mass,
        A_ub=lp.A_ub,
        b_ub=lp.b_ub,
        A_eq=lp.A_eq,
        b_eq=lp.b_eq,
        bounds=lp.bounds,
        method="highs",
        options=HIGHS_OPTIONS,
    )
    if res.status == 0:
        return True, lp.mass * res.x
    if res.status == 2:
        return False, None
    raise ReferenceError(f"linprog status {res.status}: {res.message}")


def solve_min(lp: LPData):
    """Least-mass LP only: (feasible, min mass or None, x or None)."""
    ok, x = _solve(lp, 1.0)
    return ok, (float(x.sum()) if ok else None), x


def mass_bounds(inst: Instance, metric: str, tolerance: float = 0.0, favorable: Optional[int] = None) -> MassResult:
    lp = build_lp(inst, metric, tolerance, favorable)
    ok, xmin = _solve(lp, 1.0)
    if not ok:
        return MassResult(False, None, None, None, None)
    ok2, xmax = _solve(lp, -1.0)
    if not ok2:  # should not happen: the same polytope is non-empty
        raise ReferenceError("max-mass LP infeasible while min-mass LP is feasible")
    shape = (inst.G, inst.K)
    return MassResult(True, float(xmin.sum()), float(xmax.sum()), xmin.reshape(shape), xmax.reshape(shape))


def least_max_gap(inst: Instance, metric: str, favorable: Optional[int] = None) -> float:
    """min over feasible x of the largest |rate_a - rate_a'|: the instance is feasible at tolerance
    eps iff this is <= eps. Used to recognise borderline instances (value within ~1e-9 of eps),
    where two correct solvers may legitimately disagree on feasibility."""
    n = inst.G * inst.K
    rows, rhs = [], []
    for ent in affine_entries(inst, metric, favorable, space="rho"):
        for a, b in itertools.combinations(sorted(ent), 2):
            ca, ka = ent[a]
            cb, kb = ent[b]
            rows.append(np.append(ka - kb, -1.0))
            rhs.append(-(ca - cb))
            rows.append(np.append(-(ka - kb), -1.0))
            rhs.append(ca - cb)
    if not rows:
        return 0.0
    bounds = _rho_bounds(inst) + [(0.0, None)]
    c = np.zeros(n + 1)
    c[-1] = 1.0
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs", options=HIGHS_OPTIONS)
    if res.status != 0:
        raise ReferenceError(f"least_max_gap: linprog status {res.status}: {res.message}")
    return float(res.fun)


# ----------------------------------------------------------------------------------------------
# Closed forms (R5-R7) for hand checks.
# ----------------------------------------------------------------------------------------------


def eopp_min_mass_closed_form(inst: Instance) -> float:
    """R6 for two groups, cap = p: sum_y p[w(y)][y] |EOpp_base(y)| / F[w(y)][y]."""
    assert inst.G == 2
    total = 0.0
    for y in range(inst.K):
        F = 1.0 - inst.C[:, y, y]
        w = int(np.argmax(F))
        gap = abs(F[0] - F[1])
        if gap > 0:
            total += inst.p[w, y] * gap / F[w]
    return total


def tv(u, v) -> float:
    return 0.5 * float(np.abs(np.asarray(u) - np.asarray(v)).sum())
