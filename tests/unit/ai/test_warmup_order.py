"""The warm-up loads what every text message needs first, whichever module the process imported first."""

from __future__ import annotations

import importlib

from integrations.ai.warmup import MODEL_MODULES, models


def test_models_come_in_the_warm_up_order_not_the_import_order() -> None:
    # The local cloud imports the Rekognition service (and with it the vision models' modules) before
    # any text model is asked for; the registry then lists dlib and EfficientNet first. The warm-up must
    # still start with the text models the first message waits for.
    importlib.import_module("integrations.ai.vision.faces")
    importlib.import_module("integrations.ai.vision.efficientnet")
    order = [model.module for model in models().values()]
    ranks = [MODEL_MODULES.index(module) for module in order]
    assert ranks == sorted(ranks)
    assert order[0] == "integrations.ai.text.sentiment"
    assert order.index("integrations.ai.text.embeddings") < order.index("integrations.ai.vision.faces")
