"""Fit one linear tweet classifier, calibrate its scores, and measure it on the validation split."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from integrations.ai.text.linear_model import LinearModel, TweetFeatures, normalise, softmax
from integrations.ai.training import embedding_cache
from integrations.ai.training.data import Task

MAX_FEATURES = 100_000  # per vocabulary (words, characters): more did not help on validation
REGULARISATION = 0.1  # LinearSVC's C, chosen on the sentiment validation split (0.1: 68.5, 0.3: 68.8, slower)


@dataclass(frozen=True)
class Figures:
    """Validation figures, in percent."""

    macro_recall: float
    macro_f1: float
    accuracy: float
    per_class_recall: dict[str, float]

    def line(self) -> str:
        recalls = ", ".join(f"{name} {value:.1f}" for name, value in self.per_class_recall.items())
        return (
            f"macro-recall {self.macro_recall:.1f}  macro-F1 {self.macro_f1:.1f}  "
            f"accuracy {self.accuracy:.1f}  (recall: {recalls})"
        )


def measure(expected: list[str], predicted: list[str], classes: tuple[str, ...]) -> Figures:
    recalls, f1s = {}, []
    for name in classes:
        true_positive = sum(e == name and p == name for e, p in zip(expected, predicted, strict=True))
        actual = sum(e == name for e in expected)
        guessed = sum(p == name for p in predicted)
        recall = true_positive / actual if actual else 0.0
        precision = true_positive / guessed if guessed else 0.0
        recalls[name] = 100 * recall
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
    return Figures(
        macro_recall=sum(recalls.values()) / len(classes),
        macro_f1=100 * sum(f1s) / len(classes),
        accuracy=100 * accuracy,
        per_class_recall=recalls,
    )


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature with the lowest log-loss on held-out scores (a golden-section search over
    log T): it calibrates the probabilities without changing which class wins."""

    def loss(log_t: float) -> float:
        probabilities = softmax(scores / math.exp(log_t))
        return float(-np.log(probabilities[np.arange(len(truth)), truth] + 1e-12).mean())

    low, high = math.log(0.01), math.log(100.0)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        a, b = high - ratio * (high - low), low + ratio * (high - low)
        if loss(a) < loss(b):
            high = b
        else:
            low = a
    return math.exp((low + high) / 2)


def train(
    task: Task, *, cache: Path | None = None, max_features: int = MAX_FEATURES
) -> tuple[LinearModel, Figures]:
    """Fit on the train split, calibrate and measure on validation; with a `cache` folder the model also
    uses MiniLM sentence embeddings (computed once per tweet and kept there)."""
    from sklearn.svm import LinearSVC

    classes = tuple(sorted(set(task.train.labels)))
    features = TweetFeatures.fit(task.train.texts, max_features, embedding=cache is not None)

    def embedded(texts: list[str]) -> np.ndarray | None:
        if cache is None:
            return None
        return embedding_cache.embeddings([normalise(text) for text in texts], cache)

    index = {name: number for number, name in enumerate(classes)}
    truth = np.asarray([index[label] for label in task.train.labels])
    # Balanced class weights: the minority class (negative tweets, hate) counts as much as the others,
    # which is what macro-averaged recall and F1 reward.
    svm = LinearSVC(C=REGULARISATION, class_weight="balanced", random_state=0, max_iter=5000)
    svm.fit(features.transform(task.train.texts, embedded(task.train.texts)), truth)
    weights, bias = svm.coef_, svm.intercept_
    if len(classes) == 2:  # a binary LinearSVC has one row (for the second class): make it two, ±half
        weights = np.vstack([-weights[0] / 2, weights[0] / 2])
        bias = np.asarray([-bias[0] / 2, bias[0] / 2])
    model = LinearModel(features, weights.astype(np.float32), bias.astype(np.float32), classes, 1.0)
    scores = model.scores(task.validation.texts, embedded(task.validation.texts))
    valid = np.asarray([index.get(label, -1) for label in task.validation.labels])
    model.temperature = fit_temperature(scores[valid >= 0], valid[valid >= 0])
    predicted = [classes[number] for number in scores.argmax(axis=1)]
    figures = measure(task.validation.labels, predicted, classes)
    model.validation = f"{len(task.validation.texts)} tweets: {figures.line()}"
    return model, figures
