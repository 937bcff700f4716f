"""Step Functions' aws-sdk integrations for Comprehend, Rekognition and Lex V2, as ASL engine handlers.

Keys are the resource ARNs a Task names (`arn:aws:states:::aws-sdk:comprehend:detectSentiment`: the
action camelCase). Comprehend and Rekognition take and return their PascalCase members unchanged (image
`Bytes` arrive as base64 text, as Step Functions passes blobs); Lex V2's camelCase members are renamed
both ways. Errors stay `ServiceError`s, which the engine reports as `<Service>.<Code>`, for example
`Comprehend.TextSizeLimitExceededException`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from integrations.ai.casing import to_api, to_step_functions
from integrations.ai.services import AiServices, Operation
from integrations.ai.shapes import operation_model
from integrations.errors import ServiceError

Handler = Callable[[Any, Any], Any]
# botocore service name → the service name in Step Functions' aws-sdk ARNs, and whether members are camelCase.
SFN_SERVICES: dict[str, tuple[str, bool]] = {
    "comprehend": ("comprehend", False),
    "rekognition": ("rekognition", False),
    "lexv2-runtime": ("lexruntimev2", True),
}


def _action(operation: str) -> str:
    return operation[:1].lower() + operation[1:]


def _handler(service: str, operation: str, implementation: Operation, camel: bool) -> Handler:
    model = operation_model(service, operation)

    def handler(arguments: Any, invocation: Any) -> Any:
        del invocation  # the result depends on the arguments only
        if not isinstance(arguments, Mapping):
            raise ServiceError(service, _invalid_code(service), f"{operation} needs an object of parameters")
        request = to_api(model.input_shape, dict(arguments)) if camel else dict(arguments)
        response = implementation(request)
        return to_step_functions(model.output_shape, response) if camel else response

    return handler


def _invalid_code(service: str) -> str:
    return {
        "comprehend": "InvalidRequestException",
        "rekognition": "InvalidParameterException",
        "lexv2-runtime": "ValidationException",
    }[service]


def engine_handlers(services: AiServices) -> dict[str, Handler]:
    """Resource ARN → handler for every operation of the local AI services."""
    handlers: dict[str, Handler] = {}
    for service, operations in services.operations().items():
        sfn_name, camel = SFN_SERVICES[service]
        for operation, implementation in operations.items():
            arn = f"arn:aws:states:::aws-sdk:{sfn_name}:{_action(operation)}"
            handlers[arn] = _handler(service, operation, implementation, camel)
    return handlers
