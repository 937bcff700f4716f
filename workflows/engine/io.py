"""Input and output processing of a state, in the order the Developer Guide gives.

JSONPath: InputPath -> Parameters -> (the work) -> ResultSelector -> Assign -> ResultPath -> OutputPath.
JSONata: Arguments -> (the work) -> Assign and Output, both evaluated with the variables' old values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import (
    DefinitionError,
    PathSyntaxError,
    StatesReferencePathConflict,
    StatesRuntime,
)
from workflows.engine.history import to_json
from workflows.engine.jsonata_functions import clock_functions
from workflows.engine.jsonpath import Path, PathNotFound, compile_path
from workflows.engine.payload import Renderer, compile_template, resolve_path
from workflows.engine.scope import Scope
from workflows.validation import fields as F

_DEFAULT = "$"


def compile_optional_path(
    spec: dict[str, Any], field: str, state: str, *, reference: bool = False
) -> Path | None:
    """A `*Path` field: absent means `$`, null means "none" (returned as None).

    A `reference` path names one node. Only ResultPath writes, so only it must start with `$.`; the
    fields that read (SecondsPath, ItemsPath, MaxConcurrencyPath, ...) may also read `$$` and variables.
    """
    value = spec.get(field, _DEFAULT)
    if value is None:
        return None
    try:
        path = compile_path(value)
    except PathSyntaxError as exc:
        raise DefinitionError(f"state {state!r}, {field}: {exc}") from None
    if field in F.WRITING_PATH_FIELDS and path.root != "$":
        raise DefinitionError(
            f"state {state!r}, {field}: {value!r} must start with '$.' (it writes into the input)"
        )
    if reference and not path.is_reference:
        raise DefinitionError(f"state {state!r}, {field}: {value!r} must be a reference path (one node)")
    return path


def check_fields(spec: dict[str, Any], state: str, *, jsonata: bool) -> None:
    """Fields of the other query language are a definition error, as CreateStateMachine reports."""
    wrong = F.JSONPATH_ONLY if jsonata else F.JSONATA_ONLY
    language, other = ("JSONata", "JSONPath") if jsonata else ("JSONPath", "JSONata")
    for field in wrong:
        if field in spec:
            raise DefinitionError(
                f"state {state!r}: The QueryLanguage is set to '{language}', but field '{field}' is only "
                f"supported for the '{other}' QueryLanguage"
            )


def states_bindings(scope: Scope, state_input: Any, **extra: Any) -> dict[str, Any]:
    """The `$states` object and the variables a JSONata expression can read."""
    states = {"input": state_input, "context": scope.context_object(), **extra}
    functions = {**scope.run.jsonata_functions(), **clock_functions(scope.clock.now())}
    return {**functions, **scope.variables, "states": states}


_VARIABLE_NAME = re.compile(r"[^\W\d]\w{0,79}")  # a letter or "_", then letters, digits, "_"; 80 at most


def check_assign_names(assign: Any, state: str) -> None:
    """Assign must be an object of valid variable names (`name.$` in JSONPath); `states` is reserved."""
    if not isinstance(assign, dict):
        raise DefinitionError(f"state {state!r}: Assign must be an object of variable names to values")
    for key in assign:
        name = key[:-2] if key.endswith(".$") else key
        if name == "states" or not _VARIABLE_NAME.fullmatch(name):
            raise DefinitionError(
                f"state {state!r}: {key!r} is not a valid variable name (a letter or '_' first, then "
                "letters, digits or '_', at most 80 characters; 'states' is reserved)"
            )


class DataFlow:
    """The input/output fields of one state, compiled once."""

    def __init__(
        self,
        spec: dict[str, Any],
        state: str,
        *,
        jsonata: bool,
        parameters_field: str | None,
        result_fields: bool,
        prefix: str = "",
    ) -> None:
        """`prefix` names where the fields sit in error causes: "Choices[1]/" for a Choice rule's."""
        self.state = state
        self.jsonata = jsonata
        self.result_fields = result_fields
        if "Assign" in spec:
            check_assign_names(spec["Assign"], state)
        if jsonata:
            self.arguments = (
                jsonata_eval.compile_value(spec["Arguments"], prefix + "Arguments")
                if parameters_field and "Arguments" in spec
                else None
            )
            self.output = (
                jsonata_eval.compile_value(spec["Output"], prefix + "Output") if "Output" in spec else None
            )
            self.assign_jsonata = (
                jsonata_eval.compile_value(spec["Assign"], prefix + "Assign") if "Assign" in spec else None
            )
            return
        self.input_path = compile_optional_path(spec, "InputPath", state)
        self.output_path = compile_optional_path(spec, "OutputPath", state)
        self.parameters: Renderer | None = (
            compile_template(spec[parameters_field], parameters_field)
            if parameters_field and parameters_field in spec
            else None
        )
        self.result_selector = (
            compile_template(spec["ResultSelector"], "ResultSelector")
            if result_fields and "ResultSelector" in spec
            else None
        )
        self.result_path = (
            compile_optional_path(spec, "ResultPath", state, reference=True)
            if result_fields
            else compile_path("$")
        )
        self.assign = compile_template(spec["Assign"], "Assign") if "Assign" in spec else None

    # -- JSONPath ------------------------------------------------------------------------------------------
    def effective_input(self, raw: Any, scope: Scope) -> Any:
        """InputPath, then Parameters (JSONPath); Arguments (JSONata; the raw input if absent)."""
        if self.jsonata:
            if self.arguments is None:
                return raw
            return self.arguments(states_bindings(scope, raw))
        value = select(self.input_path, raw, scope)
        if self.parameters is not None:
            value = self.parameters(value, scope)
        return value

    def finish(
        self, raw: Any, result: Any, scope: Scope, *, assign: Callable[..., None] | None = None
    ) -> Any:
        """The state's output from its raw input and its result; assigns variables on the way."""
        if self.jsonata:
            bindings = (
                states_bindings(scope, raw, result=result)
                if self.result_fields
                else states_bindings(scope, raw)
            )
            output = (
                self.output(bindings) if self.output is not None else (result if self.result_fields else raw)
            )
            if self.assign_jsonata is not None:
                assign_variables(scope, self.assign_jsonata(bindings))
            return output
        if self.result_selector is not None:
            result = self.result_selector(result, scope)
        if self.assign is not None:
            assign_variables(scope, self.assign(result, scope))
        if self.result_fields:
            result = apply_result_path(self.result_path, raw, result, self.state)
        return select(self.output_path, result, scope)


def select(path: Path | None, value: Any, scope: Scope) -> Any:
    """InputPath / OutputPath (and the other reading `*Path` fields): null gives `{}`, `$` the value
    itself, a missing path a runtime error."""
    if path is None:
        return {}
    if not path.keys and path.definite and path.root == "$":
        return value
    try:
        return resolve_path(path, value, scope)
    except PathNotFound as missing:
        raise StatesRuntime(f"Invalid path '{path.source}' : {missing_path_message(path, missing)}") from None


def missing_path_message(path: Path, missing: PathNotFound) -> str:
    """Jayway's message, as AWS passes it on: a missing last key is "No results for path: $['a']['b']",
    a missing key on the way "Missing property in path $['a']" (the path up to that key)."""
    position = missing.position
    if position is not None and position < len(path.keys) - 1 and type(path.keys[position]) is str:
        return f"Missing property in path {path.normalized(position + 1)}"
    return f"No results for path: {path.normalized()}"


def apply_result_path(path: Path | None, raw: Any, result: Any, state: str) -> Any:
    """ResultPath: null keeps the input, `$` replaces it, `$.a.b` places the result (creating objects)."""
    if path is None:
        return raw
    if not path.keys:
        return result
    try:
        return path.set(raw, result)
    except PathNotFound as missing:
        raise reference_conflict(missing, raw) from None


def reference_conflict(missing: PathNotFound, document: Any) -> StatesReferencePathConflict:
    """A ResultPath or ItemsPath step that cannot be applied, with AWS's cause."""
    return StatesReferencePathConflict(f'Unable to apply step "{missing.step}" to input {to_json(document)}')


def assign_variables(scope: Scope, values: Any) -> None:
    """All assignments of one Assign block see the old values, so they are applied together."""
    if not isinstance(values, dict):
        raise StatesRuntime(
            f"Assign must produce an object of variable names to values, got {to_json(values)}"
        )
    if values:
        scope.variables = {**scope.variables, **values}
