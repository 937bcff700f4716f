"""The domain events' JSON Schemas as EventBridge Schema Registry documents.

The repo's schemas (`workflows/schemas/`) are draft 2020-12, describe only `detail`, and share
definitions through `common.schema.json`. The registry takes one self-contained JSONSchemaDraft4 (or
OpenAPI 3) document per event: so each is wrapped in the EventBridge envelope, every definition it may
use is copied into its own `definitions`, references are rewritten to point there, and `const` (not in
draft 4) becomes a one-value `enum`. Keywords draft 4 does not know (`if`/`then`) stay: draft 4
ignores them, so the registry's schema is at most more permissive than the repo's, never stricter.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from workflows.schemas import SCHEMA_DIR, SCHEMA_FILES

REGISTRY_NAME = "ServerlessMessageAnalyser"
DRAFT_4 = "http://json-schema.org/draft-04/schema#"
_COMMON = "common.schema.json"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        rewritten = {key: _rewrite(value) for key, value in node.items() if key not in ("$schema", "$id")}
        if "$ref" in rewritten:
            target = str(rewritten["$ref"]).removeprefix(_COMMON)
            rewritten["$ref"] = target.replace("#/$defs/", "#/definitions/")
        if "const" in rewritten:
            rewritten["enum"] = [rewritten.pop("const")]
        return rewritten
    if isinstance(node, list):
        return [_rewrite(item) for item in node]
    return node


def registry_schema(detail_type: str) -> dict[str, Any]:
    """The registry document of one detail-type: the event envelope with the repo's detail schema."""
    common = json.loads((SCHEMA_DIR / _COMMON).read_text())
    detail = copy.deepcopy(json.loads((SCHEMA_DIR / SCHEMA_FILES[detail_type]).read_text()))
    definitions = {**common.get("$defs", {}), **detail.pop("$defs", {})}
    return {
        "$schema": DRAFT_4,
        "title": detail_type,
        "description": detail.get("description", ""),
        "type": "object",
        "required": ["detail-type", "source", "detail"],
        "properties": {
            "detail-type": {"type": "string", "enum": [detail_type]},
            "source": {"type": "string"},
            "detail": _rewrite(detail),
        },
        "definitions": _rewrite(definitions),
    }


def registry_schemas() -> dict[str, dict[str, Any]]:
    return {detail_type: registry_schema(detail_type) for detail_type in SCHEMA_FILES}
