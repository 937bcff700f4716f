"""The PyTorch EfficientNet-Lite0 that DetectLabels ran on before onnxruntime: the tests' reference.

Written as the checkpoint's own implementation names its layers, so the state dict loads with strict key
checking, and run in eval mode with its batch norms as they are (not folded), so the ONNX graph's folding
is checked too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from integrations.ai.vision.efficientnet import WEIGHTS, preprocessed
from integrations.ai.vision.efficientnet_graph import NORM_EPSILON, STAGES
from integrations.ai.weights import verified_file


def _conv(inputs: int, outputs: int, kernel: int, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    return nn.Conv2d(inputs, outputs, kernel, stride, padding=kernel // 2, groups=groups, bias=False)


def _norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=NORM_EPSILON)


class Block(nn.Module):
    """Inverted residual: 1x1 expand, depthwise kxk, 1x1 project; identity skip when shapes allow."""

    def __init__(self, inputs: int, outputs: int, expansion: int, kernel: int, stride: int) -> None:
        super().__init__()
        hidden = inputs * expansion
        self.expand = expansion != 1
        if self.expand:
            self._expand_conv = _conv(inputs, hidden, 1)
            self._bn0 = _norm(hidden)
        self._depthwise_conv = _conv(hidden, hidden, kernel, stride, groups=hidden)
        self._bn1 = _norm(hidden)
        self._project_conv = _conv(hidden, outputs, 1)
        self._bn2 = _norm(outputs)
        self.skip = stride == 1 and inputs == outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = functional.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        y = functional.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.skip else y


class EfficientNetLite0(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self._conv_stem = _conv(3, 32, 3, 2)
        self._bn0 = _norm(32)
        blocks, channels = [], 32
        for expansion, kernel, stride, outputs, repeats in STAGES:
            for index in range(repeats):
                blocks.append(Block(channels, outputs, expansion, kernel, stride if index == 0 else 1))
                channels = outputs
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = _conv(channels, 1280, 1)
        self._bn1 = _norm(1280)
        self._fc = nn.Linear(1280, 1000)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = functional.relu6(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = functional.relu6(self._bn1(self._conv_head(x)))
        return self._fc(x.mean(dim=(2, 3)))


def reference_model() -> Any:
    model = EfficientNetLite0()
    model.load_state_dict(
        torch.load(verified_file(WEIGHTS), map_location="cpu", weights_only=True), strict=True
    )
    return model.eval()


def reference_probabilities(model: Any, pixels: np.ndarray) -> np.ndarray:
    """The PyTorch model's class probabilities (1000,) for an RGB image, with the service's preprocessing."""
    with torch.inference_mode():
        return model(torch.from_numpy(preprocessed(pixels))).softmax(dim=-1)[0].numpy()
