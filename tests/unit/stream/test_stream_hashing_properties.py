"""Shard routing agrees with the shards' hash-key ranges for every hash key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from integrations.stream.hashing import HASH_KEY_LIMIT, shard_for, shard_ranges


@given(st.integers(min_value=0, max_value=HASH_KEY_LIMIT - 1), st.integers(min_value=1, max_value=64))
def test_shard_for_lands_in_its_range(hash_key: int, shards: int) -> None:
    start, end = shard_ranges(shards)[shard_for(hash_key, shards)]
    assert start <= hash_key <= end
