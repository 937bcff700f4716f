"""The SNS notification document a subscriber receives (HTTP body, email-json, file and console)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def timestamp(moment: float) -> str:
    """SNS's Timestamp: ISO 8601, UTC, milliseconds."""
    return (
        datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{int(moment * 1000) % 1000:03d}Z"
    )


def notification(
    *,
    message_id: str,
    topic_arn: str,
    message: str,
    subject: str | None,
    attributes: Mapping[str, Mapping[str, Any]],
    sent_at: float,
    subscription_arn: str,
) -> dict[str, Any]:
    document: dict[str, Any] = {"Type": "Notification", "MessageId": message_id, "TopicArn": topic_arn}
    if subject is not None:
        document["Subject"] = subject
    document.update(
        {
            "Message": message,
            "Timestamp": timestamp(sent_at),
            # Local deliveries are not signed: AWS signs with a certificate only AWS holds.
            "SignatureVersion": "1",
            "UnsubscribeURL": f"sma://unsubscribe?SubscriptionArn={subscription_arn}",
        }
    )
    if attributes:
        document["MessageAttributes"] = {
            name: {"Type": attribute["DataType"], "Value": _value(attribute)}
            for name, attribute in attributes.items()
        }
    return document


def _value(attribute: Mapping[str, Any]) -> str:
    if attribute.get("StringValue") is not None:
        return str(attribute["StringValue"])
    binary = attribute.get("BinaryValue") or b""
    return base64.b64encode(binary if isinstance(binary, bytes) else str(binary).encode()).decode("ascii")
