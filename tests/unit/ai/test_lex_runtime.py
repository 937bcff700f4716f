"""The local Lex runtime's rules (validation, sessions, fallback) with the TF-IDF intent backend."""

from __future__ import annotations

import json

import pytest

from integrations.ai.bot import DEFAULT_BOT_FILE, load_bot
from integrations.ai.lex import LexRuntime
from integrations.ai.shapes import declared_errors, output_problems
from integrations.errors import ServiceError

BOT = {"botId": "ABCDEFGHIJ", "botAliasId": "TSTALIASID", "localeId": "en_GB"}


@pytest.fixture(scope="module")
def lex():
    return LexRuntime(backend="tfidf")


def test_the_bot_file_reads_as_cloudformation_lex_bot_properties():
    raw = json.loads(DEFAULT_BOT_FILE.read_text())
    assert set(raw) >= {"Name", "BotLocales", "IdleSessionTTLInSeconds", "DataPrivacy"}
    bot = load_bot()
    locale = bot.locales["en_GB"]
    assert {"Joke", "Fact", "FallbackIntent"} <= set(locale.intents)
    assert locale.fallback.name == "FallbackIntent" and not locale.fallback.utterances
    assert 0 < locale.threshold < 1
    assert all(intent.closing_messages for intent in locale.intents.values())


def test_a_clear_request_closes_its_intent_with_a_closing_message(lex):
    response = lex.recognize_text({**BOT, "sessionId": "user-1", "text": "tell me a joke"})
    assert output_problems("lexv2-runtime", "RecognizeText", response) == []
    assert response["sessionState"]["intent"]["name"] == "Joke"
    assert response["sessionState"]["dialogAction"]["type"] == "Close"
    joke = load_bot().locales["en_GB"].intents["Joke"]
    assert response["messages"][0]["content"] in joke.closing_messages[0]
    scores = [
        item["nluConfidence"]["score"] for item in response["interpretations"] if "nluConfidence" in item
    ]
    assert scores == sorted(scores, reverse=True)


def test_nonsense_falls_back_and_the_fallback_interpretation_has_no_score(lex):
    response = lex.recognize_text({**BOT, "sessionId": "user-2", "text": "zebra quantum spreadsheet"})
    assert response["sessionState"]["intent"]["name"] == "FallbackIntent"
    first = response["interpretations"][0]
    assert first["intent"]["name"] == "FallbackIntent" and "nluConfidence" not in first


def test_session_attributes_are_kept_per_session(lex):
    lex.recognize_text(
        {**BOT, "sessionId": "user-3", "text": "hello", "sessionState": {"sessionAttributes": {"seen": "1"}}}
    )
    again = lex.recognize_text({**BOT, "sessionId": "user-3", "text": "tell me a fact"})
    other = lex.recognize_text({**BOT, "sessionId": "user-4", "text": "tell me a fact"})
    assert again["sessionState"]["sessionAttributes"] == {"seen": "1"}
    assert other["sessionState"]["sessionAttributes"] == {}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"sessionId": "x"}, "ValidationException"),
        ({"sessionId": "bad id!"}, "ValidationException"),
        ({"text": ""}, "ValidationException"),
        ({"text": "a" * 1025}, "ValidationException"),
        ({"botId": "short"}, "ValidationException"),
        ({"localeId": "fr_FR"}, "ResourceNotFoundException"),
    ],
)
def test_bad_requests_get_lex_errors(lex, change, code):
    with pytest.raises(ServiceError) as caught:
        lex.recognize_text({**BOT, "sessionId": "user-5", "text": "hi", **change})
    assert caught.value.code == code
    assert code in declared_errors("lexv2-runtime", "RecognizeText")


def test_the_topology_names_the_bot_and_a_locale_this_file_defines():
    topology = pytest.importorskip("infra.topology").TOPOLOGY
    bot = load_bot()
    assert topology.bot.definition == "infra/bot.json"
    assert topology.bot.name == bot.name
    assert topology.bot.locale in bot.locales
