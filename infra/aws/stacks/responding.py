"""Responding: the Lex V2 bot (from the same `infra/bot.json` the local Lex reads), the content bucket
with the curated jokes and facts, the overlay Lambda and the two Express reply workflows."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lex as lex
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.functions import build_function
from infra.aws.references import References
from infra.aws.rules import RuleTargets, add_rule
from infra.aws.stacks.common import bucket, rules_targeting
from infra.aws.state_machines import build_state_machine
from infra.topology import BUS, CONTENT, ROOT, TOPOLOGY


class RespondingStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        references: References,
        media: s3.IBucket,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        spec = next(b for b in TOPOLOGY.buckets if b.name == CONTENT)
        content = bucket(self, CONTENT, references)
        if spec.seed_folder:
            s3_deployment.BucketDeployment(
                self,
                f"{CONTENT}Files",
                sources=[s3_deployment.Source.asset(str(ROOT / spec.seed_folder))],
                destination_bucket=content,
            )
        alias_arn = self._bot(references)

        overlay = build_function(self, TOPOLOGY.function("Overlay"), references)
        media.grant_read_write(overlay)
        references.register("function", "Overlay", name=overlay.function_name, arn=overlay.function_arn)

        bus_arn = references.arn("bus", BUS)
        text = build_state_machine(
            self,
            TOPOLOGY.state_machine("RespondText"),
            references,
            {"events": [bus_arn], "lex": [alias_arn], "s3": [content.arn_for_objects("*")]},
        )
        image = build_state_machine(
            self,
            TOPOLOGY.state_machine("RespondImage"),
            references,
            {"events": [bus_arn], "lambda": [overlay.function_arn], "s3": [media.arn_for_objects("*")]},
        )
        self.machines = {"RespondText": text, "RespondImage": image}
        self.queues: dict[str, sqs.Queue] = {}
        targets = RuleTargets(state_machines={n: m.state_machine_arn for n, m in self.machines.items()})
        for rule in rules_targeting(targets):
            add_rule(self, rule, references.name("bus", BUS), targets, self.queues)

    def _bot(self, references: References) -> str:
        """The bot, a version built from its DRAFT and the alias the workflow calls; returns the alias ARN."""
        spec = TOPOLOGY.bot
        definition: dict[str, Any] = json.loads((ROOT / spec.definition).read_text())
        role = iam.Role(self, "LexRole", assumed_by=iam.ServicePrincipal("lexv2.amazonaws.com"))
        bot = lex.CfnBot(
            self,
            spec.name,
            name=definition["Name"],
            role_arn=role.role_arn,
            data_privacy=definition["DataPrivacy"],
            idle_session_ttl_in_seconds=definition["IdleSessionTTLInSeconds"],
            auto_build_bot_locales=True,
        )
        # bot.json is written with CloudFormation's property names: passed through as they are.
        for key, value in definition.items():
            if key not in ("Name", "DataPrivacy", "IdleSessionTTLInSeconds"):
                bot.add_property_override(key, value)
        version = lex.CfnBotVersion(
            self,
            f"{spec.name}Version",
            bot_id=bot.attr_id,
            bot_version_locale_specification=[
                lex.CfnBotVersion.BotVersionLocaleSpecificationProperty(
                    locale_id=spec.locale,
                    bot_version_locale_details=lex.CfnBotVersion.BotVersionLocaleDetailsProperty(
                        source_bot_version="DRAFT"
                    ),
                )
            ],
        )
        alias = lex.CfnBotAlias(
            self,
            f"{spec.name}Alias",
            bot_id=bot.attr_id,
            bot_alias_name=spec.alias,
            bot_version=version.attr_bot_version,
        )
        references.register(
            "bot", spec.name, id=bot.attr_id, alias_id=alias.attr_bot_alias_id, locale_id=spec.locale
        )
        return self.format_arn(
            service="lex", resource="bot-alias", resource_name=f"{bot.attr_id}/{alias.attr_bot_alias_id}"
        )
