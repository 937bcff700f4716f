"""The Step Functions server's small parts on their own: configuration as Step Functions Local reads it
(AWS: "Setting configuration options for Step Functions Local"), history in both forms (issue 17 records
Step Functions Local's and AWS's form of aws-sdk task events), pagination tokens, request checks in
AWS's validation wording."""

from __future__ import annotations

import pytest

from integrations.stepfunctions.api import history_view, pages
from integrations.stepfunctions.api.config import endpoint_variable, from_environment
from integrations.stepfunctions.api.errors import ApiError
from integrations.stepfunctions.api.names import split_test_case
from integrations.stepfunctions.api.requests import check_request


def test_configuration_comes_from_step_functions_locals_variables_and_options_win():
    config = from_environment(
        {"AWS_ACCOUNT_ID": "111122223333", "WAIT_TIME_SCALE": "0.5", "LAMBDA_ENDPOINT": "http://l:3001"},
        account=None,
        region="eu-west-1",
    )
    assert (config.account, config.region, config.wait_time_scale) == ("111122223333", "eu-west-1", 0.5)
    assert config.endpoint("lambda") == "http://l:3001"
    assert config.endpoint("sqs") is None
    assert from_environment({}).account == "123456789012"
    assert from_environment({"AWS_DEFAULT_REGION": "eu-west-2"}).region == "us-east-1"


@pytest.mark.parametrize(
    ("environment", "message"),
    [({"WAIT_TIME_SCALE": "fast"}, "WAIT_TIME_SCALE must be a number"), ({"SFN_COMPAT": "gcp"}, "compat")],
)
def test_bad_configuration_is_refused_with_a_reason(environment, message):
    with pytest.raises(ValueError, match=message):
        from_environment(environment)


def test_endpoint_variables_use_step_functions_locals_names():
    assert endpoint_variable("sagemaker") == "SAGE_MAKER_ENDPOINT"
    assert endpoint_variable("states") == endpoint_variable("sfn") == "STEP_FUNCTIONS_ENDPOINT"
    assert endpoint_variable("comprehend") == "COMPREHEND_ENDPOINT"


def test_the_test_case_is_the_part_after_the_hash():
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Orders"
    assert split_test_case(arn + "#HappyPath") == (arn, "HappyPath")
    assert split_test_case(arn) == (arn, None)


ACCOUNT = "123456789012"
EVENT = {
    "id": 3,
    "previousEventId": 2,
    "type": "TaskScheduled",
    "taskScheduledEventDetails": {
        "resourceType": "aws-sdk:comprehend",
        "resource": "detectSentiment",
        "region": "us-east-1",
        "parameters": '{"Text":"hi"}',
    },
}


def test_aws_sdk_events_in_both_forms():
    local = history_view.render([EVENT], aws_form=False, account=ACCOUNT)[0]["taskScheduledEventDetails"]
    aws = history_view.render([EVENT], aws_form=True, account=ACCOUNT)[0]["taskScheduledEventDetails"]
    assert (local["resourceType"], local["resource"]) == ("aws-sdk", "comprehend:detectSentiment")
    assert (aws["resourceType"], aws["resource"]) == ("aws-sdk:comprehend", "detectSentiment")
    assert EVENT["taskScheduledEventDetails"]["resourceType"] == "aws-sdk:comprehend"  # not mutated
    hidden = history_view.render([EVENT], aws_form=True, account=ACCOUNT, include_data=False)[0][
        "taskScheduledEventDetails"
    ]
    assert "parameters" not in hidden


def test_pages_carry_on_where_the_last_stopped():
    items = list(range(250))
    first, token = pages.page(items, None, None)
    second, last = pages.page(items, None, token)
    # AWS's default page is 100 items.
    assert (len(first), len(second), second[0]) == (100, 100, 100)
    assert last is not None
    rest, end = pages.page(items, None, last)
    assert first + second + rest == items
    assert end is None
    assert pages.page(items, None, None, default=None) == (items, None)
    with pytest.raises(ApiError) as bad:
        pages.page(items, 10, "garbage")
    assert bad.value.code == "InvalidToken"


def test_request_checks_report_every_violation_in_awss_words():
    with pytest.raises(ApiError) as error:
        check_request("StartExecution", {"name": "", "stateMachineArn": None})
    assert error.value.code == "ValidationException"
    assert error.value.message == (
        "2 validation errors detected: Value null at 'stateMachineArn' failed to satisfy constraint: "
        "Member must not be null; Value '' at 'name' failed to satisfy constraint: Member must have length "
        "greater than or equal to 1"
    )
    with pytest.raises(ApiError) as wrong_type:
        check_request("StartExecution", {"stateMachineArn": 7})
    assert wrong_type.value.code == "SerializationException"
    check_request(
        "StartExecution", {"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x"}
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--wait-time-scale", "-1"], "WAIT_TIME_SCALE must not be negative"),
        (["--compat", "gcp"], "compat must be one of sfn-local, aws"),
    ],
)
def test_the_command_refuses_bad_options_in_one_line(option, message):
    from typer.testing import CliRunner

    from sma.cli import app

    result = CliRunner().invoke(app, ["stepfunctions", "serve", "--port", "0", *option])
    assert result.exit_code == 2
    assert message in result.output
