"""How Kinesis routes a record to a shard: MD5 of the partition key as a 128-bit integer, looked up in
the shards' contiguous hash-key ranges (a new stream splits 0 .. 2**128 - 1 evenly)."""

from __future__ import annotations

import hashlib

HASH_KEY_LIMIT = 2**128  # hash keys are 0 .. 2**128 - 1


def shard_ranges(shard_count: int) -> list[tuple[int, int]]:
    """Inclusive (start, end) hash-key ranges of a new stream's shards, as CreateStream splits them."""
    width = HASH_KEY_LIMIT // shard_count
    return [
        (index * width, HASH_KEY_LIMIT - 1 if index == shard_count - 1 else (index + 1) * width - 1)
        for index in range(shard_count)
    ]


def partition_hash(partition_key: str) -> int:
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8"), usedforsecurity=False).digest(), "big")


def shard_for(hash_key: int, shard_count: int) -> int:
    """The index of the shard whose range holds `hash_key`."""
    return min(hash_key // (HASH_KEY_LIMIT // shard_count), shard_count - 1)


def shard_id(index: int) -> str:
    return f"shardId-{index:012d}"


def shard_index(shard: str) -> int | None:
    """The index in a `shardId-000000000003` id, or None when it is not one."""
    prefix = "shardId-"
    digits = shard[len(prefix) :]
    if not shard.startswith(prefix) or len(digits) != 12 or not digits.isdigit():
        return None
    return int(digits)
