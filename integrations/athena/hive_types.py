"""Hive/Glue column types (`string`, `array<struct<name:string,confidence:double>>`, ...) parsed into a
small tree and rendered as DuckDB types for `read_json(columns=...)`, or as the Trino types an Athena
view's definition lists its columns in (`array(row(name varchar, confidence double))`)."""

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
# Trino's names where Hive's differ (Athena's "Data types in Athena": string is varchar, int is
# integer, float is real, binary is varbinary, struct is row).
_TRINO_NAMES = {
    "string": "varchar",
    "char": "varchar",
    "int": "integer",
    "float": "real",
    "binary": "varbinary",
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

    def trino(self) -> str:
        """The type as Trino (Athena engine 3) writes it; field names lower-cased, as Athena stores them."""
        if self.kind == "array":
            return f"array({self.children[0].trino()})"
        if self.kind == "map":
            return f"map({self.children[0].trino()}, {self.children[1].trino()})"
        if self.kind == "struct":
            members = ", ".join(
                f"{_trino_field(name)} {child.trino()}"
                for name, child in zip(self.fields, self.children, strict=True)
            )
            return f"row({members})"
        if self.kind == "decimal":
            return f"decimal({','.join(map(str, self.precision or (10, 0)))})"
        return _TRINO_NAMES.get(self.kind, self.kind)


def _trino_field(name: str) -> str:
    lower = name.lower()
    return lower if re.fullmatch(r"[a-z_][a-z0-9_]*", lower) else _quote(lower)


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
