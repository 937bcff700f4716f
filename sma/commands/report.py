"""What happened to each message, as `sma demo` and `sma send` print it: built from the events the bus
carried, the alerts published and the replies posted (or queued in the outbox).

Rows are Rich markup; everything a message's author (or a model reading it) wrote goes in through
`_text`, escaped, so a `[/]` in a tweet prints as it is instead of breaking the table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from infra.local.session import Recorder


def _text(value: Any) -> str:
    """A value from a message or its analysis, as literal text inside Rich markup."""
    return escape(str(value))


def _percent(value: Any) -> str:
    return f"{float(value):.0f}%" if isinstance(value, int | float) else "?"


def _abuse_summary(toxicity: dict[str, Any] | None) -> str:
    """The abuse check as the analysis reported it (it runs on English messages that read negative)."""
    if not toxicity:
        return "abuse: not checked"
    if "Error" in toxicity:
        return f"[yellow]abuse check failed ({toxicity['Error']})[/yellow]"
    return f"abuse: toxicity {_percent(toxicity['Toxicity'] * 100)} ({toxicity.get('AbusiveLabels')})"


def _photo_summary(image: dict[str, Any]) -> str:
    analysis = image.get("Analysis", {})
    parts = [_text(str(image.get("Key", "?")).rsplit("/", 1)[-1])]
    if image.get("Error"):
        parts.append(f"[red]unreadable ({_text(image['Error'])})[/red]")
    labels = ", ".join(
        f"{_text(label['Name'])} {_percent(label.get('Confidence'))}"
        for label in analysis.get("Labels", [])[:5]
    )
    if labels:
        parts.append(f"labels: {labels}")
    lines = [d["DetectedText"] for d in analysis.get("TextDetections", []) if d.get("Type") == "LINE"]
    if lines:
        parts.append("text: " + " / ".join(f'"{_text(line)}"' for line in lines[:3]))
    people = [
        f"{_text(face['Name'])} ({_percent(face.get('MatchConfidence'))})"
        for face in analysis.get("CelebrityFaces", [])
    ]
    unknown = len(analysis.get("UnrecognizedFaces", []))
    if people or unknown:
        parts.append("people: " + ", ".join([*people, *([f"{unknown} unknown"] if unknown else [])]))
    return " · ".join(parts)


def message_rows(recorder: Recorder, tweet_id: str) -> list[tuple[str, str]]:
    """(label, text) rows describing one message's journey through the bot."""
    received = [
        e for e in recorder.of_type("MESSAGE_RECEIVED") if e["detail"]["Twitter"]["TweetId"] == tweet_id
    ]
    if not received:
        return []
    detail = received[0]["detail"]
    text = str(detail["Text"])
    rows = [("From", f"@{_text(detail['Author'])}: {_text(text[:160])}{'…' if len(text) > 160 else ''}")]
    analysed = [
        e for e in recorder.of_type("MESSAGE_ANALYSED") if e["detail"]["Twitter"]["TweetId"] == tweet_id
    ]
    failed = [
        e
        for e in recorder.of_type("MESSAGE_ANALYSIS_FAILED")
        if e["detail"]["Twitter"]["TweetId"] == tweet_id
    ]
    if analysed:
        analysis = analysed[0]["detail"]["Analysis"]
        score = analysis.get("TextSentimentScore", {}).get(str(analysis["TextSentiment"]).capitalize())
        sentiment = f"{analysis['TextSentiment']} ({_percent((score or 0) * 100)})"
        language = f"language {_text(analysis.get('Language'))}"
        if analysis.get("AnalysedInEnglish"):
            language += " (analysed in English)"
        rows.append(("Analysis", f"{sentiment} · {language} · {_abuse_summary(analysis.get('Toxicity'))}"))
        rows.extend(("Photo", _photo_summary(image)) for image in analysis.get("Images", []))
    elif failed:
        rows.append(("Analysis", f"[red]failed: {_text(failed[0]['detail'].get('Error'))}[/red]"))
    else:
        rows.append(("Analysis", "[yellow]not finished[/yellow]"))
    alerts = [
        text for text in recorder.alerts if f"@{detail['Author']}:" in text and detail["Text"][:40] in text
    ]
    rows.append(("Alert", f"[red]{_text(alerts[0])}[/red]" if alerts else "none (not negative)"))
    replies = [e for e in recorder.of_type("SEND_TWEET") if e["detail"]["ReplyToTweetId"] == tweet_id]
    sent = [e for e in recorder.of_type("TWEET_SENT") if e["detail"]["ReplyToTweetId"] == tweet_id]
    if replies:
        rows.append(("Reply", _text(replies[0]["detail"]["Text"])))
        if sent:
            result = sent[0]["detail"].get("Result", {})
            where = (
                "posted to X"
                if result.get("Posted")
                else f"queued in the outbox ({_text(result.get('Outbox'))})"
            )
            rows.append(
                ("Sent", where + (f" · image {_text(result['Image'])}" if result.get("Image") else ""))
            )
    else:
        rows.append(("Reply", "[yellow]none[/yellow]"))
    return rows


def print_message(
    console: Console, recorder: Recorder, title: str, tweet_ids: list[str], raw: list[str]
) -> None:
    """One sample's story: its messages (if any) and the raw events it produced."""
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column(overflow="fold")
    for tweet_id in tweet_ids:
        for label, text in message_rows(recorder, tweet_id):
            table.add_row(label, text)
    table.add_row("Events", _text(", ".join(raw)) if raw else "none")
    console.print(table)
    console.print()
