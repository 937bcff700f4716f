"""AWS list prices (us-east-1, on demand), each with its source page and when and how it was re-checked.

`checked` is the day a price was compared with AWS's published pricing page (or a dated transcription of
it) found with the project's document search; None means it is the 2025 list price as known when the
model was written and was not re-checked. Re-check before relying on any: prices change, and other
regions differ by up to ~20%.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION = "us-east-1"
USD_TO_GBP = 0.79  # the rate used to compare with the seeds' pounds (2025-06)


@dataclass(frozen=True)
class Price:
    service: str
    usd: float  # per one unit
    unit: str
    source: str
    checked: str | None = None  # ISO date of the last re-check, None when not re-checked
    evidence: str = "2025 list price, not re-checked"


_SFN = "https://aws.amazon.com/step-functions/pricing/"
_EVENTS = "https://aws.amazon.com/eventbridge/pricing/"
_FIREHOSE = "https://aws.amazon.com/firehose/pricing/"
_LAMBDA = "https://aws.amazon.com/lambda/pricing/"
_KINESIS = "https://aws.amazon.com/kinesis/data-streams/pricing/"
_COMPREHEND = "https://aws.amazon.com/comprehend/pricing/"
_S3 = "https://aws.amazon.com/s3/pricing/"
_SFN_CHECK = "compared with a copy of the pricing page"
_LAMBDA_CHECK = (
    "Cloudchipr's Lambda pricing guide (us-east-1: $0.20 per 1M requests; arm64 $0.0000133334 and x86_64 "
    "$0.0000166667 per GB-second for the first billions of GB-seconds a month); AWS's own page renders "
    "its price table from templates the stored copy lacks"
)
_COMPREHEND_CHECK = (
    "the pricing page (its German and Turkish copies, searched 2026-12-03) bills the NLP APIs in units "
    "of 100 characters with a 3-unit minimum per request; the unit price itself is a template the stored "
    "page does not render, so $0.0001 is taken from CloudZero's 2026 Comprehend pricing guide"
)

PRICES: dict[str, Price] = {
    "standard_transition": Price(
        "Step Functions", 0.025 / 1_000, "state transition", _SFN, "2026-11-22", _SFN_CHECK
    ),
    "express_request": Price("Step Functions", 1.00 / 1e6, "Express request", _SFN, "2026-11-22", _SFN_CHECK),
    "express_gb_second": Price(
        "Step Functions", 0.00001667, "Express GB-second", _SFN, "2026-11-22", _SFN_CHECK
    ),
    "lambda_request": Price("Lambda", 0.20 / 1e6, "request", _LAMBDA, "2026-12-03", _LAMBDA_CHECK),
    "lambda_gb_second": Price(
        "Lambda", 0.0000133334, "GB-second (arm64)", _LAMBDA, "2026-12-03", _LAMBDA_CHECK
    ),
    "lambda_gb_second_x86": Price(
        "Lambda", 0.0000166667, "GB-second (x86_64)", _LAMBDA, "2026-12-03", _LAMBDA_CHECK
    ),
    "api_request": Price(
        "API Gateway", 3.50 / 1e6, "REST request", "https://aws.amazon.com/api-gateway/pricing/"
    ),
    "kinesis_gb_in": Price("Kinesis", 0.08, "GB written (on demand)", _KINESIS),
    "kinesis_gb_out": Price("Kinesis", 0.04, "GB read (on demand)", _KINESIS),
    "pipe_request": Price("EventBridge", 0.40 / 1e6, "Pipes request (64 KB)", _EVENTS),
    "custom_event": Price("EventBridge", 1.00 / 1e6, "custom event (64 KB)", _EVENTS),
    "comprehend_unit": Price(
        "Comprehend", 0.0001, "unit (100 characters, 3 minimum)", _COMPREHEND, "2026-12-03", _COMPREHEND_CHECK
    ),
    "comprehend_toxicity_unit": Price(
        "Comprehend",
        0.0001,
        "toxicity unit (100 characters, 3 minimum assumed)",
        _COMPREHEND,
        "2026-12-03",
        "the stored pricing page lists toxicity detection but does not render its price: priced like the NLP "
        "APIs, with their 3-unit minimum, an assumption to re-check",
    ),
    "rekognition_image": Price(
        "Rekognition",
        0.001,
        "image per API (Group 2, first 1M a month)",
        "https://aws.amazon.com/rekognition/pricing/",
        "2026-12-03",
        "api-evangelist's transcription of the pricing page (read 2026-10-07): DetectLabels $0.0010 per "
        "image for the first 1 million images, then $0.0008; DetectText and RecognizeCelebrities alike",
    ),
    "lex_text_request": Price(
        "Lex",
        0.00075,
        "text request",
        "https://aws.amazon.com/lex/pricing/",
        "2026-12-03",
        "CloudZero's 2026 Lex pricing guide: Lex V2 about $0.00075 per text request ($0.004 per speech "
        "request); AWS's own page was not in the stored copies",
    ),
    "dynamodb_write": Price(
        "DynamoDB", 0.625 / 1e6, "write request unit", "https://aws.amazon.com/dynamodb/pricing/on-demand/"
    ),
    "firehose_gb": Price("Firehose", 0.029, "GB ingested (5 KB records)", _FIREHOSE),
    "firehose_partitioning_gb": Price("Firehose", 0.020, "GB dynamically partitioned", _FIREHOSE),
    "s3_put": Price("S3", 0.005 / 1_000, "PUT request", _S3),
    "s3_get": Price("S3", 0.0004 / 1_000, "GET request", _S3),
    "logs_gb": Price("CloudWatch Logs", 0.50, "GB ingested", "https://aws.amazon.com/cloudwatch/pricing/"),
    "secrets_call": Price(
        "Secrets Manager", 0.05 / 10_000, "API call", "https://aws.amazon.com/secrets-manager/pricing/"
    ),
    "xray_trace": Price("X-Ray", 5.00 / 1e6, "trace recorded", "https://aws.amazon.com/xray/pricing/"),
}
