"""Check a request or response against an operation's shape in botocore's service model.

Used by the tests to prove that every local response is one AWS could send, and every error code one
AWS declares for that operation. It walks botocore `Shape`s: structures (members, required), lists,
maps, strings (enums, min/max length), numbers (min/max), booleans, blobs and timestamps.
"""

from __future__ import annotations

import base64
import datetime
from functools import cache
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape


@cache
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def declared_errors(service: str, operation: str) -> set[str]:
    """Error codes the model declares for `operation` (the shape names, which are the wire codes)."""
    # ErrorShape.error_code is set for errors; botocore types error_shapes as plain Shapes.
    return {
        getattr(shape, "error_code", None) or shape.name
        for shape in operation_model(service, operation).error_shapes
    }


def output_problems(service: str, operation: str, value: Any) -> list[str]:
    """Every way `value` breaks the operation's output shape; empty when it is valid."""
    shape = operation_model(service, operation).output_shape
    return problems(shape, value, "$") if shape is not None else []


def input_problems(service: str, operation: str, value: Any) -> list[str]:
    shape = operation_model(service, operation).input_shape
    return problems(shape, value, "$") if shape is not None else []


def problems(shape: Shape, value: Any, path: str) -> list[str]:
    """Walk `value` against `shape`, collecting one message per violation."""
    if isinstance(shape, StructureShape):
        return _structure(shape, value, path)
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        found = _length(shape, len(value), path)
        for index, item in enumerate(value):
            found += problems(shape.member, item, f"{path}[{index}]")
        return found
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {type(value).__name__}"]
        found = []
        for key, item in value.items():
            found += problems(shape.key, key, f"{path}.<key {key!r}>")
            found += problems(shape.value, item, f"{path}[{key!r}]")
        return found
    return _scalar(shape, value, path)


def _structure(shape: StructureShape, value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected a structure, got {type(value).__name__}"]
    found = [
        f"{path}: missing required member {name}" for name in shape.required_members if name not in value
    ]
    for name, item in value.items():
        member = shape.members.get(name)
        if member is None:
            found.append(f"{path}: unknown member {name}")
        elif item is not None:
            found += problems(member, item, f"{path}.{name}")
    return found


def _string(shape: Shape, value: Any, path: str) -> list[str]:
    if not isinstance(value, str):
        return [f"{path}: expected a string, got {type(value).__name__}"]
    enum = getattr(shape, "enum", None)  # StringShape's; typed on the Shape base it is not
    if enum and value not in enum:
        return [f"{path}: {value!r} is not one of {enum}"]
    return _length(shape, len(value), path)


def _integer(shape: Shape, value: Any, path: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{path}: expected an integer, got {type(value).__name__}"]
    return _range(shape, value, path)


def _number(shape: Shape, value: Any, path: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [f"{path}: expected a number, got {type(value).__name__}"]
    return _range(shape, value, path)


def _boolean(shape: Shape, value: Any, path: str) -> list[str]:
    del shape
    return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {type(value).__name__}"]


def _blob(shape: Shape, value: Any, path: str) -> list[str]:
    del shape
    if isinstance(value, bytes | bytearray):
        return []
    if not isinstance(value, str):
        return [f"{path}: expected bytes, got {type(value).__name__}"]
    try:  # JSON protocols carry blobs as base64 text
        base64.b64decode(value, validate=True)
    except ValueError:
        return [f"{path}: a blob given as text must be base64"]
    return []


def _timestamp(shape: Shape, value: Any, path: str) -> list[str]:
    del shape
    ok = isinstance(value, datetime.datetime | int | float) and not isinstance(value, bool)
    return [] if ok else [f"{path}: expected a timestamp, got {type(value).__name__}"]


_SCALARS = {
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "float": _number,
    "double": _number,
    "boolean": _boolean,
    "blob": _blob,
    "timestamp": _timestamp,
}


def _scalar(shape: Shape, value: Any, path: str) -> list[str]:
    check = _SCALARS.get(shape.type_name)
    if check is None:
        return [f"{path}: unhandled shape type {shape.type_name}"]
    return check(shape, value, path)


def _length(shape: Shape, length: int, path: str) -> list[str]:
    found = []
    if "min" in shape.metadata and length < shape.metadata["min"]:
        found.append(f"{path}: length {length} < min {shape.metadata['min']}")
    if "max" in shape.metadata and length > shape.metadata["max"]:
        found.append(f"{path}: length {length} > max {shape.metadata['max']}")
    return found


def _range(shape: Shape, value: float, path: str) -> list[str]:
    found = []
    if "min" in shape.metadata and value < shape.metadata["min"]:
        found.append(f"{path}: {value} < min {shape.metadata['min']}")
    if "max" in shape.metadata and value > shape.metadata["max"]:
        found.append(f"{path}: {value} > max {shape.metadata['max']}")
    return found
