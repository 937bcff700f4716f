"""Hive/Glue column types (`string`, `array<struct<name:string,confidence:double>>`, ...) parsed into a
small tree and rendered as DuckDB types for `read_json(columns=...)`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from integrations.errors import ServiceError

_PRIMITIVES = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "boolean": "BOOLEAN",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "binary": "BLOB",
}
_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_-]*|`[^`]+`|<|>|,|:|\(|\)|\d+)")


@dataclass(frozen=True)
class HiveType:
    kind: str  # a primitive name, "decimal", "array", "map" or "struct"
    children: tuple[HiveType, ...] = ()
    fields: tuple[str, ...] = ()  # struct field names, in the case the JSON uses
    precision: tuple[int, ...] = ()

    def duckdb(self) -> str:
        if self.kind == "array":
            return f"{self.children[0].duckdb()}[]"
        if self.kind == "map":
            return f"MAP({self.children[0].duckdb()}, {self.children[1].duckdb()})"
        if self.kind == "struct":
            members = ", ".join(
                f"{_quote(name)} {child.duckdb()}"
                for name, child in zip(self.fields, self.children, strict=True)
            )
            return f"STRUCT({members})"
        if self.kind == "decimal":
            return f"DECIMAL({', '.join(map(str, self.precision or (10, 0)))})"
        return _PRIMITIVES[self.kind]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bad(text: str, why: str) -> ServiceError:
    return ServiceError("glue", "InvalidInputException", f"Invalid Hive type {text!r}: {why}")


def parse_hive_type(text: str) -> HiveType:
    tokens = [t.strip("`") if t.startswith("`") else t for t in _TOKEN.findall(text)]
    if "".join(_TOKEN.findall(text)).replace(" ", "") != text.replace(" ", ""):
        raise _bad(text, "unexpected characters")
    position = 0

    def take(expected: str | None = None) -> str:
        nonlocal position
        if position >= len(tokens):
            raise _bad(text, "unexpected end")
        token = tokens[position]
        if expected is not None and token != expected:
            raise _bad(text, f"expected {expected!r}, found {token!r}")
        position += 1
        return token

    def parse() -> HiveType:
        name = take().lower()
        if name == "array":
            take("<")
            element = parse()
            take(">")
            return HiveType("array", (element,))
        if name == "map":
            take("<")
            key = parse()
            take(",")
            value = parse()
            take(">")
            return HiveType("map", (key, value))
        if name == "struct":
            take("<")
            fields, children = [], []
            while True:
                fields.append(take())
                take(":")
                children.append(parse())
                if take() == ">":
                    return HiveType("struct", tuple(children), tuple(fields))
        if name == "decimal":
            if position < len(tokens) and tokens[position] == "(":
                take("(")
                precision = [int(take())]
                if tokens[position] == ",":
                    take(",")
                    precision.append(int(take()))
                take(")")
                return HiveType("decimal", precision=tuple(precision))
            return HiveType("decimal")
        if name in ("varchar", "char") and position < len(tokens) and tokens[position] == "(":
            take("(")
            take()
            take(")")
        if name not in _PRIMITIVES:
            raise _bad(text, f"unknown type {name!r}")
        return HiveType(name)

    result = parse()
    if position != len(tokens):
        raise _bad(text, "trailing text")
    return result
