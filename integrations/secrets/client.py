"""`SecretsManagerClient`: boto3's GetSecretValue (and the few writes local set-up needs) over the
local secret sources. Values are returned to the caller only: never logged, never in a repr or an
error message."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from integrations.errors import ServiceError
from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from integrations.secrets.sources import Secret, find_secret, store_secret

SERVICE = "secretsmanager"
_ARN = re.compile(r"^arn:aws:secretsmanager:[^:]*:[^:]*:secret:(?P<name>.+?)(?:-[A-Za-z0-9]{6})?$")


def _not_found() -> ServiceError:
    return ServiceError(
        SERVICE, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."
    )


class SecretsManagerClient:
    def __init__(
        self,
        *,
        store_file: Path,
        env_file: Path | None = None,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT_ID,
    ) -> None:
        self.env_file = env_file
        self.store_file = store_file
        self.region = region
        self.account = account

    def __repr__(self) -> str:
        return f"SecretsManagerClient(region={self.region!r})"

    def arn(self, name: str) -> str:
        # Secrets Manager appends six random characters; a hash of the name keeps them stable here.
        suffix = hashlib.sha256(name.encode()).hexdigest()[:6]
        return f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:{name}-{suffix}"

    def _lookup(self, secret_id: str) -> Secret:
        if not secret_id:
            raise ServiceError(SERVICE, "InvalidParameterException", "SecretId must not be empty.")
        match = _ARN.match(secret_id)
        name = match.group("name") if match else secret_id
        secret = find_secret(name, self.env_file, self.store_file)
        if secret is None:
            raise _not_found()
        return secret

    def get_secret_value(
        self, *, SecretId: str, VersionId: str | None = None, VersionStage: str | None = None
    ) -> dict[str, Any]:
        secret = self._lookup(SecretId)
        if VersionStage not in (None, "AWSCURRENT"):
            raise ServiceError(
                SERVICE,
                "ResourceNotFoundException",
                f"Secrets Manager can't find the specified secret value for staging label: {VersionStage}",
            )
        version = hashlib.sha256(f"{secret.name}\0{secret.value}".encode()).hexdigest()
        version_id = f"{version[:8]}-{version[8:12]}-{version[12:16]}-{version[16:20]}-{version[20:32]}"
        if VersionId not in (None, version_id):
            raise ServiceError(
                SERVICE,
                "ResourceNotFoundException",
                f"Secrets Manager can't find the specified secret value for VersionId: {VersionId}",
            )
        return {
            "ARN": self.arn(secret.name),
            "Name": secret.name,
            "VersionId": version_id,
            "SecretString": secret.value,
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": datetime.now(UTC),
            "ResponseMetadata": {"HTTPStatusCode": 200, "RetryAttempts": 0},
        }

    def describe_secret(self, *, SecretId: str) -> dict[str, Any]:
        secret = self._lookup(SecretId)
        return {"ARN": self.arn(secret.name), "Name": secret.name, "Description": f"local ({secret.source})"}

    def create_secret(self, *, Name: str, SecretString: str, **_options: Any) -> dict[str, Any]:
        if find_secret(Name, self.env_file, self.store_file) is not None:
            raise ServiceError(
                SERVICE,
                "ResourceExistsException",
                f"The operation failed because the secret {Name} already exists.",
            )
        store_secret(Name, SecretString, self.store_file)
        return {"ARN": self.arn(Name), "Name": Name}

    def put_secret_value(self, *, SecretId: str, SecretString: str, **_options: Any) -> dict[str, Any]:
        secret = self._lookup(SecretId)
        store_secret(secret.name, SecretString, self.store_file)
        return {"ARN": self.arn(secret.name), "Name": secret.name, "VersionStages": ["AWSCURRENT"]}
