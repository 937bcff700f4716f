"""cdk-nag's AwsSolutions pack passes, every accepted finding is acknowledged with a reason, and no
acknowledgement is stale (each one still suppresses a real finding)."""

from __future__ import annotations

import json

from infra.aws.acknowledgements import FINDINGS, REASONS


def _report(synthesized) -> dict:
    [report] = json.loads((synthesized.directory / "validation-report.json").read_text())["pluginReports"]
    return report


def test_aws_solutions_checks_pass_with_no_open_finding(synthesized) -> None:
    report = _report(synthesized)
    assert report["pluginName"] == "AwsSolutions"
    assert report["conclusion"] == "success"
    assert report["violations"] == []


def test_every_acknowledgement_is_used_and_has_a_reason(synthesized) -> None:
    suppressed = _report(synthesized)["suppressedViolations"]
    used = {violation["acknowledgedId"] for violation in suppressed}
    declared = {f"AwsSolutions::{rule}" for rule in REASONS} | {
        f"AwsSolutions::AwsSolutions-{finding}" for finding in FINDINGS
    }
    assert used == declared
    assert all(len(violation["reason"]) > 40 for violation in suppressed)
