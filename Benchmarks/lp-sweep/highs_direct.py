"""HiGHS called directly through `highspy`, the fastest way a Python user can call it: one `Highs`
object per LP shape, kept across instances; each instance only changes costs, bounds and matrix
coefficients, so HiGHS can start from the previous basis. Same LP as the scipy side
(`reference_lp.build_lp`: least mass over memorized cell fractions, rows against a reference
group), same tolerances (`reference_lp.HIGHS_OPTIONS`).

Two ways to reuse the model are timed (`update`: changeColsCost / changeColsBounds /
changeRowsBounds / changeCoeff on the nonzeros; `pass`: passModel into the kept object); the
benchmark quotes the faster one.
"""

from __future__ import annotations

import highspy
import numpy as np

import reference_lp as ref


def _new_highs() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in ref.HIGHS_OPTIONS.items():
        h.setOptionValue(key, value)
    return h


def _rows(lp: ref.LPData):
    """Dense rows, lower and upper bounds of the LP's constraints."""
    parts, lower, upper = [], [], []
    if lp.A_eq is not None:
        parts.append(lp.A_eq)
        lower.append(lp.b_eq)
        upper.append(lp.b_eq)
    if lp.A_ub is not None:
        parts.append(lp.A_ub)
        lower.append(np.full(len(lp.b_ub), -highspy.kHighsInf))
        upper.append(lp.b_ub)
    if not parts:
        return np.zeros((0, lp.n)), np.zeros(0), np.zeros(0)
    return np.vstack(parts), np.concatenate(lower), np.concatenate(upper)


def _highs_lp(lp: ref.LPData, A: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> highspy.HighsLp:
    model = highspy.HighsLp()
    model.num_col_ = lp.n
    model.num_row_ = A.shape[0]
    model.col_cost_ = lp.mass
    model.col_lower_ = np.zeros(lp.n)
    model.col_upper_ = np.array([b[1] for b in lp.bounds], dtype=float)
    model.row_lower_ = lower
    model.row_upper_ = upper
    # Column-wise matrix with every position of the shape (explicit zeros kept out).
    starts, index, value = [0], [], []
    for j in range(lp.n):
        rows = np.nonzero(A[:, j])[0]
        index.extend(rows.tolist())
        value.extend(A[rows, j].tolist())
        starts.append(len(index))
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = starts
    model.a_matrix_.index_ = index
    model.a_matrix_.value_ = value
    return model


def solve_all(lps, mode: str = "update"):
    """Least mass of every LP with one reused Highs object per shape: [(feasible, min mass)]."""
    solvers: dict = {}
    answers = []
    for lp in lps:
        A, lower, upper = _rows(lp)
        key = (lp.n, A.shape[0])
        entry = solvers.get(key)
        if entry is None or mode == "pass":
            h = entry[0] if entry is not None else _new_highs()
            h.passModel(_highs_lp(lp, A, lower, upper))
            solvers[key] = (h, A)
        else:
            h, previous = entry
            n, m = lp.n, A.shape[0]
            cols = np.arange(n, dtype=np.int32)
            h.changeColsCost(n, cols, lp.mass)
            h.changeColsBounds(n, cols, np.zeros(n), np.array([b[1] for b in lp.bounds], dtype=float))
            if m:
                h.changeRowsBounds(m, np.arange(m, dtype=np.int32), lower, upper)
            for i, j in zip(*np.nonzero((A != 0) | (previous != 0))):
                h.changeCoeff(int(i), int(j), float(A[i, j]))
            solvers[key] = (h, A)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            answers.append((True, float(h.getInfo().objective_function_value)))
        elif status == highspy.HighsModelStatus.kInfeasible:
            answers.append((False, None))
        else:
            raise RuntimeError(f"highspy status {h.modelStatusToString(status)}")
    return answers
