"""Names and ARNs as Step Functions checks and builds them."""

from __future__ import annotations

import re

from integrations.stepfunctions.api.errors import ApiError, invalid_arn, invalid_name

# Step Functions' rule for the names of state machines and executions: 1-80 characters, none of
# whitespace, brackets, wildcards, special characters or control characters.
_INVALID_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
_ARN = re.compile(
    r"^arn:aws[a-z-]*:states:(?P<region>[^:]*):(?P<account>[^:]*):(?P<kind>[^:]+):(?P<rest>.+)$"
)


def check_name(name: str) -> str:
    if not 1 <= len(name) <= 80 or _INVALID_NAME.search(name):
        raise invalid_name(name)
    return name


def machine_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def execution_arn(region: str, account: str, machine: str, name: str, express_id: str | None) -> str:
    if express_id is not None:
        return f"arn:aws:states:{region}:{account}:express:{machine}:{name}:{express_id}"
    return f"arn:aws:states:{region}:{account}:execution:{machine}:{name}"


def split_test_case(arn: str) -> tuple[str, str | None]:
    """`<state machine ARN>#<TestCase>` as Step Functions Local reads it: the ARN and the case."""
    base, hash_, case = arn.partition("#")
    return base, (case if hash_ else None)


def parse_arn(arn: str, *kinds: str) -> tuple[str, str, str, str]:
    """(region, account, kind, rest) of a Step Functions ARN of one of `kinds`; InvalidArn otherwise."""
    match = _ARN.match(arn)
    if match is None:
        raise invalid_arn(arn)
    if match["kind"] not in kinds:
        raise invalid_arn(arn, f"Resource type not valid in this context: {match['kind']}")
    return match["region"], match["account"], match["kind"], match["rest"]


def check_role_arn(arn: str) -> None:
    if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+", arn):
        raise ApiError("InvalidArn", f"Invalid Arn: 'Invalid role ARN: {arn}'")
