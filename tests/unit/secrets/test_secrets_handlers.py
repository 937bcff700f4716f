"""Step Functions' aws-sdk:secretsmanager:getSecretValue on the local secrets."""

from __future__ import annotations

import json

import pytest

from integrations.errors import ServiceError
from integrations.secrets import SecretsManagerClient
from integrations.secrets.handlers import engine_handlers


def test_get_secret_value_handler(sma_home, tmp_path) -> None:
    client = SecretsManagerClient(env_file=tmp_path / ".env", store_file=tmp_path / "secrets.json")
    client.create_secret(Name="XApi", SecretString=json.dumps({"ApiKey": "k"}))
    handler = engine_handlers(client)["arn:aws:states:::aws-sdk:secretsmanager:getSecretValue"]
    result = handler({"SecretId": "XApi"}, None)
    assert json.loads(result["SecretString"]) == {"ApiKey": "k"}
    json.dumps(result)  # JSON-serialisable, as a state's result must be
    with pytest.raises(ServiceError) as missing:
        handler({"SecretId": "Nope"}, None)
    assert missing.value.code == "ResourceNotFoundException"
