"""Errors a handler raises on purpose. Their class names are the error names Step Functions sees.

A Lambda invoked by a `lambda:invoke` Task fails with `errorType` = the exception's class name, so a
workflow can `Retry` or `Catch` on `ConfigurationError` or `InvalidInput` by name; keep the names stable.
"""

from __future__ import annotations


class ConfigurationError(Exception):
    """A setting (environment variable or secret) is missing or invalid; the message names it."""


class InvalidInput(Exception):
    """The invocation's input is not the agreed shape; the message says which field and why."""
