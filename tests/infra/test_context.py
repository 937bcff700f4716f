"""Context values the README documents change the templates: the dependencies layer on every function,
the email subscription on the alerts topic. Without them, neither is there."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App
from aws_cdk.assertions import Template

from infra.aws.app import build
from infra.aws.functions import LAYER_CONTEXT_KEY
from infra.aws.stacks.alerting import ALERT_EMAIL_CONTEXT_KEY
from infra.topology import PYTHON_VERSION

LAYER = "arn:aws:lambda:eu-west-2:123456789012:layer:sma-dependencies:3"


def test_layer_and_alert_email_from_context(tmp_path) -> None:
    app = App(
        outdir=str(tmp_path), context={LAYER_CONTEXT_KEY: LAYER, ALERT_EMAIL_CONTEXT_KEY: "me@example.com"}
    )
    system = build(app)
    functions = [
        resource["Properties"]
        for name in ("Sma-Ingress", "Sma-Analysis", "Sma-Responding", "Sma-Egress")
        for resource in Template.from_stack(system.stacks[name])
        .find_resources("AWS::Lambda::Function")
        .values()
        if resource["Properties"].get("Handler", "").startswith("lambdas.")
    ]
    assert len(functions) == 4
    assert all(f["Layers"] == [LAYER] for f in functions)
    alerting = Template.from_stack(system.stacks["Sma-Alerting"])
    alerting.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "me@example.com"}
    )


def test_no_layer_and_no_subscription_by_default(synthesized) -> None:
    assert synthesized.resources("AWS::SNS::Subscription") == []
    functions = synthesized.resources("AWS::Lambda::Function")
    assert all("Layers" not in p for _, _, p in functions if p.get("Handler", "").startswith("lambdas."))


def test_the_dependencies_layer_is_built_by_pip_for_arm64_without_docker(tmp_path, monkeypatch) -> None:
    from infra.aws import layer

    commands: list[list[str]] = []

    def pip(command: list[str], check: bool) -> None:  # stands in for pip: tests never use the network
        commands.append(command)
        target = Path(command[command.index("--target") + 1])
        target.mkdir(parents=True)
        (target / "PIL.py").write_text("")

    monkeypatch.setattr(layer.subprocess, "run", pip)
    system = build(App(outdir=str(tmp_path), context={layer.BUILD_CONTEXT_KEY: "true"}))
    egress = Template.from_stack(system.stacks["Sma-Egress"])
    [layer_id] = egress.find_resources("AWS::Lambda::LayerVersion")
    post = [
        r["Properties"]
        for r in egress.find_resources("AWS::Lambda::Function").values()
        if r["Properties"].get("Handler") == "lambdas.post_tweet.handler.handler"
    ]
    assert post[0]["Layers"] == [{"Ref": layer_id}]
    [command] = {tuple(c) for c in commands}  # one build: every stack's layer asset has the same hash
    assert "manylinux_2_26_aarch64" in command and "--only-binary=:all:" in command
    assert command[command.index("--python-version") + 1] == PYTHON_VERSION
    assert {"pillow", "tweepy", "requests", "requests-oauthlib"} <= set(command)
    assert command[command.index("--constraint") + 1].endswith("constraints.txt")
