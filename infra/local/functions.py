"""The local Lambda service: each function runs its real handler with the local account's clients.

A function is built by convention from the topology's `handler` path (`lambdas.ingress.handler.handler`):
its module's `create_handler(env, *, <client>…)` is called with the function's environment and, for each
keyword-only parameter, the account's client of the service it is named after (`s3`, `kinesis`, `x`, …).
A parameter with a default that the account does not offer keeps its default (on AWS the handler builds
its own). Payloads cross the boundary as JSON, as they do on Lambda, so a handler can never change its
caller's data.
"""

from __future__ import annotations

import importlib
import inspect
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

LambdaFunction = Callable[[Any, Any], Any]
ClientLookup = Callable[[str], Any | None]


class FunctionNotFound(KeyError):
    """Lambda's ResourceNotFoundException: no function of that name in the account."""


def _factory(handler_path: str) -> Callable[..., LambdaFunction]:
    module_name = handler_path.rsplit(".", 1)[0]
    module = importlib.import_module(module_name)
    factory = getattr(module, "create_handler", None)
    if not callable(factory):
        raise TypeError(
            f"{module_name} has no create_handler(env, *, <clients>) to build {handler_path} with"
        )
    return factory


def build_handler(handler_path: str, environment: Mapping[str, str], clients: ClientLookup) -> LambdaFunction:
    """The handler at `handler_path`, made with `environment` and the clients its factory names."""
    factory = _factory(handler_path)
    arguments: dict[str, Any] = {}
    for parameter in inspect.signature(factory).parameters.values():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        client = clients(parameter.name)
        if client is not None:
            arguments[parameter.name] = client
        elif parameter.default is inspect.Parameter.empty:
            raise TypeError(
                f"{handler_path} needs a {parameter.name!r} client, which the local account does not offer"
            )
    return _across_the_boundary(factory(dict(environment), **arguments))


def _across_the_boundary(handler: LambdaFunction) -> LambdaFunction:
    def invoke(event: Any, context: Any = None) -> Any:
        return json.loads(json.dumps(handler(json.loads(json.dumps(event)), context)))

    return invoke


class LocalFunctions(Mapping[str, LambdaFunction]):
    """Function name → callable(event, context): what the ASL engine's `lambda:invoke` tasks call."""

    def __init__(self, clients: ClientLookup, account_environment: Mapping[str, str]) -> None:
        self._clients = clients
        self._account_environment = dict(account_environment)
        self._handlers: dict[str, LambdaFunction] = {}
        self._lock = threading.Lock()

    def create_function(self, name: str, handler: str, environment: Mapping[str, str]) -> None:
        """Build the function once (as a warm Lambda container keeps its clients); again replaces it."""
        merged = {**self._account_environment, **environment, "AWS_LAMBDA_FUNCTION_NAME": name}
        built = build_handler(handler, merged, self._clients)
        with self._lock:
            self._handlers[name] = built

    def invoke(self, name: str, event: Any) -> Any:
        return self[name](event, None)

    def __getitem__(self, name: str) -> LambdaFunction:
        try:
            return self._handlers[name]
        except KeyError:
            raise FunctionNotFound(f"Function not found: {name}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._handlers))

    def __len__(self) -> int:
        return len(self._handlers)
