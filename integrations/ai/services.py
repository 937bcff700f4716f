"""The three local AI services together, as the local cloud, the HTTP server and the engine use them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.ai.comprehend import Comprehend
from integrations.ai.lex import LexRuntime
from integrations.ai.rekognition import Rekognition
from integrations.ai.vision.images import ObjectReader, no_object_store

Operation = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass
class AiServices:
    comprehend: Comprehend = field(default_factory=Comprehend)
    rekognition: Rekognition = field(default_factory=Rekognition)
    lex: LexRuntime = field(default_factory=LexRuntime)

    @classmethod
    def local(cls, read_object: ObjectReader | Callable[..., bytes] = no_object_store) -> AiServices:
        """The services as the local cloud runs them, reading S3 images through `read_object`."""
        return cls(rekognition=Rekognition(read_object))

    def operations(self) -> dict[str, dict[str, Operation]]:
        """botocore service name → {operation name → implementation}."""
        return {
            "comprehend": self.comprehend.operations(),
            "rekognition": self.rekognition.operations(),
            "lexv2-runtime": self.lex.operations(),
        }
