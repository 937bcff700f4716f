"""The local SNS: topics, subscriptions (console, JSON-lines file, HTTP POST, email over SMTP, Python
callables) with filter policies, and Publish / PublishBatch with SNS's limits and errors."""

from __future__ import annotations

from integrations.topics.endpoints import SmtpSettings
from integrations.topics.service import Topics

__all__ = ["SmtpSettings", "Topics"]
