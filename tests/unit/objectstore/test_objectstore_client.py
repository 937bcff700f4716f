"""The local S3 client: boto3's shapes, S3's errors, safe keys, atomic writes."""

from __future__ import annotations

import hashlib

import botocore.session
import pytest

from integrations.errors import ServiceError
from integrations.objectstore import ObjectStore, S3Client

S3_MODEL = botocore.session.get_session().get_service_model("s3")


def output_members(operation: str) -> set[str]:
    return set(S3_MODEL.operation_model(operation).output_shape.members)


@pytest.fixture
def s3(sma_home) -> S3Client:
    client = S3Client(ObjectStore(sma_home / "s3"))
    client.create_bucket(Bucket="lake")
    return client


def test_put_then_get_returns_the_bytes_and_metadata(s3: S3Client) -> None:
    put = s3.put_object(
        Bucket="lake",
        Key="a/b.json",
        Body=b'{"x": 1}',
        ContentType="application/json",
        Metadata={"origin": "test"},
    )
    got = s3.get_object(Bucket="lake", Key="a/b.json")
    assert got["Body"].read() == b'{"x": 1}'
    assert got["ContentType"] == "application/json"
    expected_etag = '"' + hashlib.md5(b'{"x": 1}').hexdigest() + '"'
    assert got["ETag"] == put["ETag"] == expected_etag
    assert got["Metadata"] == {"origin": "test"}
    assert got["ContentLength"] == 8
    assert set(got) - {"ResponseMetadata"} <= output_members("GetObject")


def test_str_and_file_bodies_are_accepted(s3: S3Client, tmp_path) -> None:
    s3.put_object(Bucket="lake", Key="s", Body="héllo")
    path = tmp_path / "f.bin"
    path.write_bytes(b"\x00\x01")
    with path.open("rb") as handle:
        s3.put_object(Bucket="lake", Key="f", Body=handle)
    assert s3.store.read("lake", "s") == "héllo".encode()
    assert s3.store.read("lake", "f") == b"\x00\x01"


def test_missing_key_and_bucket_fail_with_s3_codes(s3: S3Client) -> None:
    with pytest.raises(ServiceError) as missing_key:
        s3.get_object(Bucket="lake", Key="nope")
    assert (missing_key.value.code, missing_key.value.status_code) == ("NoSuchKey", 404)
    with pytest.raises(ServiceError) as missing_bucket:
        s3.put_object(Bucket="other", Key="k", Body=b"")
    assert missing_bucket.value.code == "NoSuchBucket"
    with pytest.raises(ServiceError) as head:
        s3.head_object(Bucket="lake", Key="nope")
    assert head.value.code == "404"  # botocore's code for a bodiless 404


def test_invalid_bucket_names_and_duplicates_are_refused(s3: S3Client) -> None:
    for name in ("UPPER", "ab", "-lead", "a..b", "../x"):
        with pytest.raises(ServiceError) as error:
            s3.create_bucket(Bucket=name)
        assert error.value.code == "InvalidBucketName"
    with pytest.raises(ServiceError) as duplicate:
        s3.create_bucket(Bucket="lake")
    assert duplicate.value.code == "BucketAlreadyOwnedByYou"


def test_keys_that_look_like_paths_never_escape_the_bucket(s3: S3Client, sma_home) -> None:
    hostile = ["../../escape", "a/../../b", "/abs", "a//b", "dir/", ".", "..", "%2E%2E", "x/.hidden"]
    for index, key in enumerate(hostile):
        s3.put_object(Bucket="lake", Key=key, Body=str(index).encode())
    for index, key in enumerate(hostile):
        assert s3.get_object(Bucket="lake", Key=key)["Body"].read() == str(index).encode()
    bucket_dir = (sma_home / "s3" / "lake").resolve()
    files = [p.resolve() for p in (sma_home / "s3").rglob("*") if p.is_file() and p.parent.name != ".tmp"]
    data_files = [p for p in files if p.suffix != ".sqlite" and "sqlite" not in p.name]
    assert len(data_files) == len(hostile)
    assert all(bucket_dir in p.parents for p in data_files)
    assert not (sma_home.parent / "escape").exists()


def test_a_key_and_a_folder_of_the_same_name_coexist(s3: S3Client) -> None:
    s3.put_object(Bucket="lake", Key="a", Body=b"file")
    s3.put_object(Bucket="lake", Key="a/b", Body=b"child")
    s3.put_object(Bucket="lake", Key="c/d", Body=b"child")
    s3.put_object(Bucket="lake", Key="c", Body=b"file")
    assert [s3.store.read("lake", k) for k in ("a", "a/b", "c/d", "c")] == [
        b"file",
        b"child",
        b"child",
        b"file",
    ]


def test_overwriting_a_conflicting_key_leaves_no_orphan(s3: S3Client, sma_home) -> None:
    s3.put_object(Bucket="lake", Key="a/b", Body=b"child")
    s3.put_object(Bucket="lake", Key="a", Body=b"one")  # stored aside: a/ is a folder
    s3.delete_object(Bucket="lake", Key="a/b")
    s3.put_object(Bucket="lake", Key="a", Body=b"two")
    files = [p for p in (sma_home / "s3" / "lake").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in files] == [b"two"]


def test_overwrite_replaces_and_delete_is_idempotent(s3: S3Client) -> None:
    s3.put_object(Bucket="lake", Key="k", Body=b"one")
    s3.put_object(Bucket="lake", Key="k", Body=b"two")
    assert s3.store.read("lake", "k") == b"two"
    assert s3.delete_object(Bucket="lake", Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.delete_object(Bucket="lake", Key="k")
    with pytest.raises(ServiceError):
        s3.store.read("lake", "k")


def test_range_requests(s3: S3Client) -> None:
    s3.put_object(Bucket="lake", Key="r", Body=b"0123456789")
    assert s3.get_object(Bucket="lake", Key="r", Range="bytes=2-4")["Body"].read() == b"234"
    tail = s3.get_object(Bucket="lake", Key="r", Range="bytes=-3")
    assert (tail["Body"].read(), tail["ContentRange"]) == (b"789", "bytes 7-9/10")
    assert s3.get_object(Bucket="lake", Key="r", Range="bytes=8-")["Body"].read() == b"89"
    assert s3.get_object(Bucket="lake", Key="r", Range="bytes=5-100")["Body"].read() == b"56789"
    with pytest.raises(ServiceError) as error:
        s3.get_object(Bucket="lake", Key="r", Range="bytes=10-")
    assert (error.value.code, error.value.status_code) == ("InvalidRange", 416)


def test_list_objects_v2_with_prefix_delimiter_and_pages(s3: S3Client) -> None:
    keys = ["2026/01/a", "2026/01/b", "2026/02/c", "2027/x", "top", "tóp"]
    for key in keys:
        s3.put_object(Bucket="lake", Key=key, Body=b"1")
    everything = s3.list_objects_v2(Bucket="lake")
    assert [c["Key"] for c in everything["Contents"]] == sorted(keys, key=lambda k: k.encode())
    assert set(everything) - {"ResponseMetadata"} <= output_members("ListObjectsV2")
    rolled = s3.list_objects_v2(Bucket="lake", Delimiter="/")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["2026/", "2027/"]
    assert [c["Key"] for c in rolled["Contents"]] == ["top", "tóp"]
    months = s3.list_objects_v2(Bucket="lake", Prefix="2026/", Delimiter="/")
    assert [p["Prefix"] for p in months["CommonPrefixes"]] == ["2026/01/", "2026/02/"]
    assert "Contents" not in months
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        page = s3.list_objects_v2(
            Bucket="lake", MaxKeys=2, Delimiter="/", **({"ContinuationToken": token} if token else {})
        )
        pages += 1
        seen += [c["Key"] for c in page.get("Contents", [])] + [
            p["Prefix"] for p in page.get("CommonPrefixes", [])
        ]
        assert page["KeyCount"] <= 2
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == sorted(["2026/", "2027/", "top", "tóp"])
    assert pages == 2
    with pytest.raises(ServiceError) as error:
        s3.list_objects_v2(Bucket="lake", ContinuationToken="!!not-a-token")
    assert error.value.code == "InvalidArgument"


def test_copy_object_copies_or_replaces_metadata(s3: S3Client) -> None:
    s3.put_object(Bucket="lake", Key="src", Body=b"data", ContentType="text/plain", Metadata={"a": "1"})
    s3.copy_object(Bucket="lake", Key="dst", CopySource="lake/src")
    copied = s3.head_object(Bucket="lake", Key="dst")
    assert (copied["ContentType"], copied["Metadata"]) == ("text/plain", {"a": "1"})
    s3.copy_object(
        Bucket="lake",
        Key="dst2",
        CopySource={"Bucket": "lake", "Key": "src"},
        MetadataDirective="REPLACE",
        ContentType="application/json",
        Metadata={"b": "2"},
    )
    replaced = s3.head_object(Bucket="lake", Key="dst2")
    assert (replaced["ContentType"], replaced["Metadata"]) == ("application/json", {"b": "2"})
    with pytest.raises(ServiceError) as to_itself:
        s3.copy_object(Bucket="lake", Key="src", CopySource="lake/src")
    assert to_itself.value.code == "InvalidRequest"
    with pytest.raises(ServiceError) as missing:
        s3.copy_object(Bucket="lake", Key="x", CopySource="lake/missing")
    assert missing.value.code == "NoSuchKey"


def test_bucket_lifecycle(s3: S3Client) -> None:
    s3.put_object(Bucket="lake", Key="k", Body=b"1")
    with pytest.raises(ServiceError) as not_empty:
        s3.delete_bucket(Bucket="lake")
    assert not_empty.value.code == "BucketNotEmpty"
    s3.delete_object(Bucket="lake", Key="k")
    s3.delete_bucket(Bucket="lake")
    assert s3.list_buckets()["Buckets"] == []
    with pytest.raises(ServiceError):
        s3.head_bucket(Bucket="lake")


def test_objects_survive_a_new_store_instance(sma_home) -> None:
    first = ObjectStore(sma_home / "s3")
    first.create_bucket("lake")
    first.put("lake", "k", b"durable")
    first.close()
    assert ObjectStore(sma_home / "s3").read("lake", "k") == b"durable"


def test_too_long_and_empty_keys_are_refused(s3: S3Client) -> None:
    with pytest.raises(ServiceError) as long_key:
        s3.put_object(Bucket="lake", Key="k" * 1025, Body=b"")
    assert long_key.value.code == "KeyTooLongError"
    with pytest.raises(ServiceError) as empty:
        s3.put_object(Bucket="lake", Key="", Body=b"")
    assert empty.value.code == "InvalidArgument"
