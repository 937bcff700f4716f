"""A small CBOR (RFC 8949) codec: enough for Smithy's RPC v2 CBOR, which botocore uses for Comprehend.

Decodes every major type (definite and indefinite lengths, half/single/double floats, tags by passing
their content through); encodes dicts, lists, str, bytes, int, float (as double), bool and None.
"""

from __future__ import annotations

import struct
from typing import Any


class CBORError(ValueError):
    """The bytes are not well-formed CBOR."""


_BREAK = object()


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size, fmt in ((24, 1, ">B"), (25, 2, ">H"), (26, 4, ">I"), (27, 8, ">Q")):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + struct.pack(fmt, value)
    raise CBORError(f"integer {value} is too large for CBOR")


_CONSTANTS = {None: b"\xf6", True: b"\xf5", False: b"\xf4"}


def _encode_int(value: int) -> bytes:
    return _head(0, value) if value >= 0 else _head(1, -1 - value)


def _encode_str(value: str) -> bytes:
    data = value.encode("utf-8")
    return _head(3, len(data)) + data


def _encode_bytes(value: bytes | bytearray) -> bytes:
    return _head(2, len(value)) + bytes(value)


def _encode_list(value: list[Any] | tuple[Any, ...]) -> bytes:
    return _head(4, len(value)) + b"".join(encode(item) for item in value)


def _encode_dict(value: dict[Any, Any]) -> bytes:
    return _head(5, len(value)) + b"".join(encode(key) + encode(item) for key, item in value.items())


_ENCODERS: tuple[tuple[type | tuple[type, ...], Any], ...] = (
    (int, _encode_int),
    (float, lambda value: b"\xfb" + struct.pack(">d", value)),
    (str, _encode_str),
    ((bytes, bytearray), _encode_bytes),
    ((list, tuple), _encode_list),
    (dict, _encode_dict),
)


def encode(value: Any) -> bytes:
    if value is None or isinstance(value, bool):
        return _CONSTANTS[value]
    for kinds, encoder in _ENCODERS:
        if isinstance(value, kinds):
            return encoder(value)
    raise CBORError(f"cannot encode {type(value).__name__} as CBOR")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, count: int) -> bytes:
        if self.at + count > len(self.data):
            raise CBORError("CBOR data ends early")
        chunk = self.data[self.at : self.at + count]
        self.at += count
        return chunk

    def argument(self, info: int) -> int | None:
        if info < 24:
            return info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info in sizes:
            return int.from_bytes(self.take(sizes[info]), "big")
        if info == 31:
            return None  # indefinite length
        raise CBORError(f"reserved additional information {info}")

    def item(self) -> Any:
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return self._simple(info)
        length = self.argument(info)
        if major in (2, 3):
            return self._string(major, length)
        readers = {
            0: lambda: length,
            1: lambda: -1 - (length or 0),
            4: lambda: self._array(length),
            5: lambda: self._map(length),
        }
        return readers.get(major, self.item)()  # major 6 is a tag: its content is the value

    def _simple(self, info: int) -> Any:
        simple = {20: False, 21: True, 22: None, 23: None}
        if info in simple:
            return simple[info]
        formats = {25: (">e", 2), 26: (">f", 4), 27: (">d", 8)}
        if info in formats:
            fmt, size = formats[info]
            return struct.unpack(fmt, self.take(size))[0]
        if info == 31:
            return _BREAK
        raise CBORError(f"unsupported simple value {info}")

    def _string(self, major: int, length: int | None) -> Any:
        if length is None:
            chunks = []
            while (chunk := self.item()) is not _BREAK:
                chunks.append(chunk)
            joined = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in chunks)
        else:
            joined = self.take(length)
        return joined if major == 2 else joined.decode("utf-8")

    def _array(self, length: int | None) -> list[Any]:
        if length is not None:
            return [self.item() for _ in range(length)]
        items = []
        while (item := self.item()) is not _BREAK:
            items.append(item)
        return items

    def _map(self, length: int | None) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        count = 0
        while length is None or count < length:
            key = self.item()
            if key is _BREAK:
                break
            result[key] = self.item()
            count += 1
        return result


def decode(data: bytes) -> Any:
    reader = _Reader(data)
    value = reader.item()
    if value is _BREAK or reader.at != len(data):
        raise CBORError("CBOR data has trailing or stray bytes")
    return value
