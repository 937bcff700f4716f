"""Local Secrets Manager: GetSecretValue from the environment, a `.env` file or a JSON file whose
path the caller names, with Secrets Manager's response shape and error codes."""

from __future__ import annotations

from integrations.secrets.client import SecretsManagerClient
from integrations.secrets.sources import Secret, env_name, find_secret

__all__ = ["Secret", "SecretsManagerClient", "env_name", "find_secret"]
