"""The limits of the path behind the webhook, checked before X gets its 200.

A webhook is acknowledged only if it can pass every service on its way, so nothing acknowledged is
later stuck or dropped. Sizes are counted in UTF-8 bytes of compact JSON, as AWS counts them:

* Kinesis `PutRecord`: the data blob plus the partition key at most 1 MiB (the raw body's limit,
  `SMA_MAX_BODY_BYTES`, checked first, before any hashing).
* The pipe hands each record to the Ingest workflow as `[{"Payload": <data>, "SequenceNumber": "…"}]`
  (the topology's input template); a Step Functions execution input, and every state's input and
  output, is at most 256 KiB of UTF-8.
* Ingest turns each activity into a PutEvents entry whose `Detail` is the activity, plus a
  `MESSAGE_RECEIVED` entry carrying the post's text, and holds them all in one state's output
  (256 KiB); each entry is at most 256 KB (EventBridge's entry size: UTF-8 bytes of Source,
  DetailType, Detail and Resources), which the state limit already implies.
* Analyse runs Comprehend's DetectDominantLanguage, DetectEntities and DetectKeyPhrases on the full
  text: each takes less than 100 KB of UTF-8 (DetectSentiment's 5 KB is met by the analysis cutting
  the text, and Lex's 1,024 characters by respond-text cutting it).

A body holding a lone UTF-16 surrogate (the JSON escape `"\\ud800"` without its pair) is no Unicode
text: it cannot be encoded as UTF-8, which every AWS API's JSON requires, so it is refused too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# Step Functions quotas: "Maximum input or output size for a task, state, or execution: 256 KiB of
# data as a UTF-8 encoded string."
STATE_PAYLOAD_BYTES = 256 * 1024
# Comprehend DetectEntities / DetectKeyPhrases / DetectDominantLanguage: "The maximum string size is
# 100 KB" of UTF-8 (the Comprehend API reference; the local Comprehend enforces 100,000 bytes).
COMPREHEND_TEXT_BYTES = 100_000

# What the pipe's input template adds around a record's data: `[{"Payload":` … `,"SequenceNumber":"`
# a Kinesis sequence number (up to 128 digits) `"}]`.
PIPE_WRAPPING_BYTES = 64 + 128
# What a PutEvents entry in the Ingest workflow's state adds around its Detail or Text: EventBusName
# (an ARN or a name), Source, DetailType, the message's Author, Twitter ids, ImageUrls' keys, quotes.
ENTRY_WRAPPING_BYTES = 512


class PayloadTooLarge(Exception):
    """The webhook would exceed a limit downstream; the message names the limit and the size."""


class InvalidUnicode(Exception):
    """The webhook's JSON holds a string that is not Unicode text (a lone surrogate)."""


def compact_utf8(document: Any) -> bytes:
    """`document` as the services behind re-serialise it: compact JSON, UTF-8, non-ASCII unescaped."""
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError as error:
        bad = error.object[error.start : error.end] if isinstance(error.object, str) else ""
        escape = "".join(f"\\u{ord(char):04x}" for char in bad)
        raise InvalidUnicode(
            f"the body holds a lone UTF-16 surrogate ({escape or 'unpaired'}): it is not Unicode text "
            "and cannot be encoded as UTF-8"
        ) from None


def _longest_string(value: Any) -> int:
    """The UTF-8 size of the longest string (key or value) inside `value`, walked without recursion."""
    longest = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            longest = max(longest, len(item) if item.isascii() else len(item.encode("utf-8")))
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return longest


def check_downstream(document: Any, items: Iterable[Any]) -> int:
    """Raise `PayloadTooLarge` (or `InvalidUnicode`) unless the webhook fits every limit on its path.

    `items` are the activities the ingest workflow makes an event of. Returns the compact size.
    """
    size = len(compact_utf8(document))
    wrapped = size + PIPE_WRAPPING_BYTES
    if wrapped > STATE_PAYLOAD_BYTES:
        raise PayloadTooLarge(
            f"the activity takes {size} bytes as compact JSON; the ingest workflow's input holds at most "
            f"{STATE_PAYLOAD_BYTES - PIPE_WRAPPING_BYTES} (Step Functions' 256 KiB, less the pipe's wrapping)"
        )
    entries = 0
    for item in items:
        detail = len(compact_utf8(item))
        text = _longest_string(item)
        if text >= COMPREHEND_TEXT_BYTES:
            raise PayloadTooLarge(
                f"a text of {text} bytes (UTF-8); Comprehend analyses less than {COMPREHEND_TEXT_BYTES}"
            )
        # While it builds an activity's events, the ingest workflow holds in one state the activity twice
        # (the raw event's Detail beside the Item it reads from) and the post's text twice (the text it
        # took, and the message's Detail.Text): all within one state's 256 KiB.
        building = 2 * detail + 2 * text + 2 * ENTRY_WRAPPING_BYTES
        if building > STATE_PAYLOAD_BYTES:
            raise PayloadTooLarge(
                f"one activity takes {detail} bytes and its text {text}; the ingest workflow holds each "
                f"twice in one state, about {building} bytes of Step Functions' 256 KiB"
            )
        # Its events then: the activity's own (an EventBridge entry of at most 256 KB, implied by the
        # above), and at most one message whose text is one of the activity's strings.
        entries += detail + text + 2 * ENTRY_WRAPPING_BYTES
    if entries > STATE_PAYLOAD_BYTES:
        raise PayloadTooLarge(
            f"the events made of this webhook take about {entries} bytes; the ingest workflow holds them "
            f"in one state, at most {STATE_PAYLOAD_BYTES} bytes (Step Functions' 256 KiB)"
        )
    return size
