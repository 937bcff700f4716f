"""`sma ai warmup`, `sma ai serve` and `sma faces add/list/remove` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

from typer.testing import CliRunner

from integrations.ai.rekognition import Rekognition
from integrations.ai.vision.face_store import FaceStore
from sma.cli import app

runner = CliRunner()
MEDIA = "examples/media"


def _bot_file(folder) -> str:
    """A bot of this test's own, in AWS::Lex::Bot properties: an intent infra/bot.json does not have."""
    closing = {"MessageGroupsList": [{"Message": {"PlainTextMessage": {"Value": "Opening hours: 9 to 5."}}}]}
    bot = {
        "Name": "ShopBot",
        "BotLocales": [
            {
                "LocaleId": "en_US",
                "NluConfidenceThreshold": 0.4,
                "Intents": [
                    {
                        "Name": "OpeningHours",
                        "SampleUtterances": [
                            {"Utterance": text}
                            for text in (
                                "when are you open",
                                "what are your opening hours",
                                "are you open on sunday",
                            )
                        ],
                        "IntentClosingSetting": {"ClosingResponse": closing},
                    },
                    {
                        "Name": "FallbackIntent",
                        "ParentIntentSignature": "AMAZON.FallbackIntent",
                        "IntentClosingSetting": {"ClosingResponse": closing},
                    },
                ],
            }
        ],
    }
    path = folder / "shop-bot.json"
    path.write_text(json.dumps(bot))
    return str(path)


def test_warmup_loads_every_model_embeds_the_bot_and_reports_times_and_memory(tmp_path):
    result = runner.invoke(app, ["ai", "warmup", "--bot", _bot_file(tmp_path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"Lex bot ShopBot \(3 utterances\)", result.output)
    for model in (
        "tweet-sentiment",
        "tweet-offensive",
        "tweet-hate",
        "vader-sentiment",
        "spacy-en_core_web_sm",
        "fasttext-lid176",
        "all-MiniLM-L6-v2",
        "dlib-faces",
    ):
        assert model in result.output
    assert re.search(r"peak memory \(RSS\): \d+ MiB", result.output)


def test_faces_add_list_recognise_and_remove(sma_home, photo):
    added = runner.invoke(app, ["faces", "add", "Eileen Collins", f"{MEDIA}/astronaut.jpg"])
    assert added.exit_code == 0, added.output
    assert "enrolled Eileen Collins" in added.output
    listed = runner.invoke(app, ["faces", "list"])
    assert "Eileen Collins" in listed.output
    recognised = Rekognition(FaceStore(sma_home / "rekognition")).recognize_celebrities(
        {"Image": {"Bytes": photo("astronaut")}}
    )
    assert [face["Name"] for face in recognised["CelebrityFaces"]] == ["Eileen Collins"]
    no_face = runner.invoke(app, ["faces", "add", "Chelsea", f"{MEDIA}/chelsea.jpg"])
    assert no_face.exit_code == 1 and "no face found" in no_face.output
    removed = runner.invoke(app, ["faces", "remove", "Eileen Collins"])
    assert removed.exit_code == 0 and "removed 1 face" in removed.output
    assert runner.invoke(app, ["faces", "remove", "Eileen Collins"]).exit_code == 1


def test_serve_answers_on_the_port_it_prints(sma_home):
    env = {**os.environ, "SMA_HOME": str(sma_home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "sma", "ai", "serve", "--port", "0", "--no-warm"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "COLUMNS": "200"},
    )
    try:
        line = server.stdout.readline()
        address = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        request = urllib.request.Request(
            address + "/",
            data=json.dumps({"Text": "Guten Morgen, wie geht es dir?"}).encode(),
            headers={"X-Amz-Target": "Comprehend_20171127.DetectDominantLanguage"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.loads(response.read())["Languages"][0]["LanguageCode"] == "de"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_answers_with_the_bot_it_is_given(sma_home, tmp_path):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sma",
            "ai",
            "serve",
            "--port",
            "0",
            "--no-warm",
            "--bot",
            _bot_file(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SMA_HOME": str(sma_home), "COLUMNS": "200"},
    )
    try:
        address = re.search(r"http://127\.0\.0\.1:\d+", server.stdout.readline()).group(0)
        request = urllib.request.Request(
            address + "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_US/sessions/cli-1/text",
            data=json.dumps({"text": "what time do you open on sunday?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.loads(response.read())
        assert answer["sessionState"]["intent"]["name"] == "OpeningHours"
        assert answer["messages"][0]["content"] == "Opening hours: 9 to 5."
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_bot_file_that_is_not_a_bot_is_one_clear_line(tmp_path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"Name": "x"}))
    result = runner.invoke(app, ["ai", "serve", "--port", "0", "--no-warm", "--bot", str(wrong)])
    assert result.exit_code == 1
    assert "not a Lex bot definition" in " ".join(result.output.split())  # rich wraps long lines


def test_serve_on_a_busy_port_says_so_in_one_line():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = runner.invoke(app, ["ai", "serve", "--port", str(busy.getsockname()[1]), "--no-warm"])
    assert result.exit_code == 1
    assert "choose another --port" in result.output
