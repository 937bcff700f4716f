"""Readers of the labelled tweets in the shared data folder (see each folder's README for sources and terms).

Only train and validation splits exist there; the benchmarks' test splits are held back for independent
measurement and are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Split:
    texts: list[str]
    labels: list[str]

    def head(self, limit: int | None) -> Split:
        return self if limit is None else Split(self.texts[:limit], self.labels[:limit])


@dataclass(frozen=True)
class Task:
    name: str
    train: Split
    validation: Split


class DataError(RuntimeError):
    """The shared data is missing or not in the documented layout."""


def _tsv(path: Path) -> Split:
    """`label<TAB>text` per line, no header (tweet-sentiment/README.md)."""
    texts, labels = [], []
    for number, line in enumerate(_lines(path), 1):
        label, tab, text = line.partition("\t")
        if not tab:
            raise DataError(f"{path}:{number}: expected label<TAB>text")
        labels.append(label)
        texts.append(text)
    return Split(texts, labels)


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise DataError(
            f"{path} is missing: pass --data with the folder that holds tweet-sentiment/ and tweeteval/"
        )
    return path.read_text(encoding="utf-8").splitlines()


def sentiment(root: Path, *, with_extra: bool = True) -> Task:
    """TweetEval sentiment (SemEval 2013-2016), plus SemEval-2016 devtest in train if present."""
    folder = root / "tweet-sentiment"
    train = _tsv(folder / "train.tsv")
    extra = folder / "extra_semeval2016devtest.tsv"
    if with_extra and extra.is_file():
        more = _tsv(extra)
        train = Split(train.texts + more.texts, train.labels + more.labels)
    return Task("sentiment", train, _tsv(folder / "val.tsv"))


def tweeteval(root: Path, task: str) -> Task:
    """A binary TweetEval task (`offensive`, `hate`): `<split>_text.txt` and `<split>_labels.txt`, line by
    line, with the label names from `mapping.txt`."""
    folder = root / "tweeteval" / task
    names = {}
    for line in _lines(folder / "mapping.txt"):
        number, _, name = line.strip().partition("\t")
        names[number] = name.strip() or number

    def split(name: str) -> Split:
        texts = _lines(folder / f"{name}_text.txt")
        labels = [names[label.strip()] for label in _lines(folder / f"{name}_labels.txt")]
        if len(texts) != len(labels):
            raise DataError(f"{folder}/{name}: {len(texts)} texts but {len(labels)} labels")
        return Split(texts, labels)

    return Task(task, split("train"), split("val"))
