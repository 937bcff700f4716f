"""Resolves the topology's `Ref`s to CDK tokens: each stack registers what it creates, then state
machines and functions look their substitutions and environments up here."""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.topology import Ref


@dataclass
class References:
    """Tokens by (kind, name, attribute). A stack that reads a token from another stack makes CDK export
    it, so registration order is stack order: a Ref to something not yet built is a wiring mistake."""

    tokens: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def register(self, kind: str, resource: str, /, **attributes: str) -> None:
        for attribute, token in attributes.items():
            self.tokens[(kind, resource, attribute)] = token

    def resolve(self, ref: Ref) -> str:
        try:
            return self.tokens[(ref.kind, ref.name, ref.attribute)]
        except KeyError:
            raise KeyError(
                f"{ref} is not built yet: build the stack that owns the {ref.kind} {ref.name!r} first"
            ) from None

    def name(self, kind: str, name: str) -> str:
        return self.resolve(Ref(kind, name, "name"))  # type: ignore[arg-type]

    def arn(self, kind: str, name: str) -> str:
        return self.resolve(Ref(kind, name, "arn"))  # type: ignore[arg-type]

    def value(self, value: str | Ref) -> str:
        return self.resolve(value) if isinstance(value, Ref) else value
