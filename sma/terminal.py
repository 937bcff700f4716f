"""Terminal output that any text passes through.

Events, executions and logs may carry strings UTF-8 cannot encode (a lone surrogate from a JSON
`"\\ud800"` escape). Printing one to a UTF-8 stream raises in the middle of a command; with
`backslashreplace` it comes out as its `\\ud800` escape, as Python already does on stderr.
"""

from __future__ import annotations

import sys


def tolerate_any_text() -> None:
    """Make stdout and stderr print any `str` (lone surrogates as their escapes) instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
