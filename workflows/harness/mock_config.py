"""Reads Step Functions Local's mock configuration file (`MockConfigFile.json`), exactly its format.

    {"StateMachines": {"<machine>": {"TestCases": {"<case>": {"<Task state>": "<response id>"}}}},
     "MockedResponses": {"<response id>": {"0": {"Return": ...},
                                           "1-2": {"Throw": {"Error": ..., "Cause": ...}}}}}

A mocked response lists what each invocation of the state returns or throws: invocations are counted
from 0 per state and per execution, retries included; a key is one invocation ("3") or an inclusive
range ("1-2"). The same file runs unchanged against Step Functions Local (`SFN_MOCK_CONFIG`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflows.harness.files import read_json

TOP_LEVEL = ("StateMachines", "MockedResponses")
_INVOCATION_KEY = re.compile(r"^(\d+)(?:-(\d+))?$")


class MockConfigError(ValueError):
    """The mock configuration is unusable; the message says where and how to fix it."""


@dataclass(frozen=True)
class MockedResult:
    """What one invocation does: return `value`, or throw `error` with `cause`."""

    value: Any = None
    error: str | None = None
    cause: str | None = None

    @property
    def throws(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class MockedResponse:
    """A mocked response: results by invocation, as (first, last, result) ranges in order."""

    response_id: str
    ranges: tuple[tuple[int, int, MockedResult], ...]

    def for_invocation(self, invocation: int) -> MockedResult | None:
        for first, last, result in self.ranges:
            if first <= invocation <= last:
                return result
        return None

    @property
    def defined(self) -> str:
        """The invocations it covers, for error messages ("0, 1-2")."""
        return ", ".join(str(first) if first == last else f"{first}-{last}" for first, last, _ in self.ranges)


@dataclass(frozen=True)
class MockConfig:
    """A parsed mock configuration; `source` names the file it came from (for messages)."""

    test_cases: Mapping[str, Mapping[str, Mapping[str, str]]]  # machine -> case -> state -> response id
    responses: Mapping[str, MockedResponse]
    source: str = field(default="mock config")

    def cases(self, machine: str) -> list[str]:
        """The test case names of a state machine, in file order."""
        return list(self._machine(machine))

    def mocks(self, machine: str, case: str) -> dict[str, MockedResponse]:
        """State name -> mocked response for one test case of one state machine."""
        cases = self._machine(machine)
        if case not in cases:
            known = ", ".join(cases) or "none"
            raise MockConfigError(
                f"{self.source}: state machine {machine!r} has no test case {case!r} (known: {known})"
            )
        return {state: self.responses[response_id] for state, response_id in cases[case].items()}

    def _machine(self, machine: str) -> Mapping[str, Mapping[str, str]]:
        if machine not in self.test_cases:
            known = ", ".join(self.test_cases) or "none"
            raise MockConfigError(
                f"{self.source}: no state machine {machine!r} under StateMachines (known: {known})"
            )
        return self.test_cases[machine]


def load_mock_config(path: str | Path) -> MockConfig:
    """Read and check a mock configuration file."""
    path = Path(path)
    return parse_mock_config(read_json(path, "mock config file", MockConfigError), source=str(path))


def parse_mock_config(document: Any, *, source: str = "mock config") -> MockConfig:
    """Check a mock configuration already parsed from JSON; errors name the offending JSON pointer."""
    where = _Where(source)
    where.require(
        isinstance(document, Mapping), "", "must be a JSON object with StateMachines and MockedResponses"
    )
    for key in document:
        where.require(
            key in TOP_LEVEL, f"/{key}", f"unknown field {key!r} (expected {' or '.join(TOP_LEVEL)})"
        )
    responses = {
        response_id: _parse_response(where, response_id, value)
        for response_id, value in _object(
            where, document.get("MockedResponses", {}), "/MockedResponses"
        ).items()
    }
    test_cases = {
        machine: _parse_machine(where, machine, config, responses)
        for machine, config in _object(where, document.get("StateMachines", {}), "/StateMachines").items()
    }
    return MockConfig(test_cases, responses, source)


@dataclass(frozen=True)
class _Where:
    source: str

    def require(self, condition: bool, at: str, message: str) -> None:
        if not condition:
            raise MockConfigError(f"{self.source}: at {at or '/'}: {message}")


def _object(where: _Where, value: Any, at: str) -> Mapping[str, Any]:
    where.require(isinstance(value, Mapping), at, "must be a JSON object")
    return value


def _parse_machine(
    where: _Where, machine: str, value: Any, responses: Mapping[str, MockedResponse]
) -> dict[str, dict[str, str]]:
    at = f"/StateMachines/{machine}"
    config = _object(where, value, at)
    for key in config:
        where.require(key == "TestCases", f"{at}/{key}", f"unknown field {key!r} (expected TestCases)")
    cases: dict[str, dict[str, str]] = {}
    for case, mapping in _object(where, config.get("TestCases", {}), f"{at}/TestCases").items():
        case_at = f"{at}/TestCases/{case}"
        for state, response_id in _object(where, mapping, case_at).items():
            where.require(
                isinstance(response_id, str), f"{case_at}/{state}", "must be a mocked response id (a string)"
            )
            where.require(
                response_id in responses,
                f"{case_at}/{state}",
                f"mocked response {response_id!r} is not defined under MockedResponses",
            )
        cases[case] = dict(mapping)
    return cases


def _parse_response(where: _Where, response_id: str, value: Any) -> MockedResponse:
    at = f"/MockedResponses/{response_id}"
    ranges: list[tuple[int, int, MockedResult]] = []
    for key, entry in _object(where, value, at).items():
        match = _INVOCATION_KEY.match(key)
        where.require(
            match is not None,
            f"{at}/{key}",
            f'invocation key {key!r} must be a number ("0") or a range ("1-2")',
        )
        assert match is not None  # where.require raised otherwise
        first = int(match[1])
        last = int(match[2]) if match[2] is not None else first
        where.require(first <= last, f"{at}/{key}", f"range {key!r} ends before it starts")
        for other_first, other_last, _ in ranges:
            where.require(
                last < other_first or first > other_last,
                f"{at}/{key}",
                f"invocations {key!r} overlap another key of the same response",
            )
        ranges.append((first, last, _parse_result(where, f"{at}/{key}", entry)))
    where.require(bool(ranges), at, 'a mocked response needs at least one invocation ("0")')
    return MockedResponse(response_id, tuple(sorted(ranges, key=lambda item: item[0])))


def _parse_result(where: _Where, at: str, entry: Any) -> MockedResult:
    entry = _object(where, entry, at)
    where.require(
        len(entry) == 1 and next(iter(entry)) in ("Return", "Throw"),
        at,
        "must hold exactly one field, Return or Throw",
    )
    if "Return" in entry:
        return MockedResult(value=entry["Return"])
    throw = _object(where, entry["Throw"], f"{at}/Throw")
    for key in throw:
        where.require(
            key in ("Error", "Cause"), f"{at}/Throw/{key}", f"unknown field {key!r} (expected Error, Cause)"
        )
    for key in ("Error", "Cause"):
        where.require(isinstance(throw.get(key), str), f"{at}/Throw", f"Throw needs {key} as a string")
    return MockedResult(error=throw["Error"], cause=throw["Cause"])


def merge_mock_configs(paths: list[Path]) -> dict[str, Any]:
    """One MockConfigFile holding the state machines of several, for Step Functions Local's single
    `SFN_MOCK_CONFIG`. A state machine defined twice, or a response id reused with other content, is an
    error (the same id with the same content is shared)."""
    merged: dict[str, dict[str, Any]] = {"StateMachines": {}, "MockedResponses": {}}
    origin: dict[tuple[str, str], Path] = {}
    for path in paths:
        document = read_json(path, "mock config file", MockConfigError)
        parse_mock_config(document, source=str(path))  # fail on the file's own mistakes first
        for section in TOP_LEVEL:
            for key, value in document.get(section, {}).items():
                earlier = merged[section].get(key)
                if earlier is not None and (section == "StateMachines" or earlier != value):
                    what = "state machine" if section == "StateMachines" else "mocked response id"
                    raise MockConfigError(
                        f"{path}: {what} {key!r} is also defined in {origin[section, key]}; rename one"
                    )
                merged[section][key] = value
                origin.setdefault((section, key), path)
    return merged
