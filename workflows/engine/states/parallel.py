"""The Parallel state: every branch gets the same input; the output is the list of branch outputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workflows.engine.errors import DefinitionError
from workflows.engine.io import DataFlow
from workflows.engine.states.branches import run_concurrently
from workflows.engine.states.common import WorkState

if TYPE_CHECKING:
    from workflows.engine.scope import Scope


class ParallelState(WorkState):
    type_name = "Parallel"
    failed_event = "ParallelStateFailed"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        from workflows.engine.machine import Branch

        super().__init__(name, spec, query_language)
        branches = spec.get("Branches")
        if not isinstance(branches, list) or not branches:
            raise DefinitionError(f"state {name!r}: a Parallel state needs a non-empty Branches list")
        self.branches = [
            Branch(branch, query_language, f"{name}.Branches[{i}]", nested=True)
            for i, branch in enumerate(branches)
        ]
        self.flow = DataFlow(
            spec,
            name,
            jsonata=self.jsonata,
            parameters_field="Arguments" if self.jsonata else "Parameters",
            result_fields=True,
        )

    def work(
        self, scope: Scope, state_input: Any, retrying: Callable[[Callable[[], Any]], Any]
    ) -> tuple[Any, str | None]:
        effective = self.flow.effective_input(state_input, scope)
        result = retrying(lambda: self.run_branches(scope, effective))
        return self.flow.finish(state_input, result, scope), self.next

    def run_branches(self, scope: Scope, effective: Any) -> list[Any]:
        scope.event("ParallelStateStarted")
        outputs: list[Any] = [None] * len(self.branches)
        failures: list[BaseException] = []

        def collect(index: int, value: Any, error: BaseException | None) -> bool:
            if error is not None:
                failures.append(error)
                return False
            outputs[index] = value
            return True

        jobs = [lambda child, branch=branch: branch.run(child, effective) for branch in self.branches]
        run_concurrently(scope, self.name, jobs, 0, collect)
        if failures:
            raise failures[0]
        scope.event("ParallelStateSucceeded")
        return outputs
