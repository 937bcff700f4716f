"""What one server holds: its configuration, state machines, executions and waiting task tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from integrations.stepfunctions.api.callbacks import TaskTokens
from integrations.stepfunctions.api.config import ServerConfig
from integrations.stepfunctions.api.executions import Executions
from integrations.stepfunctions.api.machines import StateMachines
from workflows.harness.mock_config import MockConfig, load_mock_config


@dataclass
class Backend:
    config: ServerConfig
    machines: StateMachines = field(default_factory=StateMachines)
    tokens: TaskTokens = field(default_factory=TaskTokens)
    executions: Executions = field(init=False)

    def __post_init__(self) -> None:
        mocks: MockConfig | None = None
        if self.config.mock_config is not None:
            mocks = load_mock_config(self.config.mock_config)  # MockConfigError: a one-line reason
        self.executions = Executions(self.config, self.tokens, mocks)

    def region(self, signed_region: str | None) -> str:
        """The region of the ARNs a request makes: Step Functions Local's fixed one, or (compat aws)
        the region the client signed the request for, as a regional AWS endpoint would."""
        if self.config.aws_history and signed_region:
            return signed_region
        return self.config.region
