"""Benchmark of the local AI: cold load per model, latency per operation, throughput, memory.

Run: .venv/bin/python benchmarks/ai.py [--quick] [--json PATH]

* cold load: each model loaded in a fresh Python process (imports included), as a new process sees it;
* latency: p50 and p95 per operation over the bundled samples, after one warm-up call (models loaded);
* throughput: operations per second with 1 and with 2 worker threads (the machine has 2 cores);
* memory: each model's resident memory (RSS growth of the fresh process that loads it) and the peak RSS of
  this process with every model loaded and exercised;
* quality: each trained model's figures on its validation split, measured now when the labelled data is
  at hand (`--data`, default ../shared/data), else the figures recorded in the model file at training;
  and DetectLabels' "Text" label against images drawn here with and without text.
Baselines, measured in the same process: for sentiment, VADER alone; for the "Text" label, reading every
line with DetectText's full OCR.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SMA_HOME", str(ROOT / ".sma" / "benchmark"))

from integrations.ai.services import AiServices  # noqa: E402
from integrations.ai.text import sentiment  # noqa: E402
from integrations.ai.warmup import load_all, models, peak_rss_mib  # noqa: E402

MEDIA = ROOT / "examples" / "media"
TWEETS = [
    text for _, text in json.loads((ROOT / "tests" / "ai" / "data" / "tweets.json").read_text())["sentiment"]
]
BOT = {"botId": "ABCDEFGHIJ", "botAliasId": "TSTALIASID", "localeId": "en_GB", "sessionId": "bench"}


def cold_loads() -> dict[str, dict[str, float]]:
    """Per model, in a fresh process: load seconds and the RSS it added (MiB)."""
    code = (
        "import sys, json; from integrations.ai.warmup import models, current_rss_mib; "
        "m = models()[sys.argv[1]]; before = current_rss_mib(); m.get(); "
        "print(json.dumps([m.load_seconds, current_rss_mib() - before]))"
    )
    figures = {}
    for name in models():
        out = subprocess.run(
            [sys.executable, "-c", code, name], capture_output=True, text=True, check=True, cwd=ROOT
        )
        seconds, mib = json.loads(out.stdout.strip().splitlines()[-1])
        figures[name] = {"load_seconds": seconds, "rss_mib": mib}
    return figures


def validation_figures(data: Path) -> dict[str, str]:
    """Each trained model's validation figures: measured on `data` if it is there, else as recorded."""
    from integrations.ai.text import sentiment, toxicity
    from integrations.ai.training import data as datasets
    from integrations.ai.training.fit import measure

    figures = {}
    trained = {
        "tweet-sentiment": (sentiment.MODEL, lambda: datasets.sentiment(data)),
        "tweet-offensive": (toxicity.OFFENSIVE, lambda: datasets.tweeteval(data, "offensive")),
        "tweet-hate": (toxicity.HATE, lambda: datasets.tweeteval(data, "hate")),
    }
    for name, (lazy, task) in trained.items():
        model = lazy.get()
        try:
            split = task().validation
        except datasets.DataError:
            figures[name] = f"recorded at training: {model.validation}"
            continue
        predicted = [model.classes[i] for i in model.scores(split.texts).argmax(axis=1)]
        figures[name] = f"measured now: {measure(split.labels, predicted, model.classes).line()}"
        if name == "tweet-sentiment":
            vader = [sentiment.vader_baseline_label(text).lower() for text in split.texts]
            figures["VADER alone (baseline)"] = measure(split.labels, vader, model.classes).line()
    return figures


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def workload(services: AiServices) -> dict[str, list[object]]:
    """Operation → list of zero-argument calls on the bundled samples."""
    comprehend, rekognition, lex = services.comprehend, services.rekognition, services.lex
    images = [
        (MEDIA / f"{name}.jpg").read_bytes()
        for name in ("astronaut", "chelsea", "coffee", "notice", "rocket")
    ]
    return {
        "VADER alone (baseline)": [lambda t=t: sentiment.vader_compound(t) for t in TWEETS],
        "DetectSentiment": [
            lambda t=t: comprehend.detect_sentiment({"Text": t, "LanguageCode": "en"}) for t in TWEETS
        ],
        "DetectToxicContent": [
            lambda t=t: comprehend.detect_toxic_content(
                {"TextSegments": [{"Text": t[:1000]}], "LanguageCode": "en"}
            )
            for t in TWEETS
        ],
        "DetectEntities": [
            lambda t=t: comprehend.detect_entities({"Text": t, "LanguageCode": "en"}) for t in TWEETS
        ],
        "DetectKeyPhrases": [
            lambda t=t: comprehend.detect_key_phrases({"Text": t, "LanguageCode": "en"}) for t in TWEETS
        ],
        "DetectDominantLanguage": [
            lambda t=t: comprehend.detect_dominant_language({"Text": t}) for t in TWEETS
        ],
        "RecognizeText (Lex)": [lambda t=t: lex.recognize_text({**BOT, "text": t[:1024]}) for t in TWEETS],
        "DetectFaces": [lambda d=d: _uncached(rekognition, "detect_faces", d) for d in images],
        "DetectText": [lambda d=d: _uncached(rekognition, "detect_text", d) for d in images],
        "DetectLabels": [lambda d=d: _uncached(rekognition, "detect_labels", d) for d in images],
        "RecognizeCelebrities": [
            lambda d=d: _uncached(rekognition, "recognize_celebrities", d) for d in images
        ],
    }


def text_label_images() -> Iterator[tuple[str, bool, np.ndarray]]:
    """(name, has text, RGB pixels), one at a time: the samples (only the notice has text), and images
    drawn here: a word or a short line at 14-100 px on the samples and on flat backgrounds of 300-1920
    px, and noise, scattered lines and coloured blocks without any."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    photos = {path.stem: Image.open(path).convert("RGB") for path in sorted(MEDIA.glob("*.jpg"))}
    for name, image in photos.items():
        yield name, name == "notice", np.asarray(image)
    rng = random.Random(3)
    words = ["SALE", "Hello world", "Open 9-5", "Coffee and cake", "No parking", "2026", "THE END", "Exit"]
    for index in range(18):
        size = rng.choice([14, 18, 24, 36, 60, 100])
        if index % 2:
            canvas = list(photos.values())[index % len(photos)].copy()
            if index % 4 == 3:
                canvas = canvas.resize((canvas.width * 3, canvas.height * 3))
        else:
            colour = tuple(rng.randint(150, 255) for _ in range(3))
            canvas = Image.new("RGB", (rng.randint(300, 1920), rng.randint(300, 1200)), colour)
        ink = (255, 255, 255) if index % 3 == 0 else tuple(rng.randint(0, 80) for _ in range(3))
        spot = (rng.randint(0, canvas.width // 3), rng.randint(0, canvas.height // 2))
        ImageDraw.Draw(canvas).text(spot, rng.choice(words), fill=ink, font=ImageFont.load_default(size=size))
        yield f"text {size} px on {canvas.width}x{canvas.height}", True, np.asarray(canvas)
    for index in range(12):
        width, height = rng.randint(300, 1600), rng.randint(300, 1200)
        if index % 3 == 0:
            noise = np.random.default_rng(index).integers(0, 256, (height, width, 3), dtype=np.uint8)
            yield f"noise {width}x{height}", False, noise
            continue
        canvas = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(canvas)
        for _ in range(12 if index % 3 == 1 else 30):
            x, y = rng.randint(0, width), rng.randint(0, height)
            if index % 3 == 1:
                shade = tuple(rng.randint(0, 255) for _ in range(3))
                draw.rectangle((x, y, x + rng.randint(10, 200), y + rng.randint(10, 200)), fill=shade)
            else:
                end = (rng.randint(0, width), rng.randint(0, height))
                draw.line(((x, y), end), fill=(0, 0, 0), width=rng.randint(1, 6))
        yield f"shapes {width}x{height}", False, np.asarray(canvas)


def text_label_quality_apart() -> dict[str, float]:
    """`text_label_quality` in a fresh process: reading large drawn images in full takes memory that
    would otherwise count in this process's peak RSS, the figure for the models themselves."""
    code = "import json, sys; sys.path.insert(0, 'benchmarks'); import ai; "
    code += "print(json.dumps(ai.text_label_quality()))"
    out = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    figures: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def text_label_quality() -> dict[str, float]:
    """The "Text" label as DetectLabels decides it (detection at 640 px, the best boxes read) against
    reading every line with DetectText's OCR: right and wrong answers, CPU seconds in all."""
    from integrations.ai.vision import ocr

    def full_reading(pixels: np.ndarray) -> bool:
        lines = ocr.detect_text(pixels)
        return any(
            ocr.readable(line["DetectedText"], line["Confidence"]) for line in lines if line["Type"] == "LINE"
        )

    deciders = {"label": lambda pixels: ocr.text_confidence(pixels) is not None, "full_ocr": full_reading}
    figures: dict[str, float] = dict.fromkeys(("images", "with_text"), 0.0)
    for name in deciders:
        figures.update(
            dict.fromkeys([f"{name}_{part}" for part in ("cpu_s", "right", "false", "missed")], 0.0)
        )
    for index, (_, truth, pixels) in enumerate(text_label_images()):
        figures["images"] += 1
        figures["with_text"] += truth
        for name, decide in deciders.items():
            if index == 0:
                decide(pixels)  # models loaded before the clock starts
            started = time.process_time()
            answer = decide(pixels)
            figures[f"{name}_cpu_s"] += time.process_time() - started
            figures[f"{name}_right"] += answer == truth
            figures[f"{name}_false"] += answer and not truth
            figures[f"{name}_missed"] += truth and not answer
    return figures


def clinc_bot(data: dict[str, list[list[str]]], path: Path, threshold: float = 0.4) -> None:
    """A Lex bot definition (AWS::Lex::Bot properties, as infra/bot.json) with one intent per CLINC150
    intent, its utterances taken from the *train* split, and Lex's default confidence threshold."""
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(intent, []).append(text)
    closing = {"MessageGroupsList": [{"Message": {"PlainTextMessage": {"Value": "ok"}}}]}
    intents = [
        {
            "Name": name.title().replace("_", ""),
            "SampleUtterances": [{"Utterance": text} for text in texts],
            "IntentClosingSetting": {"ClosingResponse": closing},
        }
        for name, texts in sorted(by_intent.items())
    ]
    intents.append(
        {
            "Name": "FallbackIntent",
            "ParentIntentSignature": "AMAZON.FallbackIntent",
            "IntentClosingSetting": {"ClosingResponse": closing},
        }
    )
    bot = {
        "Name": "Clinc150",
        "IdleSessionTTLInSeconds": 300,
        "BotLocales": [{"LocaleId": "en_US", "NluConfidenceThreshold": threshold, "Intents": intents}],
    }
    path.write_text(json.dumps(bot))


def intents_on_clinc(path: Path) -> dict[str, float]:
    """In-scope accuracy and out-of-scope recall of the local Lex on CLINC150's *validation* split (the
    test split is never read), with a bot built from its train split; RecognizeText latency at that size."""
    import tempfile

    from integrations.ai.lex import LexRuntime

    data = json.loads(path.read_text())
    with tempfile.TemporaryDirectory() as folder:
        bot_file = Path(folder) / "clinc150.json"
        clinc_bot(data, bot_file)
        lex = LexRuntime(bot_file)
    started = time.perf_counter()
    utterances = lex.prepare()
    prepare_seconds = time.perf_counter() - started
    request = {"botId": "ABCDEFGHIJ", "botAliasId": "TSTALIASID", "localeId": "en_US", "sessionId": "clinc"}

    def intent_of(text: str) -> str:
        return str(lex.recognize_text({**request, "text": text})["sessionState"]["intent"]["name"])

    samples: list[float] = []
    right = 0
    for text, intent in data["val"]:
        begun = time.perf_counter()
        right += intent_of(text) == intent.title().replace("_", "")
        samples.append((time.perf_counter() - begun) * 1000)
    fallback = sum(intent_of(text) == "FallbackIntent" for text, _ in data["oos_val"])
    p50, p95 = percentiles(samples)
    return {
        "utterances": utterances,
        "prepare_seconds": prepare_seconds,
        "in_scope_accuracy": 100 * right / len(data["val"]),
        "out_of_scope_recall": 100 * fallback / len(data["oos_val"]),
        "p50_ms": p50,
        "p95_ms": p95,
    }


def _uncached(rekognition: object, method: str, data: bytes) -> object:
    rekognition.clear_cache()  # type: ignore[attr-defined]  # measure the real work, not the per-image cache
    return getattr(rekognition, method)({"Image": {"Bytes": data}})


def latency(calls: list[object], repeat: int) -> list[float]:
    calls[0]()  # type: ignore[operator]
    samples = []
    for _ in range(repeat):
        for call in calls:
            started = time.perf_counter()
            call()  # type: ignore[operator]
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def throughput(calls: list[object], workers: int, total: int) -> float:
    jobs = [calls[index % len(calls)] for index in range(total)]
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda call: call(), jobs))
    return total / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no cold-load subprocesses")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="labelled data")
    parser.add_argument(
        "--clinc",
        type=Path,
        help="CLINC150's data_full.json (github.com/clinc/oos-eval, CC BY 3.0): measure the local Lex on it",
    )
    parser.add_argument("--only-clinc", action="store_true", help="measure only the local Lex on --clinc")
    args = parser.parse_args()
    report: dict[str, object] = {"cpu_count": os.cpu_count()}
    if args.clinc:
        print("local Lex on CLINC150 (bot from train, measured on validation, threshold 0.4)…", flush=True)
        report["intents_clinc150"] = clinc = intents_on_clinc(args.clinc)
        print(
            f"  {clinc['utterances']:.0f} utterances embedded in {clinc['prepare_seconds']:.1f} s; "
            f"in-scope {clinc['in_scope_accuracy']:.1f} %, "
            f"out-of-scope recall {clinc['out_of_scope_recall']:.1f} %; "
            f"RecognizeText p50 {clinc['p50_ms']:.1f} ms, p95 {clinc['p95_ms']:.1f} ms",
            flush=True,
        )
        if args.only_clinc:
            _write(args.json, report)
            return

    if not args.quick:
        print("cold load per model (fresh process each)          load      RSS", flush=True)
        report["cold_load"] = loads = cold_loads()
        for name, cold in loads.items():
            print(f"  {name:44s} {cold['load_seconds']:6.2f} s {cold['rss_mib']:6.0f} MiB")

    warm = dict(load_all())
    report["in_process_load_seconds"] = warm
    print("\nvalidation figures of the trained models (percent)")
    report["validation"] = figures = validation_figures(args.data)
    for name, line in figures.items():
        print(f"  {name:24s} {line}")
    report["text_label"] = text = text_label_quality_apart()
    print(
        f"  {'Text label (DetectLabels)':24s} right on {text['label_right']:.0f} of {text['images']:.0f} "
        "images "
        f"({text['with_text']:.0f} with text; {text['label_false']:.0f} false, "
        f"{text['label_missed']:.0f} missed), {1000 * text['label_cpu_s'] / text['images']:.0f} ms CPU each; "
        f"baseline, every line read: {text['full_ocr_right']:.0f} ({text['full_ocr_false']:.0f} false, "
        f"{text['full_ocr_missed']:.0f} missed), {1000 * text['full_ocr_cpu_s'] / text['images']:.0f} ms each"
    )
    services = AiServices.local(Path(tempfile.mkdtemp(prefix="sma-ai-bench-")))
    rows = {}
    print(
        "\nlatency per call (ms, models loaded)            p50       p95   throughput 1 / 2 workers (ops/s)"
    )
    for operation, calls in workload(services).items():
        text_op = len(calls) > 10
        repeat = (2 if args.quick else 5) if text_op else (1 if args.quick else 3)
        samples = latency(calls, repeat)
        p50, p95 = percentiles(samples)
        total = len(calls) * (2 if text_op else 1)
        one, two = throughput(calls, 1, total), throughput(calls, 2, total)
        rows[operation] = {
            "p50_ms": p50,
            "p95_ms": p95,
            "ops_per_s_1_worker": one,
            "ops_per_s_2_workers": two,
        }
        print(f"  {operation:40s} {p50:9.2f} {p95:9.2f}   {one:9.1f} / {two:9.1f}")
    report["operations"] = rows
    report["peak_rss_mib"] = peak_rss_mib()
    print(f"\npeak RSS with every model loaded and used: {report['peak_rss_mib']:.0f} MiB")
    _write(args.json, report)


def _write(path: Path | None, report: dict[str, object]) -> None:
    if path:
        path.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
