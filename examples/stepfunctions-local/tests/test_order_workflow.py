"""One test per test case of the mock config: start the execution on `<state machine ARN>#<TestCase>`,
wait for it to end, then assert on its history, as AWS's Step Functions Local samples do."""

import json
import time


def run(sfn_client, state_machine_arn, test_case, order):
    execution_arn = sfn_client.start_execution(
        stateMachineArn=f"{state_machine_arn}#{test_case}",
        name=f"{test_case}-{order['orderId']}",
        input=json.dumps(order),
    )["executionArn"]
    while sfn_client.describe_execution(executionArn=execution_arn)["status"] == "RUNNING":
        time.sleep(0.1)
    return sfn_client.get_execution_history(executionArn=execution_arn)["events"]


def exited_states(events):
    return [
        event["stateExitedEventDetails"]["name"] for event in events if "stateExitedEventDetails" in event
    ]


def last_event(events):
    return events[-1]


ORDER = {"orderId": "o-1", "sku": "BOOK-1", "quantity": 2, "amount": 25.0}


def test_happy_path(sfn_client, state_machine_arn):
    events = run(sfn_client, state_machine_arn, "HappyPath", ORDER)
    assert exited_states(events) == ["CheckStock", "InStock?", "ChargeCard", "NotifyCustomer"]
    assert last_event(events)["type"] == "ExecutionSucceeded"
    output = json.loads(last_event(events)["executionSucceededEventDetails"]["output"])
    assert output["payment"] == {"chargeId": "ch_001"}
    assert output["stock"] == {"available": 10}


def test_out_of_stock(sfn_client, state_machine_arn):
    events = run(sfn_client, state_machine_arn, "OutOfStock", {**ORDER, "orderId": "o-2"})
    failed = last_event(events)
    assert failed["type"] == "ExecutionFailed"
    assert failed["executionFailedEventDetails"]["error"] == "OutOfStock"
    assert "ChargeCard" not in exited_states(events)


def test_busy_payment_service_is_retried(sfn_client, state_machine_arn):
    events = run(sfn_client, state_machine_arn, "BusyPaymentService", {**ORDER, "orderId": "o-3"})
    throttled = [
        event
        for event in events
        if event["type"] == "TaskFailed"
        and event["taskFailedEventDetails"]["error"] == "Lambda.TooManyRequestsException"
    ]
    assert len(throttled) == 2
    assert last_event(events)["type"] == "ExecutionSucceeded"


def test_card_declined_is_caught(sfn_client, state_machine_arn):
    events = run(sfn_client, state_machine_arn, "CardDeclined", {**ORDER, "orderId": "o-4"})
    task_failed = next(event for event in events if event["type"] == "TaskFailed")
    assert task_failed["taskFailedEventDetails"]["error"] == "CardDeclined"
    assert last_event(events)["executionFailedEventDetails"]["error"] == "PaymentFailed"


def test_history_events_are_chained(sfn_client, state_machine_arn):
    events = run(sfn_client, state_machine_arn, "HappyPath", {**ORDER, "orderId": "o-5"})
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert all(event["previousEventId"] < event["id"] for event in events)
    scheduled = [event["taskScheduledEventDetails"] for event in events if event["type"] == "TaskScheduled"]
    # Step Functions Local writes aws-sdk integrations as resourceType "aws-sdk" and resource
    # "<service>:<action>".
    assert [(d["resourceType"], d["resource"]) for d in scheduled] == [
        ("aws-sdk", "dynamodb:getItem"),
        ("lambda", "invoke"),
        ("sns", "publish"),
    ]
