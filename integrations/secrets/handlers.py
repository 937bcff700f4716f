"""Step Functions' `aws-sdk:secretsmanager:getSecretValue` over the local secrets, for the ASL engine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integrations.secrets.client import SecretsManagerClient
from workflows.engine import Handler


def engine_handlers(client: SecretsManagerClient) -> dict[str, Handler]:
    def get_secret_value(arguments: dict[str, Any], invocation: Any) -> dict[str, Any]:
        del invocation
        response = client.get_secret_value(**arguments)
        return {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in response.items()
            if key != "ResponseMetadata"
        }

    return {"arn:aws:states:::aws-sdk:secretsmanager:getSecretValue": get_secret_value}
