"""Posting a reply, as a plain function with its clients injected.

Input (the `Payload` of the egress workflow's `lambda:invoke` Task):

    {"Command": {"Text": "...", "ReplyToTweetId": "...", "ReplyToUserId": "...", "ImageKey": "..."},
     "Bucket": "media-bucket"}

Output: `{"Posted": true, "TweetId": "...", "ReplyToTweetId": "...", "MediaIds": [...]}` once X has the
reply, or `{"Posted": false, "Outbox": "<folder>/outbox.jsonl", "ReplyToTweetId": "...", "Image": ...}`
when it went to the local outbox. Failures raise the errors in `lambdas.post_tweet.errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lambdas.post_tweet.command import ReplyCommand
from lambdas.post_tweet.errors import ImageUnavailable, XCredentialsMissing
from lambdas.post_tweet.outbox import Outbox
from lambdas.post_tweet.settings import PostSettings
from lambdas.post_tweet.x_api import XApi
from lambdas.shared.aws_errors import aws_error_code
from lambdas.shared.images import FORMATS, sniff_content_type
from lambdas.shared.structured_log import get_logger, log_fields
from lambdas.shared.x_credentials import XCredentials

logger = get_logger("sma.post")

CredentialsProvider = Callable[[], XCredentials | None]
ApiFactory = Callable[[XCredentials], XApi]


def _read_image(reply: ReplyCommand, settings: PostSettings, s3: Any) -> tuple[bytes, str] | None:
    if not reply.image_key:
        return None
    try:
        response = s3.get_object(Bucket=reply.bucket, Key=reply.image_key)
    except Exception as error:
        if aws_error_code(error) in {"NoSuchKey", "NoSuchBucket", "404"}:
            raise ImageUnavailable(f"{reply.image_key} is not in bucket {reply.bucket}") from None
        raise
    data = response["Body"].read(settings.max_image_bytes + 1)
    if len(data) > settings.max_image_bytes:
        raise ImageUnavailable(f"{reply.image_key} is over the {settings.max_image_bytes} bytes X accepts")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ImageUnavailable(f"{reply.image_key} is not a JPEG, PNG, GIF or WebP image")
    return data, content_type


def post_reply(
    event: Any,
    *,
    settings: PostSettings,
    s3: Any,
    credentials: CredentialsProvider,
    api_factory: ApiFactory,
) -> dict[str, Any]:
    """Post the reply on X, or to the outbox when no credentials exist and an outbox is configured."""
    reply = ReplyCommand.from_event(event)
    image = _read_image(reply, settings, s3)
    found = credentials()
    # A secret holding only the webhook's consumer secret cannot post: locally that means the outbox.
    if (found is None or not found.can_post()) and settings.outbox_dir is not None:
        entry = Outbox(settings.outbox_dir).deliver(
            reply, image[0] if image else None, FORMATS[image[1]][1] if image else None
        )
        logger.info("reply queued in the outbox", extra=log_fields(reply_to=reply.reply_to_tweet_id))
        return {
            "Posted": False,
            "Outbox": str(settings.outbox_dir / "outbox.jsonl"),
            "ReplyToTweetId": reply.reply_to_tweet_id,
            "Image": entry["Image"],
        }
    if found is None:
        raise XCredentialsMissing(
            "no X credentials secret exists (SMA_X_SECRET_ID) and no SMA_OUTBOX_DIR is set for replies"
        )
    api = api_factory(found)
    media_ids = [api.upload_image(*image)] if image else []
    tweet_id = api.create_reply(reply.text, reply.reply_to_tweet_id, media_ids)
    logger.info(
        "reply posted",
        extra=log_fields(reply_to=reply.reply_to_tweet_id, tweet_id=tweet_id, media=len(media_ids)),
    )
    return {
        "Posted": True,
        "TweetId": tweet_id,
        "ReplyToTweetId": reply.reply_to_tweet_id,
        "MediaIds": media_ids,
    }
