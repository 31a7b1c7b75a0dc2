"""Population statistics: the input of every theory call (``Docs/input-format.md``)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._native import request
from .errors import BadInputError
from .results import NamedGroupsAndClasses

__all__ = ["Statistics"]


class Statistics(NamedGroupsAndClasses):
    """Statistics of a classifier: groups, classes and counts ``n[a][y][yh]`` (or probabilities
    ``P(A, Y)`` and confusion matrices ``P(Yhat | Y, A)``), validated by FairMem's own decoder.

    Build them with :meth:`from_predictions` (the counts ``fairmem stats`` computes),
    :meth:`from_counts`, :meth:`from_probabilities`, :meth:`from_metric_frame` (fairlearn),
    :meth:`from_dict` or :meth:`from_file`; Spark DataFrames go through
    :func:`fairmem.spark.statistics_from_spark`.

    Attributes:
        null_counts: rows left out because a label, prediction or group value was null
            (per column; only statistics made from Spark fill it), else an empty dict.
    """

    def __init__(self, data: Mapping[str, Any], *, null_counts: Mapping[str, int] | None = None) -> None:
        self._data = dict(data)
        self.null_counts: dict[str, int] = dict(null_counts or {})

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, validate: bool = True) -> "Statistics":
        """Statistics from a JSON-shaped mapping (``groups``, ``classes``, ``counts`` or
        ``population`` + ``confusion``, optional ``cap``, ``unmemorized_prediction``, ``id``).

        Raises:
            BadInputError: when FairMem's decoder rejects it (``field`` names the JSON path).
        """
        statistics = cls(data)
        if validate:
            statistics.validate()
        return statistics

    @classmethod
    def from_json(cls, text: str) -> "Statistics":
        """Statistics from JSON text (the format of ``fairmem stats --json``)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise BadInputError("bad_input", "input", f"malformed JSON ({error})", 2) from None
        if not isinstance(data, dict):
            raise BadInputError("bad_input", "input", "expected a JSON object with groups, classes, ...", 2)
        return cls.from_dict(data)

    @classmethod
    def from_file(cls, path: str | Path) -> "Statistics":
        """Statistics from a JSON file."""
        return cls.from_json(Path(path).read_text())

    @classmethod
    def from_counts(
        cls,
        counts: Any,
        groups: Sequence[str],
        classes: Sequence[str],
        *,
        description: str | None = None,
    ) -> "Statistics":
        """Statistics from counts ``counts[a][y][yh]``: records of group ``a`` with true class
        ``y`` that the classifier predicts as ``yh`` (an array of shape groups x classes x
        classes)."""
        data: dict[str, Any] = {
            "groups": [str(g) for g in groups],
            "classes": [str(c) for c in classes],
            "counts": np.asarray(counts).tolist(),
        }
        if description:
            data["description"] = description
        return cls.from_dict(data)

    @classmethod
    def from_probabilities(
        cls, population: Any, confusion: Any, groups: Sequence[str], classes: Sequence[str]
    ) -> "Statistics":
        """Statistics from ``population[a][y] = P(A=a, Y=y)`` and
        ``confusion[a][y][yh] = P(Yhat=yh | Y=y, A=a)``."""
        return cls.from_dict(
            {
                "groups": [str(g) for g in groups],
                "classes": [str(c) for c in classes],
                "population": np.asarray(population, dtype=float).tolist(),
                "confusion": np.asarray(confusion, dtype=float).tolist(),
            }
        )

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        sensitive_features: Any,
        *,
        favorable: str | None = None,
        bootstrap: int = 0,
        level: float = 0.95,
        seed: int = 0,
    ) -> "Statistics":
        """Counts per (group, true class, predicted class), as ``fairmem stats`` makes them from
        a predictions CSV (the same code runs: the columns are handed to it as CSV text). With
        ``bootstrap=N`` (N >= 2) the :attr:`summary` also holds intervals at ``level`` for every
        group rate and summary, from N seeded per-cell (multinomial) replicates of the counts
        (``fairmem stats --bootstrap N --level L --seed S``).

        Args:
            y_true: true labels (array-like, pandas Series).
            y_pred: predictions, same length.
            sensitive_features: one array/Series (one group column) or a DataFrame / 2-D array /
                dict of columns: several columns form intersectional groups named ``"v1|v2"``.
            favorable: the class whose rates the summaries report (default: the last class).

        Classes are the union of labels and predictions, sorted numerically when all are numbers.

        Raises:
            BadInputError: on different lengths, missing values (the field names the column),
                fewer than two groups or classes.
        """
        groups = _group_frame(sensitive_features)
        names = set(groups.columns)
        label, prediction = _fresh_name("y_true", names), _fresh_name("y_pred", names | {"y_true"})
        columns = {label: _column(y_true, label), prediction: _column(y_pred, prediction)}
        for name, values in columns.items():
            if len(values) != len(groups):
                raise BadInputError(
                    "bad_input", name, f"has {len(values)} values but sensitive_features has {len(groups)} rows", 2
                )
        frame = pd.concat([groups.reset_index(drop=True), pd.DataFrame(columns)], axis=1)
        for name in frame.columns:
            missing = int(frame[name].isna().sum())
            if missing:
                raise BadInputError(
                    "bad_input", str(name), f"{missing} missing values (drop or fill them before counting)", 2
                )
        result = request(
            "stats",
            {
                "label": label,
                "prediction": prediction,
                "group": list(groups.columns),
                "favorable": favorable,
                "bootstrap": bootstrap,
                "level": level,
                "seed": seed,
            },
            frame.to_csv(index=False),
        )
        result["description"] = (
            f"counts from predictions (groups: {', '.join(groups.columns)}; {len(frame)} records)"
        )
        return cls(result)

    @classmethod
    def from_metric_frame(cls, frame: Any, *, metric: str | None = None, classes: Sequence[str] | None = None) -> "Statistics":
        """Counts from a fairlearn ``MetricFrame`` that has a confusion-matrix metric per group,
        e.g. ``MetricFrame(metrics={"cm": functools.partial(confusion_matrix, labels=[0, 1])},
        ...)`` (rows: true class, columns: predicted class, as scikit-learn orders them).

        Args:
            frame: the ``MetricFrame``.
            metric: which metric holds the confusion matrices (default: the only one that does).
            classes: class names in the matrices' order (default ``"0"``, ``"1"``, ...).

        Raises:
            BadInputError: when no metric holds square confusion matrices.
        """
        by_group = frame.by_group
        table = by_group.to_frame() if isinstance(by_group, pd.Series) else by_group
        candidates = [
            name
            for name in table.columns
            if all(np.ndim(value) == 2 and np.shape(value)[0] == np.shape(value)[1] for value in table[name])
        ]
        if metric is not None:
            if metric not in candidates:
                raise BadInputError("bad_input", "metric", f"'{metric}' is not a confusion-matrix metric of the frame", 2)
            candidates = [metric]
        if len(candidates) != 1:
            raise BadInputError(
                "bad_input",
                "metric",
                "the MetricFrame needs exactly one confusion-matrix metric per group "
                f"(found {candidates}); pass metric=... or add functools.partial(confusion_matrix, labels=...)",
                2,
            )
        matrices = [np.asarray(value) for value in table[candidates[0]]]
        size = matrices[0].shape[0]
        names = [str(c) for c in classes] if classes is not None else [str(i) for i in range(size)]
        groups = ["|".join(map(str, key)) if isinstance(key, tuple) else str(key) for key in table.index]
        return cls.from_counts(np.stack(matrices), groups, names, description="counts from a fairlearn MetricFrame")

    # -- access --------------------------------------------------------------------------------

    @property
    def counts(self) -> np.ndarray | None:
        """Counts ``n[a][y][yh]`` as an integer array, or ``None`` for probability input."""
        counts = self._data.get("counts")
        return None if counts is None else np.asarray(counts, dtype=np.int64)

    @property
    def summary(self) -> dict[str, Any] | None:
        """The scalar summaries ``fairmem stats`` reports (selection rates, TPR/FPR per group,
        demographic parity and equalized odds differences), when these statistics came from it."""
        summary = self._data.get("summary")
        return copy.deepcopy(summary) if summary is not None else None

    def validate(self) -> None:
        """Checks the statistics with FairMem's decoder.

        Raises:
            BadInputError: naming the JSON path at fault (e.g. ``confusion[0][1]``).
        """
        request("bias", {}, self._data)

    def to_dict(self) -> dict[str, Any]:
        """The statistics as a JSON-shaped dict (a valid input of every ``fairmem`` command)."""
        return copy.deepcopy(self._data)

    def to_json(self, **kwargs: Any) -> str:
        """The statistics as JSON text (``json.dumps`` keyword arguments apply)."""
        return json.dumps(self._data, **kwargs)

    def to_pandas(self) -> pd.DataFrame:
        """One row per (group, true class, predicted class) with its ``count`` (count input) or
        ``probability`` ``P(A, Y) * P(Yhat | Y, A)`` (probability input)."""
        rows = []
        counts = self._data.get("counts")
        for a, group in enumerate(self.groups):
            for y, label in enumerate(self.classes):
                for yh, prediction in enumerate(self.classes):
                    if counts is not None:
                        value = counts[a][y][yh]
                    else:
                        value = self._data["population"][a][y] * self._data["confusion"][a][y][yh]
                    rows.append((group, label, prediction, value))
        return pd.DataFrame(rows, columns=["group", "label", "prediction", "count" if counts is not None else "probability"])

    def __repr__(self) -> str:
        kind = "counts" if "counts" in self._data else "probabilities"
        return f"Statistics(groups={self.groups}, classes={self.classes}, {kind})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Statistics) and self._data == other._data


def as_input(statistics: "Statistics | Mapping[str, Any] | str | Path") -> Any:
    """What a request's ``input`` is for statistics given as an object, a dict or a file path."""
    if isinstance(statistics, Statistics):
        return statistics._data
    if isinstance(statistics, Mapping):
        return dict(statistics)
    if isinstance(statistics, (str, Path)):
        return Path(statistics).read_text()
    raise TypeError(f"expected Statistics, a dict or a file path, got {type(statistics).__name__}")


def _group_frame(sensitive_features: Any) -> pd.DataFrame:
    if isinstance(sensitive_features, pd.DataFrame):
        frame = sensitive_features.copy()
    elif isinstance(sensitive_features, pd.Series):
        frame = sensitive_features.to_frame(name=sensitive_features.name if sensitive_features.name is not None else "group")
    elif isinstance(sensitive_features, Mapping):
        frame = pd.DataFrame(dict(sensitive_features))
    else:
        array = np.asarray(sensitive_features, dtype=object)
        if array.ndim == 1:
            frame = pd.DataFrame({"group": array})
        elif array.ndim == 2:
            frame = pd.DataFrame(array, columns=[f"group{j}" for j in range(array.shape[1])])
        else:
            raise BadInputError("bad_input", "sensitive_features", f"expected 1 or 2 dimensions, got {array.ndim}", 2)
    frame.columns = [str(c) for c in frame.columns]
    if frame.shape[1] == 0:
        raise BadInputError("bad_input", "sensitive_features", "no group column", 2)
    return frame.reset_index(drop=True)


def _column(values: Any, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise BadInputError("bad_input", name, f"expected one column, got {values.shape[1]}", 2)
        values = values.iloc[:, 0]
    array = values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    if array.ndim != 1:
        raise BadInputError("bad_input", name, "expected a one-dimensional array", 2)
    return array


def _fresh_name(name: str, taken: set[str]) -> str:
    while name in taken:
        name = "_" + name
    return name
