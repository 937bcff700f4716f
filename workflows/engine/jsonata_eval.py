"""JSONata evaluation: `{% expression %}` strings and templates that embed them, compiled once.

Expressions see `$states` (input, result, errorOutput, context) and the workflow variables as `$name`.
JSON null is passed to the library as its own null marker, so `null` and "missing" stay different.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import jsonata
from jsonata import utils as jsonata_utils

from workflows.engine.errors import DefinitionError, StatesQueryEvaluationError

_NULL = jsonata_utils.Utils.NULL_VALUE
_MAX_SAFE_INTEGER = 2**53
OPEN, CLOSE = "{%", "%}"

Bindings = Mapping[str, Any]
Evaluator = Callable[[Bindings], Any]


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(OPEN) and value.endswith(CLOSE)


@lru_cache(maxsize=4096)
def _compiled(body: str) -> jsonata.Jsonata:
    expression = jsonata.Jsonata(body)
    expression.set_output_convert_nulls(False)  # keep null (the marker) apart from undefined (None)
    return expression


def compile_expression(text: str, field: str) -> Evaluator:
    """An evaluator for one `{% %}` string; QueryEvaluationError when JSONata yields nothing."""
    return _converting(_expression(text, field))


def compile_value(template: Any, field: str) -> Evaluator:
    """A JSONata-state field: an expression, or JSON with expressions in its string values."""
    return _converting(_template(template, field))


def _converting(evaluator: Evaluator) -> Evaluator:
    """Convert the bindings to the library's form once per field, however many expressions it holds."""

    def evaluate(bindings: Bindings) -> Any:
        return evaluator({name: to_jsonata(value) for name, value in bindings.items()})

    evaluate.source = getattr(evaluator, "source", "")  # type: ignore[attr-defined]
    return evaluate


def _expression(text: str, field: str) -> Evaluator:
    body = text[len(OPEN) : -len(CLOSE)].strip()
    if not body:
        raise DefinitionError(f"{field!r}: the JSONata expression {text!r} is empty")
    try:
        expression = _compiled(body)
    except Exception as exc:  # the library raises JException and, for some inputs, other errors
        raise DefinitionError(f"{field!r}: bad JSONata {body!r}: {exc}") from None

    def evaluate(converted: Bindings) -> Any:
        try:
            result = expression.evaluate(None, converted)
        except Exception as exc:  # every evaluation failure is a QueryEvaluationError in ASL
            code = getattr(exc, "error", None)
            if isinstance(exc, StatesQueryEvaluationError):  # raised by a Step Functions function
                message = exc.cause or ""
            else:
                message = f"{code}: {exc}" if isinstance(code, str) and code else str(exc)
            raise StatesQueryEvaluationError(
                f"The JSONata expression '{body}' specified for the field '{field}' threw an error during "
                f"evaluation. {message}"
            ) from None
        if result is None:
            # Nothing is not a value in ASL: the field it was written in fails, wherever it is.
            raise StatesQueryEvaluationError(
                f"The JSONata expression '{body}' specified for the field '{field}' returned nothing "
                "(undefined)."
            )
        try:
            return from_jsonata(result)
        except _NotJson:
            raise StatesQueryEvaluationError(
                f"The JSONata expression '{body}' specified for the field '{field}' returned an unsupported "
                "result type."
            ) from None

    evaluate.source = body  # type: ignore[attr-defined]
    return evaluate


def _template(template: Any, field: str) -> Evaluator:
    """Fields are named as AWS names them in causes: `Output/a/b[0]`."""
    if is_expression(template):
        return _expression(template, field)
    if isinstance(template, dict):
        parts = [(key, _template(value, f"{field}/{key}")) for key, value in template.items()]
        return lambda converted: {key: part(converted) for key, part in parts}
    if isinstance(template, list):
        items = [_template(item, f"{field}[{index}]") for index, item in enumerate(template)]
        return lambda converted: [item(converted) for item in items]
    return lambda converted: template


def to_jsonata(value: Any) -> Any:
    """JSON as the library expects it: None becomes its null marker (None would mean 'undefined')."""
    if value is None:
        return _NULL
    kind = type(value)
    if kind is dict:
        return {key: to_jsonata(item) for key, item in value.items()}
    if kind is list:
        return [to_jsonata(item) for item in value]
    return value


def from_jsonata(value: Any) -> Any:
    """Plain JSON back: null marker to None, sequences to lists, whole floats to ints (JSON numbers)."""
    if value is None or value is _NULL:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _MAX_SAFE_INTEGER else value
    if isinstance(value, dict):
        return {key: from_jsonata(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [from_jsonata(item) for item in value if item is not None]
    if not isinstance(value, str | int | bool):  # a function (lambda, native or partial): not JSON
        raise _NotJson
    return value


class _NotJson(Exception):
    """A JSONata result that JSON cannot hold (a function)."""
