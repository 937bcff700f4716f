"""The JSONata library's expression, with name lookups that cost less.

jsonata-python looks a name up by asking each enclosing frame in turn, one Python call per frame, and
for every node it evaluates it looks up two names that no workflow binds (`__evaluate_entry` and
`__evaluate_exit`: the hooks that a timeout or a depth limit installs) through the whole chain, up to the
library's root frame. That was a quarter of the CPU of the ingest's expressions over X's payloads.
`Expression` gives the library frames that walk the chain in a loop and answer the two hook names at
once while no frame of this kind has bound them, and finds each node's evaluator in a table. The parser
and every node's evaluator, and so every result, are the library's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonata
from jsonata import utils

_ABSENT = utils.Utils.NONE  # the library's "not bound here" marker (None is a bound undefined)
_HOOKS = frozenset({"__evaluate_entry", "__evaluate_exit"})


class Frame(jsonata.Jsonata.Frame):
    """A frame of variable bindings whose lookups walk its enclosing frames in a loop."""

    # Set for good once a frame binds a hook (Timebox does, for an expression given a timeout or a depth
    # limit); until then no chain of these frames can hold one. Frames of other kinds never enclose ours:
    # the library's root frame holds only its functions.
    hooks_bound = False

    def bind(self, name: str, val: Any) -> None:
        if name in _HOOKS:
            Frame.hooks_bound = True
        super().bind(name, val)

    def lookup(self, name: str) -> Any:
        if name in _HOOKS and not Frame.hooks_bound:
            return None
        frame: jsonata.Jsonata.Frame | None = self
        while frame is not None:
            value = frame.bindings.get(name, _ABSENT)
            if value is not _ABSENT:
                return value
            frame = frame.parent
        return None


class Expression(jsonata.Jsonata):
    """A parsed JSONata expression whose evaluations bind their variables in `Frame`s."""

    def create_frame(self, enclosing_environment: jsonata.Jsonata.Frame | None = None) -> Frame:
        return Frame(enclosing_environment)

    # -- evaluating one node ---------------------------------------------------------------------
    # The library's `_eval` finds a node's evaluator by comparing its type with each of twenty names in
    # turn and looks both hooks up at every node; it was a fifth of the time of the ingest's expressions
    # over X's payloads. This one finds the evaluator in a table and, while no hook is bound, skips the
    # lookups; then it filters, groups and unwraps the result as the library does. With a hook bound
    # (a timeout or a depth limit), the library's own `_eval` runs.

    def _eval(self, expr: Any, input: Any, environment: Any) -> Any:
        if Frame.hooks_bound:
            return super()._eval(expr, input, environment)
        # Kept for the functions that read the evaluation's context ($eval's), as the library keeps them.
        self.input = input
        self.environment = environment
        kind = getattr(expr, "type", None)
        result: Any = None
        if kind is not None:
            evaluator = _EVALUATORS.get(kind)
            if evaluator is not None:
                result = evaluator(self, expr, input, environment)
        predicate = getattr(expr, "predicate", None)
        if predicate is not None:
            for item in predicate:
                result = self.evaluate_filter(item.expr, result, environment)
        if kind is not None and kind != "path" and getattr(expr, "group", None) is not None:
            result = self.evaluate_group_expression(expr.group, result, environment)
        # A sequence of one value is that value, an empty one is nothing (unless an array is kept).
        if type(result) is utils.Utils.JList and result.sequence and not result.tuple_stream:
            if expr.keep_array:
                result.keep_singleton = True
            if not result:
                return None
            if len(result) == 1 and not result.keep_singleton:
                return result[0]
        return result


Evaluator = Callable[[Expression, Any, Any, Any], Any]

# Each node type's evaluator, called as the library's `_eval` calls it.
_EVALUATORS: dict[str, Evaluator] = {
    "path": lambda this, expr, input, env: this.evaluate_path(expr, input, env),
    "binary": lambda this, expr, input, env: this.evaluate_binary(expr, input, env),
    "unary": lambda this, expr, input, env: this.evaluate_unary(expr, input, env),
    "name": lambda this, expr, input, env: this.evaluate_name(expr, input, env),
    "string": lambda this, expr, input, env: this.evaluate_literal(expr),
    "number": lambda this, expr, input, env: this.evaluate_literal(expr),
    "value": lambda this, expr, input, env: this.evaluate_literal(expr),
    "wildcard": lambda this, expr, input, env: this.evaluate_wildcard(expr, input),
    "descendant": lambda this, expr, input, env: this.evaluate_descendants(expr, input),
    "parent": lambda this, expr, input, env: env.lookup(expr.slot.label),
    "condition": lambda this, expr, input, env: this.evaluate_condition(expr, input, env),
    "block": lambda this, expr, input, env: this.evaluate_block(expr, input, env),
    "bind": lambda this, expr, input, env: this.evaluate_bind_expression(expr, input, env),
    "regex": lambda this, expr, input, env: this.evaluate_regex(expr),
    "function": lambda this, expr, input, env: this.evaluate_function(expr, input, env, utils.Utils.NONE),
    "variable": lambda this, expr, input, env: this.evaluate_variable(expr, input, env),
    "lambda": lambda this, expr, input, env: this.evaluate_lambda(expr, input, env),
    "partial": lambda this, expr, input, env: this.evaluate_partial_application(expr, input, env),
    "apply": lambda this, expr, input, env: this.evaluate_apply_expression(expr, input, env),
    "transform": lambda this, expr, input, env: this.evaluate_transform_expression(expr, input, env),
}
