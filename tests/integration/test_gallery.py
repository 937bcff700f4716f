"""The demo gallery is enrolled once per state directory, however often the local cloud starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local.cloud import LocalCloud, LocalCloudSettings
from infra.local.layout import StateLayout
from infra.local.session import enrol_gallery


def test_enrolling_the_gallery_twice_keeps_one_face_per_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cloud = LocalCloud(LocalCloudSettings(layout=StateLayout(tmp_path)))
    assert enrol_gallery(cloud) == ["Eileen Collins"]
    assert enrol_gallery(cloud) == ["Eileen Collins"]
    rekognition = cloud.ai.rekognition
    faces = rekognition.list_faces({"CollectionId": rekognition.gallery})["Faces"]
    assert [face["ExternalImageId"] for face in faces] == ["Eileen_Collins"]
