"""The same S3 calls against moto's boto3 client and the local client give the same shapes and codes."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore, S3Client


def error_code(call) -> str:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    except ServiceError as error:
        return error.code
    return "no error"


def scenario(s3: Any) -> dict[str, Any]:
    s3.create_bucket(Bucket="parity", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    s3.put_object(Bucket="parity", Key="a/1.json", Body=b'{"n": 1}', ContentType="application/json")
    s3.put_object(Bucket="parity", Key="a/2.json", Body=b'{"n": 2}', Metadata={"origin": "test"})
    s3.put_object(Bucket="parity", Key="b.txt", Body=b"hello")
    got = s3.get_object(Bucket="parity", Key="a/2.json")
    ranged = s3.get_object(Bucket="parity", Key="b.txt", Range="bytes=1-3")
    listing = s3.list_objects_v2(Bucket="parity", Delimiter="/", MaxKeys=1)
    second = s3.list_objects_v2(
        Bucket="parity", Delimiter="/", MaxKeys=1, ContinuationToken=listing["NextContinuationToken"]
    )
    s3.copy_object(Bucket="parity", Key="c.txt", CopySource={"Bucket": "parity", "Key": "b.txt"})
    head = s3.head_object(Bucket="parity", Key="c.txt")
    return {
        "body": got["Body"].read(),
        "etag": got["ETag"],
        "metadata": got["Metadata"],
        "get_keys": sorted(
            k for k in got if k in {"ContentLength", "ContentType", "ETag", "LastModified", "Metadata"}
        ),
        "range": (
            ranged["Body"].read(),
            ranged["ContentRange"],
            ranged["ResponseMetadata"]["HTTPStatusCode"],
        ),
        "page1": (
            [p["Prefix"] for p in listing.get("CommonPrefixes", [])],
            listing["IsTruncated"],
            listing["KeyCount"],
        ),
        "page2": ([c["Key"] for c in second.get("Contents", [])], second["IsTruncated"]),
        "head": (head["ContentLength"], head["ETag"]),
        "missing_key": error_code(lambda: s3.get_object(Bucket="parity", Key="nope")),
        "missing_bucket": error_code(lambda: s3.get_object(Bucket="nope-bucket", Key="k")),
        "head_missing": error_code(lambda: s3.head_object(Bucket="parity", Key="nope")),
        "bad_range": error_code(lambda: s3.get_object(Bucket="parity", Key="b.txt", Range="bytes=99-")),
        "not_empty": error_code(lambda: s3.delete_bucket(Bucket="parity")),
        "delete_missing": s3.delete_object(Bucket="parity", Key="nope")["ResponseMetadata"]["HTTPStatusCode"],
    }


@pytest.fixture
def moto_s3():
    with mock_aws():
        yield boto3.client("s3", region_name="eu-west-2")


def test_local_s3_behaves_like_moto(moto_s3, sma_home) -> None:
    assert scenario(S3Client(ObjectStore(sma_home / "s3"))) == scenario(moto_s3)
