"""The Lex bot definition (`infra/bot.json`), read with CloudFormation's AWS::Lex::Bot property names.

The same file feeds the CDK app (CfnBot props) and the local Lex runtime, so the intents, sample
utterances, closing messages and confidence threshold are declared once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_BOT_FILE = Path(__file__).resolve().parents[2] / "infra" / "bot.json"
FALLBACK_SIGNATURE = "AMAZON.FallbackIntent"


@dataclass(frozen=True)
class Intent:
    name: str
    utterances: tuple[str, ...]
    closing_messages: tuple[tuple[str, ...], ...]  # one tuple per message group: the message, then variations
    is_fallback: bool


@dataclass(frozen=True)
class Locale:
    locale_id: str
    threshold: float
    intents: dict[str, Intent]

    @property
    def fallback(self) -> Intent:
        return next(intent for intent in self.intents.values() if intent.is_fallback)


@dataclass(frozen=True)
class BotDefinition:
    name: str
    idle_session_ttl: int
    locales: dict[str, Locale]


def _texts(message: dict[str, Any]) -> str:
    return str(message["PlainTextMessage"]["Value"])


def _intent(raw: dict[str, Any]) -> Intent:
    groups = raw.get("IntentClosingSetting", {}).get("ClosingResponse", {}).get("MessageGroupsList", [])
    return Intent(
        name=raw["Name"],
        utterances=tuple(sample["Utterance"] for sample in raw.get("SampleUtterances", [])),
        closing_messages=tuple(
            (_texts(group["Message"]), *(_texts(variation) for variation in group.get("Variations", [])))
            for group in groups
        ),
        is_fallback=raw.get("ParentIntentSignature") == FALLBACK_SIGNATURE,
    )


def load_bot(path: Path = DEFAULT_BOT_FILE) -> BotDefinition:
    raw = json.loads(path.read_text())
    locales = {}
    for locale in raw["BotLocales"]:
        intents = {intent.name: intent for intent in map(_intent, locale["Intents"])}
        if not any(intent.is_fallback for intent in intents.values()):
            raise ValueError(f"{path}: locale {locale['LocaleId']} has no {FALLBACK_SIGNATURE} intent")
        locales[locale["LocaleId"]] = Locale(
            locale["LocaleId"], float(locale["NluConfidenceThreshold"]), intents
        )
    return BotDefinition(raw["Name"], int(raw.get("IdleSessionTTLInSeconds", 300)), locales)
