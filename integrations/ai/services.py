"""The three local AI services together, as the local cloud, the HTTP server and the engine use them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from integrations.ai.comprehend import Comprehend
from integrations.ai.lex import LexRuntime
from integrations.ai.rekognition import Rekognition
from integrations.ai.vision.face_store import FaceStore
from integrations.ai.vision.images import ObjectReader, no_object_store

Operation = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass
class AiServices:
    rekognition: Rekognition
    comprehend: Comprehend = field(default_factory=Comprehend)
    lex: LexRuntime = field(default_factory=LexRuntime)

    @classmethod
    def local(
        cls, faces: Path, read_object: ObjectReader | Callable[..., bytes] = no_object_store
    ) -> AiServices:
        """The services as the local cloud runs them: face collections under `faces`, S3 images read
        through `read_object`."""
        return cls(rekognition=Rekognition(FaceStore(faces), read_object))

    def operations(self) -> dict[str, dict[str, Operation]]:
        """botocore service name → {operation name → implementation}."""
        return {
            "comprehend": self.comprehend.operations(),
            "rekognition": self.rekognition.operations(),
            "lexv2-runtime": self.lex.operations(),
        }
