"""`sma cost`: what N messages would cost on AWS, by service, beside the seeds' design on the same prices
and message mix, with the ratio ours / seeds' at 10, 50 and 90% photo messages. The logic is in
`sma.cost_model`; this module reads the local cloud's state and prints."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from sma.cost_model import ours, seeds
from sma.cost_model.common import EVENT_BYTES
from sma.cost_model.mix import Mix
from sma.cost_model.prices import PRICES, REGION, USD_TO_GBP
from sma.cost_model.pricing import SHARES, TARGET, compare, ratios, text_floor

ONE_MILLION = 1_000_000


def _candidates(home: Path | None) -> list[Path]:
    from sma.local_state import state_layout

    layout = state_layout()
    return [home] if home else [layout.home, layout.demo.home]


def event_bytes(home: Path) -> float:
    """The mean size of one event in the local cloud's catch-all event log (JSON lines)."""
    lines = sizes = 0
    for path in sorted((home / "logs").glob("*.jsonl")):
        with path.open("rb") as log:
            for line in log:
                lines += 1
                sizes += len(line.rstrip(b"\n"))
    return sizes / lines if lines else EVENT_BYTES


def _measured_home(home: Path | None) -> tuple[Path | None, list[dict[str, Any]]]:
    """The first state folder with finished executions, and its executions."""
    from integrations.stepfunctions.store import ExecutionStore

    for folder in _candidates(home):
        path = folder / "stepfunctions" / "executions.sqlite3"
        if path.exists():
            store = ExecutionStore(path)
            try:
                rows = store.list(limit=100_000)
            finally:
                store.close()
            if rows:
                return folder, rows
    return None, []


def _fraction(name: str, default: float, help_text: str) -> Any:
    return typer.Option(default, name, min=0.0, max=1.0, help=help_text)


def cost(
    *,
    messages: int = typer.Option(ONE_MILLION, "--messages", min=1, help="How many messages."),
    image_share: float = _fraction("--image-share", 0.5, "The fraction of messages with photos."),
    photos_per_message: int = typer.Option(
        1, "--photos-per-message", min=1, max=4, help="Photos per photo message."
    ),
    people_share: float = _fraction("--people-share", Mix.people_share, "Photos showing a person or face."),
    text_share: float = _fraction("--text-share", Mix.text_share, "Photos showing text."),
    declared_share: float = _fraction(
        "--declared-language-share", Mix.declared_language_share, "Posts X gives a language for."
    ),
    english_share: float = _fraction("--english-share", Mix.english_share, "Posts in English."),
    negative_share: float = _fraction(
        "--negative-share",
        Mix.negative_share,
        "Posts reading negative (they raise an alert and get no Lex request).",
    ),
    characters: int = typer.Option(Mix.characters, "--characters", min=1, help="Characters per post."),
    home: Annotated[
        Path | None,
        typer.Option(
            "--home", help="The local cloud state to measure (default: $SMA_HOME, then its last demo)."
        ),
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="Print the estimate as JSON."),
) -> None:
    """Estimate what N messages cost on AWS beside the seeds' design, from the local cloud's usage."""
    mix = Mix(
        photo_share=image_share,
        photos_per_message=photos_per_message,
        people_share=people_share,
        text_share=text_share,
        declared_language_share=declared_share,
        english_share=english_share,
        negative_share=negative_share,
        characters=characters,
    )
    try:
        folder, rows = _measured_home(home)
        size = event_bytes(folder) if folder else EVENT_BYTES
        measured = ours.measure(rows, size)
    except ours.NotMeasured as missing:
        typer.echo(f"Cannot estimate: {missing}.", err=True)
        raise typer.Exit(2) from None
    result = compare(measured, mix, messages, size)
    per_million = compare(measured, mix, ONE_MILLION, size)
    by_share = ratios(measured, mix, size)
    assumptions = [*mix.describe(), *ours.ASSUMPTIONS, *seeds.ASSUMPTIONS]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "messages": messages,
                    "mix": asdict(mix),
                    "usd_by_service": result.ours,
                    "usd_total": sum(result.ours.values()),
                    "usd_per_million_by_service": per_million.ours,
                    "seeds_usd_by_service": result.seeds,
                    "seeds_usd_total": sum(result.seeds.values()),
                    "ratio": result.ratio,
                    "ratio_by_photo_share": {f"{share:g}": ratio for share, ratio in by_share.items()},
                    "text_message_floor": dict(
                        zip(("seeds_usd", "shared_usd"), text_floor(result), strict=True)
                    ),
                    "target": TARGET,
                    "usage_per_message": {"ours": result.ours_usage, "seeds": result.seeds_usage},
                    "prices": {
                        "region": REGION,
                        "usd_to_gbp": USD_TO_GBP,
                        "per_unit": {meter: asdict(price) for meter, price in PRICES.items()},
                    },
                    "assumptions": assumptions,
                },
                indent=2,
            )
        )
        return
    _print(result, per_million, by_share, messages, assumptions)


def _print(
    result: Any, per_million: Any, by_share: dict[float, float], messages: int, assumptions: list[str]
) -> None:
    from rich.console import Console
    from rich.table import Table

    mix = result.mix
    table = Table(
        title=f"{messages:,} messages, {mix.photo_share:.0%} with photos ({REGION} prices, US$)",
    )
    for column in ("service", f"ours for {messages:,}", "ours per 1M", "seeds' per 1M"):
        table.add_column(column, justify="left" if column == "service" else "right")
    services = sorted(
        set(per_million.ours) | set(per_million.seeds), key=lambda s: -per_million.seeds.get(s, 0.0)
    )
    for service in services:
        table.add_row(
            service,
            f"{result.ours.get(service, 0.0):,.2f}",
            f"{per_million.ours.get(service, 0.0):,.2f}",
            f"{per_million.seeds.get(service, 0.0):,.2f}",
        )
    ours_million, seeds_million = sum(per_million.ours.values()), sum(per_million.seeds.values())
    table.add_row(
        "total",
        f"{sum(result.ours.values()):,.2f}",
        f"{ours_million:,.2f} (£{ours_million * USD_TO_GBP:,.0f})",
        f"{seeds_million:,.2f} (£{seeds_million * USD_TO_GBP:,.0f})",
        style="bold",
    )
    console = Console()
    console.print(table)
    ratio_table = Table(title=f"ours / seeds' (target at most {TARGET:.2f})")
    for share in SHARES:
        ratio_table.add_column(f"{share:.0%} photos", justify="right")
    ratio_table.add_row(
        *(
            f"{'[green]' if r <= TARGET else '[red]'}{r:.2f}{' ✓' if r <= TARGET else ' ✗'}"
            for r in by_share.values()
        )
    )
    console.print(ratio_table)
    seeds_text, shared = text_floor(result)
    console.print(
        f"1M text messages cost the seeds ${seeds_text * ONE_MILLION:,.0f}; the DetectSentiment call on each"
        f" and the Lex request on each the bot can read ({ours.lex_share(result.mix):.0%}), which this design"
        f" makes too, are ${shared * ONE_MILLION:,.0f} of that ({shared / seeds_text:.2f}): the bound on the"
        " ratio where text messages dominate."
    )
    console.print("Each price's source and re-check date: `sma cost --json`. Assumptions:")
    for assumption in assumptions:
        console.print(f"• {assumption}")


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
