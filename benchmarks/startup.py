"""Start-up: how long after `sma up` starts does it serve, and how long until the first message is answered.

    .venv/bin/python benchmarks/startup.py [--runs 3]

Each run starts `sma up` (no gallery) in a child process on a fresh state folder, POSTs one signed text
mention the moment the webhook endpoint exists, and waits for the reply in the outbox. It prints, per
run and as medians: seconds from the process start to the endpoint being served, and to the first
reply. The models load in the background as the cloud starts, so the first message waits only for the
ones it needs. Loopback only; every run is bounded (two minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.account import LocalAccount  # noqa: E402 - after the path set-up above
from infra.local.layout import StateLayout  # noqa: E402
from infra.local.webhooks import consumer_secret, deliver, mention  # noqa: E402

LIMIT_SECONDS = 120.0


def one_run() -> tuple[float, float]:
    layout = StateLayout(Path(tempfile.mkdtemp(prefix="sma-startup-")))
    env = {**os.environ, "SMA_HOME": str(layout.home), "LOG_LEVEL": "ERROR"}
    env.pop("SMA_SECRET_SMA_X_CREDENTIALS", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "sma", "up", "--port", "0", "--no-gallery"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        webhook = None
        while webhook is None:
            if time.perf_counter() - started > LIMIT_SECONDS or process.poll() is not None:
                raise RuntimeError("sma up did not serve in time")
            try:
                webhook = json.loads(layout.endpoint_file.read_text())["webhook"]
            except (FileNotFoundError, json.JSONDecodeError):  # not there yet, or being written
                time.sleep(0.01)
        serving = time.perf_counter() - started
        secret = consumer_secret(LocalAccount(layout).client("secretsmanager"))
        body = json.dumps(mention("tell me a joke, first thing", [], tweet_id="1790000000000000001"))
        status, answer = deliver(webhook, body.encode(), secret)
        if status != 200:
            raise RuntimeError(f"webhook answered {status}: {answer}")
        outbox = layout.outbox / "outbox.jsonl"
        while not (outbox.exists() and outbox.read_text().strip()):
            if time.perf_counter() - started > LIMIT_SECONDS:
                raise RuntimeError("no reply in time")
            time.sleep(0.01)
        return serving, time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)  # not SIGINT, which a background job's children may ignore
        process.wait(timeout=LIMIT_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    results = []
    for run in range(arguments.runs):
        serving, replied = one_run()
        results.append((serving, replied))
        print(f"run {run + 1}: serving after {serving:.2f} s, first reply after {replied:.2f} s", flush=True)
    print(
        f"median: serving after {statistics.median(r[0] for r in results):.2f} s, "
        f"first reply after {statistics.median(r[1] for r in results):.2f} s"
    )


if __name__ == "__main__":
    main()
