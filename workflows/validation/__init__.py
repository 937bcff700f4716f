"""Static validation of ASL definitions: `validate(definition) -> list[Problem]`.

Catches, before anything runs, what AWS's own validator rejects (unknown or missing fields, fields of the
wrong query language, transitions to missing states, unreachable states, bad Choice rules, Retry and
Catch mistakes, unknown resource forms) and what would only fail at run time (bad JSONPath, intrinsic
function or JSONata syntax).
"""

from typing import Any

from workflows.validation.problem import Problem, Severity

__all__ = ["Problem", "Severity", "validate"]


def __getattr__(name: str) -> Any:
    # `validate` is imported on first use: the engine reads this package's field rules (fields, walk)
    # while it is itself being imported, and the validator imports the engine's parsers.
    if name == "validate":
        from workflows.validation.validator import validate

        return validate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
