"""The local Lambda runtime: each topology function runs its real handler with the local cloud's clients.

On AWS a handler builds boto3 clients from its environment; here each package's `create_handler(env,
clients…)` gets the local services' boto3-compatible clients and the function's environment as the
topology declares it, plus the two variables only the local cloud sets (the outbox for replies when no X
credentials exist, and the sample-media server's origin). Payloads cross the boundary as JSON, as they do
on Lambda, so a handler can never change its caller's data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from infra.topology import Ref
from lambdas.download_images.handler import create_handler as download_images
from lambdas.ingress.handler import create_handler as ingress
from lambdas.overlay.handler import create_handler as overlay
from lambdas.post_tweet.handler import create_handler as post_tweet

if TYPE_CHECKING:
    from infra.local.cloud import LocalCloud

LambdaFunction = Callable[[Any, Any], Any]


class LocalFunctions:
    """Function name → callable(event, context) for the engine, plus the HTTP routes of the gateway."""

    def __init__(self, cloud: LocalCloud) -> None:
        self._cloud = cloud
        self._handlers: dict[str, LambdaFunction] | None = None

    def environment(self, name: str) -> dict[str, str]:
        """The function's environment as the topology declares it, resolved for this cloud."""
        function = self._cloud.topology.function(name)
        env = {
            key: self._cloud.names.resolve(value) if isinstance(value, Ref) else value
            for key, value in function.environment.items()
        }
        if name == "DownloadImages" and self._cloud.settings.allowed_local_origins:
            env["SMA_ALLOWED_LOCAL_ORIGINS"] = ",".join(self._cloud.settings.allowed_local_origins)
        if name == "PostTweet":
            env["SMA_OUTBOX_DIR"] = str(self._cloud.settings.home / "outbox")
        return env

    def callables(self) -> dict[str, LambdaFunction]:
        """Each function's handler, made once (as a warm Lambda container keeps its clients)."""
        if self._handlers is None:
            self._handlers = self._make_handlers()
        return self._handlers

    def _make_handlers(self) -> dict[str, LambdaFunction]:
        cloud = self._cloud
        factories: dict[str, Callable[[dict[str, str]], LambdaFunction]] = {
            "Ingress": lambda env: ingress(env, kinesis=cloud.kinesis, secretsmanager=cloud.secrets),
            "DownloadImages": lambda env: download_images(env, s3=cloud.s3),
            "Overlay": lambda env: overlay(env, s3=cloud.s3),
            "PostTweet": lambda env: post_tweet(env, s3=cloud.s3, secretsmanager=cloud.secrets),
        }
        return {
            function.name: self._across_the_boundary(
                factories[function.name](self.environment(function.name))
            )
            for function in cloud.topology.functions
        }

    def gateway_routes(self) -> dict[tuple[str, str], Callable[[dict[str, Any]], Any]]:
        handler = self.callables()["Ingress"]

        def route(event: dict[str, Any]) -> Any:
            return handler(event, None)

        return {("GET", "/twitter"): route, ("POST", "/twitter"): route}

    @staticmethod
    def _across_the_boundary(handler: LambdaFunction) -> LambdaFunction:
        def invoke(event: Any, context: Any = None) -> Any:
            return json.loads(json.dumps(handler(json.loads(json.dumps(event)), context)))

        return invoke
