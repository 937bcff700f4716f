"""Rekognition's image checks: Bytes or S3Object, size limits, JPEG/PNG only, unreadable objects."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from integrations.ai.vision.images import MAX_BYTES, MAX_S3_BYTES, load_image
from integrations.errors import ServiceError


def _png(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def _code(image, reader=None) -> str:
    with pytest.raises(ServiceError) as caught:
        load_image(image, reader) if reader else load_image(image)
    assert caught.value.service == "rekognition"
    return caught.value.code


def test_png_bytes_raw_or_base64_decode_to_rgb_pixels():
    for value in (_png(), base64.b64encode(_png()).decode()):
        loaded = load_image({"Bytes": value})
        assert loaded.format == "PNG"
        assert (loaded.width, loaded.height) == (40, 30)
        assert tuple(loaded.pixels[0, 0]) == (200, 10, 10)


def test_s3_objects_are_read_through_the_injected_reader():
    calls = []

    def reader(bucket, key):
        calls.append((bucket, key))
        return _png()

    loaded = load_image({"S3Object": {"Bucket": "media", "Name": "a/b.png", "Version": "v1"}}, reader)
    assert loaded.width == 40 and calls == [("media", "a/b.png")]


def test_the_local_object_store_is_a_reader(sma_home):
    from integrations.objectstore import ObjectStore

    store = ObjectStore(sma_home / "s3")
    try:
        store.create_bucket("media")
        store.put("media", "photo.png", _png())
    finally:
        store.close()
    read_object = ObjectStore(sma_home / "s3").read  # a reader over the same folder, as the cloud wires it
    assert load_image({"S3Object": {"Bucket": "media", "Name": "photo.png"}}, read_object).width == 40
    assert (
        _code({"S3Object": {"Bucket": "media", "Name": "missing.png"}}, read_object)
        == "InvalidS3ObjectException"
    )


def test_unreadable_s3_objects_and_missing_stores():
    def reader(bucket, key):
        raise FileNotFoundError(key)

    assert _code({"S3Object": {"Bucket": "media", "Name": "nope.png"}}, reader) == "InvalidS3ObjectException"
    assert _code({"S3Object": {"Bucket": "media", "Name": "nope.png"}}) == "InvalidS3ObjectException"


def test_size_limits_differ_for_bytes_and_s3():
    too_big_for_bytes = b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_BYTES
    assert _code({"Bytes": too_big_for_bytes}) == "ImageTooLargeException"

    def big(bucket, key):
        return b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_S3_BYTES

    assert _code({"S3Object": {"Bucket": "b", "Name": "k"}}, big) == "ImageTooLargeException"


def test_formats_other_than_jpeg_and_png_and_broken_images_are_refused():
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    assert _code({"Bytes": gif.getvalue()}) == "InvalidImageFormatException"
    assert _code({"Bytes": _png()[:40]}) == "InvalidImageFormatException"
    assert _code({"Bytes": b"\xff\xd8\xff garbage"}) == "InvalidImageFormatException"


def test_malformed_image_parameters():
    assert _code({}) == "InvalidParameterException"
    assert _code({"Bytes": _png(), "S3Object": {"Bucket": "b", "Name": "k"}}) == "InvalidParameterException"
    assert _code({"Bytes": "not base64!"}) == "InvalidParameterException"
    assert _code({"S3Object": {"Bucket": "b"}}) == "InvalidParameterException"


def test_scaled_bounds_the_longer_side_and_keeps_the_shape():
    import numpy as np

    from integrations.ai.vision.images import scaled

    wide = np.zeros((300, 1200, 3), dtype=np.uint8)
    wide[:, 600:] = 255  # right half white: still the right half after scaling
    small = scaled(wide, 400)
    assert small.shape == (100, 400, 3)
    assert small[:, :190].max() == 0 and small[:, 210:].min() == 255
    assert scaled(wide, 1200) is wide  # already within the bound: the same array, not a copy
    assert scaled(np.zeros((900, 30, 3), dtype=np.uint8), 300).shape == (300, 10, 3)
