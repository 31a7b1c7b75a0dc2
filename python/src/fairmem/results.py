"""Typed results: thin views over the JSON that ``fairmem COMMAND --json`` prints for the same
input (``Docs/output-format.md``). ``to_dict()`` returns that JSON; ``to_pandas()`` a table."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

import numpy as np
import pandas as pd

__all__ = [
    "Result",
    "Answer",
    "Answers",
    "Analysis",
    "Frontier",
    "BiasReport",
    "Explanation",
    "SweepFailure",
    "Report",
    "RobustAnswer",
    "RobustAnswers",
    "GroupFreeReport",
    "SteeringReport",
]


Item = TypeVar("Item")


class NamedGroupsAndClasses:
    """The ``groups`` and ``classes`` names of a JSON object that has them."""

    _data: Any

    @property
    def groups(self) -> list[str]:
        """Group names, in order."""
        return list(self._data.get("groups", []))

    @property
    def classes(self) -> list[str]:
        """Class names, in order."""
        return list(self._data.get("classes", []))


class Result:
    """A result with its JSON (as the CLI prints it) behind typed accessors."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def to_dict(self) -> Any:
        """The JSON of ``fairmem ... --json`` for the same input (a deep copy)."""
        return copy.deepcopy(self._data)

    def to_pandas(self) -> pd.DataFrame:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._data == other._data  # type: ignore[attr-defined]


def _matrix(value: Any) -> np.ndarray | None:
    return None if value is None else np.asarray(value, dtype=float)


class Answer(Result, NamedGroupsAndClasses):
    """One metric's answer: can memorization make the bias zero (or at most ``tolerance``), the
    least and most memorized mass, a witness ``x[a][y]`` re-checked by the mixture rule, or a
    checked Farkas certificate, and the closed forms R5-R7."""

    @property
    def metric(self) -> str:
        """``"sp"``, ``"eopp"`` or ``"eodds"``."""
        return self._data["metric"]

    @property
    def feasible(self) -> bool:
        return bool(self._data["feasible"])

    @property
    def min_mass(self) -> float | None:
        """The least memorized mass that reaches the target bias (``None`` when infeasible)."""
        return self._data.get("min_mass")

    @property
    def max_mass(self) -> float | None:
        return self._data.get("max_mass")

    @property
    def witness(self) -> np.ndarray | None:
        """The least-mass witness ``x[a][y] = P(D=1, A=a, Y=y)`` (groups x classes)."""
        return _matrix(self._data.get("witness"))

    @property
    def max_witness(self) -> np.ndarray | None:
        return _matrix(self._data.get("max_witness"))

    @property
    def residual(self) -> float | None:
        """The largest |gap| at the witness, recomputed by the mixture rule R0."""
        return self._data.get("residual")

    @property
    def witness_verified(self) -> bool | None:
        return self._data.get("witness_verified")

    @property
    def certificate(self) -> dict[str, Any] | None:
        """The Farkas certificate of an infeasible answer (rows, multipliers, gap, verified)."""
        return copy.deepcopy(self._data.get("certificate"))

    @property
    def closed_form(self) -> dict[str, Any]:
        return copy.deepcopy(self._data.get("closed_form", {}))

    @property
    def id(self) -> Any:
        """The instance's ``id`` (sweeps echo it)."""
        return self._data.get("id")

    @property
    def robust(self) -> "RobustAnswer | dict[str, Any] | None":
        """The robust answer (``sweep(robust=True)``, or ``analyze`` on counts): a
        :class:`RobustAnswer`, ``{"error": ...}`` when the instance has no robust answer, or
        ``None``."""
        section = self._data.get("robust")
        if section is None or "error" in section:
            return copy.deepcopy(section)
        return RobustAnswer(section)

    @property
    def frontier(self) -> pd.DataFrame | None:
        """The mass-vs-bias frontier ``analyze`` adds to each answer."""
        points = self._data.get("frontier")
        return None if points is None else pd.DataFrame(points)

    @property
    def integer(self) -> dict[str, Any] | None:
        """The whole-record version ``analyze`` adds for count input."""
        return copy.deepcopy(self._data.get("integer"))

    def witness_frame(self) -> pd.DataFrame | None:
        """The witness as a groups x classes table."""
        witness = self.witness
        return None if witness is None else pd.DataFrame(witness, index=self.groups, columns=self.classes)

    def row(self) -> dict[str, Any]:
        """The scalar fields, as one table row."""
        closed = self._data.get("closed_form") or {}
        certificate = self._data.get("certificate") or {}
        return {
            "id": self._data.get("id"),
            "metric": self.metric,
            "tolerance": self._data.get("tolerance"),
            "feasible": self.feasible,
            "min_mass": self.min_mass,
            "max_mass": self.max_mass,
            "residual": self.residual,
            "witness_verified": self.witness_verified,
            "certificate_verified": certificate.get("verified"),
            "certificate_gap": certificate.get("gap"),
            "closed_form_lower": closed.get("lower_bound"),
            "closed_form_upper": closed.get("upper_bound"),
            "closed_form_exact_min": closed.get("exact_min"),
            "closed_form_agrees": closed.get("agrees_with_lp"),
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row: the answer's scalar fields."""
        return pd.DataFrame([self.row()])

    def __repr__(self) -> str:
        if self.feasible:
            return f"Answer({self.metric}: feasible, min_mass={self.min_mass:.6g}, max_mass={self.max_mass:.6g})"
        return f"Answer({self.metric}: infeasible, certificate verified={bool((self.certificate or {}).get('verified'))})"


class _PerMetric(Result, Generic[Item]):
    """Answers of one call, one per metric in the order asked; the CLI prints one object for one
    metric and an array for several, and ``to_dict()`` returns exactly that."""

    _item: type

    def __init__(self, data: Any) -> None:
        super().__init__(data if isinstance(data, list) else [data])
        self._answers: list[Item] = [self._item(item) for item in self._data]

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...
    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        return self._answers[index]

    def __len__(self) -> int:
        return len(self._answers)

    def __iter__(self) -> Iterator[Item]:
        return iter(self._answers)

    def by_metric(self, metric: str) -> Item:
        """The answer for ``metric`` (``"sp"``, ``"eopp"``, ``"eodds"``)."""
        for answer in self._answers:
            if answer.metric == metric:  # type: ignore[attr-defined]
                return answer
        raise KeyError(metric)

    def to_dict(self) -> Any:
        """The CLI's JSON: one object for one metric, a list for several."""
        return copy.deepcopy(self._data[0] if len(self._data) == 1 else self._data)

    def to_pandas(self) -> pd.DataFrame:
        """One row per metric."""
        return pd.DataFrame([answer.row() for answer in self._answers])  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._answers})"


class Answers(_PerMetric[Answer], Sequence[Answer]):
    """The answers of ``feasible`` / ``bounds``: one per metric, in the order asked."""

    _item = Answer


class BiasReport(Result, NamedGroupsAndClasses):
    """Rates and gaps of a (memorizing) classifier, R1-R3: group rates ``P(Yhat | A)``, cell
    rates ``P(Yhat | Y, A)``, the gap vectors of SP/EOpp/EOdds and fairlearn-style summaries."""

    @property
    def memorized_mass(self) -> float:
        return self._data["memorized_mass"]

    @property
    def group_rates(self) -> pd.DataFrame:
        """``P(Yhat = class | A = group)``."""
        return pd.DataFrame(self._data["group_rates"], index=self.groups, columns=self.classes)

    @property
    def largest_gap(self) -> dict[str, float]:
        return dict(self._data["largest_gap"])

    @property
    def summary(self) -> dict[str, Any]:
        """demographic_parity_difference, equalized_odds_difference, selection and TPR/FPR
        rates per group, accuracies (fairlearn's definitions)."""
        return copy.deepcopy(self._data["summary"])

    def to_pandas(self) -> pd.DataFrame:
        """Every gap entry: one row per (metric, entry) with its value."""
        rows = [
            (metric, item["entry"], item["value"]) for metric, items in self._data["gaps"].items() for item in items
        ]
        return pd.DataFrame(rows, columns=["metric", "entry", "value"])


class Analysis(Result, NamedGroupsAndClasses):
    """The full report of ``analyze``: the base classifier's bias and, per metric, the answer
    with its frontier and whole-record version, and plain-words sentences."""

    @property
    def base(self) -> BiasReport:
        return BiasReport(self._data["base"])

    @property
    def answers(self) -> Answers:
        return Answers(self._data["results"])

    @property
    def sentences(self) -> list[str]:
        """The report's conclusions in plain words."""
        return list(self._data["summary"])

    def to_pandas(self) -> pd.DataFrame:
        """One row per metric (as :meth:`Answers.to_pandas`)."""
        return self.answers.to_pandas()

    def __repr__(self) -> str:
        return "Analysis(\n  " + "\n  ".join(self.sentences) + "\n)"


class Frontier(Result):
    """The mass-vs-bias frontier: for each budget, the least achievable largest |gap|."""

    def __init__(self, data: Any) -> None:
        super().__init__(data if isinstance(data, list) else [data])

    @property
    def metrics(self) -> list[str]:
        return [curve["metric"] for curve in self._data]

    def curve(self, metric: str | None = None) -> pd.DataFrame:
        """Budget, bias, mass used and R0 residual of one metric (the only one by default)."""
        for item in self._data:
            if metric is None or item["metric"] == metric:
                return pd.DataFrame(item["points"])[["budget", "bias", "mass", "residual"]]
        raise KeyError(metric)

    def to_dict(self) -> Any:
        return copy.deepcopy(self._data[0] if len(self._data) == 1 else self._data)

    def to_pandas(self) -> pd.DataFrame:
        """All points, with a ``metric`` column."""
        frames = [self.curve(item["metric"]).assign(metric=item["metric"]) for item in self._data]
        return pd.concat(frames, ignore_index=True)[["metric", "budget", "bias", "mass", "residual"]]


class Explanation(Result):
    """Every metric entry as an affine form ``constant + sum coef * x[a][y]`` (exact fractions
    for count input)."""

    def to_pandas(self) -> pd.DataFrame:
        """One row per (entry, term); the constant has group and class ``None``."""
        rows = []
        for entry in self._data:
            rows.append((entry["metric"], entry["entry"], None, None, entry["constant"], entry["constant_value"]))
            for term in entry["terms"]:
                rows.append(
                    (entry["metric"], entry["entry"], term["group"], term["class"], term["coefficient"], term["value"])
                )
        return pd.DataFrame(rows, columns=["metric", "entry", "group", "class", "exact", "value"])


class SweepFailure(Result):
    """An instance of a sweep that could not be answered (with ``errors="return"``)."""

    @property
    def line(self) -> int:
        """The instance's position in the input, from 1."""
        return self._data["line"]

    @property
    def id(self) -> Any:
        return self._data.get("id")

    @property
    def field(self) -> str | None:
        return self._data.get("field")

    @property
    def message(self) -> str:
        return self._data["error"]

    @property
    def internal(self) -> bool:
        return bool(self._data.get("internal"))

    def to_pandas(self) -> pd.DataFrame:
        return pd.DataFrame([self._data])

    def __repr__(self) -> str:
        return f"SweepFailure(line={self.line}, field={self.field!r}, message={self.message!r})"


class Report(Result):
    """The JSON report of an empirical command (``validate``, ``reweight``, ``compare``), as the
    CLI prints it; ``to_pandas()`` flattens its top-level scalars into one row."""

    def __getitem__(self, key: str) -> Any:
        return copy.deepcopy(self._data[key])

    def keys(self) -> list[str]:
        return list(self._data)

    def to_pandas(self) -> pd.DataFrame:
        return pd.json_normalize(self._data, max_level=1)


class RobustAnswer(Result, NamedGroupsAndClasses):
    """One metric's answer that survives sampling error (``fairmem robust``, ``Docs/robust.md``):
    the box verdict over a simultaneous confidence region, the least-mass interval over it, the
    settling scale, and the posterior probability of feasibility (Dirichlet draws)."""

    @property
    def metric(self) -> str:
        """``"sp"``, ``"eopp"`` or ``"eodds"``."""
        return str(self._data["metric"])

    @property
    def verdict(self) -> str | None:
        """``"certainly_feasible"``, ``"certainly_infeasible"`` or ``"undetermined"`` (``None``
        for ``method="bayes"``)."""
        return self._data.get("verdict")

    @property
    def level(self) -> float:
        return float(self._data["level"])

    @property
    def convention(self) -> str:
        """``"B"`` (cell-random memorization) or ``"A"`` (given ``unmemorized_prediction``)."""
        return str(self._data["convention"])

    @property
    def min_mass_interval(self) -> tuple[float, float | None] | None:
        """``(lower, upper)`` of the least memorized mass over the region (upper ``None``:
        unbounded); ``None`` when certainly infeasible or without the box method."""
        interval = self._data.get("min_mass_interval")
        return None if interval is None else (interval[0], interval[1])

    @property
    def probability_feasible(self) -> float | None:
        """Posterior probability that the target is feasible (``None`` without ``bayes``)."""
        return self._data.get("probability_feasible")

    @property
    def settling_scale(self) -> float | None:
        """The count scaling found to settle an undetermined verdict."""
        return self._data.get("settling_scale")

    @property
    def point_estimate(self) -> dict[str, Any]:
        """``{"feasible", "min_mass"}`` of the point estimate."""
        return copy.deepcopy(self._data["point_estimate"])

    @property
    def box(self) -> dict[str, Any] | None:
        """The full frequentist answer: witnesses, certificate, settling, region."""
        return copy.deepcopy(self._data.get("box"))

    @property
    def bayes(self) -> dict[str, Any] | None:
        """The full Bayesian answer: draws, seed, prior, quantiles of the least mass."""
        return copy.deepcopy(self._data.get("bayes"))

    def row(self) -> dict[str, Any]:
        interval = self.min_mass_interval
        return {
            "metric": self.metric,
            "verdict": self.verdict,
            "level": self.level,
            "point_feasible": self.point_estimate["feasible"],
            "point_min_mass": self.point_estimate.get("min_mass"),
            "min_mass_lower": None if interval is None else interval[0],
            "min_mass_upper": None if interval is None else interval[1],
            "probability_feasible": self.probability_feasible,
            "settling_scale": self.settling_scale,
        }

    def to_pandas(self) -> pd.DataFrame:
        return pd.DataFrame([self.row()])

    def __repr__(self) -> str:
        return f"RobustAnswer(metric={self.metric!r}, verdict={self.verdict!r}, min_mass_interval={self.min_mass_interval})"


class RobustAnswers(_PerMetric[RobustAnswer], Sequence[RobustAnswer]):
    """The answers of ``robust``: one per metric, in the order asked."""

    _item = RobustAnswer


def _with_summaries(row: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """``row`` plus, for every split summary ``{"mean", "two_se", ...}`` of ``item``, the columns
    ``<key>`` (the mean) and ``<key>_2se``."""
    for key, value in item.items():
        if isinstance(value, dict) and "mean" in value:
            row[key] = value["mean"]
            row[key + "_2se"] = value["two_se"]
    return row


class GroupFreeReport(Report):
    """``fairmem groupfree``: ERM, ARL, CVaR DRO, graph-of-gradients reweighting and its
    feature-graph ablation trained without group labels (``Docs/fairness-without-demographics.md``)."""

    @property
    def dataset(self) -> str:
        return self._data["dataset"]

    @property
    def group_names(self) -> list[str]:
        return list(self._data["groupNames"])

    @property
    def summaries(self) -> list[dict[str, Any]]:
        """Per method and K: mean and two standard errors over splits of every test metric."""
        return copy.deepcopy(self._data["summaries"])

    @property
    def runs(self) -> list[dict[str, Any]]:
        """Every (split, method, K) training run, with its epoch history."""
        return copy.deepcopy(self._data["runs"])

    def to_pandas(self) -> pd.DataFrame:
        """One row per method and K: ``<metric>`` (mean) and ``<metric>_2se`` columns."""
        rows = []
        for summary in self._data["summaries"]:
            rows.append(_with_summaries({"method": summary["method"], "neighbours": summary.get("neighbours")}, summary))
        return pd.DataFrame(rows)


class SteeringReport(Report):
    """``fairmem steer``: on a Gaussian specification, the KL-nearest ideal distribution (target
    moments, KL, W2 maps, ideal checks); on a dataset (``dataset=`` or ``csv=``), the steered,
    retrained classifier over splits (``Docs/steering.md``)."""

    @property
    def kl(self) -> float | None:
        """The KL of the intervention (specification input)."""
        return self._data.get("kl")

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The dataset experiment's rows (empty for a specification)."""
        return copy.deepcopy(self._data.get("rows", []))

    def to_pandas(self) -> pd.DataFrame:
        """Dataset experiment: one row per method and test mapping (means and 2 SE); a
        specification: its top-level scalars."""
        if "rows" not in self._data:
            return pd.json_normalize(self._data, max_level=0)[
                [k for k, v in self._data.items() if not isinstance(v, (dict, list))]
            ]
        rows = []
        for row in self._data["rows"]:
            rows.append(_with_summaries({"method": row["method"], "test_mapping": row["test_mapping"]}, row))
        return pd.DataFrame(rows)
