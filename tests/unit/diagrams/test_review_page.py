"""`sma review`: one self-contained page with every workflow and one execution's path."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from infra.diagrams.review import review_page
from infra.topology import TOPOLOGY
from sma.cli import app


def _data(page: str, block: str) -> Any:
    match = re.search(rf'<script type="application/json" id="{block}">(.*?)</script>', page, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def test_the_page_loads_nothing_from_anywhere(recorded: dict[str, dict[str, Any]]) -> None:
    page = review_page(recorded["JokeIntent"])
    # SVG namespaces are names, not addresses; nothing else may point outside the file.
    without_namespaces = re.sub(r'xmlns(:xlink)?="[^"]+"', "", page)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|url\(|@import", page)
    assert "default-src 'none'" in page


def test_every_workflow_is_drawn_and_the_reviewed_one_comes_first(
    recorded: dict[str, dict[str, Any]],
) -> None:
    page = review_page(recorded["JokeIntent"])
    sections = re.findall(r'<section id="wf-([\w-]+)"', page)
    assert sections[0] == "respond-text"
    assert sorted(sections) == sorted(m.definition.removesuffix(".asl.json") for m in TOPOLOGY.state_machines)
    assert page.count("<svg") == len(TOPOLOGY.state_machines)
    run = _data(page, "execution-data")
    assert run["workflow"] == "respond-text" and run["status"] == "SUCCEEDED"
    assert "LoadReplies" in run["visits"] and "UseBotMessage" not in run["visits"]
    tables = _data(page, "graphs-data")
    assert ["AskBot", "AskBot — Lex V2 RecognizeText"] in tables["respond-text"]["nodes"].values()


def test_without_an_execution_the_page_shows_the_graphs_alone() -> None:
    page = review_page(None)
    assert _data(page, "execution-data") is None
    assert "No execution chosen" in page


def test_a_state_input_cannot_end_the_data_block() -> None:
    row = {
        "name": "x",
        "status": "SUCCEEDED",
        "state_machine_arn": "arn:aws:states:us-east-1:1:stateMachine:Egress",
        "input": {"Text": "</script><script>alert(1)</script>"},
        "history": [],
    }
    page = review_page(row)
    assert "</script><script>alert(1)" not in page
    assert _data(page, "execution-data")["input"]["Text"] == "</script><script>alert(1)</script>"


def test_cli_writes_the_latest_or_the_chosen_execution(
    recorded: dict[str, dict[str, Any]], sma_home: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["review"])
    assert result.exit_code == 0, result.output
    assert (
        _data((sma_home / "review.html").read_text(), "execution-data")["name"]
        == "PhotosPersonAndTextThenCat"
    )
    out = sma_home / "joke.html"
    result = runner.invoke(app, ["review", "--execution", "JokeIntent", "--output", str(out)])
    assert result.exit_code == 0 and _data(out.read_text(), "execution-data")["name"] == "JokeIntent"
    result = runner.invoke(app, ["review", "--execution", "NoSuchExecution"])
    assert result.exit_code == 2 and "no single execution matches" in result.output


def test_cli_without_any_execution_still_writes_the_graphs(sma_home: Path) -> None:
    result = CliRunner().invoke(app, ["review"])
    assert result.exit_code == 0, result.output
    assert _data((sma_home / "review.html").read_text(), "execution-data") is None
