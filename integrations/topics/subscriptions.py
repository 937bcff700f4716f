"""Subscriptions: the protocols the local SNS delivers to, and the attributes a subscription may carry
(FilterPolicy, FilterPolicyScope, RawMessageDelivery), checked as Subscribe checks them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from integrations.errors import ServiceError
from integrations.patterns import FilterPolicy, compile_filter_policy
from integrations.topics.validation import invalid

PROTOCOLS = ("http", "https", "email", "email-json", "console", "file", "local")
RAW_CAPABLE = ("http", "https", "file", "local", "console")
SUBSCRIPTION_ATTRIBUTES = ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery")


class Subscription:
    """One confirmed subscription, its filter policy compiled once."""

    def __init__(
        self, arn: str, topic: str, protocol: str, endpoint: str, attributes: dict[str, str]
    ) -> None:
        self.arn, self.topic, self.protocol, self.endpoint = arn, topic, protocol, endpoint
        self.attributes = attributes
        self.policy: FilterPolicy | None = None
        if attributes.get("FilterPolicy"):
            self.policy = compile_filter_policy(
                attributes["FilterPolicy"], attributes.get("FilterPolicyScope", "MessageAttributes")
            )

    @property
    def raw(self) -> bool:
        return self.attributes.get("RawMessageDelivery", "false").lower() == "true"

    def describe(self) -> dict[str, str]:
        return {
            "SubscriptionArn": self.arn,
            "Owner": self.arn.split(":")[4],
            "Protocol": self.protocol,
            "Endpoint": self.endpoint,
            "TopicArn": self.topic,
        }


def check_endpoint(protocol: str, endpoint: Any) -> str:
    """The endpoint to store for `protocol`, or SNS's InvalidParameter."""
    if protocol not in PROTOCOLS:
        raise invalid(f"Invalid protocol type: {protocol}")
    if protocol == "console":
        return str(endpoint or "stdout")
    if not isinstance(endpoint, str) or not endpoint:
        raise invalid("Endpoint")
    if protocol in ("http", "https") and not endpoint.startswith(f"{protocol}://"):
        raise invalid(f"Endpoint must match the specified protocol ({protocol})")
    if protocol.startswith("email") and "@" not in endpoint:
        raise invalid("Email address")
    return endpoint


def check_subscription_attributes(
    protocol: str, attributes: Mapping[str, Any], *, subscribing: bool = False
) -> dict[str, str]:
    """The attributes as strings (a FilterPolicy may be given as an object), or InvalidParameter.

    Subscribe reports a bad policy inside its Attributes ("Invalid parameter: Attributes Reason:
    FilterPolicy: ..."), SetSubscriptionAttributes without that part ("Invalid parameter: FilterPolicy:
    ..."), as AWS's recorded answers to both show."""
    checked: dict[str, str] = {}
    for name, value in attributes.items():
        if name not in SUBSCRIPTION_ATTRIBUTES:
            raise invalid(f"Attributes Reason: Unknown attribute {name}")
        checked[name] = value if isinstance(value, str) else json.dumps(value)
    raw = checked.get("RawMessageDelivery", "false").lower()
    if raw not in ("true", "false"):
        raise invalid("Attributes Reason: RawMessageDelivery: Invalid value. Must be true or false.")
    if raw == "true" and protocol not in RAW_CAPABLE:
        raise invalid(
            f"Attributes Reason: Delivery protocol [{protocol}] does not support raw message delivery."
        )
    try:
        if checked.get("FilterPolicy"):
            compile_filter_policy(
                checked["FilterPolicy"], checked.get("FilterPolicyScope", "MessageAttributes")
            )
        elif "FilterPolicyScope" in checked:
            compile_filter_policy('{"x": ["y"]}', checked["FilterPolicyScope"])  # validates the scope alone
    except ServiceError as error:
        if not subscribing:
            raise
        reason = error.message.removeprefix("Invalid parameter: ")
        raise invalid(f"Attributes Reason: {reason}") from None
    return checked
