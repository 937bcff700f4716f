"""The CDK app: one stack per microservice, built from `infra.topology` and the ASL files only.

`python -m infra.aws.app` (what `make synth` and `make deploy` give the CDK CLI as its app) synthesizes into
`cdk.out/`. Stacks are
environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set (the CLI sets them from the credentials
it deploys with), so synthesis needs no AWS credentials. cdk-nag's AwsSolutions pack checks every stack;
each acknowledged finding carries its reason (`infra/aws/acknowledgements.py`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aws_cdk import App, Environment, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from infra.aws.acknowledgements import acknowledge
from infra.aws.references import References
from infra.aws.stacks.alerting import AlertingStack
from infra.aws.stacks.analysis import AnalysisStack
from infra.aws.stacks.analytics import AnalyticsStack
from infra.aws.stacks.egress import EgressStack
from infra.aws.stacks.ingest import IngestStack
from infra.aws.stacks.ingress import IngressStack
from infra.aws.stacks.observability import ObservabilityStack
from infra.aws.stacks.plumbing import PlumbingStack
from infra.aws.stacks.responding import RespondingStack
from infra.topology import ROOT, TOPOLOGY

PREFIX = "Sma"
CROSS_STACK_REFERENCES = "@aws-cdk/core:defaultCrossStackReferences"


@dataclass
class System:
    app: App
    stacks: dict[str, Stack]


def build(app: App | None = None) -> System:
    app = app or App()
    # Strong (Fn::ImportValue) references, said explicitly: CloudFormation then refuses to remove the bus
    # or a bucket while another stack's rules or functions still use it.
    if app.node.try_get_context(CROSS_STACK_REFERENCES) is None:
        app.node.set_context(CROSS_STACK_REFERENCES, "strong")
    account, region = os.environ.get("CDK_DEFAULT_ACCOUNT"), os.environ.get("CDK_DEFAULT_REGION")
    env = Environment(account=account, region=region) if account and region else None
    references = References()

    def name(service: str) -> str:
        return f"{PREFIX}-{service}"

    plumbing = PlumbingStack(app, name("Plumbing"), references=references, env=env)
    ingress = IngressStack(app, name("Ingress"), references=references, env=env)
    ingest = IngestStack(app, name("Ingest"), references=references, stream=ingress.stream, env=env)
    analysis = AnalysisStack(app, name("Analysis"), references=references, media=plumbing.media, env=env)
    alerting = AlertingStack(app, name("Alerting"), references=references, env=env)
    responding = RespondingStack(
        app, name("Responding"), references=references, media=plumbing.media, env=env
    )
    egress = EgressStack(app, name("Egress"), references=references, media=plumbing.media, env=env)
    analytics = AnalyticsStack(app, name("Analytics"), references=references, env=env)
    log_group = next(iter(plumbing.log_groups.values()))
    observability = ObservabilityStack(
        app,
        name("Observability"),
        event_log=log_group,
        machines={
            "Ingest": ingest.machine,
            "Analyse": analysis.machine,
            **responding.machines,
            "Egress": egress.machine,
        },
        queues={
            **plumbing.queues,
            **ingest.queues,
            **analysis.queues,
            **alerting.queues,
            **responding.queues,
            **egress.queues,
            **analytics.queues,
        },
        alerts=alerting.topics[TOPOLOGY.topics[0].name],
        env=env,
    )
    stacks: dict[str, Stack] = {
        stack.stack_name: stack
        for stack in (
            plumbing,
            ingress,
            ingest,
            analysis,
            alerting,
            responding,
            egress,
            analytics,
            observability,
        )
    }
    for stack in stacks.values():
        acknowledge(stack)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return System(app, stacks)


def main() -> None:
    # The CLI says where to write (CDK_OUTDIR); run directly, the app writes to the repo's cdk.out/.
    build(App(outdir=os.environ.get("CDK_OUTDIR") or str(ROOT / "cdk.out"))).app.synth()


if __name__ == "__main__":
    main()
