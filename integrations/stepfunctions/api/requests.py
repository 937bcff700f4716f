"""Checking a request against the operation's input shape in botocore's Step Functions model.

AWS checks members before the operation runs and answers `ValidationException` in its service
framework's words ("1 validation error detected: Value null at 'name' failed to satisfy constraint:
Member must not be null"); a member of the wrong JSON type is a `SerializationException`. The shapes
come from botocore, which ships the same model AWS publishes for the SDKs.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from integrations.stepfunctions.api.errors import ApiError, validation

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (int, float, str),
    "float": (int, float),
    "double": (int, float),
    "blob": (str,),
}


@cache
def service_model() -> ServiceModel:
    # botocore is imported here, not at start-up: it takes longer to import than the server to start.
    import botocore.session

    return botocore.session.get_session().get_service_model("stepfunctions")


def operation(name: str) -> OperationModel | None:
    model = service_model()
    return model.operation_model(name) if name in model.operation_names else None


def check_request(name: str, request: dict[str, Any]) -> None:
    """Raise AWS's error for the first kind of problem the request has; return when it is well formed."""
    model = operation(name)
    if model is None or model.input_shape is None:
        return
    problems: list[str] = []
    _structure(model.input_shape, request, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise validation(f"{count} validation {noun} detected: " + "; ".join(problems))


def _structure(shape: StructureShape, value: dict[str, Any], prefix: str, problems: list[str]) -> None:
    for member in shape.required_members:
        if value.get(member) is None:
            problems.append(
                f"Value null at '{prefix}{member}' failed to satisfy constraint: Member must not be null"
            )
    for name, item in value.items():
        member_shape = shape.members.get(name)
        if member_shape is not None and item is not None:
            _value(member_shape, item, f"{prefix}{name}", problems)


def _value(shape: Shape, value: Any, path: str, problems: list[str]) -> None:
    from botocore.model import ListShape, MapShape, StructureShape

    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise ApiError(
                "SerializationException", f"Unexpected value type for '{path}': expected an object"
            )
        _structure(shape, value, f"{path}.", problems)
        return
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise ApiError("SerializationException", f"Unexpected value type for '{path}': expected a list")
        _length(shape, value, len(value), path, problems)
        for index, item in enumerate(value):
            _value(shape.member, item, f"{path}.{index + 1}.member", problems)
        return
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise ApiError("SerializationException", f"Unexpected value type for '{path}': expected a map")
        return
    kinds = _JSON_TYPES.get(shape.type_name, (object,))
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ApiError(
            "SerializationException",
            f"Unexpected value type for '{path}': expected {shape.type_name}, got {type(value).__name__}",
        )
    if isinstance(value, str):
        enum: list[str] = getattr(shape, "enum", [])  # only StringShape has one
        if enum and value not in enum:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy enum value "
                f"set: [{', '.join(enum)}]"
            )
        _length(shape, value, len(value), path, problems)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        _bounds(shape, value, path, problems)


def _length(shape: Shape, value: Any, length: int, path: str, problems: list[str]) -> None:
    # AWS leaves the values of sensitive members (definitions, inputs, outputs) out of its messages.
    shown = (
        "" if shape.metadata.get("sensitive") else f" '{value}'" if isinstance(value, str) else f" {value}"
    )
    if "min" in shape.metadata and length < shape.metadata["min"]:
        problems.append(
            f"Value{shown} at '{path}' failed to satisfy constraint: Member must have length greater than "
            f"or equal to {shape.metadata['min']}"
        )
    if "max" in shape.metadata and length > shape.metadata["max"]:
        problems.append(
            f"Value{shown} at '{path}' failed to satisfy constraint: Member must have length less than or "
            f"equal to {shape.metadata['max']}"
        )


def _bounds(shape: Shape, value: float, path: str, problems: list[str]) -> None:
    if "min" in shape.metadata and value < shape.metadata["min"]:
        problems.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value greater than "
            f"or equal to {shape.metadata['min']}"
        )
    if "max" in shape.metadata and value > shape.metadata["max"]:
        problems.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value less than or "
            f"equal to {shape.metadata['max']}"
        )
