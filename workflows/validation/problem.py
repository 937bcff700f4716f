"""What the validator reports: one `Problem` per mistake, located by state name and JSON pointer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """An error makes AWS reject the definition (or fail at run time); a warning is legal but suspect."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding: `state` is None for the top level; `pointer` is an RFC 6901 JSON pointer."""

    state: str | None
    pointer: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """Where, in words: "state 'A' at /States/A/Next" (or just the pointer at the top level)."""
        where = f"state {self.state!r} " if self.state is not None else ""
        return f"{where}at {self.pointer or '/'}"

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.location}: {self.message}"


def pointer(*parts: str | int) -> str:
    """Join path parts into a JSON pointer, escaping '~' and '/' as RFC 6901 requires."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


class Findings(list[Problem]):
    """The problems found so far; each check appends to the one list the walk carries."""

    def error(self, state: str | None, at: str, message: str) -> None:
        self.append(Problem(state, at, message, Severity.ERROR))

    def warning(self, state: str | None, at: str, message: str) -> None:
        self.append(Problem(state, at, message, Severity.WARNING))
