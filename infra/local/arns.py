"""The local account's identity and the ARNs of its resources, built and parsed in one place.

Resources are named as CloudFormation would not (it adds random suffixes); locally the logical name is
the physical name, which keeps logs and `sma` output readable.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from integrations.identity import DEFAULT_ACCOUNT_ID, DEFAULT_REGION


@dataclass(frozen=True)
class Arn:
    """The parts of an ARN: arn:partition:service:region:account:resource."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn:
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            raise ValueError(f"not an ARN: {text!r}")
        return cls(*parts[1:])

    @property
    def resource_name(self) -> str:
        """The resource's name: after `stateMachine:`, `function:`, `deliverystream/`, `log-group:`, …"""
        for separator in (":", "/"):
            if separator in self.resource:
                return self.resource.split(separator, 1)[1]
        return self.resource


@dataclass(frozen=True)
class AccountIdentity:
    """An account id and a region, and the ARNs of resources in them."""

    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = DEFAULT_REGION

    def _arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:aws:{service}:{region}:{self.account_id}:{resource}"

    def bucket(self, name: str) -> str:
        # S3 bucket names are lower-case and global; the account keeps them unique as CDK's names are.
        return f"sma-{name.lower()}-{self.account_id}"

    def bucket_arn(self, name: str) -> str:
        return f"arn:aws:s3:::{self.bucket(name)}"

    def function_arn(self, name: str) -> str:
        return self._arn("lambda", f"function:{name}")

    def state_machine_arn(self, name: str) -> str:
        return self._arn("states", f"stateMachine:{name}")

    def topic_arn(self, name: str) -> str:
        return self._arn("sns", name)

    def delivery_stream_arn(self, name: str) -> str:
        return self._arn("firehose", f"deliverystream/{name}")

    def log_group_arn(self, name: str) -> str:
        return self._arn("logs", f"log-group:{name}")

    def queue_arn(self, name: str) -> str:
        return self._arn("sqs", name)

    def stream_arn(self, name: str) -> str:
        return self._arn("kinesis", f"stream/{name}")

    def event_bus_arn(self, name: str) -> str:
        return self._arn("events", f"event-bus/{name}")

    @staticmethod
    def bot_id(name: str) -> str:
        """Lex V2 bot ids are 10 upper-case alphanumerics; a stable one is derived from the name."""
        return hashlib.sha256(name.encode()).hexdigest()[:10].upper()

    @staticmethod
    def bot_alias_id(alias: str) -> str:
        return hashlib.sha256(f"alias:{alias}".encode()).hexdigest()[:10].upper()
