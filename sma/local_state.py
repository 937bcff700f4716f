"""The local cloud's state as the command line opens it beside (or without) a running `sma up`.

Commands that only read or queue (`sma events …`, `sma replay`, `sma logs`, `sma metrics`) open the
same files the running cloud writes: the state folder from `StateLayout.from_environment()` (the one
reader of `SMA_HOME`) and the local account's identity, so the ARNs they print are the cloud's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.local.layout import StateLayout
    from integrations.bus import EventBus


def state_layout() -> StateLayout:
    """The state folder's layout (`$SMA_HOME`, default `.sma/`)."""
    from infra.local.layout import StateLayout

    return StateLayout.from_environment()


def open_bus(name: str, layout: StateLayout | None = None) -> EventBus:
    """The bus `name` of the local account, without targets: rules, archives and replays are read and
    queued here; only the process that owns the targets (the running cloud) delivers."""
    from infra.local.arns import AccountIdentity
    from integrations.bus import EventBus

    identity = AccountIdentity()
    folder = (layout or state_layout()).bus
    return EventBus(name, directory=folder, account=identity.account_id, region=identity.region)
