"""The message mix both designs are priced on: stated assumptions, each overridable from `sma cost`.

They describe the traffic, not either design: the same mix goes into both, so the ratio compares designs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Mix:
    photo_share: float = 0.5
    photos_per_message: int = 1
    # Photos whose labels include Person or Face (where RecognizeCelebrities can find someone).
    people_share: float = 0.5
    # Photos whose labels include Text. Neither figure depends on it: the seeds call DetectText on every
    # photo, this design no longer calls it. Stated so that nobody wonders.
    text_share: float = 0.4
    # Posts for which X gives a language (`lang`; X says "und" for posts without words).
    declared_language_share: float = 0.95
    # Posts in English (the only language DetectToxicContent reads).
    english_share: float = 0.8
    # Posts whose sentiment reads NEGATIVE: 16% of TweetEval's training tweets are negative (7,074 of
    # 45,439, ../shared/data/tweet-sentiment/README.md). They raise an alert and get no Lex request;
    # DetectToxicContent reads them, and MIXED ones too, which TweetEval has no class for (not counted).
    negative_share: float = 0.16
    # Characters per post: every post under 300 costs Comprehend's 3-unit minimum, so any figure below
    # that gives the same price.
    characters: int = 120

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ("photos_per_message", "characters"):
                if value < 1:
                    raise ValueError(f"{item.name} is at least 1, not {value}")
            elif not 0 <= value <= 1:
                raise ValueError(f"{item.name} is a fraction between 0 and 1, not {value}")

    def describe(self) -> list[str]:
        return [
            f"{self.photo_share:.0%} of messages carry photos, {self.photos_per_message} each.",
            f"{self.people_share:.0%} of photos show a person or a face; {self.text_share:.0%} show text"
            " (the seeds read text in every photo, this design reads none: neither figure depends on it).",
            f"X gives the language of {self.declared_language_share:.0%} of posts;"
            f" {self.english_share:.0%} are English; {self.negative_share:.0%} read negative"
            " (TweetEval's training tweets: 16% negative; it has no mixed class).",
            f"A post has {self.characters} characters (under 300: Comprehend's 3-unit minimum per call).",
        ]
