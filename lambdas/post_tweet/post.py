"""Posting a reply, as a plain function with its clients injected.

Input (the `Payload` of the egress workflow's `lambda:invoke` Task):

    {"Command": {"Text": "...", "ReplyToTweetId": "...", "ReplyToUserId": "...", "ImageKey": "..."},
     "Bucket": "media-bucket"}

Output: `{"Posted": true, "TweetId": "...", "ReplyToTweetId": "...", "MediaIds": [...]}` once X has the
reply, or what another poster returns (the local outbox: `{"Posted": false, "Outbox": "<folder>/outbox.jsonl",
"ReplyToTweetId": "...", "Image": ...}`). Failures raise the errors in `lambdas.post_tweet.errors`.
"""

from __future__ import annotations

from typing import Any

from lambdas.post_tweet.command import ReplyCommand
from lambdas.post_tweet.errors import ImageUnavailable
from lambdas.post_tweet.poster import Image, Poster
from lambdas.post_tweet.settings import PostSettings
from lambdas.shared.aws_errors import aws_error_code
from lambdas.shared.images import sniff_content_type


def _read_image(reply: ReplyCommand, settings: PostSettings, s3: Any) -> Image | None:
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


def post_reply(event: Any, *, settings: PostSettings, s3: Any, poster: Poster) -> dict[str, Any]:
    """Read the command (and its photo) and hand the reply to `poster`."""
    reply = ReplyCommand.from_event(event)
    return poster.post(reply, _read_image(reply, settings, s3))
