"""The theory calls: each runs the ``fairmem`` subcommand of the same name through the C ABI and
returns a typed view of its JSON output (the CLI's options are the keyword arguments)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ._native import request
from .errors import FairMemError
from .results import (
    Analysis,
    Answer,
    Answers,
    BiasReport,
    Explanation,
    Frontier,
    GroupFreeReport,
    Report,
    RobustAnswers,
    SteeringReport,
    SweepFailure,
)
from .statistics import Statistics, as_input

__all__ = [
    "analyze",
    "feasible",
    "bounds",
    "frontier",
    "bias",
    "explain",
    "robust",
    "stats",
    "sweep",
    "validate",
    "reweight",
    "compare",
    "groupfree",
    "steer",
]

StatisticsLike = Statistics | Mapping[str, Any] | str | Path
Metrics = str | Sequence[str] | None


def _metrics(metric: Metrics) -> list[str] | None:
    if metric is None:
        return None
    return [metric] if isinstance(metric, str) else list(metric)


def analyze(
    statistics: StatisticsLike | None = None,
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    normalize: bool = False,
    exact: bool = False,
    frontier_points: int = 5,
) -> Analysis:
    """The full report (``fairmem analyze``): base bias and, for each metric (default all three:
    ``"sp"``, ``"eopp"``, ``"eodds"``), whether memorization can hide it, how much it takes, a
    witness or certificate, the closed forms, a short frontier and the whole-record version.
    Without statistics it runs on the built-in example."""
    arguments = {
        "metric": _metrics(metric),
        "favorable": favorable,
        "tolerance": tolerance,
        "normalize": normalize,
        "exact": exact,
        "frontier_points": frontier_points,
    }
    return Analysis(request("analyze", arguments, None if statistics is None else as_input(statistics)))


def feasible(
    statistics: StatisticsLike,
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    normalize: bool = False,
    exact: bool = False,
    check: bool = False,
) -> Answers:
    """Can memorizing a subset make the bias zero (or at most ``tolerance``)? One
    :class:`Answer` per metric with a witness or a Farkas certificate (``fairmem feasible``).

    Raises:
        InfeasibleError: with ``check=True`` when some answer is infeasible (its ``result``
            holds the answers).
    """
    return _answers("feasible", statistics, metric, favorable, tolerance, normalize, exact, check)


def bounds(
    statistics: StatisticsLike,
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    normalize: bool = False,
    exact: bool = False,
    check: bool = False,
) -> Answers:
    """Least and most memorized mass for zero (or ``tolerance``) bias next to the closed forms
    R5-R7 (``fairmem bounds``); ``exact=True`` certifies the least mass in rational arithmetic
    (count input)."""
    return _answers("bounds", statistics, metric, favorable, tolerance, normalize, exact, check)


def _answers(
    command: str,
    statistics: StatisticsLike,
    metric: Metrics,
    favorable: str | None,
    tolerance: float,
    normalize: bool,
    exact: bool,
    check: bool,
) -> Answers:
    arguments = {
        "metric": _metrics(metric),
        "favorable": favorable,
        "tolerance": tolerance,
        "normalize": normalize,
        "exact": exact,
        "check": check,
    }
    try:
        return Answers(request(command, arguments, as_input(statistics)))
    except FairMemError as error:
        if error.result is not None:
            error.result = Answers(error.result)
        raise


def robust(
    statistics: StatisticsLike | None = None,
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    level: float = 0.95,
    method: Literal["box", "bayes", "both"] = "both",
    draws: int = 2000,
    seed: int = 0,
    threads: int | None = None,
) -> RobustAnswers:
    """Feasibility and least memorized mass that survive sampling error (``fairmem robust``,
    ``Docs/robust.md``): for statistics with ``counts`` (or rates with ``sample_sizes``), the
    verdict over a simultaneous confidence region at ``level`` (``certainly_feasible``,
    ``certainly_infeasible`` or ``undetermined``), the least-mass interval over it, the count
    scaling that settles an undetermined verdict, and the posterior probability of feasibility
    from ``draws`` seeded Dirichlet draws. Without statistics it runs on the built-in example as
    counts of 1000 records."""
    arguments = {
        "metric": _metrics(metric),
        "favorable": favorable,
        "tolerance": tolerance,
        "level": level,
        "method": method,
        "draws": draws,
        "seed": seed,
        "threads": threads,
    }
    return RobustAnswers(request("robust", arguments, None if statistics is None else as_input(statistics)))


def stats(
    data: pd.DataFrame | str | Path,
    *,
    label: str,
    prediction: str,
    group: str | Sequence[str],
    favorable: str | None = None,
    count: str | None = None,
    bootstrap: int = 0,
    level: float = 0.95,
    seed: int = 0,
) -> Statistics:
    """Counts and fairness summaries of a predictions table (``fairmem stats``): ``data`` is a
    DataFrame, CSV text or a CSV file path. With ``bootstrap=N`` (N >= 2) the summary also holds
    intervals at ``level`` for every group rate and summary from N seeded per-cell (multinomial)
    replicates of the counts (``Statistics.summary["bootstrap"]``)."""
    if isinstance(data, pd.DataFrame):
        text = data.to_csv(index=False)
    elif isinstance(data, Path) or (isinstance(data, str) and "\n" not in data and Path(data).is_file()):
        text = Path(data).read_text()
    else:
        text = data
    arguments = {
        "label": label,
        "prediction": prediction,
        "group": [group] if isinstance(group, str) else list(group),
        "favorable": favorable,
        "count": count,
        "bootstrap": bootstrap,
        "level": level,
        "seed": seed,
    }
    return Statistics(request("stats", arguments, text))


def frontier(
    statistics: StatisticsLike,
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    points: int = 11,
    max_budget: float | None = None,
    normalize: bool = False,
) -> Frontier:
    """The least achievable largest |gap| for each memorization budget, from 0 to ``max_budget``
    (default: the least zero-bias mass, or everything) in ``points`` steps (``fairmem
    frontier``)."""
    arguments = {
        "metric": _metrics(metric),
        "favorable": favorable,
        "points": points,
        "max_budget": max_budget,
        "normalize": normalize,
    }
    return Frontier(request("frontier", arguments, as_input(statistics)))


def bias(
    statistics: StatisticsLike,
    *,
    memorized: Any = None,
    uniform: float | None = None,
    favorable: str | None = None,
    normalize: bool = False,
    exact: bool = False,
) -> BiasReport:
    """Rates and gaps of the classifier that memorizes ``memorized[a][y]`` of each cell (a
    groups x classes array of masses) or the fraction ``uniform`` of every cell; the base
    classifier when neither is given (``fairmem bias``)."""
    arguments = {
        "memorized": None if memorized is None else json.dumps(_nested_list(memorized)),
        "uniform": uniform,
        "favorable": favorable,
        "normalize": normalize,
        "exact": exact,
    }
    return BiasReport(request("bias", arguments, as_input(statistics)))


def explain(
    statistics: StatisticsLike,
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    normalize: bool = False,
) -> Explanation:
    """Every metric entry as an affine form in the memorized masses (``fairmem explain``)."""
    arguments = {"metric": _metrics(metric), "favorable": favorable, "tolerance": tolerance, "normalize": normalize}
    return Explanation(request("explain", arguments, as_input(statistics)))


def sweep(
    instances: Iterable[StatisticsLike],
    *,
    metric: Metrics = None,
    favorable: str | None = None,
    tolerance: float = 0.0,
    certificate: bool = True,
    normalize: bool = False,
    threads: int | None = None,
    block: int = 2048,
    errors: Literal["raise", "return"] = "raise",
    robust: bool = False,
    level: float = 0.95,
) -> Iterator[Answer | SweepFailure]:
    """Answers many instances (``fairmem sweep``), streaming: the iterable is read ``block``
    instances at a time, each block is answered on ``threads`` threads (default: all cores)
    while the next one is being read, and answers come out in input order, one per instance
    and metric (an instance's ``id`` is echoed).

    Args:
        errors: ``"raise"`` stops at the first instance with bad input (a ``BadInputError``
            naming its field and position); ``"return"`` yields a :class:`SweepFailure` in its
            place and goes on.
        robust: add each instance's robust answer at ``level`` (``fairmem sweep --robust``, the
            box method; :attr:`Answer.robust`) for instances with counts or sample sizes.
    """
    if block < 1:
        raise ValueError("block must be at least 1")
    arguments = {
        "metric": _metrics(metric),
        "favorable": favorable,
        "tolerance": tolerance,
        "no_certificate": not certificate,
        "normalize": normalize,
        "threads": threads,
        "block": block,
        "robust": robust,
        "level": level if robust else None,
    }
    iterator = iter(instances)

    def submit(executor: ThreadPoolExecutor) -> tuple[int, Future[Any]] | None:
        chunk = [as_input(item) if not isinstance(item, str) else item for item in itertools.islice(iterator, block)]
        if not chunk:
            return None
        return len(chunk), executor.submit(_sweep_block, arguments, chunk)

    offset = 0
    with ThreadPoolExecutor(max_workers=1) as executor:
        pending = submit(executor)
        while pending is not None:
            size, future = pending
            pending = submit(executor)  # read the next block while this one is answered
            for item in future.result():
                if "error" in item:
                    item = dict(item, line=item["line"] + offset)
                    failure = SweepFailure(item)
                    if errors == "raise":
                        raise FairMemError.from_response(
                            {
                                "code": "internal_failure" if failure.internal else "bad_input",
                                "field": failure.field,
                                "message": f"instance {failure.line}: {failure.message}",
                            },
                            3 if failure.internal else 2,
                        )
                    yield failure
                else:
                    yield Answer(item)
            offset += size


def _sweep_block(arguments: dict[str, Any], chunk: list[Any]) -> list[dict[str, Any]]:
    try:
        return request("sweep", arguments, chunk)
    except FairMemError as error:
        if error.result is None:  # the request itself was bad, not one of its instances
            raise
        return error.result


def _nested_list(value: Any) -> Any:
    return value.tolist() if hasattr(value, "tolist") else [list(row) for row in value]


@contextlib.contextmanager
def _own_data(options: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The options with ``csv=`` as a path: a pandas DataFrame is written to a temporary CSV
    file for the duration of the call (and the label, group, feature and categorical column names
    may be given as one string or a list)."""
    options = dict(options)
    data = options.get("csv")
    path = None
    if data is not None and hasattr(data, "to_csv"):
        handle, path = tempfile.mkstemp(prefix="fairmem-", suffix=".csv")
        os.close(handle)
        data.to_csv(path, index=False)
        options["csv"] = path
    elif isinstance(data, os.PathLike):
        options["csv"] = os.fspath(data)
    try:
        yield options
    finally:
        if path is not None:
            os.unlink(path)


def validate(**options: Any) -> Report:
    """``fairmem validate``: the theory checked by training and memorizing for real (synthetic
    populations and the built-in datasets). Keyword arguments are the command's options without
    dashes (``synthetic=20, seed=0, data_directory="Data/raw", entries=True``). Own data:
    ``csv=`` a CSV path or a pandas DataFrame, with ``label=``, ``group=`` (a name or a list),
    optionally ``features=``, ``categorical=``, ``positive=`` (``Docs/datasets.md``)."""
    with _own_data(options) as arguments:
        return Report(request("validate", arguments))


def reweight(**options: Any) -> Report:
    """``fairmem reweight``: one influence-based reweighting run (``dataset="adult", model="lr",
    method="fairif", apply="retrain"``...); see ``Docs/mitigation.md``. Own data: ``csv=`` (a path
    or a DataFrame), ``label=``, ``group=``, ``positive=``..., as for :func:`validate`."""
    with _own_data(options) as arguments:
        return Report(request("reweight", arguments))


def compare(**options: Any) -> Report:
    """``fairmem compare``: ERM and every reweighting method over seeded splits, mean +- 2 SE.
    Own data: ``csv=`` ... as for :func:`validate` (settings ``"csv-lr"``, ``"csv-mlp"``)."""
    with _own_data(options) as arguments:
        return Report(request("compare", arguments))


def groupfree(**options: Any) -> GroupFreeReport:
    """``fairmem groupfree``: fairness without demographics (ERM, ARL, CVaR DRO, graph of
    gradients, feature graph) over seeded splits (``dataset="compas", splits=3,
    neighbours="1,3,10", graph_snapshot=True``...); own data: ``csv=`` ... as for
    :func:`validate`. See ``Docs/fairness-without-demographics.md``."""
    with _own_data(options) as arguments:
        return GroupFreeReport(request("groupfree", arguments))


def steer(specification: Mapping[str, Any] | str | Path | None = None, **options: Any) -> SteeringReport:
    """``fairmem steer``: optimal steering to exact fairness. With ``specification`` (a Gaussian
    class-conditional model as a dict or a JSON file path, ``Docs/steering.md``): the KL-nearest
    ideal distribution (``intervention=``, ``reference=``, ``kl=``, ``priors=``...). Without it,
    ``dataset="german"`` or own data (``csv=`` ... as for :func:`validate`): steered features,
    retrained logistic regression, mean +- 2 SE over ``splits``."""
    if specification is not None:
        # The specification travels as text (the command reads it as its file's bytes).
        if isinstance(specification, (str, Path)):
            text = Path(specification).read_text()
        else:
            text = json.dumps(dict(specification))
        return SteeringReport(request("steer", options, text))
    with _own_data(options) as arguments:
        return SteeringReport(request("steer", arguments))
