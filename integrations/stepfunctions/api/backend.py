"""What one server holds: its configuration, state machines, executions and waiting task tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from integrations.stepfunctions.api.activities import Activities
from integrations.stepfunctions.api.callbacks import TaskTokens
from integrations.stepfunctions.api.config import ServerConfig
from integrations.stepfunctions.api.executions import Executions
from integrations.stepfunctions.api.machines import StateMachines
from integrations.stepfunctions.api.mock_source import MockConfigSource


@dataclass
class Backend:
    config: ServerConfig
    machines: StateMachines = field(default_factory=StateMachines)
    tokens: TaskTokens = field(default_factory=TaskTokens)
    activities: Activities = field(default_factory=Activities)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # resource ARN -> key -> value
    mocks: MockConfigSource | None = field(init=False)
    executions: Executions = field(init=False)

    def __post_init__(self) -> None:
        path = self.config.mock_config
        self.mocks = MockConfigSource(path) if path is not None else None
        self.executions = Executions(self.config, self.tokens, self.mocks, self.activities)

    def region(self, signed_region: str | None) -> str:
        """The region of the ARNs a request makes: Step Functions Local's fixed one, or (compat aws)
        the region the client signed the request for, as a regional AWS endpoint would."""
        if self.config.like_aws and signed_region:
            return signed_region
        return self.config.region
