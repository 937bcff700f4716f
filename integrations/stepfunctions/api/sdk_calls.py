"""Calling a real service's API through boto3 for an optimised or `aws-sdk` Task, as Step Functions does.

ASL writes every API member in PascalCase (`StateMachineArn`, `Input`), and Step Functions returns the
results the same way, also for APIs whose own members are camelCase (Step Functions' own API:
`stateMachineArn`, `executionArn`). Names are matched to the API's, and back, by the operation's shapes
in botocore's model, so data inside maps (DynamoDB attribute names, tags) keeps its own case.
`states:startExecution.sync` and `.sync:2` wait for the child execution and return its description.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from integrations.stepfunctions.api.clock import ExecutionStopped
from integrations.stepfunctions.api.config import ServerConfig
from workflows.engine import TaskFailure
from workflows.engine.resources import Resource

if TYPE_CHECKING:
    from botocore.model import Shape

# Resource service names (optimised and aws-sdk) whose boto3 client is named otherwise.
BOTO3_NAMES: Mapping[str, str] = {
    "sfn": "stepfunctions",
    "states": "stepfunctions",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "lexruntimev2": "lexv2-runtime",
    "lexmodelsv2": "lexv2-models",
    "bedrockruntime": "bedrock-runtime",
}
# Optimised integrations accept a JSON object where the API wants a string, and serialise it.
_JSON_STRING_FIELDS: Mapping[str, tuple[str, ...]] = {
    "sqs": ("MessageBody",),
    "sns": ("Message",),
    "states": ("Input",),
}
CHILD_POLL_SECONDS = 0.05


def sdk_call(resource: Resource, arguments: Any, endpoint: str | None, config: ServerConfig) -> Any:
    """The API's response, member names as Step Functions writes them; a botocore ClientError (which the
    engine names `<Service>.<Code>`) when the service refuses."""
    from botocore import xform_name

    client = _client(
        BOTO3_NAMES.get(resource.service, resource.service), endpoint, config.region, _credentials(config)
    )
    operation_name = _operation_name(client, resource.action)
    if operation_name is None:
        raise TaskFailure("States.Runtime", f"The {resource.service} API has no action {resource.action!r}")
    operation = client.meta.service_model.operation_model(operation_name)
    request = _api_names(operation.input_shape, _sdk_arguments(resource, arguments))
    response = getattr(client, xform_name(operation_name))(**request)
    response.pop("ResponseMetadata", None)
    return _asl_names(operation.output_shape, json.loads(json.dumps(response, default=_json_default)))


def child_outcome(
    started: dict[str, Any],
    pattern: str,
    endpoint: str | None,
    config: ServerConfig,
    stopped: threading.Event,
) -> Any:
    """`states:startExecution.sync` (Output as JSON text) and `.sync:2` (Output as JSON): the child's
    DescribeExecution once it ends; a child that does not succeed fails the task (States.TaskFailed)."""
    client = _client("stepfunctions", endpoint, config.region, _credentials(config))
    operation = client.meta.service_model.operation_model("DescribeExecution")
    while True:
        described = client.describe_execution(executionArn=started["ExecutionArn"])
        if described["status"] != "RUNNING":
            break
        if stopped.wait(CHILD_POLL_SECONDS):
            raise ExecutionStopped
    described.pop("ResponseMetadata", None)
    result = _asl_names(operation.output_shape, json.loads(json.dumps(described, default=_json_default)))
    if described["status"] != "SUCCEEDED":
        raise TaskFailure("States.TaskFailed", json.dumps(result, separators=(",", ":")))
    if pattern == "sync:2" and isinstance(result.get("Output"), str):
        result["Output"] = json.loads(result["Output"])
    return result


def _operation_name(client: Any, action: str) -> str | None:
    names = {name.lower(): name for name in client.meta.service_model.operation_names}
    return names.get(action.lower())


def _api_names(shape: Shape | None, value: Any) -> Any:
    """ASL's member names (any case) as the API spells them, following the shapes."""
    from botocore.model import ListShape, MapShape, StructureShape

    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = {name.lower(): name for name in shape.members}
        named = {members.get(str(key).lower(), str(key)): item for key, item in value.items()}
        return {key: _api_names(shape.members.get(key), item) for key, item in named.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_api_names(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _api_names(shape.value, item) for key, item in value.items()}
    return value


def _asl_names(shape: Shape | None, value: Any) -> Any:
    """The API's member names in PascalCase, as Step Functions returns them, following the shapes."""
    from botocore.model import ListShape, MapShape, StructureShape

    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            key[:1].upper() + key[1:]: _asl_names(shape.members.get(key), item) for key, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_asl_names(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: _asl_names(shape.value, item) for key, item in value.items()}
    return value


def _sdk_arguments(resource: Resource, arguments: Any) -> dict[str, Any]:
    arguments = dict(arguments) if isinstance(arguments, dict) else {}
    if resource.kind == "optimised":
        for name in _JSON_STRING_FIELDS.get(resource.service, ()):
            if name in arguments and not isinstance(arguments[name], str):
                arguments[name] = json.dumps(arguments[name])
        if resource.service == "events":
            arguments["Entries"] = [
                {**entry, "Detail": json.dumps(entry["Detail"])}
                if isinstance(entry, dict) and not isinstance(entry.get("Detail", ""), str)
                else entry
                for entry in arguments.get("Entries", [])
            ]
    return arguments


def _credentials(config: ServerConfig) -> tuple[str, str]:
    env = config.environment
    return env.get("AWS_ACCESS_KEY_ID") or "local", env.get("AWS_SECRET_ACCESS_KEY") or "local"


@cache
def _client(service: str, endpoint: str | None, region: str, credentials: tuple[str, str]) -> Any:
    import boto3

    session: Any = boto3.session.Session()  # the service name is only known at run time
    return session.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=credentials[0],
        aws_secret_access_key=credentials[1],
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", errors="replace")
    if hasattr(value, "read"):  # a streaming body (Lambda's Invoke through aws-sdk, S3 GetObject)
        return value.read().decode("utf-8", errors="replace")
    return str(value)
