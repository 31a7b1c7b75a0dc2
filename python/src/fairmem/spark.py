"""FairMem on Spark: statistics from a DataFrame of predictions reduced to counts on the cluster,
and sweeps over a DataFrame of statistics instances answered on the executors.

Both need the ``fairmem`` wheel installed on the driver and on every executor (with the Debian
packages ``libglpk40``, ``libopenblas0`` and ``liblapacke`` on the nodes); see
``Docs/scaling.md``. ``pyspark`` and ``pyarrow`` are imported only when a function here is called.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ._native import request
from .errors import BadInputError
from .statistics import Statistics

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["statistics_from_spark", "sweep_spark", "SWEEP_SCHEMA"]

#: The schema of :func:`sweep_spark`'s result: the instance's id, the metric, the scalar answer
#: fields, and the whole answer (or error) as the JSON ``fairmem sweep`` prints.
SWEEP_SCHEMA = (
    "id string, metric string, feasible boolean, min_mass double, max_mass double, residual double, "
    "certificate_verified boolean, error string, field string, answer string"
)


def statistics_from_spark(
    frame: "DataFrame",
    *,
    label: str,
    prediction: str,
    group: str | Sequence[str],
    favorable: str | None = None,
    nulls: Literal["error", "drop"] = "error",
) -> Statistics:
    """Counts per (group, label, prediction) from a Spark DataFrame of predictions.

    The rows never leave the cluster: Spark groups them by the group column(s), the label and
    the prediction and counts; only the distinct combinations (a few hundred rows at most for
    usual data) reach the driver, where ``fairmem stats`` turns them into statistics with the
    same class order, group names (``"v1|v2"`` for several group columns) and summaries as for
    the records themselves (its ``count`` option weighs each combination by its count).

    Args:
        frame: the predictions.
        label, prediction: the columns with the true label and the classifier's prediction.
        group: one group column or several (intersectional groups).
        favorable: the class whose rates the summaries report (default: the last class).
        nulls: rows with a null label, prediction or group value are counted per column in the
            same pass; ``"error"`` (default) raises naming the first such column, ``"drop"``
            leaves the rows out and reports them in ``Statistics.null_counts`` and the
            description.

    Raises:
        BadInputError: a column is missing (``field`` is its name), nulls under
            ``nulls="error"``, fewer than two groups or classes.
    """
    from pyspark.sql import functions as F

    groups = [group] if isinstance(group, str) else list(group)
    if not groups:
        raise BadInputError("bad_input", "group", "give at least one group column", 2)
    columns = [*groups, label, prediction]
    for name in columns:
        if name not in frame.columns:
            raise BadInputError(
                "bad_input", name, f"no column '{name}' in the DataFrame (columns: {', '.join(frame.columns)})", 2
            )
    if len(set(columns)) != len(columns):
        raise BadInputError("bad_input", "group", "label, prediction and group columns must be distinct", 2)
    if nulls not in ("error", "drop"):
        raise ValueError("nulls must be 'error' or 'drop'")

    # One pass on the cluster: the count of every (group..., label, prediction) combination, null
    # values included as their own keys, so that nulls are counted in the same job.
    key = [F.col(name).cast("string").alias(f"c{j}") for j, name in enumerate(columns)]
    combos = frame.select(*key).groupBy(*[f"c{j}" for j in range(len(columns))]).count().toPandas()
    combos.columns = [*columns, "__count"]

    null_counts = {name: int(combos.loc[combos[name].isna(), "__count"].sum()) for name in columns}
    with_null = combos[columns].isna().any(axis=1)
    if with_null.any():
        if nulls == "error":
            name = next(name for name in columns if null_counts[name])
            raise BadInputError(
                "bad_input",
                name,
                f"{null_counts[name]} rows have a null {name} (nulls per column: {null_counts}); "
                "fill or filter them, or pass nulls='drop' to leave them out and report them",
                2,
            )
        combos = combos[~with_null]
    count_column = _fresh("count", set(columns))
    table = combos.rename(columns={"__count": count_column})
    result = request(
        "stats",
        {"label": label, "prediction": prediction, "group": groups, "favorable": favorable, "count": count_column},
        table.to_csv(index=False),
    )
    left_out = int(pd.Series(null_counts).sum()) if with_null.any() else 0
    result["description"] = (
        f"counts from a Spark DataFrame (groups: {', '.join(groups)}; label {label}; prediction {prediction})"
        + (f"; rows with nulls left out: {left_out} (per column: {null_counts})" if left_out else "")
    )
    return Statistics(result, null_counts={name: n for name, n in null_counts.items() if n})


def sweep_spark(
    frame: "DataFrame",
    *,
    statistics_column: str = "statistics",
    id_column: str | None = "id",
    metric: str | Sequence[str] | None = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    certificate: bool = True,
    normalize: bool = False,
    threads: int = 1,
) -> "DataFrame":
    """Answers every statistics instance of a DataFrame on the executors.

    Each executor runs ``fairmem sweep`` through the C ABI on its batches (``mapInPandas``), so
    the answers are exactly those of :func:`fairmem.sweep` and of the CLI. Bad instances yield a
    row with ``error`` and ``field`` set instead of failing the job.

    Args:
        frame: one instance per row: ``statistics_column`` holds the statistics as JSON text;
            ``id_column`` (if present) is echoed in ``id``.
        metric, favorable, tolerance, certificate, normalize: as in :func:`fairmem.sweep`.
        threads: solver threads per Python worker (Spark already runs one worker per core).

    Returns:
        A DataFrame with :data:`SWEEP_SCHEMA`: one row per instance and metric.
    """
    if statistics_column not in frame.columns:
        raise BadInputError("bad_input", statistics_column, f"no column '{statistics_column}' in the DataFrame", 2)
    has_id = id_column is not None and id_column in frame.columns
    arguments = {
        "metric": [metric] if isinstance(metric, str) else (list(metric) if metric is not None else None),
        "favorable": favorable,
        "tolerance": tolerance,
        "no_certificate": not certificate,
        "normalize": normalize,
        "threads": threads,
        "block": 4096,
    }
    selected = frame.select(statistics_column, id_column) if has_id else frame.select(statistics_column)

    def answer_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield _answer_batch(batch, statistics_column, id_column if has_id else None, arguments)

    return selected.mapInPandas(answer_batches, schema=SWEEP_SCHEMA)


def _answer_batch(
    batch: pd.DataFrame, statistics_column: str, id_column: str | None, arguments: dict[str, Any]
) -> pd.DataFrame:
    """One executor batch: JSON Lines in, one row per instance and metric out."""
    lines = []
    ids = []
    for position, text in enumerate(batch[statistics_column]):
        instance_id = None if id_column is None else batch[id_column].iloc[position]
        ids.append(None if instance_id is None or pd.isna(instance_id) else str(instance_id))
        lines.append(text if isinstance(text, str) and text.strip() else "null")
    try:
        items = request("sweep", arguments, "\n".join(line.replace("\n", " ") for line in lines) + "\n")
    except BadInputError as error:
        if error.result is None:
            raise
        items = error.result
    rows = []
    # Answers come in input order, one per metric, and a bad instance gives one error object; the
    # "line" of an error (1-based) and the order of answers map items back to instances.
    metrics = arguments["metric"] or ["sp", "eopp", "eodds"]
    cursor = 0
    position = 0
    while cursor < len(items):
        item = items[cursor]
        if "error" in item:
            position = item["line"] - 1
            rows.append(
                (ids[position], None, None, None, None, None, None, item["error"], item.get("field"), json.dumps(item))
            )
            cursor += 1
            position += 1
            continue
        for item in items[cursor : cursor + len(metrics)]:
            certificate = item.get("certificate") or {}
            rows.append(
                (
                    ids[position],
                    item["metric"],
                    item["feasible"],
                    item.get("min_mass"),
                    item.get("max_mass"),
                    item.get("residual"),
                    certificate.get("verified"),
                    None,
                    None,
                    json.dumps(item, sort_keys=True),
                )
            )
        cursor += len(metrics)
        position += 1
    names = [field.split()[0] for field in SWEEP_SCHEMA.split(", ")]
    return pd.DataFrame(rows, columns=names)


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name = "_" + name
    return name
