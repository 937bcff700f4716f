"""`sma`, the Serverless Message Analyser's command-line tool.

This package holds only the command line: each module under `sma.commands` parses arguments and
prints results for one area, and calls into `workflows`, `integrations`, `lambdas` and `infra`,
which hold the logic.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("serverless-message-analyser")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
