"""What a target receives: the event, a constant `Input`, an `InputPath` selection, or an
`InputTransformer` (InputPathsMap + InputTemplate), compiled once per target.

AWS's quoting rule for InputTemplate: a placeholder inside a JSON string (`"name": "<name>"`) gets the
value's text (strings without their quotes, escaped so the result stays valid JSON); a placeholder
outside quotes gets the value as JSON (`"detail": <detail>`). Predefined placeholders:
`<aws.events.rule-arn>`, `<aws.events.rule-name>`, `<aws.events.event.ingestion-time>`,
`<aws.events.event>` (the event without `detail`) and `<aws.events.event.json>` (the whole event).
A path the event does not have becomes `null` outside quotes and an empty string inside them.
The target gets the rendered text parsed as JSON, or the text itself when it is not JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from integrations.bus.jsonpath import MISSING, parse_path, select
from integrations.errors import ServiceError

MAX_TEMPLATE_CHARS = 8192
MAX_PATHS = 100
PREDEFINED = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
)
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")


@dataclass(frozen=True)
class DeliveryContext:
    """What a transformer may refer to besides the event."""

    rule_name: str
    rule_arn: str
    ingestion_time: str


def _invalid(message: str) -> ServiceError:
    return ServiceError("events", "ValidationException", message)


def _in_json_string(template: str, end: int, state: list[Any]) -> bool:
    """Whether position `end` of `template` is inside a JSON string (scanning on from `state`)."""
    position, inside = state
    while position < end:
        char = template[position]
        if char == "\\" and inside:
            position += 2
            continue
        if char == '"':
            inside = not inside
        position += 1
    state[0], state[1] = position, inside
    return inside


class InputTransformer:
    """A compiled InputTransformer."""

    def __init__(self, paths_map: Mapping[str, str] | None, template: str) -> None:
        paths_map = dict(paths_map or {})
        if not isinstance(template, str) or not template:
            raise _invalid("InputTransformer.InputTemplate is a required argument.")
        if len(template) > MAX_TEMPLATE_CHARS:
            raise _invalid(f"InputTemplate must be at most {MAX_TEMPLATE_CHARS} characters.")
        if len(paths_map) > MAX_PATHS:
            raise _invalid(f"InputPathsMap can have at most {MAX_PATHS} entries.")
        self.paths: dict[str, tuple[str | int, ...]] = {}
        for key, path in paths_map.items():
            if not _KEY.match(key) or key.lower().startswith("aws."):
                raise _invalid(f"InputPathsMap contains an invalid key: {key!r}.")
            self.paths[key] = parse_path(path)
        # (literal, placeholder name or None, inside quotes) pieces, computed once.
        self.pieces: list[tuple[str, str | None, bool]] = []
        state: list[Any] = [0, False]
        last = 0
        for match in _PLACEHOLDER.finditer(template):
            name = match.group(1)
            if name not in self.paths and name not in PREDEFINED:
                continue  # not a placeholder: angle brackets stay as they are
            quoted = _in_json_string(template, match.start(), state)
            self.pieces.append((template[last : match.start()], name, quoted))
            last = match.end()
        self.pieces.append((template[last:], None, False))

    def _value(self, name: str, event: dict[str, Any], context: DeliveryContext) -> Any:
        if name in self.paths:
            return select(event, self.paths[name])
        if name == "aws.events.rule-arn":
            return context.rule_arn
        if name == "aws.events.rule-name":
            return context.rule_name
        if name == "aws.events.event.ingestion-time":
            return context.ingestion_time
        if name == "aws.events.event":
            return {key: value for key, value in event.items() if key != "detail"}
        return event  # aws.events.event.json

    def render_text(self, event: dict[str, Any], context: DeliveryContext) -> str:
        out: list[str] = []
        for literal, name, quoted in self.pieces:
            out.append(literal)
            if name is None:
                continue
            value = self._value(name, event, context)
            if quoted:
                text = "" if value is MISSING else value if isinstance(value, str) else json.dumps(value)
                out.append(json.dumps(text)[1:-1])
            else:
                out.append("null" if value is MISSING else json.dumps(value))
        return "".join(out)


class TargetInput:
    """How one target's payload is made from an event (Input, InputPath, InputTransformer or the event)."""

    def __init__(
        self,
        input_json: str | None = None,
        input_path: str | None = None,
        input_transformer: Mapping[str, Any] | None = None,
    ) -> None:
        given = [x for x in (input_json, input_path, input_transformer) if x is not None]
        if len(given) > 1:
            raise _invalid("Only one of Input, InputPath, or InputTransformer must be provided.")
        self.constant: Any = MISSING
        self.path: tuple[str | int, ...] | None = None
        self.transformer: InputTransformer | None = None
        if input_json is not None:
            try:
                self.constant = json.loads(input_json)
            except (json.JSONDecodeError, TypeError):
                raise _invalid("Input is not valid JSON.") from None
        elif input_path is not None:
            self.path = parse_path(input_path)
        elif input_transformer is not None:
            self.transformer = InputTransformer(
                input_transformer.get("InputPathsMap"), input_transformer.get("InputTemplate")
            )

    def render(self, event: dict[str, Any], context: DeliveryContext) -> Any:
        """The payload the target's `deliver` receives."""
        if self.constant is not MISSING:
            return self.constant
        if self.path is not None:
            value = select(event, self.path)
            return None if value is MISSING else value
        if self.transformer is not None:
            text = self.transformer.render_text(event, context)
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return text
        return event
