"""Models load once even under concurrent first use; model files are refused unless their hash matches."""

from __future__ import annotations

import threading
import time

import pytest

from integrations.ai import weights
from integrations.ai.lazy import LazyModel


def test_concurrent_first_use_loads_once():
    loads = []

    def loader():
        loads.append(1)
        time.sleep(0.05)
        return object()

    model = LazyModel("test", loader)
    results = []
    threads = [threading.Thread(target=lambda: results.append(model.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1
    assert len({id(result) for result in results}) == 1
    assert model.loaded and model.load_seconds >= 0.05


def test_every_pinned_model_file_is_installed_with_the_recorded_hash():
    for relative, expected in weights.EXPECTED_SHA256.items():
        path = weights.package_file(relative)
        assert path.is_file(), relative
        assert len(expected) == 64


def test_a_file_with_other_bytes_is_refused(tmp_path, monkeypatch):
    tampered = tmp_path / "pkg" / "model.bin"
    tampered.parent.mkdir()
    tampered.write_bytes(b"not the weights we measured")
    monkeypatch.setattr(weights, "package_file", lambda relative: tampered)
    monkeypatch.setitem(weights.EXPECTED_SHA256, "pkg/model.bin", "0" * 64)
    with pytest.raises(weights.ModelFileError, match="SHA-256"):
        weights.verified_file("pkg/model.bin")
    monkeypatch.setitem(weights.EXPECTED_SHA256, "pkg/model.bin", weights.sha256_of(tampered))
    assert weights.verified_file("pkg/model.bin") == tampered


def test_a_missing_package_says_how_to_install_it():
    with pytest.raises(weights.ModelFileError, match="make demo"):
        weights.package_file("no_such_package_here/model.bin")
