"""A local Amazon Lex V2 runtime: RecognizeText against the bot defined in `infra/bot.json`.

The request and response use the Lex V2 runtime API's own camelCase members (as on its REST wire):
path parameters `botId`, `botAliasId`, `localeId`, `sessionId` plus the body's `text`, `sessionState`
and `requestAttributes`. Any bot and alias id is accepted (ids are generated on AWS; locally the one bot
file is the bot); the locale must be one the file defines.

Every intent here closes at once with its closing response (none elicits slots), so a recognised turn
answers with `dialogAction.type = Close` and `intent.state = Fulfilled`, as Lex does for such intents.
Sessions (their attributes and last intent) live in memory per bot, alias, locale and session id, and
expire after the bot's idle session TTL.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from integrations.ai.bot import DEFAULT_BOT_FILE, BotDefinition, Locale, load_bot
from integrations.ai.text.intents import IntentClassifier
from integrations.errors import ServiceError

SERVICE = "lexv2-runtime"
MAX_TEXT = 1024
_SESSION_ID = re.compile(r"^[0-9a-zA-Z._:-]{2,100}$")
_BOT_ID = re.compile(r"^[0-9a-zA-Z]{10}$")


def _validation(message: str) -> ServiceError:
    return ServiceError(SERVICE, "ValidationException", message, 400)


class LexRuntime:
    """RecognizeText and the in-memory sessions it keeps."""

    def __init__(self, bot_file: Path = DEFAULT_BOT_FILE, *, backend: str = "minilm") -> None:
        self.bot: BotDefinition = load_bot(bot_file)
        self._classifiers = {
            locale_id: IntentClassifier(
                {intent.name: intent.utterances for intent in locale.intents.values() if intent.utterances},
                backend=backend,
            )
            for locale_id, locale in self.bot.locales.items()
        }
        self._sessions: dict[tuple[str, str, str, str], tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def operations(self) -> dict[str, Any]:
        return {"RecognizeText": self.recognize_text}

    def classifier(self, locale_id: str) -> IntentClassifier:
        return self._classifiers[locale_id]

    def prepare(self) -> int:
        """Embed every locale's sample utterances now (`sma ai warmup`, `serve --warm`), so the first
        RecognizeText does not pay for it; returns how many utterances there are."""
        for classifier in self._classifiers.values():
            classifier.prepare()
        return sum(classifier.utterance_count for classifier in self._classifiers.values())

    def recognize_text(self, request: Mapping[str, Any]) -> dict[str, Any]:
        bot_id, alias_id, locale_id, session_id, text = (
            request.get(name) for name in ("botId", "botAliasId", "localeId", "sessionId", "text")
        )
        for name, value in (("botId", bot_id), ("botAliasId", alias_id), ("localeId", locale_id)):
            if not isinstance(value, str) or not value:
                raise _validation(f"{name} is required")
        if not isinstance(bot_id, str) or not _BOT_ID.match(bot_id):
            raise _validation(f"botId {bot_id!r} must be 10 letters or digits")
        if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
            raise _validation("sessionId must be 2-100 characters of [0-9a-zA-Z._:-]")
        if not isinstance(text, str) or not text.strip():
            raise _validation("text is required and must not be blank")
        if len(text) > MAX_TEXT:
            raise _validation(f"text has {len(text)} characters; the maximum is {MAX_TEXT}")
        locale = self.bot.locales.get(str(locale_id))
        if locale is None:
            raise ServiceError(
                SERVICE, "ResourceNotFoundException", f"locale {locale_id!r} is not defined for the bot", 404
            )

        interpretations = self._interpret(locale, text)
        chosen = interpretations[0]["intent"]["name"]
        intent = locale.intents[chosen]
        messages = [
            {"content": random.choice(group), "contentType": "PlainText"} for group in intent.closing_messages
        ]
        key = (str(bot_id), str(alias_id), locale.locale_id, session_id)
        attributes = self._session_attributes(key, request.get("sessionState"))
        closed_intent = {"name": chosen, "slots": {}, "state": "Fulfilled", "confirmationState": "None"}
        response: dict[str, Any] = {
            "messages": messages,
            "sessionState": {
                "dialogAction": {"type": "Close"},
                "intent": closed_intent,
                "sessionAttributes": attributes,
                "originatingRequestId": str(uuid.uuid4()),
            },
            "interpretations": interpretations,
            "sessionId": session_id,
        }
        if isinstance(request.get("requestAttributes"), dict):
            response["requestAttributes"] = dict(request["requestAttributes"])
        return response

    def _interpret(self, locale: Locale, text: str) -> list[dict[str, Any]]:
        """All intents, most confident first; FallbackIntent (no score) leads below the threshold."""
        scores = self._classifiers[locale.locale_id].scores(text)
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        scored: list[dict[str, Any]] = [
            {
                "nluConfidence": {"score": round(score, 2)},
                "intent": {"name": name, "slots": {}, "confirmationState": "None"},
                "interpretationSource": "Lex",
            }
            for name, score in ranked
        ]
        fallback = {
            "intent": {"name": locale.fallback.name, "slots": {}, "confirmationState": "None"},
            "interpretationSource": "Lex",
        }
        if not ranked or ranked[0][1] < locale.threshold:
            return [fallback, *scored]
        scored[0]["intent"]["state"] = "ReadyForFulfillment"
        return [*scored, fallback]

    def _session_attributes(self, key: tuple[str, str, str, str], state: object) -> dict[str, str]:
        now = time.monotonic()
        with self._lock:
            expired = [k for k, (seen, _) in self._sessions.items() if now - seen > self.bot.idle_session_ttl]
            for stale in expired:
                del self._sessions[stale]
            _, session = self._sessions.get(key, (now, {}))
            given = state.get("sessionAttributes") if isinstance(state, dict) else None
            if isinstance(given, dict):
                session = {str(name): str(value) for name, value in given.items()}
            self._sessions[key] = (now, session)
            return dict(session)
