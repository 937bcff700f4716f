"""What every state shares: its fields, entering and leaving (history, limits) and the Runtime cause."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from workflows.engine.errors import DefinitionError, StatesDataLimitExceeded, StatesRuntime, WorkflowError
from workflows.engine.history import over_limit, size_cause, to_json
from workflows.engine.io import check_fields
from workflows.validation import fields as F

if TYPE_CHECKING:
    from workflows.engine.scope import Scope

JSONATA = "JSONata"
JSONPATH = "JSONPath"


class State:
    """A compiled state; `run` does the type-specific work and returns (output, next state or None)."""

    type_name: ClassVar[str] = ""
    transitions: ClassVar[bool] = True  # whether the state names a Next (Choice, Succeed, Fail do not)

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        self.name = name
        self.spec = spec
        language = spec.get("QueryLanguage", query_language)
        if language not in (JSONATA, JSONPATH):
            raise DefinitionError(
                f"state {name!r}: QueryLanguage must be JSONPath or JSONata, got {language!r}"
            )
        if query_language == JSONATA and language == JSONPATH:
            raise DefinitionError(
                f"state {name!r}: a JSONPath state cannot be used in a JSONata state machine"
            )
        self.jsonata = language == JSONATA
        check_fields(spec, name, jsonata=self.jsonata)
        # The validator's table of the fields each state type takes (workflows.validation.fields).
        self.fields = F.STATE_FIELDS[self.type_name]
        for field in spec:
            if field not in self.fields and field not in F.COMMON_FIELDS:
                # AWS's CreateStateMachine refuses it too (SCHEMA_VALIDATION_FAILED).
                raise DefinitionError(f"state {name!r}: a {self.type_name} state does not support {field}")
        self.next: str | None = spec.get("Next")
        if self.transitions and not (self.next or spec.get("End") is True):
            raise DefinitionError(f'state {name!r} needs either "Next": <state name> or "End": true')
        self.entered_event = f"{self.type_name}StateEntered"
        self.exited_event = f"{self.type_name}StateExited"

    def enter(self, scope: Scope, state_input: Any, input_json: str) -> tuple[Any, str | None, str]:
        """Run the state with history and limits; returns (output, next, output as JSON)."""
        scope.state_name = self.name
        scope.entered_time = scope.clock.now()
        scope.retry_count = 0 if "Retry" in self.fields else None
        scope.task_token = None
        scope.run.history.entered(scope.prefix + self.name)
        scope.entered_event = scope.event(
            self.entered_event,
            "stateEnteredEventDetails",
            {
                "name": self.name,
                "input": input_json,
                "inputDetails": {"truncated": False},
            },
        )
        try:
            output, following = self.run(scope, state_input)
            output_json = self._json(output)
        except WorkflowError as error:
            scope.attribute(error)
            raise
        if over_limit(output_json):
            raise StatesDataLimitExceeded(size_cause(self.name))
        scope.event(
            self.exited_event,
            "stateExitedEventDetails",
            {
                "name": self.name,
                "output": output_json,
                "outputDetails": {"truncated": False},
            },
        )
        return output, following, output_json

    def _json(self, output: Any) -> str:
        try:
            return to_json(output)
        except (TypeError, ValueError) as exc:  # e.g. a JSONata result the JSON encoder cannot write
            raise StatesRuntime(f"state {self.name!r} produced a value that is not JSON: {exc}") from exc

    def run(self, scope: Scope, state_input: Any) -> tuple[Any, str | None]:
        raise NotImplementedError
