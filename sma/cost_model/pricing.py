"""Usage priced by service, and the two designs side by side for one message mix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sma.cost_model import ours, seeds
from sma.cost_model.common import Usage, comprehend_units
from sma.cost_model.mix import Mix
from sma.cost_model.prices import PRICES

TARGET = 0.60  # ours / seeds' at most (issue 16)
SHARES = (0.1, 0.5, 0.9)  # the photo shares the target is checked at


def by_service(kinds: Mapping[str, Mapping[str, float]], mix: Mix, messages: int) -> dict[str, float]:
    """US dollars by service for `messages` messages of `mix`."""
    weights = {"text": 1 - mix.photo_share, "photo": mix.photo_share}
    dollars: dict[str, float] = defaultdict(float)
    for kind, weight in weights.items():
        for meter, quantity in kinds[kind].items():
            price = PRICES[meter]
            dollars[price.service] += messages * weight * quantity * price.usd
    return dict(sorted(dollars.items(), key=lambda item: -item[1]))


@dataclass(frozen=True)
class Comparison:
    mix: Mix
    ours_usage: dict[str, Usage]
    seeds_usage: dict[str, Usage]
    ours: dict[str, float]  # US$ by service for the messages asked for
    seeds: dict[str, float]

    @property
    def ratio(self) -> float:
        return sum(self.ours.values()) / sum(self.seeds.values())


def compare(measured: Mapping[str, Usage], mix: Mix, messages: int, event_bytes: float) -> Comparison:
    """Both designs priced on the same mix, prices and event size."""
    ours_usage = ours.usage(measured, mix)
    seeds_usage = seeds.usage(mix, event_bytes)
    return Comparison(
        mix,
        ours_usage,
        seeds_usage,
        by_service(ours_usage, mix, messages),
        by_service(seeds_usage, mix, messages),
    )


def ratios(measured: Mapping[str, Usage], mix: Mix, event_bytes: float) -> dict[float, float]:
    """ours / seeds' at each photo share of `SHARES`, the rest of the mix unchanged."""
    return {
        share: compare(measured, replace(mix, photo_share=share), 1, event_bytes).ratio for share in SHARES
    }


def text_floor(comparison: Comparison) -> tuple[float, float]:
    """What one text message costs the seeds, and the part of it this design cannot avoid either: the
    DetectSentiment call the alerts need, and the Lex request that chooses the reply wherever the bot can
    read the text and no person has been alerted to answer it (`ours.lex_share`). Their quotient bounds
    the ratio wherever text messages dominate."""
    seeds_text = sum(q * PRICES[m].usd for m, q in comparison.seeds_usage["text"].items())
    units = comprehend_units(comparison.mix.characters)
    shared = (
        ours.lex_share(comparison.mix) * PRICES["lex_text_request"].usd
        + units * PRICES["comprehend_unit"].usd
    )
    return seeds_text, shared
