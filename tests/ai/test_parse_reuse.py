"""Entities and key phrases of one text share one spaCy parse, and the shared parse changes no answer."""

from __future__ import annotations

from integrations.ai.text import entities, key_phrases
from integrations.ai.text.nlp import parse


def test_the_same_text_is_parsed_once_and_other_texts_are_not_confused() -> None:
    text = "Ada Lovelace wrote the first program in London in 1843."
    first = parse(text)
    assert parse(text) is first
    other = parse("Grace Hopper found a moth in the Mark II.")
    assert other is not first and other.text != first.text
    found = {(entity["Text"], entity["Type"]) for entity in entities.detect(text)}
    assert ("London", "LOCATION") in found
    assert any(phrase["Text"] == "the first program" for phrase in key_phrases.detect(text))
