"""Physical names and ARNs of the local cloud's resources, derived from the topology's logical names.

Resources are named as CloudFormation would not (it adds random suffixes); locally the logical name is
the physical name, which keeps logs and `sma` output readable. ARNs use the local account and region.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from infra.topology import Ref


@dataclass(frozen=True)
class LocalNames:
    account: str = "123456789012"
    region: str = "eu-west-2"

    def bucket(self, name: str) -> str:
        # S3 bucket names are lower-case; the account keeps them unique as CDK's generated names are.
        return f"sma-{name.lower()}-{self.account}"

    def function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{name}"

    def state_machine_arn(self, name: str) -> str:
        return f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"

    def topic_arn(self, name: str) -> str:
        return f"arn:aws:sns:{self.region}:{self.account}:{name}"

    def delivery_stream_arn(self, name: str) -> str:
        return f"arn:aws:firehose:{self.region}:{self.account}:deliverystream/{name}"

    def log_group_arn(self, name: str) -> str:
        return f"arn:aws:logs:{self.region}:{self.account}:log-group:{name}"

    def queue_arn(self, name: str) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account}:{name}"

    def stream_arn(self, name: str) -> str:
        return f"arn:aws:kinesis:{self.region}:{self.account}:stream/{name}"

    @staticmethod
    def bot_id(name: str) -> str:
        """Lex V2 bot ids are 10 upper-case alphanumerics; a stable one is derived from the name."""
        return hashlib.sha256(name.encode()).hexdigest()[:10].upper()

    @staticmethod
    def bot_alias_id(alias: str) -> str:
        return hashlib.sha256(f"alias:{alias}".encode()).hexdigest()[:10].upper()

    def resolve(self, ref: Ref, bot_alias: str = "live", bot_locale: str = "en_GB") -> str:
        """The local value of a topology reference."""
        resolvers: dict[tuple[str, str], Callable[[str], str]] = {
            ("bucket", "name"): self.bucket,
            ("function", "arn"): self.function_arn,
            ("state_machine", "arn"): self.state_machine_arn,
            ("topic", "arn"): self.topic_arn,
            ("bot", "id"): self.bot_id,
            ("bot", "alias_id"): lambda _: self.bot_alias_id(bot_alias),
            ("bot", "locale_id"): lambda _: bot_locale,
        }
        for kind in ("function", "bus", "table", "stream"):
            resolvers[(kind, "name")] = str
        try:
            return resolvers[(ref.kind, ref.attribute)](ref.name)
        except KeyError:
            raise ValueError(f"the local cloud cannot resolve {ref}") from None
