"""How the server is configured: Step Functions Local's own options, and where we may differ from it.

Step Functions Local reads its options from the command line or the environment (AWS's "Setting
configuration options for Step Functions Local"): the account and region of every ARN it makes
(default 123456789012 and us-east-1, whatever region a client signs its requests for), `WAIT_TIME_SCALE`,
`SFN_MOCK_CONFIG`, and the endpoints of the real services that tasks without a mocked response call
(`LAMBDA_ENDPOINT`, `SQS_ENDPOINT`, …). `compat` chooses whose behaviour wins where Step Functions Local
and AWS disagree: `sfn-local` (the default, what existing suites assert) or `aws`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Compat = Literal["sfn-local", "aws"]
COMPAT_MODES: tuple[Compat, ...] = ("sfn-local", "aws")
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_PORT = 8083

# Step Functions Local's names for the endpoint variables; another service's is <SERVICE>_ENDPOINT
# (COMPREHEND_ENDPOINT, S3_ENDPOINT, ...), our extension for aws-sdk integrations.
ENDPOINT_VARIABLES: Mapping[str, str] = {
    "lambda": "LAMBDA_ENDPOINT",
    "batch": "BATCH_ENDPOINT",
    "dynamodb": "DYNAMODB_ENDPOINT",
    "ecs": "ECS_ENDPOINT",
    "glue": "GLUE_ENDPOINT",
    "sagemaker": "SAGE_MAKER_ENDPOINT",
    "sqs": "SQS_ENDPOINT",
    "sns": "SNS_ENDPOINT",
    "states": "STEP_FUNCTIONS_ENDPOINT",
    "sfn": "STEP_FUNCTIONS_ENDPOINT",
    "events": "EVENTBRIDGE_ENDPOINT",
    "eventbridge": "EVENTBRIDGE_ENDPOINT",
}


def endpoint_variable(service: str) -> str:
    """The environment variable naming the endpoint of `service` (a Resource's service part)."""
    return ENDPOINT_VARIABLES.get(service, f"{service.upper().replace('-', '_')}_ENDPOINT")


@dataclass(frozen=True)
class ServerConfig:
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    wait_time_scale: float = 1.0  # Wait states and Retry intervals; 0 skips them
    mock_config: Path | None = None
    compat: Compat = "sfn-local"
    environment: Mapping[str, str] = field(default_factory=dict)  # where endpoints are looked up

    def endpoint(self, service: str) -> str | None:
        """The URL tasks of `service` call when not mocked, or None (then they fail, naming the variable)."""
        return self.environment.get(endpoint_variable(service)) or None

    @property
    def like_aws(self) -> bool:
        return self.compat == "aws"


def from_environment(environment: Mapping[str, str] | None = None, **overrides: object) -> ServerConfig:
    """The configuration Step Functions Local would read from this environment; `overrides` (the
    command line's options, None where not given) win."""
    env = dict(os.environ if environment is None else environment)
    scale = env.get("WAIT_TIME_SCALE")
    values: dict[str, object] = {
        "account": env.get("AWS_ACCOUNT_ID") or DEFAULT_ACCOUNT,
        "wait_time_scale": scale or 1.0,
        "mock_config": Path(env["SFN_MOCK_CONFIG"]) if env.get("SFN_MOCK_CONFIG") else None,
        "compat": env.get("SFN_COMPAT") or "sfn-local",
        "environment": env,
    }
    values.update({key: value for key, value in overrides.items() if value is not None})
    values["wait_time_scale"] = _scale(values["wait_time_scale"])  # type: ignore[arg-type]
    if values["compat"] not in COMPAT_MODES:
        raise ValueError(f"compat must be one of {', '.join(COMPAT_MODES)}, got {values['compat']!r}")
    return ServerConfig(**values)  # type: ignore[arg-type]


def _scale(given: str | float) -> float:
    try:
        value = float(given)
    except (TypeError, ValueError):
        raise ValueError(f"WAIT_TIME_SCALE must be a number such as 0.1, got {given!r}") from None
    if value < 0:
        raise ValueError(f"WAIT_TIME_SCALE must not be negative, got {given!r}")
    return value
