"""Publish request checks with SNS's error codes and messages: Message, Subject, MessageStructure,
MessageAttributes and the 256 KB limit on a message with its attributes."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from integrations.errors import ServiceError
from integrations.unicode_text import PAYLOAD_LIMIT, utf8_size

MAX_MESSAGE_BYTES = PAYLOAD_LIMIT
MAX_SUBJECT_CHARS = 100
MAX_ATTRIBUTES = 10
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,256}$")
_TYPES = ("String", "Number", "Binary")


def invalid(message: str) -> ServiceError:
    return ServiceError("sns", "InvalidParameter", f"Invalid parameter: {message}")


def invalid_value(message: str) -> ServiceError:
    return ServiceError("sns", "ParameterValueInvalid", message)  # InvalidParameterValueException


def check_subject(subject: Any) -> None:
    """ASCII, starting with a letter, digit or punctuation, no line breaks or control characters, < 100."""
    if subject is None:
        return
    if (
        not isinstance(subject, str)
        or not subject
        or len(subject) >= MAX_SUBJECT_CHARS
        or not subject.isascii()
        or subject[0].isspace()
        or any(ord(char) < 32 or ord(char) == 127 for char in subject)
    ):
        raise invalid("Subject")


def check_structure(message: str, structure: Any) -> dict[str, str] | None:
    """For MessageStructure "json": the per-protocol messages (with the required "default")."""
    if structure is None:
        return None
    if structure != "json":
        raise invalid("MessageStructure")
    try:
        per_protocol = json.loads(message)
    except json.JSONDecodeError:
        raise invalid("Message Structure - JSON message body failed to parse") from None
    if not isinstance(per_protocol, dict):
        raise invalid("Message Structure - JSON message body failed to parse")
    if "default" not in per_protocol:
        raise invalid("Message Structure - No default entry in JSON message body")
    if not all(isinstance(value, str) for value in per_protocol.values()):
        raise invalid("Message Structure - the value of each protocol must be a string")
    return per_protocol


def message_bytes(message: Any, attributes: Any) -> int:
    """A message's size as SNS counts it: the message and each attribute's name, type and value."""
    size = utf8_size(message) if isinstance(message, str) else 0
    if isinstance(attributes, Mapping):
        size += sum(_attribute_bytes(str(n), a) for n, a in attributes.items() if isinstance(a, Mapping))
    return size


def _attribute_bytes(name: str, attribute: Mapping[str, Any]) -> int:
    value = attribute.get("StringValue")
    if value is None:
        value = attribute.get("BinaryValue") or b""
    body = len(value) if isinstance(value, bytes) else utf8_size(str(value))
    return utf8_size(name) + utf8_size(str(attribute.get("DataType", ""))) + body


def _check_number(name: str, text: str) -> None:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not -1e9 <= number <= 1e9:
        raise invalid_value(
            f"The message attribute '{name}' with type 'Number' must be a number between -1.0E9 and 1.0E9."
        )
    if "." in text and len(text.split(".", 1)[1].rstrip("0")) > 5:
        raise invalid_value(
            f"The message attribute '{name}' with type 'Number' has more than 5 decimal places."
        )


def check_attributes(attributes: Any) -> dict[str, dict[str, Any]]:
    if attributes is None:
        return {}
    if not isinstance(attributes, Mapping):
        raise invalid("MessageAttributes")
    if len(attributes) > MAX_ATTRIBUTES:
        raise invalid_value(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}]."
        )
    checked: dict[str, dict[str, Any]] = {}
    for name, attribute in attributes.items():
        lowered = str(name).lower()
        if (
            not isinstance(name, str)
            or not _ATTRIBUTE_NAME.match(name)
            or lowered.startswith(("aws.", "amazon."))
            or name.startswith(".")
            or name.endswith(".")
            or ".." in name
        ):
            raise invalid_value(f"The message attribute name '{name}' is invalid.")
        if not isinstance(attribute, Mapping):
            raise invalid_value(f"The message attribute '{name}' must be an object.")
        data_type = attribute.get("DataType")
        base = data_type.split(".", 1)[0] if isinstance(data_type, str) else None
        if base not in _TYPES:
            raise invalid_value(
                f"The message attribute '{name}' has an invalid message attribute type, the set of supported "
                "type prefixes is Binary, Number, and String."
            )
        has_string, has_binary = (
            attribute.get("StringValue") is not None,
            attribute.get("BinaryValue") is not None,
        )
        if not (has_binary if base == "Binary" else has_string):
            raise invalid_value(
                f"The message attribute '{name}' must contain non-empty message attribute value."
            )
        if base == "Number":
            _check_number(name, str(attribute["StringValue"]))
        if data_type == "String.Array":
            try:
                array = json.loads(attribute["StringValue"])
            except json.JSONDecodeError:
                array = None
            if not isinstance(array, list):
                raise invalid_value(
                    f"The message attribute '{name}' with type 'String.Array' must be a JSON array."
                )
        checked[name] = dict(attribute)
    return checked


def check_message(message: Any, attributes: Mapping[str, Mapping[str, Any]]) -> str:
    if message is None:
        raise invalid("Message")  # botocore rejects a missing member; SNS answers this when it is empty
    if not isinstance(message, str):
        raise invalid("Message must be a string")
    if not message:
        raise invalid("Empty message")
    if message_bytes(message, attributes) > MAX_MESSAGE_BYTES:
        raise invalid("Message too long")
    return message
