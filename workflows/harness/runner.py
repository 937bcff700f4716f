"""`run_test_case`: one test case of a mock configuration, run on the local engine.

The equivalent against Step Functions Local is `StartExecution` on `<state machine ARN>#<case>` with
`SFN_MOCK_CONFIG` pointing at the same file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workflows.engine import Execution, execute
from workflows.harness.definition import state_types
from workflows.harness.mock_config import MockConfig, MockConfigError, MockedResponse, load_mock_config
from workflows.harness.mocking import MockedServices

LOCAL_MACHINE_ARN_PREFIX = "arn:aws:states:us-east-1:123456789012:stateMachine:"


def run_test_case(
    definition: Mapping[str, Any] | str,
    state_machine_name: str,
    case: str,
    input: Any = None,  # the engine's and AWS's own name for it
    mock_config: MockConfig | str | Path | None = None,
    **execute_options: Any,
) -> Execution:
    """Run `definition` with the mocks of test case `case` of `state_machine_name` in `mock_config`.

    `execute_options` go to `workflows.engine.execute` (handlers, functions, clock, substitutions, ...);
    an `interceptor` among them answers the states the test case does not mock.
    """
    if mock_config is None:
        raise MockConfigError(
            "run_test_case needs mock_config (a MockConfig or the path of a mock config file)"
        )
    document: Mapping[str, Any] = json.loads(definition) if isinstance(definition, str) else definition
    config = mock_config if isinstance(mock_config, MockConfig) else load_mock_config(mock_config)
    mocks = config.mocks(state_machine_name, case)
    check_mocked_states(document, mocks, f"{config.source}: test case {case!r}")
    services = MockedServices(mocks, fallback=execute_options.pop("interceptor", None))
    execute_options.setdefault("name", f"{state_machine_name}-{case}")
    # The execution runs as the named state machine, as Step Functions Local runs `<machine ARN>#<case>`.
    execute_options.setdefault("state_machine_arn", f"{LOCAL_MACHINE_ARN_PREFIX}{state_machine_name}")
    return execute(dict(document), input, interceptor=services, **execute_options)


def check_mocked_states(
    definition: Mapping[str, Any], mocks: Mapping[str, MockedResponse], where: str
) -> None:
    """Raise MockConfigError unless every mocked state is a Task state of the definition."""
    problems = mocked_state_problems(definition, mocks)
    if problems:
        raise MockConfigError(f"{where} {problems[0]}")


def mocked_state_problems(definition: Mapping[str, Any], mocks: Mapping[str, Any]) -> list[str]:
    """What is wrong with mocking these states (a typo would silently run the real integration)."""
    types = state_types(definition)
    problems = []
    for state in mocks:
        if state not in types:
            problems.append(f"mocks state {state!r}, which the definition does not have")
        elif types[state] != "Task":
            problems.append(f"mocks state {state!r}, a {types[state]} state; only Task states are mocked")
    return problems


def mock_config_problems(
    definition: Mapping[str, Any], config: MockConfig, state_machine_name: str
) -> list[str]:
    """Every mistake of a mock config for one state machine, as "test case 'X' mocks state ..." lines."""
    if state_machine_name not in config.test_cases:
        return [f"no test cases for state machine {state_machine_name!r} under StateMachines"]
    return [
        f"test case {case!r} {problem}"
        for case, mocks in config.test_cases[state_machine_name].items()
        for problem in mocked_state_problems(definition, mocks)
    ]
