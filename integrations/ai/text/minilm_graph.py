"""all-MiniLM-L6-v2 as an ONNX graph, built here with `onnx.helper` from the hash-checked safetensors.

Nothing is downloaded and neither torch nor transformers is imported: the graph is written out layer by
layer from the checkpoint's own tensors, as the model's configuration describes it (BERT, 6 layers,
12 heads of 32 dimensions, hidden size 384, GELU, LayerNorm ε 1e-12), followed by the sentence-
transformers head of `modules.json` (mean pooling over the tokens the attention mask keeps, then L2
normalisation), so one `InferenceSession.run` gives the sentence embeddings themselves. Each operation is
the one transformers' `BertModel` runs in eager mode, in the same order (embeddings summed word + token
type, then position; scores scaled after the product; masked positions pushed to float32's minimum), so
the numbers agree with it to float32 rounding (`tests/ai/test_embeddings.py` pins 1e-5).

The weights stay float32: the committed toxicity models were trained on these exact embeddings.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnx

# Bumped whenever the graph written here changes, so an ONNX file cached by an older build is not used.
BUILDER_VERSION = 1
OPSET = 17  # LayerNormalization is in the default domain from opset 17 on
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "sentence_embedding"


class _Graph:
    """The nodes and initialisers being written, over the checkpoint's tensors; names made unique."""

    def __init__(self, tensors: dict[str, np.ndarray], epsilon: float) -> None:
        from onnx import helper, numpy_helper

        self.helper = helper
        self.numpy_helper = numpy_helper
        self.tensors = tensors
        self.epsilon = epsilon
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self.numpy_helper.from_array(value, name))
        return name

    def ints(self, name: str, values: list[int]) -> str:
        return self.constant(name, np.asarray(values, dtype=np.int64))

    def scalar(self, name: str, value: float) -> str:
        return self.constant(name, np.asarray(value, dtype=np.float32))

    def weight(self, name: str) -> str:
        return self.constant(name, np.ascontiguousarray(self.tensors[name], dtype=np.float32))

    def op(self, kind: str, *inputs: str, **attributes: Any) -> str:
        self._count += 1
        output = f"{kind.lower()}_{self._count}"
        self.nodes.append(self.helper.make_node(kind, list(inputs), [output], **attributes))
        return output

    def dense(self, x: str, prefix: str) -> str:
        """x @ W^T + b, with W^T stored once (transposing a float32 array is exact)."""
        transposed = np.ascontiguousarray(self.tensors[f"{prefix}.weight"].T, dtype=np.float32)
        product = self.op("MatMul", x, self.constant(f"{prefix}.weight_t", transposed))
        return self.op("Add", product, self.weight(f"{prefix}.bias"))

    def layer_norm(self, x: str, prefix: str) -> str:
        scale, shift = self.weight(f"{prefix}.weight"), self.weight(f"{prefix}.bias")
        return self.op("LayerNormalization", x, scale, shift, axis=-1, epsilon=self.epsilon)


def _embeddings(g: _Graph) -> str:
    """Word + token type (always 0: one sentence per input) + position, then LayerNorm."""
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), INPUTS[0], axis=0)
    first_type = np.ascontiguousarray(g.tensors["embeddings.token_type_embeddings.weight"][0])
    length = g.op("Gather", g.op("Shape", INPUTS[0]), g.ints("sequence_axis", [1]), axis=0)
    table = g.weight("embeddings.position_embeddings.weight")
    positions = g.op("Slice", table, g.ints("zero", [0]), length, g.ints("row_axis", [0]))
    summed = g.op("Add", g.op("Add", words, g.constant("token_type_0", first_type)), positions)
    return g.layer_norm(summed, "embeddings.LayerNorm")


def _layer(g: _Graph, states: str, prefix: str, additive_mask: str, heads: int) -> str:
    """One encoder layer: self-attention, then the feed-forward block, each with residual + LayerNorm."""
    hidden = g.tensors[f"{prefix}.attention.self.query.weight"].shape[0]
    size = hidden // heads
    split = g.ints(f"{prefix}.split_heads", [0, 0, heads, size])  # Reshape's 0 keeps batch and sequence

    def heads_of(name: str, permutation: list[int]) -> str:
        projected = g.dense(states, f"{prefix}.attention.self.{name}")
        return g.op("Transpose", g.op("Reshape", projected, split), perm=permutation)

    query = heads_of("query", [0, 2, 1, 3])
    key = heads_of("key", [0, 2, 3, 1])
    value = heads_of("value", [0, 2, 1, 3])
    scale = g.scalar(f"{prefix}.scale", 1.0 / math.sqrt(size))
    scores = g.op("Add", g.op("Mul", g.op("MatMul", query, key), scale), additive_mask)
    context = g.op("MatMul", g.op("Softmax", scores, axis=-1), value)
    merge = g.ints(f"{prefix}.merge_heads", [0, 0, hidden])
    context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
    attended = g.dense(context, f"{prefix}.attention.output.dense")
    x = g.layer_norm(g.op("Add", attended, states), f"{prefix}.attention.output.LayerNorm")
    inner = g.dense(x, f"{prefix}.intermediate.dense")
    # Exact GELU, BERT's "gelu": x/2 · (1 + erf(x/√2)).
    erf = g.op("Erf", g.op("Div", inner, g.scalar(f"{prefix}.root_two", math.sqrt(2.0))))
    halved = g.op("Mul", inner, g.scalar(f"{prefix}.half", 0.5))
    gelu = g.op("Mul", halved, g.op("Add", erf, g.scalar(f"{prefix}.one", 1.0)))
    output = g.dense(gelu, f"{prefix}.output.dense")
    return g.layer_norm(g.op("Add", output, x), f"{prefix}.output.LayerNorm")


def _sentence_embedding(g: _Graph, x: str, mask: str) -> None:
    """sentence-transformers' head: the mean over kept tokens (their count clamped at 1e-9), then L2
    normalisation with the norm clamped at 1e-12 (as torch.nn.functional.normalize)."""
    kept = g.op("Unsqueeze", mask, g.ints("last_axis", [-1]))
    summed = g.op("ReduceSum", g.op("Mul", x, kept), g.ints("token_axis", [1]), keepdims=0)
    count = g.op("ReduceSum", kept, g.ints("token_axis_of_mask", [1]), keepdims=0)
    pooled = g.op("Div", summed, g.op("Clip", count, g.scalar("tiny_count", 1e-9)))
    norm = g.op("ReduceL2", pooled, axes=[1], keepdims=1)  # axes an attribute until opset 18
    clipped = g.op("Clip", norm, g.scalar("tiny_norm", 1e-12))
    g.nodes.append(g.helper.make_node("Div", [pooled, clipped], [OUTPUT]))


def build(weights_file: Path, config: dict[str, Any]) -> onnx.ModelProto:
    """The ONNX model of the sentence-transformers checkpoint whose BERT weights are `weights_file`."""
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError("only BERT with exact GELU and absolute positions is written out here")
    g = _Graph(load_file(str(weights_file)), float(config["layer_norm_eps"]))
    x = _embeddings(g)
    # The additive attention mask, (batch, 1, 1, sequence): 0 where kept, float32's lowest where padded.
    mask = g.op("Cast", INPUTS[1], to=TensorProto.FLOAT)
    lowest = g.scalar("lowest", float(np.finfo(np.float32).min))
    blocked = g.op("Mul", g.op("Sub", g.scalar("one", 1.0), mask), lowest)
    additive = g.op("Unsqueeze", blocked, g.ints("mask_axes", [1, 2]))
    for number in range(int(config["num_hidden_layers"])):
        x = _layer(g, x, f"encoder.layer.{number}", additive, int(config["num_attention_heads"]))
    _sentence_embedding(g, x, mask)
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "sequence"]) for name in INPUTS],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", int(config["hidden_size"])])],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="sma")
    model.ir_version = 8  # opset 17's IR version; onnxruntime reads it whatever onnx writes by default
    return model
