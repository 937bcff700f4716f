"""The lake table keeps every field of every domain event queryable, and the test events are valid."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.topology import TOPOLOGY
from integrations.athena.hive_types import HiveType, parse_hive_type
from workflows.schemas import SCHEMA_DIR, SCHEMA_FILES, schema_for, validate_event


def schema_paths(schema: dict[str, Any], root: dict[str, Any], prefix: str = "") -> set[str]:
    """Every property path a schema names (`Analysis.Images[].Analysis.Labels[].Name`), refs resolved."""
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].split("#/", 1)[1].split("/"):
            target = target[part]
        return schema_paths(target, root, prefix)
    paths: set[str] = set()
    for name, child in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        paths.add(path)
        paths |= schema_paths(child, root, f"{path}.")
    if isinstance(schema.get("items"), dict):
        paths |= schema_paths(schema["items"], root, prefix[:-1] + "[].")
    return paths


def table_paths(kind: HiveType, prefix: str = "") -> set[str]:
    if kind.kind == "array":
        return table_paths(kind.children[0], prefix[:-1] + "[]." if prefix else "")
    paths: set[str] = set()
    for name, child in zip(kind.fields, kind.children, strict=True):
        paths.add(f"{prefix}{name}")
        paths |= table_paths(child, f"{prefix}{name}.")
    return paths


def resolved(detail_type: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema, and the definitions its `$ref`s (local or into common.schema.json) point at."""
    schema = schema_for(detail_type)
    common = json.loads((SCHEMA_DIR / "common.schema.json").read_text())
    return schema, {"$defs": {**common.get("$defs", {}), **schema.get("$defs", {})}}


@pytest.mark.parametrize("detail_type", sorted(SCHEMA_FILES))
def test_every_schema_field_is_a_lake_column(detail_type: str) -> None:
    detail = parse_hive_type(next(c for c in TOPOLOGY.lake.columns if c.name == "detail").type)
    schema, root = resolved(detail_type)
    missing = schema_paths(schema, root) - table_paths(detail)
    assert not missing, f"{detail_type} fields the lake table cannot query: {sorted(missing)}"


def test_the_fixture_events_are_valid_domain_events(lake_events) -> None:
    for event in lake_events:
        validate_event(event["detail-type"], event["detail"])
