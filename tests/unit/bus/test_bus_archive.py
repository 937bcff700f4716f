"""Archives hold what PutEvents acknowledged; replays re-dispatch a window to current rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integrations.bus import EventBus, ManualClock
from integrations.errors import ServiceError

START = datetime(2026, 1, 1, tzinfo=UTC)


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(START.timestamp() + seconds, UTC).isoformat()


def put(bus: EventBus, detail_type: str, **detail: object) -> str:
    return bus.put_event("TWITTER", detail_type, detail or {"n": 1})


def collect(bus: EventBus, name: str, pattern: dict) -> list[dict]:
    received: list[dict] = []
    bus.put_rule(Name=name, EventPattern=pattern)
    bus.register_target(f"arn:target:{name}", received.append)
    bus.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": f"arn:target:{name}"}])
    return received


def test_archive_with_its_own_pattern_holds_only_matching_events(bus: EventBus) -> None:
    bus.create_archive(ArchiveName="everything")
    bus.create_archive(
        ArchiveName="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]}, RetentionDays=7
    )
    put(bus, "MESSAGE_RECEIVED")
    put(bus, "TWEET_SENT")
    assert bus.describe_archive("everything")["EventCount"] == 2
    described = bus.describe_archive("received")
    assert described["EventCount"] == 1
    assert described["RetentionDays"] == 7
    assert described["ArchiveArn"] == "arn:aws:events:eu-west-2:123456789012:archive/received"
    assert described["SizeBytes"] > 100
    assert [a["ArchiveName"] for a in bus.list_archives()["Archives"]] == ["everything", "received"]


def test_an_archive_holds_only_events_after_its_creation(bus: EventBus) -> None:
    put(bus, "MESSAGE_RECEIVED")
    bus.create_archive(ArchiveName="late")
    assert bus.describe_archive("late")["EventCount"] == 0


def test_replay_redispatches_a_window_with_replay_name(bus: EventBus, clock: ManualClock) -> None:
    bus.create_archive(ArchiveName="all")
    early = put(bus, "MESSAGE_RECEIVED")
    clock.advance(60)
    inside = put(bus, "MESSAGE_RECEIVED")
    clock.advance(60)
    late = put(bus, "MESSAGE_RECEIVED")
    received = collect(bus, "received", {"detail-type": ["MESSAGE_RECEIVED"]})
    response = bus.start_replay(
        ReplayName="fix-1", EventSourceArn=bus.describe_archive("all")["ArchiveArn"],
        EventStartTime=iso(30), EventEndTime=iso(90), Destination={"Arn": bus.arn},
    )  # fmt: skip
    assert response["State"] == "COMPLETED"
    assert bus.drain() == 1
    (replayed,) = received
    assert replayed["id"] == inside
    assert replayed["replay-name"] == "fix-1"
    assert {early, late}.isdisjoint({event["id"] for event in received})
    assert bus.describe_archive("all")["EventCount"] == 3  # replays are not archived again
    described = bus.describe_replay("fix-1")
    assert described["State"] == "COMPLETED"
    assert described["StateReason"] == "Replayed 1 events."


def test_rules_can_exclude_replays_and_replays_can_target_chosen_rules(bus: EventBus) -> None:
    bus.create_archive(ArchiveName="all")
    put(bus, "MESSAGE_RECEIVED")
    live_only = collect(bus, "live-only", {"source": ["TWITTER"], "replay-name": [{"exists": False}]})
    first = collect(bus, "first", {"source": ["TWITTER"]})
    second = collect(bus, "second", {"source": ["TWITTER"]})
    chosen = [bus.describe_rule("second")["Arn"], bus.describe_rule("live-only")["Arn"]]
    bus.start_replay(
        ReplayName="only-second", EventSourceArn="all", EventStartTime=iso(-1), EventEndTime=iso(1),
        Destination={"Arn": bus.arn, "FilterArns": chosen},
    )  # fmt: skip
    bus.drain()
    assert (len(live_only), len(first), len(second)) == (0, 0, 1)
    bus.start_replay(
        ReplayName="all-rules", EventSourceArn="all", EventStartTime=iso(-1), EventEndTime=iso(1)
    )
    bus.drain()
    assert (len(live_only), len(first), len(second)) == (0, 1, 2)


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        ({"EventSourceArn": "nope"}, "ResourceNotFoundException", "Archive nope does not exist."),
        ({"EventStartTime": iso(5), "EventEndTime": iso(5)}, "ValidationException", "must be before"),
        ({"EventStartTime": "soon"}, "ValidationException", "must be timestamps"),
        ({"ReplayName": "bad name"}, "ValidationException", "ReplayName"),
        (
            {"Destination": {"Arn": "arn:aws:events:x:1:event-bus/other"}},
            "ResourceNotFoundException",
            "does not exist",
        ),
        (
            {"Destination": {"Arn": "", "FilterArns": ["arn:rule/Plumbing/ghost"]}},
            "ResourceNotFoundException",
            "ghost",
        ),
    ],
)
def test_bad_replays(bus: EventBus, arguments: dict, code: str, message: str) -> None:
    bus.create_archive(ArchiveName="all")
    request = {"ReplayName": "r", "EventSourceArn": "all", "EventStartTime": iso(0), "EventEndTime": iso(9)}
    with pytest.raises(ServiceError, match=message) as raised:
        bus.start_replay(**{**request, **arguments})
    assert raised.value.code == code


def test_replay_names_are_unique(bus: EventBus) -> None:
    bus.create_archive(ArchiveName="all")
    bus.start_replay(ReplayName="r", EventSourceArn="all", EventStartTime=iso(0), EventEndTime=iso(9))
    with pytest.raises(ServiceError) as raised:
        bus.start_replay(ReplayName="r", EventSourceArn="all", EventStartTime=iso(0), EventEndTime=iso(9))
    assert raised.value.code == "ResourceAlreadyExistsException"


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"ArchiveName": "bad name"}, "ValidationException"),
        ({"ArchiveName": "a", "RetentionDays": -1}, "ValidationException"),
        ({"ArchiveName": "a", "EventPattern": {"x": []}}, "InvalidEventPatternException"),
        (
            {"ArchiveName": "a", "EventSourceArn": "arn:aws:events:x:1:event-bus/other"},
            "ResourceNotFoundException",
        ),
    ],
)
def test_bad_archives(bus: EventBus, arguments: dict, code: str) -> None:
    with pytest.raises(ServiceError) as raised:
        bus.create_archive(**arguments)
    assert raised.value.code == code
    assert bus.list_archives() == {"Archives": []}


def test_archive_names_are_unique_and_deletable(bus: EventBus) -> None:
    bus.create_archive(ArchiveName="a")
    with pytest.raises(ServiceError) as raised:
        bus.create_archive(ArchiveName="a")
    assert raised.value.code == "ResourceAlreadyExistsException"
    bus.delete_archive("a")
    with pytest.raises(ServiceError) as raised:
        bus.describe_archive("a")
    assert raised.value.code == "ResourceNotFoundException"


def test_retention_purges_old_archived_events(bus: EventBus, clock: ManualClock) -> None:
    bus.create_archive(ArchiveName="week", RetentionDays=7)
    bus.create_archive(ArchiveName="forever")
    put(bus, "MESSAGE_RECEIVED")
    clock.advance(8 * 86400)
    put(bus, "MESSAGE_RECEIVED")
    assert bus.purge_expired() == 0  # "forever" still holds the old event
    assert bus.describe_archive("week")["EventCount"] == 1
    assert bus.describe_archive("forever")["EventCount"] == 2
    bus.delete_archive("forever")
    assert bus.purge_expired() == 1
    assert len(bus.journal()) == 1


def test_archives_survive_a_restart(sma_home, clock: ManualClock) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        bus.create_archive(ArchiveName="received", EventPattern={"detail-type": ["MESSAGE_RECEIVED"]})
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        put(bus, "MESSAGE_RECEIVED")
        put(bus, "OTHER")
        assert bus.describe_archive("received")["EventCount"] == 1


def test_starting_the_bus_applies_retention(sma_home, clock: ManualClock) -> None:
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        bus.create_archive(ArchiveName="week", RetentionDays=7)
        put(bus, "MESSAGE_RECEIVED")
    clock.advance(8 * 86400)
    with EventBus("Plumbing", directory=sma_home / "bus", clock=clock) as bus:
        assert bus.describe_archive("week")["EventCount"] == 1
        bus.start()
        assert bus.describe_archive("week")["EventCount"] == 0
        assert bus.journal() == []


def test_replay_reports_progress_per_batch(bus: EventBus, monkeypatch) -> None:
    import integrations.bus.archive as archive_module

    monkeypatch.setattr(archive_module, "REPLAY_BATCH", 2)
    bus.create_archive(ArchiveName="all")
    for _ in range(5):
        put(bus, "MESSAGE_RECEIVED")
    seen: list[tuple[int, int]] = []
    bus.start_replay(
        ReplayName="r", EventSourceArn="all", EventStartTime=iso(-1), EventEndTime=iso(1),
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen == [(2, 5), (4, 5), (5, 5)]
