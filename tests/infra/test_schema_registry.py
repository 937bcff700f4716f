"""The Schema Registry documents: self-contained draft-4 schemas of the whole event that accept what the
repo's schemas accept and reject what they reject (for the required fields)."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft4Validator

from infra.aws.event_schemas import REGISTRY_NAME, registry_schema, registry_schemas
from workflows.schemas import SCHEMA_FILES, validate_event

RECEIVED = {"Text": "tell me a joke", "Author": "sally", "Twitter": {"TweetId": "1", "UserId": "2"}}


@pytest.mark.parametrize("detail_type", sorted(SCHEMA_FILES))
def test_registry_schema_is_self_contained_draft_4(detail_type: str) -> None:
    document = registry_schema(detail_type)
    Draft4Validator.check_schema(document)
    text = json.dumps(document)
    assert "$defs" not in text and "common.schema.json" not in text
    # Every reference resolves inside the document.
    Draft4Validator(document).is_valid({"detail-type": detail_type, "source": "X", "detail": {}})


def test_registry_schema_agrees_with_the_repo_schema() -> None:
    validate_event("MESSAGE_RECEIVED", RECEIVED)  # the sample is valid by the repo's own schema
    validator = Draft4Validator(registry_schema("MESSAGE_RECEIVED"))
    event = {"detail-type": "MESSAGE_RECEIVED", "source": "TWITTER", "detail": RECEIVED}
    assert validator.is_valid(event)
    assert not validator.is_valid({**event, "detail": {k: v for k, v in RECEIVED.items() if k != "Author"}})
    assert not validator.is_valid({**event, "detail-type": "SEND_TWEET"})


def test_every_domain_event_is_in_the_registry(synthesized) -> None:
    schemas = {p["SchemaName"]: p for _, _, p in synthesized.resources("AWS::EventSchemas::Schema")}
    assert sorted(schemas) == sorted(f"sma@{d}" for d in SCHEMA_FILES)
    for detail_type, document in registry_schemas().items():
        properties = schemas[f"sma@{detail_type}"]
        assert properties["RegistryName"] == REGISTRY_NAME
        assert json.loads(properties["Content"]) == document
