"""What a target receives: the event, a constant `Input`, an `InputPath` selection, or an
`InputTransformer` (InputPathsMap + InputTemplate), compiled once per target.

InputTemplate as AWS renders it (AWS's "Amazon EventBridge input transformation" and its recorded
deliveries, localstack tests/aws/services/events/test_events_inputs.snapshot.json):

* Outside quotes a placeholder becomes its value as JSON (`"id": <id>` gives `"id": "a-1"`); a path the
  event does not have becomes an empty string (`""`).
* Inside a JSON string it becomes the value's text: a string without its quotes (escaped here so the
  string stays valid), a number or boolean as written, a missing path as nothing. In a string template
  (one that is not a JSON object or array) objects and lists are written in AWS's unquoted form,
  `{acc_id:0a787ecb-4015,sf_id:baz}` and `[ACTIVE,INACTIVE]`; in a JSON template they are written as
  JSON, which breaks the string, so AWS does not deliver the result.
* `<aws.events.event>` (the envelope without `detail`, `detail-type` named `detailType`) and
  `<aws.events.event.json>` (the whole event) are written as JSON wherever they stand: "its contents are
  not escaped", so they belong outside quotes.
* A placeholder that InputPathsMap does not define is refused at PutTargets.
* The target gets the rendered text parsed as JSON, or, from a template that is not a JSON object or
  array (`<instance> is in state <status>`, the API reference's example), the text itself. A JSON
  template whose result is not JSON is not delivered: `TransformationFailed` (the delivery goes to the
  dead-letter queue instead of being retried).
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
_RAW_JSON = ("aws.events.event", "aws.events.event.json")  # written as JSON wherever they stand
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
# `<aws.events.event>` names its members as AWS's recorded deliveries show, in their order.
_EVENT_MEMBERS = (
    ("id", "id"),
    ("account", "account"),
    ("detailType", "detail-type"),
    ("time", "time"),
    ("source", "source"),
    ("region", "region"),
    ("resources", "resources"),
    ("version", "version"),
)


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


def unquoted(value: Any) -> str:
    """AWS's text of an object or list placed in a string template: JSON without quotes around strings."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{key}:{unquoted(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(unquoted(item) for item in value) + "]"
    return value if isinstance(value, str) else json.dumps(value)


class InputTransformer:
    """A compiled InputTransformer."""

    def __init__(self, paths_map: Mapping[str, str] | None, template: Any, target_id: str = "") -> None:
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
        # A JSON object or array template must render to JSON; any other is a string template.
        self.json_template = template.lstrip()[:1] in ("{", "[")
        # (literal, placeholder name or None, inside quotes) pieces, computed once.
        self.pieces: list[tuple[str, str | None, bool]] = []
        state: list[Any] = [0, False]
        last = 0
        for match in _PLACEHOLDER.finditer(template):
            name = match.group(1)
            if name not in self.paths and name not in PREDEFINED:
                raise _invalid(f"InputTemplate for target {target_id} contains invalid placeholder {name}.")
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
            return {key: event[member] for key, member in _EVENT_MEMBERS if member in event}
        return event  # aws.events.event.json

    def _text(self, name: str, value: Any, quoted: bool) -> str:
        if value is MISSING:
            return "" if quoted else '""'
        if not quoted or name in _RAW_JSON:
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, dict | list):
            return unquoted(value) if not self.json_template else json.dumps(value, ensure_ascii=False)
        text = value if isinstance(value, str) else json.dumps(value)
        return json.dumps(text, ensure_ascii=False)[1:-1]

    def render_text(self, event: dict[str, Any], context: DeliveryContext) -> str:
        out: list[str] = []
        for literal, name, quoted in self.pieces:
            out.append(literal)
            if name is not None:
                out.append(self._text(name, self._value(name, event, context), quoted))
        return "".join(out)

    def render(self, event: dict[str, Any], context: DeliveryContext) -> Any:
        """The payload: the rendered JSON, or a text template's text; a JSON template's broken JSON is
        not delivered."""
        text = self.render_text(event, context)
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            if not self.json_template:
                return text
        raise ServiceError(
            "events", "TransformationFailed", f"The InputTransformer's output is not valid JSON: {text[:200]}"
        )


class TargetInput:
    """How one target's payload is made from an event (Input, InputPath, InputTransformer or the event)."""

    def __init__(
        self,
        input_json: str | None = None,
        input_path: str | None = None,
        input_transformer: Mapping[str, Any] | None = None,
        target_id: str = "",
    ) -> None:
        given = [x for x in (input_json, input_path, input_transformer) if x is not None]
        if len(given) > 1:
            raise _invalid(
                f"Only one of Input, InputPath, or InputTransformer must be provided for target {target_id}."
            )
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
                input_transformer.get("InputPathsMap"), input_transformer.get("InputTemplate"), target_id
            )

    def render(self, event: dict[str, Any], context: DeliveryContext) -> Any:
        """The payload the target's `deliver` receives."""
        if self.constant is not MISSING:
            return self.constant
        if self.path is not None:
            value = select(event, self.path)
            return None if value is MISSING else value
        if self.transformer is not None:
            return self.transformer.render(event, context)
        return event
