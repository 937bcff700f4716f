"""The JSONata library's expression, with name lookups that cost less.

jsonata-python looks a name up by asking each enclosing frame in turn, one Python call per frame, and
for every node it evaluates it looks up two names that no workflow binds (`__evaluate_entry` and
`__evaluate_exit`: the hooks that a timeout or a depth limit installs) through the whole chain, up to the
library's root frame. That was a quarter of the CPU of the ingest's expressions over X's payloads.
`Expression` gives the library frames that walk the chain in a loop and answer the two hook names at
once while no frame of this kind has bound them. The parser, the evaluator and so every result are the
library's own.
"""

from __future__ import annotations

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
