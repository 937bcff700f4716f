"""Shared pytest set-up: markers by folder, no network, offline model hubs, isolated state."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from infra.local.layout import StateLayout

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("unit", "workflow", "integration", "infra", "ai")

# Model hubs must never be asked for anything: everything the models need ships in installed packages.
for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_flag] = "1"
# AWS SDK calls in tests go to moto or the local cloud, never to a real account.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-2")
os.environ.pop("AWS_PROFILE", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the kind named by its folder (tests/<kind>/...)."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        if parts and parts[0] in KINDS:
            item.add_marker(getattr(pytest.mark, parts[0]))


_real_connect = socket.socket.connect


def _is_local(address: object) -> bool:
    if isinstance(address, str):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        host = str(address[0])
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host.split("%", maxsplit=1)[0]).is_loopback
        except ValueError:
            return False
    return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_local(address):
        raise ConnectionRefusedError(f"tests never use the network: refused connection to {address!r}")
    _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every connection that does not stay on this machine's loopback."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture
def sma_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty local-cloud state directory (the `.sma/` of a fresh checkout)."""
    home = tmp_path / ".sma"
    monkeypatch.setenv("SMA_HOME", str(home))
    yield home


@pytest.fixture
def layout(sma_home: Path) -> StateLayout:
    """The paths of each local service's files in that state directory, as the local account names them:
    services take their paths as arguments, so a test hands them these."""
    from infra.local.layout import StateLayout

    return StateLayout(sma_home)
