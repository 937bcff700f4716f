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
from sma.cli import app

runner = CliRunner()
MEDIA = "examples/media"


def test_warmup_loads_every_model_and_reports_times_and_memory():
    result = runner.invoke(app, ["ai", "warmup"])
    assert result.exit_code == 0, result.output
    for model in (
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
    recognised = Rekognition().recognize_celebrities({"Image": {"Bytes": photo("astronaut")}})
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


def test_serve_on_a_busy_port_says_so_in_one_line():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = runner.invoke(app, ["ai", "serve", "--port", str(busy.getsockname()[1]), "--no-warm"])
    assert result.exit_code == 1
    assert "choose another --port" in result.output
