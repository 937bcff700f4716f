"""Static validation of ASL definitions: `validate(definition) -> list[Problem]`.

Catches, before anything runs, what AWS's own validator rejects (unknown or missing fields, fields of the
wrong query language, transitions to missing states, unreachable states, bad Choice rules, Retry and
Catch mistakes, unknown resource forms) and what would only fail at run time (bad JSONPath, intrinsic
function or JSONata syntax).
"""

from workflows.validation.problem import Problem, Severity
from workflows.validation.validator import validate

__all__ = ["Problem", "Severity", "validate"]
