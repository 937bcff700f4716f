"""Where local secrets come from, in order: the environment, a `.env` file, then a JSON file whose path
the caller names (the local account's `StateLayout.secrets`).

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

ENV_PREFIX = "SMA_SECRET_"


@dataclass(frozen=True)
class Secret:
    """A secret's value and where it came from; the value never appears in a repr."""

    name: str
    source: str  # "environment", ".env" or the JSON file's path
    value: str = field(repr=False)


def env_name(secret_name: str) -> str:
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", secret_name.upper())


def _from_json_file(name: str, path: Path) -> Secret | None:
    if not path.is_file():
        return None
    stored = json.loads(path.read_text(encoding="utf-8"))
    if name not in stored:
        return None
    value = stored[name]
    return Secret(name, str(path), value if isinstance(value, str) else json.dumps(value))


def find_secret(name: str, env_file: Path | None, store_file: Path) -> Secret | None:
    variable = env_name(name)
    if variable in os.environ:
        return Secret(name, "environment", os.environ[variable])
    # Only a `.env` file the caller chose is read (the CLI passes the working folder's); a service
    # never looks in whatever folder it happens to run from.
    if env_file is not None and env_file.is_file():
        value = dotenv_values(env_file).get(variable)
        if value is not None:
            return Secret(name, ".env", value)
    return _from_json_file(name, store_file)


def store_secret(name: str, value: str, path: Path) -> None:
    """Write a secret into the JSON file `path` (atomically, readable by the owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    stored[name] = value
    handle, temp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(stored, file, indent=2)
    os.chmod(temp, 0o600)
    os.replace(temp, path)
