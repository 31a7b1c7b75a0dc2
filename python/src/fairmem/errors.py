"""Exceptions raised by :mod:`fairmem`: each carries the code, the field and the exit code that
the ``fairmem`` command line reports for the same input."""

from __future__ import annotations

from typing import Any

__all__ = ["FairMemError", "BadInputError", "InfeasibleError", "InternalFailureError"]


class FairMemError(Exception):
    """A request that FairMem could not answer.

    Attributes:
        code: ``"bad_input"``, ``"infeasible"`` or ``"internal_failure"``.
        field: the argument, JSON path (``population[1][0]``) or column at fault, or ``None``.
        message: FairMem's message (the one the CLI prints).
        exit_code: the exit code ``fairmem`` would have used (1, 2 or 3).
        result: the part of the answer the command had produced (e.g. the infeasible answers
            under ``check=True``, or a sweep's answers next to its bad instances), or ``None``.
    """

    def __init__(
        self,
        code: str,
        field: str | None,
        message: str,
        exit_code: int,
        result: Any = None,
    ) -> None:
        super().__init__(f"{field}: {message}" if field and not message.startswith(field) else message)
        self.code = code
        self.field = field
        self.message = message
        self.exit_code = exit_code
        self.result = result

    @staticmethod
    def from_response(error: dict[str, Any], exit_code: int, result: Any = None) -> "FairMemError":
        """The exception for a response's ``error`` object."""
        kind = {
            "bad_input": BadInputError,
            "infeasible": InfeasibleError,
            "internal_failure": InternalFailureError,
        }.get(error.get("code", ""), FairMemError)
        return kind(error.get("code", "unknown"), error.get("field"), error.get("message", ""), exit_code, result)


class BadInputError(FairMemError, ValueError):
    """The input is malformed or invalid (exit code 2); ``field`` names where."""


class InfeasibleError(FairMemError):
    """``check=True`` was given and some answer is infeasible (exit code 1)."""


class InternalFailureError(FairMemError, RuntimeError):
    """FairMem or a system library failed on valid input (exit code 3)."""
