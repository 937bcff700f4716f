"""Where local secrets come from, in order: the environment, a `.env` file, then a JSON file under
`state_dir("secrets")`.

A secret named `TwitterSecret` (or `prod/x-api`) is read from the variable `SMA_SECRET_TWITTERSECRET`
(`SMA_SECRET_PROD_X_API`): the name upper-cased, every other character than A-Z and 0-9 made `_`. The
JSON file maps secret names to a string, or to an object stored as its JSON text (how the console
stores key/value secrets).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from integrations.state import state_dir

ENV_PREFIX = "SMA_SECRET_"
SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class Secret:
    """A secret's value and where it came from; the value never appears in a repr."""

    name: str
    source: str  # "environment", ".env" or the JSON file's path
    value: str = field(repr=False)


def env_name(secret_name: str) -> str:
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", secret_name.upper())


def secrets_file() -> Path:
    return state_dir("secrets") / SECRETS_FILE


def _from_json_file(name: str, path: Path) -> Secret | None:
    if not path.is_file():
        return None
    stored = json.loads(path.read_text(encoding="utf-8"))
    if name not in stored:
        return None
    value = stored[name]
    return Secret(name, str(path), value if isinstance(value, str) else json.dumps(value))


def find_secret(name: str, env_file: Path | None = None, store_file: Path | None = None) -> Secret | None:
    variable = env_name(name)
    if variable in os.environ:
        return Secret(name, "environment", os.environ[variable])
    dotenv = env_file if env_file is not None else Path(os.environ.get("SMA_ENV_FILE", ".env"))
    if dotenv.is_file():
        value = dotenv_values(dotenv).get(variable)
        if value is not None:
            return Secret(name, ".env", value)
    return _from_json_file(name, store_file or secrets_file())


def store_secret(name: str, value: str, store_file: Path | None = None) -> None:
    """Write a secret into the JSON file (atomically, readable by the owner only)."""
    path = store_file or secrets_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    stored[name] = value
    handle, temp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(stored, file, indent=2)
    os.chmod(temp, 0o600)
    os.replace(temp, path)
