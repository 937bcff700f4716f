"""JSONata evaluation: `{% expression %}` strings and templates that embed them, compiled once.

Expressions see `$states` (input, result, errorOutput, context) and the workflow variables as `$name`.
JSON null is passed to the library as its own null marker, so `null` and "missing" stay different.

Most expressions in real workflows only read a value (`$states.input.detail.Twitter`, `$TableName`) or
join a few reads and strings: those are answered directly (`jsonata_direct.py`), without converting
the bindings for the library and interpreting the expression. Anything else, and anything a direct
route is not sure of, goes to the library, so both routes give the same answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jsonata
from jsonata import utils as jsonata_utils

from workflows.engine.errors import DefinitionError, StatesQueryEvaluationError
from workflows.engine.jsonata_direct import MAX_SAFE_INTEGER, Bindings, Fallback, direct_route
from workflows.engine.jsonata_expression import Expression

_NULL = jsonata_utils.Utils.NULL_VALUE
OPEN, CLOSE = "{%", "%}"

Evaluator = Callable[[Bindings], Any]

# A variable an expression reads (JSONata has no way to read one by a computed name).
_VARIABLE = re.compile(r"\$(\w+)")


class _Scope:
    """The bindings of one evaluation: as given, and converted for the library only where an
    expression reads them (a workflow's lookup tables are not copied for expressions that never look)."""

    def __init__(self, bindings: Bindings) -> None:
        self.raw = bindings
        self._converted: dict[str, Any] = {}

    def converted(self, names: frozenset[str]) -> dict[str, Any]:
        for name in names - self._converted.keys():
            if name in self.raw:
                self._converted[name] = to_jsonata(self.raw[name])
        return {name: self._converted[name] for name in names if name in self._converted}


Compiled = Callable[[_Scope], Any]


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(OPEN) and value.endswith(CLOSE)


@lru_cache(maxsize=4096)
def _compiled(body: str) -> jsonata.Jsonata:
    expression = Expression(body)
    expression.set_output_convert_nulls(False)  # keep null (the marker) apart from undefined (None)
    return expression


def compile_expression(text: str, field: str) -> Evaluator:
    """An evaluator for one `{% %}` string; QueryEvaluationError when JSONata yields nothing."""
    return _converting(_expression(text, field))


def compile_value(template: Any, field: str) -> Evaluator:
    """A JSONata-state field: an expression, or JSON with expressions in its string values."""
    return _converting(_template(template, field))


def _converting(evaluator: Compiled) -> Evaluator:
    """Convert the bindings to the library's form at most once per field, however many expressions it
    holds, and only when one of them needs the library."""

    def evaluate(bindings: Bindings) -> Any:
        return evaluator(_Scope(bindings))

    evaluate.source = getattr(evaluator, "source", "")  # type: ignore[attr-defined]
    return evaluate


def _expression(text: str, field: str) -> Compiled:
    body = text[len(OPEN) : -len(CLOSE)].strip()
    if not body:
        raise DefinitionError(f"{field!r}: the JSONata expression {text!r} is empty")
    try:
        expression = _compiled(body)
    except Exception as exc:  # the library raises JException and, for some inputs, other errors
        raise DefinitionError(f"{field!r}: bad JSONata {body!r}: {exc}") from None
    direct = direct_route(body)
    names = frozenset(_VARIABLE.findall(body))

    def evaluate(scope: _Scope) -> Any:
        if direct is not None:
            try:
                return direct(scope.raw)
            except Fallback:
                pass
        try:
            result = expression.evaluate(None, scope.converted(names))
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


def _template(template: Any, field: str) -> Compiled:
    """Fields are named as AWS names them in causes: `Output/a/b[0]`."""
    if is_expression(template):
        return _expression(template, field)
    if isinstance(template, dict):
        parts = [(key, _template(value, f"{field}/{key}")) for key, value in template.items()]
        return lambda scope: {key: part(scope) for key, part in parts}
    if isinstance(template, list):
        items = [_template(item, f"{field}[{index}]") for index, item in enumerate(template)]
        return lambda scope: [item(scope) for item in items]
    return lambda scope: template


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
        return int(value) if value.is_integer() and abs(value) < MAX_SAFE_INTEGER else value
    if isinstance(value, dict):
        return {key: from_jsonata(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [from_jsonata(item) for item in value if item is not None]
    if not isinstance(value, str | int | bool):  # a function (lambda, native or partial): not JSON
        raise _NotJson
    return value


class _NotJson(Exception):
    """A JSONata result that JSON cannot hold (a function)."""
