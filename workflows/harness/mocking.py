"""The engine interceptor that answers Task states from a mock configuration test case.

It behaves as Step Functions Local does with `SFN_MOCK_CONFIG`: each mocked state counts its invocations
from 0 within one execution (retries and Map iterations included); invocation `n` gets the mocked
response's entry for `n`, which returns a value or throws an error; a mocked state invoked more often than
its response defines fails the execution; states the test case does not mention run for real. For a
`.waitForTaskToken` Task, the engine issues the task token and `Return` is the result of the callback
(what `SendTaskSuccess` would have sent), as in Step Functions Local.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows.engine import NOT_INTERCEPTED, TaskFailure, TaskInvocation
from workflows.harness.mock_config import MockedResponse

# Not catchable by States.ALL and not retried: a test that runs out of mocks must fail loudly, not be
# caught by the very Catch it is testing.
EXHAUSTED_ERROR = "States.Runtime"


@dataclass(frozen=True)
class MockedCall:
    """One intercepted invocation, kept for assertions and the trace."""

    state: str
    invocation: int
    response_id: str
    returned: Any = None
    error: str | None = None


@dataclass
class MockedServices:
    """Callable interceptor for `execute(..., interceptor=MockedServices(mocks))`; one per execution."""

    mocks: Mapping[str, MockedResponse]
    fallback: Callable[[TaskInvocation], Any] | None = None
    calls: list[MockedCall] = field(default_factory=list)
    _counts: Counter[str] = field(default_factory=Counter)
    # Under a real clock, Parallel branches and Map iterations call in from several threads at once.
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, invocation: TaskInvocation) -> Any:
        response = self.mocks.get(invocation.state_name)
        if response is None:
            return self.fallback(invocation) if self.fallback else NOT_INTERCEPTED
        with self._lock:
            index = self._counts[invocation.state_name]
            self._counts[invocation.state_name] += 1
        result = response.for_invocation(index)
        if result is None:
            self.calls.append(
                MockedCall(invocation.state_name, index, response.response_id, error=EXHAUSTED_ERROR)
            )
            raise TaskFailure(
                EXHAUSTED_ERROR,
                f"mocked response {response.response_id!r} for state {invocation.state_name!r} defines "
                f"invocations {response.defined} but this is invocation {index}; "
                "add a key for it to the mock config",
            )
        if result.throws:
            self.calls.append(
                MockedCall(invocation.state_name, index, response.response_id, error=result.error)
            )
            raise TaskFailure(str(result.error), result.cause or "")
        self.calls.append(
            MockedCall(invocation.state_name, index, response.response_id, returned=result.value)
        )
        return result.value

    def invocations(self, state: str) -> int:
        """How many times the state was answered from the mocks."""
        return self._counts[state]
