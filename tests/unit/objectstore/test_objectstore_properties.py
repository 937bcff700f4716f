"""Properties of key storage and listing, over generated keys."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.objectstore import ObjectStore, S3Client
from integrations.objectstore.keys import key_to_relative_path

segments = st.sampled_from(["", ".", "..", "a", "b", "%", "%2E", ".x", "é", "a b", "\\", "~"])
keys = st.lists(segments, min_size=1, max_size=4).map("/".join).filter(lambda k: k != "")


@given(st.lists(keys, min_size=2, max_size=20, unique=True))
def test_distinct_keys_get_distinct_paths_inside_the_bucket(generated: list[str]) -> None:
    paths = [key_to_relative_path(key) for key in generated]
    assert len(set(paths)) == len(paths)
    for path in paths:
        assert not path.is_absolute()
        assert all(part not in ("", ".", "..") for part in PurePosixPath(path).parts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.text(alphabet="ab/", min_size=1, max_size=5), min_size=1, max_size=12, unique=True),
    st.sampled_from(["", "a", "a/", "b/"]),
    st.sampled_from(["", "/"]),
    st.integers(min_value=1, max_value=4),
)
def test_paged_listing_equals_the_model(tmp_path_factory, generated, prefix, delimiter, page_size) -> None:
    store = ObjectStore(tmp_path_factory.mktemp("s3"))
    s3 = S3Client(store)
    s3.create_bucket(Bucket="bucket")
    for key in generated:
        s3.put_object(Bucket="bucket", Key=key, Body=key.encode())
    expected_keys, expected_prefixes = set(), set()
    for key in generated:
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix) :]
        if delimiter and delimiter in rest:
            expected_prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
        else:
            expected_keys.add(key)
    seen_keys: list[str] = []
    seen_prefixes: list[str] = []
    token = None
    while True:
        extra = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(
            Bucket="bucket", Prefix=prefix, Delimiter=delimiter, MaxKeys=page_size, **extra
        )
        assert page["KeyCount"] <= page_size
        seen_keys += [c["Key"] for c in page.get("Contents", [])]
        seen_prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen_keys) == sorted(expected_keys) and len(seen_keys) == len(expected_keys)
    assert sorted(seen_prefixes) == sorted(expected_prefixes) and len(seen_prefixes) == len(expected_prefixes)
    store.close()
