"""The local Lex with MiniLM embeddings understands paraphrases its sample utterances never spelt out."""

from __future__ import annotations

import pytest

from integrations.ai.lex import LexRuntime
from integrations.ai.shapes import output_problems
from integrations.ai.text.intents import IntentClassifier

BOT = {"botId": "ABCDEFGHIJ", "botAliasId": "TSTALIASID", "localeId": "en_GB"}
# Paraphrases absent from infra/bot.json, with the intent a person would read in them.
CASES = [
    ("Joke", "can you tell me a funny joke please"),
    ("Joke", "make me smile"),
    ("Joke", "I could do with a laugh today"),
    ("Joke", "got anything funny for me?"),
    ("Fact", "I would love to hear an interesting fact about space"),
    ("Fact", "teach me about history"),
    ("Fact", "tell me something I probably don't know"),
    ("Fact", "share a science fact"),
    ("Greeting", "hey bot, good morning!"),
    ("Greeting", "hello there friend"),
    ("Help", "what can this bot do?"),
    ("Help", "how do I use you"),
    ("FallbackIntent", "the weather in London is awful today"),
    ("FallbackIntent", "my invoice number is 44821"),
]


@pytest.fixture(scope="module")
def lex():
    return LexRuntime()


def test_paraphrases_reach_the_right_intent(lex):
    right = 0
    for expected, text in CASES:
        response = lex.recognize_text({**BOT, "sessionId": "quality", "text": text})
        assert output_problems("lexv2-runtime", "RecognizeText", response) == []
        right += response["sessionState"]["intent"]["name"] == expected
    assert right / len(CASES) >= 0.85
    assert lex.classifier("en_GB").backend == "minilm"


def test_minilm_beats_the_tfidf_fallback(lex):
    tfidf = LexRuntime(backend="tfidf")

    def accuracy(runtime):
        return sum(
            runtime.recognize_text({**BOT, "sessionId": "cmp", "text": text})["sessionState"]["intent"][
                "name"
            ]
            == expected
            for expected, text in CASES
        ) / len(CASES)

    assert accuracy(lex) > accuracy(tfidf)


def test_prepare_embeds_the_utterances_before_the_first_request(monkeypatch):
    from integrations.ai.text import embeddings

    runtime = LexRuntime()
    utterances = runtime.prepare()
    assert utterances == sum(
        len(intent.utterances) for intent in runtime.bot.locales["en_GB"].intents.values()
    )
    embedded = []
    real = embeddings.embed
    monkeypatch.setattr(embeddings, "embed", lambda texts: embedded.append(len(texts)) or real(texts))
    response = runtime.recognize_text({**BOT, "sessionId": "warm", "text": "tell me a joke"})
    assert response["sessionState"]["intent"]["name"] == "Joke"
    assert embedded == [1]  # only the request's own text: the utterances were embedded by prepare()


def test_two_intents_and_one_intent_bots_score_like_larger_ones():
    two = IntentClassifier(
        {
            "Weather": ["what's the weather like", "will it rain today", "is it sunny outside"],
            "Music": ["play some music", "put on a song", "play my playlist"],
        }
    )
    scores = two.scores("is it going to rain tomorrow?")
    assert max(scores, key=scores.get) == "Weather" and scores["Weather"] > 0.4 > scores["Music"]
    one = IntentClassifier({"Weather": ["what's the weather like", "will it rain today"]})
    assert one.scores("will it rain this afternoon")["Weather"] > 0.4
    assert one.scores("my invoice number is 44821")["Weather"] < 0.4


def test_a_prepared_bot_is_read_back_on_restart_and_prepared_again_when_it_changes(monkeypatch, tmp_path):
    from integrations.ai.text import embeddings

    monkeypatch.setenv("SMA_CACHE_DIR", str(tmp_path))
    samples = {
        "Weather": ["what's the weather like", "will it rain today", "is it sunny outside"],
        "Music": ["play some music", "put on a song", "play my playlist"],
    }
    first = IntentClassifier(samples)
    first.prepare()
    (kept,) = tmp_path.glob("intents-*.npz")
    embedded = []
    real = embeddings.embed
    monkeypatch.setattr(embeddings, "embed", lambda texts: embedded.append(len(texts)) or real(texts))

    restarted = IntentClassifier(samples)
    restarted.prepare()
    assert embedded == []  # read back, not embedded again
    assert restarted.scores("will it rain tomorrow") == first.scores("will it rain tomorrow")

    changed = IntentClassifier({**samples, "Music": [*samples["Music"], "some jazz please"]})
    changed.prepare()
    assert embedded[-1] == 7 and len(list(tmp_path.glob("intents-*.npz"))) == 2

    kept.write_bytes(kept.read_bytes()[:-40])  # cut short: not trusted, prepared again
    again = IntentClassifier(samples)
    again.prepare()
    assert embedded[-1] == 6
    assert again.scores("put a song on") == first.scores("put a song on")
