"""What delivering to an ARN means in the local account, service by service, as EventBridge and Pipes
do it on AWS: a state machine's ARN starts an execution, a topic's publishes, a delivery stream's puts a
record, a log group's writes a log event, a function's invokes it asynchronously.

EventBridge hands each target its input as JSON text (or the text an input transformer made); a target
here gets what the rule's input produced and serialises it the way that service's API takes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from infra.local.arns import Arn
from integrations.unicode_text import json_text

if TYPE_CHECKING:
    from infra.local.account import LocalAccount

Deliver = Callable[[Any], None]


def _text(payload: Any) -> str:
    # As EventBridge hands an event to a target: compact JSON, UTF-8.
    return payload if isinstance(payload, str) else json_text(payload)


def deliverer_for(account: LocalAccount, text: str) -> Deliver | None:
    """The delivery to the ARN `text`, or None when the account has no such kind of target."""
    arn = Arn.parse(text)
    if arn.service == "states":

        def start(payload: Any) -> None:
            account.client("stepfunctions").start_execution(stateMachineArn=text, input=_text(payload))

        return start
    if arn.service == "sns":

        def publish(payload: Any) -> None:
            account.client("sns").publish(TopicArn=text, Message=_text(payload))

        return publish
    if arn.service == "firehose":
        name = arn.resource_name

        def put_record(payload: Any) -> None:
            account.client("firehose").put_record(
                DeliveryStreamName=name, Record={"Data": _text(payload).encode()}
            )

        return put_record
    if arn.service == "logs":
        group = arn.resource_name

        def put_log_event(payload: Any) -> None:
            account.client("logs").put(group, payload if isinstance(payload, dict) else json.loads(payload))

        return put_log_event
    if arn.service == "lambda":
        name = arn.resource_name

        def invoke(payload: Any) -> None:
            account.client("lambda").invoke(
                name, payload if not isinstance(payload, str) else json.loads(payload)
            )

        return invoke
    return None


def pipe_target_for(account: LocalAccount, text: str, invocation_type: str) -> Callable[[str], Any]:
    """A pipe's state-machine target: REQUEST_RESPONSE waits for the (Express) execution's result,
    FIRE_AND_FORGET only starts it, as the pipe's StepFunctionStateMachineParameters say."""
    service = Arn.parse(text).service
    if service != "states":
        raise ValueError(f"the local pipes deliver to state machines only, not {service}")

    def start(payload: str) -> Any:
        service = account.client("stepfunctions")
        if invocation_type == "REQUEST_RESPONSE":
            return service.start_sync_execution(stateMachineArn=text, input=payload)
        return service.start_execution(stateMachineArn=text, input=payload)

    return start
