"""How a notification reaches each kind of subscriber: the console, a JSON-lines file, an HTTP(S)
endpoint (POST, as SNS does), email over SMTP, or a Python callable wired by the local cloud."""

from __future__ import annotations

import json
import os
import smtplib
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel

_file_lock = threading.Lock()


@dataclass(frozen=True)
class SmtpSettings:
    """Where email subscriptions are sent; `from_env()` reads SMA_SMTP_HOST, _PORT, _FROM, _USER,
    _PASSWORD and _STARTTLS."""

    host: str
    port: int = 25
    sender: str = "sma-notifications@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
        env = os.environ if environ is None else environ
        host = env.get("SMA_SMTP_HOST")
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("SMA_SMTP_PORT", "25")),
            sender=env.get("SMA_SMTP_FROM", cls.sender),
            username=env.get("SMA_SMTP_USER") or None,
            password=env.get("SMA_SMTP_PASSWORD") or None,
            starttls=env.get("SMA_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
        )


class DeliveryFailed(Exception):
    """A subscriber did not take the notification (the reason is the message)."""


def to_console(console: Console, topic_name: str, subject: str | None, message: str) -> None:
    title = f"[bold]{topic_name}[/]" + (f": {subject}" if subject else "")
    console.print(Panel(message, title=title, title_align="left", border_style="yellow"))


def to_file(path: str, line: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock, target.open("a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")


def to_http(url: str, body: str, headers: Mapping[str, str], timeout: float) -> None:
    request = urllib.request.Request(url, data=body.encode("utf-8"), method="POST", headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"HTTP {error.code} from {url}") from None
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryFailed(f"cannot reach {url}: {getattr(error, 'reason', error)}") from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status} from {url}")


def to_email(settings: SmtpSettings | None, address: str, subject: str, body: str) -> None:
    if settings is None:
        raise DeliveryFailed("email is not configured: set SMA_SMTP_HOST (and SMA_SMTP_PORT, SMA_SMTP_FROM)")
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = address
    email["Subject"] = subject
    email.set_content(body)
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(email)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(f"SMTP {settings.host}:{settings.port} refused the message: {error}") from None


def to_callable(deliver: Callable[[Any], None], body: str, raw: bool) -> None:
    deliver(body if raw else json.loads(body))
