"""The review page in a real browser (Debian's chromium, headless, kept off the network): the graph is
drawn, the execution's path is highlighted, and a state's details open."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from infra.diagrams.palette import HIGHLIGHT, LOOKS
from infra.diagrams.review import review_page

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed (`make test` installs it: Makefile APT_PACKAGES)",
)
# No sandbox (tests run as root), no GPU, and nothing that phones home: updates, sync, QUIC, field trials.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
SIZE = (1400, 1000)


def _chromium(tmp_path: Path, *arguments: str) -> str:
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [CHROMIUM or "chromium", *FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _screenshot(tmp_path: Path, page: str, name: str) -> Image.Image:
    html, png = tmp_path / f"{name}.html", tmp_path / f"{name}.png"
    html.write_text(page, encoding="utf-8")
    _chromium(tmp_path, f"--screenshot={png}", f"--window-size={SIZE[0]},{SIZE[1]}", html.as_uri())
    return Image.open(png).convert("RGB")


def _pixels(image: Image.Image, colour: str, tolerance: int = 12) -> int:
    """How many pixels are (nearly) `colour`: antialiased edges blend, solid fills do not."""
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        count
        for count, pixel in image.getcolors(maxcolors=SIZE[0] * SIZE[1])
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, target, strict=True))
    )


def test_the_graph_and_the_execution_path_are_drawn(
    tmp_path: Path, recorded: dict[str, dict[str, Any]]
) -> None:
    with_path = _screenshot(tmp_path, review_page(recorded["JokeIntent"]), "joke")
    graphs_only = _screenshot(tmp_path, review_page(None), "none")
    # The graphs: the first one (Ingest) opens with its Start circle and its Map's fork and join.
    assert _pixels(graphs_only, LOOKS["start"].fill) > 500
    assert _pixels(graphs_only, LOOKS["fork"].fill) > 1000
    # The path: states that ran are filled with the highlight, which nothing else on the page uses
    # beyond the legend's small swatch (respond-text's ten visited states, drawn at the page's scale).
    swatch = _pixels(graphs_only, HIGHLIGHT)
    assert swatch < 2000
    assert _pixels(with_path, HIGHLIGHT) > swatch + 8_000


def test_states_that_ran_are_marked_and_a_linked_state_opens(
    tmp_path: Path, recorded: dict[str, dict[str, Any]]
) -> None:
    page = tmp_path / "joke.html"
    page.write_text(review_page(recorded["JokeIntent"]), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#state=AskBot")
    visited = dom.count('class="node visited')  # the linked state is also "selected"
    # Start, CleanText, HasAPersonBeenAlerted, AnythingLeftToUnderstand, DoesTheBotReadIt, AskBot,
    # WhatDoesTheAuthorWant, LoadReplies, PickOne, ComposeReply, SendTweet, End: UseBotMessage did not run.
    assert visited == 12
    details = dom[dom.index('<aside id="details">') :]
    assert "AskBot — Lex V2 RecognizeText" in details
    assert "<h4>Input</h4>" in details and "<h4>Output</h4>" in details
