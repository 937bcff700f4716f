"""Step Functions' aws-sdk:s3 integrations on the local object store, run through the ASL engine."""

from __future__ import annotations

import pytest

from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore, S3Client
from integrations.objectstore.handlers import engine_handlers
from workflows.engine import execute


@pytest.fixture
def handlers(sma_home):
    client = S3Client(ObjectStore(sma_home / "s3"))
    client.create_bucket(Bucket="media")
    return engine_handlers(client)


def test_put_get_head_list_copy_delete_by_handler(handlers) -> None:
    put = handlers["arn:aws:states:::aws-sdk:s3:putObject"]
    get = handlers["arn:aws:states:::aws-sdk:s3:getObject"]
    assert put(
        {"Bucket": "media", "Key": "a.json", "Body": {"x": 1}, "ContentType": "application/json"}, None
    )["ETag"].startswith('"')
    got = get({"Bucket": "media", "Key": "a.json"}, None)
    assert got["Body"] == '{"x": 1}' and got["ContentType"] == "application/json"
    assert isinstance(got["LastModified"], str) and "ResponseMetadata" not in got
    handlers["arn:aws:states:::aws-sdk:s3:copyObject"](
        {"Bucket": "media", "Key": "b.json", "CopySource": "media/a.json"}, None
    )
    listed = handlers["arn:aws:states:::aws-sdk:s3:listObjectsV2"]({"Bucket": "media"}, None)
    assert [c["Key"] for c in listed["Contents"]] == ["a.json", "b.json"]
    assert (
        handlers["arn:aws:states:::aws-sdk:s3:headObject"]({"Bucket": "media", "Key": "b.json"}, None)[
            "ContentLength"
        ]
        == 8
    )
    handlers["arn:aws:states:::aws-sdk:s3:deleteObject"]({"Bucket": "media", "Key": "b.json"}, None)
    with pytest.raises(ServiceError) as missing:
        handlers["arn:aws:states:::aws-sdk:s3:headObject"]({"Bucket": "media", "Key": "b.json"}, None)
    assert missing.value.code == "NoSuchKeyException"
    with pytest.raises(ServiceError) as bucket:
        get({"Bucket": "nope", "Key": "k"}, None)
    assert bucket.value.code == "NoSuchBucketException"


def test_a_workflow_catches_s3_no_such_key(handlers) -> None:
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                "Parameters": {"Bucket": "media", "Key": "hello.txt", "Body.$": "$.text"},
                "ResultPath": None,  # JSON null: discard the result
                "Next": "Get",
            },
            "Get": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": "media", "Key": "hello.txt"},
                "ResultSelector": {"text.$": "$.Body"},
                "ResultPath": "$.got",
                "Next": "Missing",
            },
            "Missing": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": "media", "Key": "missing.txt"},
                "Catch": [
                    {"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.error", "Next": "Done"}
                ],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
    }
    execution = execute(definition, {"text": "hello lake"}, handlers=handlers)
    assert execution.status == "SUCCEEDED", execution.cause
    assert execution.output["got"] == {"text": "hello lake"}
    assert execution.output["error"]["Error"] == "S3.NoSuchKeyException"
