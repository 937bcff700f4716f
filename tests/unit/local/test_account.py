"""The local account: services by botocore name, targets by ARN, functions built by convention, and every
path under one state folder (issue 18: one context and one registry)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.local.account import LocalAccount, UnknownService
from infra.local.arns import AccountIdentity, Arn
from infra.local.functions import build_handler
from infra.local.layout import StateLayout


@pytest.fixture
def account(tmp_path: Path) -> LocalAccount:
    return LocalAccount(StateLayout(tmp_path), AccountIdentity("210987654321", "eu-central-1"))


def test_a_client_is_made_once_and_kept(account: LocalAccount) -> None:
    assert account.client("s3") is account.client("s3")
    with pytest.raises(UnknownService, match="no service named 'sqs'"):
        account.client("sqs")


def test_services_keep_their_files_under_the_state_folder(account: LocalAccount, tmp_path: Path) -> None:
    account.client("s3").create_bucket(Bucket="sma-photos")
    account.client("dynamodb")
    account.client("kinesis")
    for path in (account.layout.objects, account.layout.tables, account.layout.stream):
        assert path.exists() and path.is_relative_to(tmp_path)


def test_a_target_arn_is_resolved_by_its_service(account: LocalAccount) -> None:
    identity = account.identity
    assert account.deliverer(identity.state_machine_arn("Analyse")) is not None
    assert account.deliverer(identity.topic_arn("Alerts")) is not None
    assert account.deliverer(identity.log_group_arn("/aws/events/Plumbing")) is not None
    # A kind of target the local account does not run, and another account's resource: nothing.
    assert account.deliverer(identity.queue_arn("q")) is None
    assert account.deliverer("arn:aws:states:eu-central-1:111122223333:stateMachine:Analyse") is None


def test_a_log_group_target_writes_the_event_and_tells_subscribers(account: LocalAccount) -> None:
    heard: list[tuple[str, dict]] = []
    account.client("logs").subscribe(lambda group, event: heard.append((group, event)))
    deliver = account.deliverer(account.identity.log_group_arn("/sma/events"))
    assert deliver is not None
    event = {"id": "1", "detail-type": "X", "time": "2026-12-03T10:00:00Z", "detail": {}}
    deliver(json.dumps(event))
    assert heard == [("/sma/events", event)]


def test_every_function_gets_the_region_as_lambda_sets_it(account: LocalAccount) -> None:
    assert account.function_environment()["AWS_REGION"] == "eu-central-1"


def test_arns_parse_back_into_their_parts() -> None:
    arn = Arn.parse(AccountIdentity().delivery_stream_arn("LakeDelivery"))
    assert (arn.service, arn.account, arn.resource_name) == ("firehose", "123456789012", "LakeDelivery")
    with pytest.raises(ValueError, match="not an ARN"):
        Arn.parse("Analyse")


def test_a_function_is_built_from_its_handler_path_with_the_clients_it_names(tmp_path: Path) -> None:
    given: dict[str, object] = {"s3": object()}
    handler = build_handler("lambdas.overlay.handler.handler", {}, given.get)
    assert callable(handler)
    # A client the account does not offer, for a parameter without a default: named in the error.
    with pytest.raises(TypeError, match="needs a 's3' client"):
        build_handler("lambdas.overlay.handler.handler", {}, lambda name: None)
