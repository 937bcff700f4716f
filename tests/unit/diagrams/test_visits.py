"""Each state's input and output, read back from an execution's history."""

from __future__ import annotations

from typing import Any

from infra.diagrams.visits import state_visits


def test_inputs_and_outputs_of_each_state(recorded: dict[str, dict[str, Any]]) -> None:
    visits = state_visits(recorded["JokeIntent"]["history"])
    assert {"CleanText", "AskBot", "LoadReplies", "PickOne", "SendTweet"} <= visits.keys()
    assert "UseBotMessage" not in visits
    ask = visits["AskBot"][0]
    assert isinstance(ask["input"], dict) and "output" in ask and "error" not in ask


def test_a_map_state_inside_runs_once_per_item(recorded: dict[str, dict[str, Any]]) -> None:
    visits = state_visits(recorded["PhotosPersonAndTextThenCat"]["history"])
    assert len(visits["DetectLabels"]) == 2  # two photos
    assert [v["input"]["Key"].rsplit("/", 1)[-1] for v in visits["DetectLabels"]] == ["0.jpg", "1.jpg"]


def test_a_failed_state_keeps_its_error(recorded: dict[str, dict[str, Any]]) -> None:
    visits = state_visits(recorded["LexAccessDeniedFails"]["history"])
    ask = visits["AskBot"][-1]
    assert "output" not in ask and ask["error"].startswith("LexRuntimeV2.")
