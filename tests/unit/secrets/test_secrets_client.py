"""Local Secrets Manager: lookup order, shapes, errors, and values kept out of reprs and logs."""

from __future__ import annotations

import json
import logging

import botocore.session
import pytest

from integrations.errors import ServiceError
from integrations.secrets import SecretsManagerClient, env_name, find_secret

OUTPUT = set(
    botocore.session.get_session()
    .get_service_model("secretsmanager")
    .operation_model("GetSecretValue")
    .output_shape.members
)


@pytest.fixture
def client(sma_home, tmp_path, monkeypatch) -> SecretsManagerClient:
    monkeypatch.delenv(env_name("TwitterSecret"), raising=False)
    return SecretsManagerClient(env_file=tmp_path / ".env", store_file=tmp_path / "secrets.json")


def test_env_name_normalises_secret_names() -> None:
    assert env_name("TwitterSecret") == "SMA_SECRET_TWITTERSECRET"
    assert env_name("prod/x-api.key") == "SMA_SECRET_PROD_X_API_KEY"


def test_environment_wins_over_dotenv_over_json_file(client, tmp_path, monkeypatch) -> None:
    client.create_secret(Name="TwitterSecret", SecretString='{"ApiKey": "from-json"}')
    assert (
        json.loads(client.get_secret_value(SecretId="TwitterSecret")["SecretString"])["ApiKey"] == "from-json"
    )
    (tmp_path / ".env").write_text("SMA_SECRET_TWITTERSECRET='from-dotenv'\n")
    assert client.get_secret_value(SecretId="TwitterSecret")["SecretString"] == "from-dotenv"
    monkeypatch.setenv("SMA_SECRET_TWITTERSECRET", "from-env")
    response = client.get_secret_value(SecretId="TwitterSecret")
    assert response["SecretString"] == "from-env"
    assert set(response) - {"ResponseMetadata"} <= OUTPUT
    assert response["VersionStages"] == ["AWSCURRENT"]


def test_lookup_by_arn_and_object_values(client) -> None:
    client.store_file.write_text(json.dumps({"XApi": {"ApiKey": "k", "ApiSecret": "s"}}))
    arn = client.arn("XApi")
    assert arn.startswith("arn:aws:secretsmanager:eu-west-2:123456789012:secret:XApi-")
    assert json.loads(client.get_secret_value(SecretId=arn)["SecretString"]) == {
        "ApiKey": "k",
        "ApiSecret": "s",
    }


def test_missing_secrets_and_versions_are_resource_not_found(client) -> None:
    with pytest.raises(ServiceError) as missing:
        client.get_secret_value(SecretId="Nope")
    assert missing.value.code == "ResourceNotFoundException"
    client.create_secret(Name="S", SecretString="v")
    with pytest.raises(ServiceError) as stage:
        client.get_secret_value(SecretId="S", VersionStage="AWSPREVIOUS")
    assert stage.value.code == "ResourceNotFoundException"
    with pytest.raises(ServiceError) as exists:
        client.create_secret(Name="S", SecretString="again")
    assert exists.value.code == "ResourceExistsException"
    with pytest.raises(ServiceError) as empty:
        client.get_secret_value(SecretId="")
    assert empty.value.code == "InvalidParameterException"


def test_values_never_appear_in_reprs_errors_or_logs(client, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client.create_secret(Name="S", SecretString="hunter2-very-secret")
    client.get_secret_value(SecretId="S")
    secret = find_secret("S", None, client.store_file)
    assert secret is not None and secret.value == "hunter2-very-secret"
    assert "hunter2" not in repr(secret) and "hunter2" not in repr(client)
    assert "hunter2" not in caplog.text
    with pytest.raises(ServiceError) as error:
        client.get_secret_value(SecretId="S", VersionId="wrong")
    assert "hunter2" not in str(error.value)
    assert oct(client.store_file.stat().st_mode & 0o777) == "0o600"


def test_put_secret_value_updates_the_file(client) -> None:
    client.create_secret(Name="S", SecretString="one")
    first = client.get_secret_value(SecretId="S")["VersionId"]
    client.put_secret_value(SecretId="S", SecretString="two")
    second = client.get_secret_value(SecretId="S")
    assert second["SecretString"] == "two" and second["VersionId"] != first
