"""An onnxruntime session opened the way every model of the AI services opens one (MiniLM, EfficientNet).

`threads` intra-op threads (default `ai_threads()`, the one knob every library follows), one inter-op
thread, operators run one after another, and worker threads that sleep while they wait for work:
onnxruntime's default pool (a thread per core, spinning) took a core from the rest of the local cloud.
`InferenceSession.run` may be called from several threads at once (onnxruntime's documented guarantee),
so callers need no lock around it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from integrations.ai.threads import ai_threads


def open_session(model: Path | bytes, threads: int | None = None) -> Any:
    """A CPU session of the ONNX model in file `model` (or of the serialised model `model`)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = ai_threads() if threads is None else threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = str(model) if isinstance(model, Path) else model
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])
