"""Where the local cloud's time goes: py-spy samples of `benchmarks/e2e.py`, summed by what they were doing.

    .venv/bin/python benchmarks/profile_e2e.py [--rate 50] [--gil|--wall] -- --single 0 --text 100 --photos 0
    .venv/bin/python benchmarks/profile_e2e.py --raw /tmp/profile.txt     # summarise an earlier recording

py-spy attaches when e2e.py says it starts measuring (the cloud is up, the models are warm) and stops
when it says it has measured, so the start, the loading and the stop are left out. Every thread is
sampled while it runs on a CPU (`py-spy record --threads`); `--gil` keeps only the thread holding the
interpreter lock (what one Python process can do at a time), `--wall` adds idle threads (waiting shows
as well as work). The file is not called `profile.py`: that name would shadow the standard library's
`profile` module for every script in this folder. Each sample is charged to the first frame, from the
innermost outwards, that a category below recognises; the table prints each category's share of all
samples and of the busy (non-waiting) ones, and its CPU-seconds (samples / rate). py-spy sees Python
frames: time inside a C extension (SQLite, torch, dlib, ONNX) is charged to the Python function that
called it, which is what the categories name.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.e2e import MEASURED, MEASURING  # noqa: E402  (the lines between which e2e.py measures)

# (category, substrings of a frame that mean it), checked innermost frame first, categories in order.
CATEGORIES: list[tuple[str, tuple[str, ...]]] = [
    ("waiting: locks, conditions, sleeps", ("Condition.wait", "Event.wait", "(threading.py", "time.sleep")),
    ("waiting: sockets and select", ("select (selectors.py", "serve_forever", "recv_into", "accept (")),
    ("AI: sentiment", ("integrations/ai/text/sentiment",)),
    ("AI: entities and key phrases (spaCy)", ("integrations/ai/text/nlp", "spacy/", "thinc/")),
    ("AI: language (fastText)", ("integrations/ai/text/language", "fasttext")),
    # Libraries several models run on (onnxruntime, torch) name no category: the walk goes on outwards to
    # the model's own module, so MiniLM's onnxruntime time is not counted as OCR's.
    ("AI: MiniLM (intents, toxicity)", ("integrations/ai/text/intents", "integrations/ai/text/embeddings")),
    ("AI: faces (dlib)", ("integrations/ai/vision/faces",)),
    ("AI: text in images (OCR)", ("integrations/ai/vision/ocr", "integrations/ai/vision/ppocr", "rapidocr/")),
    ("AI: labels (EfficientNet)", ("integrations/ai/vision/efficientnet", "integrations/ai/vision/labels")),
    ("AI: other (shapes, images)", ("integrations/ai/",)),
    (
        "SQLite (durable stores)",
        (
            "store.py",
            "integrations/database.py",
            "checkpoints.py",
            "buffer.py",
            "integrations/dynamodb/client.py",
            "sqlite3",
        ),
    ),
    ("JSON encode/decode", ("json/encoder.py", "json/decoder.py", "json/__init__.py")),
    ("JSONata", ("jsonata/",)),
    ("ASL engine", ("workflows/engine/",)),
    ("Lambda handlers", ("lambdas/",)),
    ("Images (Pillow)", ("PIL/",)),
    ("HTTP (gateway, media, client)", ("http/server.py", "http/client.py", "socketserver.py", "urllib/")),
    ("model loading (imports)", ("<frozen importlib",)),
]


def categorise(stack: str) -> str:
    frames = stack.split(";")[1:]  # the first element names the thread
    for frame in reversed(frames):
        for name, needles in CATEGORIES:
            if any(needle in frame for needle in needles):
                return name
    return "other"


def summarise(raw: Path, rate: int) -> None:
    counts: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            counts[categorise(stack)] += int(number)
    total = sum(counts.values()) or 1
    busy = sum(count for name, count in counts.items() if not name.startswith("waiting")) or 1
    print(f"{'category':<40}{'of all':>9}{'of busy':>9}{'seconds':>10}")
    for name, count in counts.most_common():
        share_busy = "" if name.startswith("waiting") else f"{100 * count / busy:8.1f}%"
        print(f"{name:<40}{100 * count / total:8.1f}%{share_busy:>9}{count / rate:10.1f}")
    print(f"{total} samples at {rate}/s per thread")


def record(raw: Path, rate: int, mode: list[str], e2e: list[str]) -> None:
    """Run e2e.py and sample it with py-spy while it measures: the cloud's start, the models' loading
    and the cloud's stop are not what a message costs."""
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "e2e.py"), *e2e],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run.stderr is not None
    spy = None
    for line in run.stderr:
        sys.stderr.write(line)
        if line.strip() == MEASURING and spy is None:
            command = [
                str(Path(sys.executable).with_name("py-spy")), "record", "--threads", "--format", "raw",
                *mode,
                "-r", str(rate), "-o", str(raw), "--pid", str(run.pid),
            ]  # fmt: skip
            spy = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        elif line.strip() == MEASURED and spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes what it has recorded and exits
    if run.wait() != 0:
        raise SystemExit(f"e2e.py failed with exit status {run.returncode}")
    if spy is None or spy.wait() != 0:
        raise SystemExit("py-spy recorded nothing (did e2e.py reach its measuring line?)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=50, help="samples per second")
    parser.add_argument("--raw", type=Path, help="summarise this py-spy raw recording instead of recording")
    parser.add_argument("--wall", action="store_true", help="sample idle threads too (wall-clock view)")
    parser.add_argument(
        "--gil", action="store_true", help="only samples holding the GIL (what the one interpreter runs)"
    )
    parser.add_argument("e2e", nargs="*", help="arguments for benchmarks/e2e.py (after --)")
    arguments = parser.parse_args()
    raw = arguments.raw
    if raw is None:
        raw = Path(tempfile.mkdtemp(prefix="sma-profile-")) / "profile.txt"
        mode = ["--idle"] if arguments.wall else ["--gil"] if arguments.gil else []
        record(raw, arguments.rate, mode, arguments.e2e)
    summarise(raw, arguments.rate)


if __name__ == "__main__":
    main()
