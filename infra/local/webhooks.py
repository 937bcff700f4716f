"""Delivering webhooks to the local cloud the way X does: payloads signed with the consumer secret and
POSTed to the webhook URL, plus the consumer secret itself and the payloads `sma send --text` builds.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from infra.local.media_server import local_url
from infra.topology import X_SECRET_ID
from lambdas.ingress.signatures import sign

# The account the bundled payloads were written for (examples/payloads/README.md).
ACCOUNT_USER_ID = "1111111111111111111"
ACCOUNT_SCREEN_NAME = "SmaBot"


def consumer_secret(secretsmanager: Any) -> str:
    """The webhook consumer secret from the X credentials secret (through the account's Secrets Manager
    client); one is created for this machine when none is configured, so the local cloud verifies
    signatures exactly as on AWS."""
    try:
        stored = json.loads(secretsmanager.get_secret_value(SecretId=X_SECRET_ID)["SecretString"])
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        generated = secrets.token_urlsafe(32)
        secretsmanager.create_secret(
            Name=X_SECRET_ID, SecretString=json.dumps({"consumer_secret": generated})
        )
        return generated
    value = stored.get("consumer_secret") or stored.get("ApiSecret")
    if value:
        return str(value)
    raise ValueError(f"the secret {X_SECRET_ID} has no consumer_secret: add it or remove the secret")


def with_local_media(payload: Any, origin: str) -> Any:
    """The payload with every photo URL on X's media host pointed at the media server at `origin`."""
    if isinstance(payload, dict):
        return {key: with_local_media(value, origin) for key, value in payload.items()}
    if isinstance(payload, list):
        return [with_local_media(value, origin) for value in payload]
    if isinstance(payload, str):
        return local_url(payload, origin)
    return payload


def mention(
    text: str,
    image_urls: list[str],
    *,
    author: str = "local_user",
    author_id: str = "42",
    tweet_id: str | None = None,
) -> dict:
    """An Account Activity API payload for one mention of the account, as `sma send --text` sends it."""
    now = datetime.now(UTC)
    # Shaped like a snowflake id: milliseconds in the high bits, a random sequence in the low ones.
    tweet_id = tweet_id or str((int(time.time() * 1000) << 22) | secrets.randbelow(1 << 22))
    tweet: dict[str, Any] = {
        "created_at": now.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "id_str": tweet_id,
        "text": f"@{ACCOUNT_SCREEN_NAME} {text}",
        "truncated": False,
        "user": {"id_str": author_id, "screen_name": author, "name": author},
        "entities": {"user_mentions": [{"screen_name": ACCOUNT_SCREEN_NAME, "id_str": ACCOUNT_USER_ID}]},
    }
    if image_urls:
        media = [{"type": "photo", "media_url_https": url} for url in image_urls]
        tweet["entities"]["media"] = media
        tweet["extended_entities"] = {"media": media}
    return {"for_user_id": ACCOUNT_USER_ID, "tweet_create_events": [tweet]}


def deliver(url: str, body: bytes, secret: str, *, signature: str | None = None) -> tuple[int, str]:
    """POST `body` to the webhook as X does; returns the status and the response text."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "x-twitter-webhooks-signature": signature if signature is not None else sign(secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def sample_payloads(folder: Path) -> list[Path]:
    """The bundled payloads, Account Activity API first, in a stable order."""
    return sorted(folder.glob("aaa/*.json")) + sorted(folder.glob("xaa/*.json"))
