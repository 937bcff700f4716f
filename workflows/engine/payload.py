"""JSONPath payload templates: Parameters, ResultSelector, ItemSelector and Assign with `key.$` fields.

A template is compiled once into a renderer. Static parts are built once and shared (the engine never
mutates a document in place), so only the `.$` fields cost anything per call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflows.engine.errors import DefinitionError, IntrinsicSyntaxError, PathSyntaxError, StatesRuntime
from workflows.engine.history import to_json
from workflows.engine.intrinsics import evaluate_intrinsic, parse_intrinsic
from workflows.engine.jsonpath import ROOT_CONTEXT, ROOT_INPUT, Path, PathNotFound, compile_path
from workflows.engine.scope import Scope

Renderer = Callable[[Any, Scope], Any]


def resolve_path(path: Path, data: Any, scope: Scope) -> Any:
    """Read a path against the input (`$`), the context object (`$$`) or a variable (`$name`)."""
    if path.root == ROOT_INPUT:
        return path.get(data)
    if path.root == ROOT_CONTEXT:
        return path.get(scope.context_object())
    variables = scope.variables
    if path.variable not in variables:
        raise StatesRuntime(f"The variable '${path.variable}' is not defined in this scope ({path.source}).")
    return path.get(variables[path.variable])


def describe_missing(path: Path, field: str, data: Any) -> str:
    """AWS's cause for a `.$` path that points at nothing."""
    # A `$$` path that misses is reported against the state's input too, as AWS words it.
    where = f"the input '{to_json(data)}'"
    if path.root not in (ROOT_INPUT, ROOT_CONTEXT):
        where = f"the variable '${path.variable}'"
    return f"The JSONPath '{path.source}' specified for the field '{field}' could not be found in {where}"


def compile_dynamic(expression: Any, field: str) -> Renderer:
    """The value of a `field.$` key: a path or an intrinsic function call."""
    if not isinstance(expression, str):
        raise DefinitionError(f"the value of {field!r} must be a path or an intrinsic function string")
    try:
        if expression.startswith("States."):
            call = parse_intrinsic(expression)

            def intrinsic(data: Any, scope: Scope) -> Any:
                def resolve(path: Path) -> Any:
                    try:
                        return resolve_path(path, data, scope)
                    except PathNotFound:
                        # AWS names the whole expression, then the argument that matched nothing.
                        raise StatesRuntime(
                            f"The function '{expression}' had the following error: The JsonPath argument "
                            f"for the field '{path.source}' could not be found in the input '{to_json(data)}'"
                        ) from None

                return evaluate_intrinsic(call, resolve, scope.run.random)

            return intrinsic
        path = compile_path(expression)
    except (PathSyntaxError, IntrinsicSyntaxError) as exc:
        raise DefinitionError(f"{field!r}: {exc}") from None

    if path.source == "$":
        return lambda data, scope: data

    def read(data: Any, scope: Scope) -> Any:
        try:
            return resolve_path(path, data, scope)
        except PathNotFound as missing:
            if missing.index_out_of_range:
                return None  # AWS's one leniency in payload templates: an index past the end is null
            raise StatesRuntime(describe_missing(path, field, data)) from None

    return read


def compile_template(template: Any, field: str = "Parameters") -> Renderer:
    """Compile a payload template; `field` names it in error messages."""
    if isinstance(template, dict):
        parts: list[tuple[str, bool, Any]] = []
        dynamic = False
        for key, value in template.items():
            if key.endswith(".$"):
                parts.append((key[:-2], True, compile_dynamic(value, key)))
                dynamic = True
            else:
                renderer = compile_template(value, field)
                is_static = getattr(renderer, "static", False)
                parts.append((key, not is_static, value if is_static else renderer))
                dynamic = dynamic or not is_static
        if not dynamic:
            return _static(template)

        def render_object(data: Any, scope: Scope) -> dict[str, Any]:
            return {key: (part(data, scope) if live else part) for key, live, part in parts}

        return render_object
    if isinstance(template, list):
        renderers = [compile_template(item, field) for item in template]
        if all(getattr(renderer, "static", False) for renderer in renderers):
            return _static(template)
        return lambda data, scope: [renderer(data, scope) for renderer in renderers]
    return _static(template)


def _static(value: Any) -> Renderer:
    def constant(data: Any, scope: Scope) -> Any:
        return value

    constant.static = True  # type: ignore[attr-defined]
    return constant
