"""Face collections persist on disk, fail with Rekognition's errors, and search by embedding distance."""

from __future__ import annotations

import numpy as np
import pytest

from integrations.ai.vision.face_store import FaceStore, similarity
from integrations.errors import ServiceError


def _record(face_id: str, vector: np.ndarray, name: str = "Someone") -> dict:
    return {"FaceId": face_id, "ExternalImageId": name, "Confidence": 99.0, "Embedding": vector.tolist()}


def test_collections_survive_a_new_store_on_the_same_state(sma_home):
    FaceStore(sma_home / "rekognition").create("friends")
    FaceStore(sma_home / "rekognition").add("friends", [_record("f1", np.zeros(128))])
    assert FaceStore(sma_home / "rekognition").ids() == ["friends"]
    assert [face["FaceId"] for face in FaceStore(sma_home / "rekognition").faces("friends")] == ["f1"]
    assert (sma_home / "rekognition" / "collections" / "friends.json").exists()


def test_collection_errors(sma_home):
    store = FaceStore(sma_home / "rekognition")
    store.create("one")
    with pytest.raises(ServiceError) as exists:
        store.create("one")
    assert exists.value.code == "ResourceAlreadyExistsException"
    with pytest.raises(ServiceError) as missing:
        store.faces("two")
    assert missing.value.code == "ResourceNotFoundException"
    with pytest.raises(ServiceError) as bad:
        store.create("no spaces allowed")
    assert bad.value.code == "InvalidParameterException"


def test_similarity_falls_with_distance_and_is_50_at_dlibs_threshold():
    assert similarity(0.0) > 99
    assert similarity(0.6) == pytest.approx(50.0)
    assert similarity(0.3) > similarity(0.5) > similarity(0.7)


def test_search_ranks_by_distance_and_applies_the_threshold(sma_home):
    store = FaceStore(sma_home / "rekognition")
    store.create("people")
    rng = np.random.default_rng(7)
    anchor = rng.normal(size=128)
    anchor /= np.linalg.norm(anchor)
    near = anchor + 0.02 * rng.normal(size=128)
    far = -anchor
    store.add("people", [_record("far", far, "Far"), _record("near", near, "Near")])
    matches = store.search("people", anchor, threshold=80.0, limit=10)
    assert [record["FaceId"] for _, record in matches] == ["near"]
    assert store.remove("people", ["near", "ghost"]) == ["near"]
    assert store.search("people", anchor, threshold=80.0, limit=10) == []


def test_separate_stores_on_one_state_never_lose_each_others_faces(sma_home):
    from concurrent.futures import ThreadPoolExecutor

    FaceStore(sma_home / "rekognition").create("shared")

    def enrol(index: int) -> None:
        FaceStore(sma_home / "rekognition").add(
            "shared", [_record(f"face-{index}", np.zeros(128))]
        )  # a store per writer

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(enrol, range(40)))
    assert sorted(face["FaceId"] for face in FaceStore(sma_home / "rekognition").faces("shared")) == sorted(
        f"face-{i}" for i in range(40)
    )
