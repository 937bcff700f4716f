"""Settings from environment variables, failing with a message that names the variable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from lambdas.shared.errors import ConfigurationError

Environment = Mapping[str, str]
T = TypeVar("T", int, float)


def required(env: Environment, name: str) -> str:
    """The value of `name`; a `ConfigurationError` naming it when unset or blank."""
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is required but not set")
    return value


def optional(env: Environment, name: str) -> str | None:
    """The value of `name`, or None when unset or blank."""
    value = env.get(name, "").strip()
    return value or None


def _positive(env: Environment, name: str, default: T, parse: Callable[[str], T], kind: str) -> T:
    text = optional(env, name)
    if text is None:
        return default
    try:
        value = parse(text)
    except ValueError:
        raise ConfigurationError(f"environment variable {name} must be {kind}, got {text!r}") from None
    if value <= 0:
        raise ConfigurationError(f"environment variable {name} must be greater than zero, got {value}")
    return value


def positive_int(env: Environment, name: str, default: int) -> int:
    """An integer setting greater than zero, `default` when unset."""
    return _positive(env, name, default, int, "an integer")


def positive_float(env: Environment, name: str, default: float) -> float:
    """A number setting greater than zero, `default` when unset."""
    return _positive(env, name, default, float, "a number")


def flag(env: Environment, name: str, default: bool) -> bool:
    """A true/false setting (`true`/`false`, `1`/`0`, `yes`/`no`), `default` when unset."""
    text = optional(env, name)
    if text is None:
        return default
    lowered = text.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"environment variable {name} must be true or false, got {text!r}")


def word_list(env: Environment, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A comma-separated list setting (blank items dropped), `default` when unset."""
    text = optional(env, name)
    if text is None:
        return default
    return tuple(item.strip() for item in text.split(",") if item.strip())
