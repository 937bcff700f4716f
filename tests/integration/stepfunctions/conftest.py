"""Fixtures: a Step Functions server on a loopback port, configured as Step Functions Local is."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sfn_served import Served

from integrations.stepfunctions.api import Backend, from_environment, start_in_background


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    """serve(**environment) starts a server configured by that environment (as Step Functions Local
    reads its own), e.g. serve(SFN_MOCK_CONFIG=path, WAIT_TIME_SCALE="0")."""
    servers = []

    def start(**environment: str) -> Served:
        backend = Backend(from_environment(environment))
        server = start_in_background(backend)
        servers.append(server)
        return Served(f"http://127.0.0.1:{server.server_address[1]}", backend)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def served(serve: Callable[..., Served]) -> Served:
    return serve()
