"""The two X API v2 calls a reply needs: media upload (for the photo) and create post (the reply).

tweepy 4.17 posts through `Client.create_tweet`, but its media upload is the retired v1.1 endpoint, so
the photo goes to v2's `POST /2/media/upload` (multipart `media` + `media_category=tweet_image`) through
an OAuth 1.0a session from requests-oauthlib, which tweepy itself uses. Every failure is translated to
one of `lambdas.post_tweet.errors`.
"""

from __future__ import annotations

from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter
from requests_oauthlib import OAuth1Session

from lambdas.post_tweet.errors import XRateLimited, XRejected, XUnavailable
from lambdas.shared.x_credentials import XCredentials

_MAX_MESSAGE_CHARS = 500


class _TimeoutAdapter(HTTPAdapter):
    """An adapter that applies a timeout to requests made without one (tweepy passes none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def send(  # type: ignore[override]  # requests' own signature names every keyword; we pass them on
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


def _with_timeout(session: requests.Session, timeout: float) -> requests.Session:
    adapter = _TimeoutAdapter(timeout)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def x_error_message(response: requests.Response) -> str:
    """X's explanation from an error response: v2 `detail`/`title`, or v1.1-style `errors[].message`."""
    try:
        document = response.json()
    except ValueError:
        return (response.text or response.reason or "no explanation given").strip()[:_MAX_MESSAGE_CHARS]
    parts: list[str] = []
    if isinstance(document, dict):
        for error in document.get("errors") or []:
            if isinstance(error, dict) and (error.get("message") or error.get("detail")):
                parts.append(str(error.get("message") or error.get("detail")))
        if not parts and (document.get("detail") or document.get("title")):
            parts.append(str(document.get("detail") or document.get("title")))
    return ("; ".join(parts) or response.reason or "no explanation given")[:_MAX_MESSAGE_CHARS]


def error_for(response: requests.Response) -> Exception:
    """The error an unsuccessful X response stands for."""
    if response.status_code == 429:
        reset = response.headers.get("x-rate-limit-reset", "")
        return XRateLimited(int(reset) if reset.isdigit() else None)
    if response.status_code >= 500:
        return XUnavailable(f"X answered HTTP {response.status_code}: {x_error_message(response)}")
    return XRejected(response.status_code, x_error_message(response))


class XApi:
    """Posts replies as the account the credentials belong to (OAuth 1.0a user context)."""

    def __init__(self, credentials: XCredentials, *, media_upload_url: str, timeout_seconds: float) -> None:
        credentials.require("consumer_key", "consumer_secret", "access_token", "access_token_secret")
        self._credentials = credentials
        self._media_upload_url = media_upload_url
        self._timeout = timeout_seconds

    def upload_image(self, data: bytes, content_type: str) -> str:
        """Upload a photo; its media id."""
        session = OAuth1Session(
            client_key=self._credentials.consumer_key,
            client_secret=self._credentials.consumer_secret,
            resource_owner_key=self._credentials.access_token,
            resource_owner_secret=self._credentials.access_token_secret,
        )
        extension = content_type.rsplit("/", maxsplit=1)[-1]
        try:
            response = session.post(
                self._media_upload_url,
                files={"media": (f"reply.{extension}", data, content_type)},
                data={"media_category": "tweet_image", "media_type": content_type},
                timeout=self._timeout,
            )
        except requests.RequestException as error:
            raise XUnavailable(f"media upload failed: {type(error).__name__}") from None
        finally:
            session.close()
        if not response.ok:
            raise error_for(response)
        try:
            document = response.json()
            media_id = document["data"]["id"]
        except (ValueError, KeyError, TypeError):
            raise XUnavailable("media upload answered without data.id") from None
        return str(media_id)

    def create_reply(self, text: str, in_reply_to_tweet_id: str, media_ids: list[str]) -> str:
        """Post `text` in reply to a post; the new post's id."""
        client = tweepy.Client(
            consumer_key=self._credentials.consumer_key,
            consumer_secret=self._credentials.consumer_secret,
            access_token=self._credentials.access_token,
            access_token_secret=self._credentials.access_token_secret,
        )
        _with_timeout(client.session, self._timeout)
        try:
            response = client.create_tweet(
                text=text,
                in_reply_to_tweet_id=in_reply_to_tweet_id,
                media_ids=media_ids or None,
                user_auth=True,
            )
        except tweepy.HTTPException as error:
            raise error_for(error.response) from None
        except requests.RequestException as error:
            raise XUnavailable(f"posting failed: {type(error).__name__}") from None
        finally:
            client.session.close()
        data = getattr(response, "data", None)
        if not isinstance(data, dict) or "id" not in data:
            raise XUnavailable("X accepted the post but answered without data.id")
        return str(data["id"])
