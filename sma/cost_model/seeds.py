"""The seeds' design (seeds 000 and 001) priced by the same model: what one text message and one photo
message use, read off the seeds' own description, each assumption stated in `ASSUMPTIONS`.

Seed 000 describes the analysis workflow state by state (a Parallel: DetectEntities and DetectSentiment
on every text with LanguageCode "en"; a Choice for images, the download Lambda, a Map over the images
running DetectLabels, DetectText and RecognizeCelebrities on each; a PutEvents), Standard Step Functions,
the ingress Lambda publishing the raw event and MESSAGE_RECEIVED straight to EventBridge, a respond-text
Lambda calling Lex with a fulfilment Lambda, a respond-image Lambda drawing names on the photo, an egress
Lambda, a catch-all rule to CloudWatch Logs and Firehose (with a newline-adding Lambda) into S3.
"""

from __future__ import annotations

from sma.cost_model.common import Usage, add_events, add_lambda, comprehend_units
from sma.cost_model.mix import Mix

MEMORY_MB = 128  # the seeds set no memory size: CDK's default
SECONDS = {
    "Ingress": 0.1,
    "RespondText": 0.3,
    "Fulfilment": 0.5,
    "Download": 0.5,
    "RespondImage": 1.0,
    "Egress": 0.5,
}
# Analysis states entered (Standard bills one transition each): a text message enters the Parallel,
# DetectEntities, DetectSentiment, the images Choice, its no-images Pass and PutEvents; a photo message
# the Parallel, the two Comprehend tasks, the Choice, the download Lambda, the Map and PutEvents, plus
# per photo a Parallel with the three Rekognition tasks.
TEXT_TRANSITIONS = 6
PHOTO_TRANSITIONS = 7
PER_PHOTO_TRANSITIONS = 4
EVENTS = 4  # the raw TWITTER_<TYPE>, MESSAGE_RECEIVED, MESSAGE_ANALYSED and SEND_TWEET

ASSUMPTIONS = (
    f"Seeds: the analysis is Standard; a text message enters {TEXT_TRANSITIONS} states, a photo message"
    f" {PHOTO_TRANSITIONS} plus {PER_PHOTO_TRANSITIONS} per photo (Parallel, DetectEntities and"
    " DetectSentiment, the images Choice, download, Map, per photo a Parallel of DetectLabels, DetectText"
    " and RecognizeCelebrities, PutEvents), as seed 000 draws it; no Step Functions logging (none set).",
    "Seeds: DetectEntities and DetectSentiment on every message; DetectLabels, DetectText and"
    " RecognizeCelebrities on every photo; one Lex text request per text message (its fulfilment Lambda"
    " fetches the joke or fact).",
    f"Seeds: Lambdas at {MEMORY_MB} MB on x86_64 (CDK's defaults; the seeds set neither) for "
    + ", ".join(f"{name} {seconds:g}s" for name, seconds in SECONDS.items())
    + "; the Firehose newline Lambda runs per buffered batch, not per message, and is left out.",
    f"Seeds: {EVENTS} events per message on the bus (raw, received, analysed, send), each logged and landed"
    " in the lake without dynamic partitioning; API Gateway straight to the ingress Lambda (no stream);"
    " the ingress and egress Lambdas each pull the X secret from Secrets Manager per message, as seed 001"
    " says (this design caches it per Lambda container: not counted).",
)


def _seeds_lambda(used: Usage, seconds: float) -> None:
    """One invocation of a seeds' Lambda: CDK's defaults, 128 MB on x86_64 (the seeds set neither)."""
    add_lambda(used, 1, seconds, MEMORY_MB, arm64=False)


def usage(mix: Mix, event_bytes: float) -> dict[str, Usage]:
    """What one text message and one photo message use in the seeds' design."""
    units = comprehend_units(mix.characters)
    photos = mix.photos_per_message
    kinds: dict[str, Usage] = {}
    for kind in ("text", "photo"):
        used: Usage = Usage()
        used["api_request"] += 1
        _seeds_lambda(used, SECONDS["Ingress"])
        _seeds_lambda(used, SECONDS["Egress"])
        add_events(used, EVENTS, event_bytes, partitioned=False)
        used["secrets_call"] += 2  # the ingress and egress Lambdas each pull the X secret (seed 001)
        used["comprehend_unit"] += 2 * units
        if kind == "text":
            used["standard_transition"] += TEXT_TRANSITIONS
            used["lex_text_request"] += 1
            _seeds_lambda(used, SECONDS["RespondText"])
            _seeds_lambda(used, SECONDS["Fulfilment"])
        else:
            used["standard_transition"] += PHOTO_TRANSITIONS + PER_PHOTO_TRANSITIONS * photos
            used["rekognition_image"] += 3 * photos
            _seeds_lambda(used, SECONDS["Download"] * photos)
            _seeds_lambda(used, SECONDS["RespondImage"])
            used["s3_put"] += photos + 1  # each photo downloaded, the annotated copy
            used["s3_get"] += 3 * photos + 2  # Rekognition reads each photo per call; overlay; egress
        kinds[kind] = used
    return kinds
