"""The product's orchestration: Amazon States Language definitions (`*.asl.json`), the JSON Schemas of
the domain events, the local ASL engine (`workflows.engine`) and the workflow test harness.

The ASL files are the source of truth for both clouds; nothing generates them from code.
`workflows.validate(definition)` checks one before it runs (see workflows/README.md).
"""

from typing import Any

__all__ = ["validate"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the engine alone (as the local cloud does) does not load the validator.
    if name == "validate":
        from workflows.validation import validate

        return validate
    raise AttributeError(f"module 'workflows' has no attribute {name!r}")
