"""FairMem from Python: can memorizing part of the data make a classifier look fair, and how much
would it have to memorize?

Every call runs the ``fairmem`` command of the same name inside this process, through FairMem's
C ABI (``libFairMemABI.so``, shipped in the wheel), and returns a typed view of the JSON that
``fairmem COMMAND --json`` prints for the same input::

    import fairmem
    stats = fairmem.Statistics.from_predictions(y_true, y_pred, sensitive_features=df[["sex", "race"]])
    print(fairmem.bounds(stats, metric="eopp").to_pandas())

See ``Docs/python.md`` in the repository; Spark: :mod:`fairmem.spark`.
"""

from ._native import binary_path, library_path, request, version
from .api import (
    analyze,
    bias,
    bounds,
    compare,
    explain,
    feasible,
    frontier,
    groupfree,
    reweight,
    robust,
    stats,
    steer,
    sweep,
    validate,
)
from .errors import BadInputError, FairMemError, InfeasibleError, InternalFailureError
from .results import (
    Analysis,
    Answer,
    Answers,
    BiasReport,
    Explanation,
    Frontier,
    GroupFreeReport,
    Report,
    RobustAnswer,
    RobustAnswers,
    SteeringReport,
    SweepFailure,
)
from .statistics import Statistics

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Answer",
    "Answers",
    "BadInputError",
    "BiasReport",
    "Explanation",
    "FairMemError",
    "Frontier",
    "GroupFreeReport",
    "InfeasibleError",
    "InternalFailureError",
    "Report",
    "RobustAnswer",
    "RobustAnswers",
    "SteeringReport",
    "Statistics",
    "SweepFailure",
    "analyze",
    "bias",
    "binary_path",
    "bounds",
    "compare",
    "explain",
    "feasible",
    "frontier",
    "groupfree",
    "library_path",
    "request",
    "reweight",
    "robust",
    "stats",
    "steer",
    "sweep",
    "validate",
    "version",
]
