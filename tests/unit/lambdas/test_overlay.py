"""The overlay: boxes from ratios, blur inside unknown faces only, names by known faces, EXIF respected."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat

from lambdas.overlay import handler as overlay_handler
from lambdas.overlay.annotate import SourceImageUnusable, annotate_image, annotated_key, overlay
from lambdas.overlay.faces import Box, Face, clean_name, pixel_box, recognised_faces, unrecognised_faces
from lambdas.overlay.render import blur_faces, font_size, label_faces, upright_rgb
from lambdas.overlay.settings import OverlaySettings
from lambdas.shared.errors import ConfigurationError, InvalidInput

BUCKET = "sma-media"


def noise(size: tuple[int, int], seed: int = 7) -> Image.Image:
    """Random pixels: any blur lowers their variance, any drawing changes them."""
    rng = random.Random(seed)
    return Image.frombytes("RGB", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3)))


def changed_area(before: Image.Image, after: Image.Image) -> tuple[int, int, int, int] | None:
    return ImageChops.difference(before, after).getbbox()


def spread(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    return sum(ImageStat.Stat(image.crop(box)).stddev) / 3


def ratio_box(left: float, top: float, width: float, height: float) -> dict[str, float]:
    return {"Left": left, "Top": top, "Width": width, "Height": height}


# Bounding boxes


def test_ratio_boxes_become_pixel_rectangles() -> None:
    assert pixel_box(ratio_box(0.25, 0.5, 0.5, 0.25), 200, 100, "x") == Box(50, 50, 150, 75)


def test_boxes_cut_by_the_frame_are_clipped() -> None:
    assert pixel_box(ratio_box(-0.1, -0.05, 0.3, 0.5), 100, 100, "x") == Box(0, 0, 20, 45)
    assert pixel_box(ratio_box(0.9, 0.9, 0.3, 0.3), 100, 100, "x") == Box(90, 90, 100, 100)


def test_boxes_entirely_outside_the_image_are_dropped() -> None:
    assert pixel_box(ratio_box(1.2, 0.1, 0.1, 0.1), 100, 100, "x") is None
    assert pixel_box(ratio_box(0.5, 0.5, 0.0, 0.1), 100, 100, "x") is None


@pytest.mark.parametrize(
    "box",
    [
        None,
        "box",
        {"Left": 0.1, "Top": 0.1, "Width": 0.1},
        ratio_box(0.1, 0.1, -0.1, 0.1),
        ratio_box(0.1, "0", 0.1, 0.1),
        ratio_box(0.1, 0.1, float("nan"), 0.1),
        ratio_box(0.1, True, 0.1, 0.1),
    ],
)
def test_malformed_boxes_are_invalid_input_naming_the_face(box: Any) -> None:
    with pytest.raises(InvalidInput, match=r"UnrecognizedFaces\[0\]"):
        unrecognised_faces([{"BoundingBox": box}], 100, 100)


def test_celebrities_are_read_from_rekognitions_shape() -> None:
    faces = recognised_faces(
        [
            {
                "Name": "Ada Lovelace",
                "Id": "1",
                "MatchConfidence": 99.1,
                "Face": {"BoundingBox": ratio_box(0.1, 0.2, 0.3, 0.4), "Confidence": 99.9},
            },
            {"Name": "Off Frame", "Face": {"BoundingBox": ratio_box(2, 2, 0.1, 0.1)}},
        ],
        100,
        100,
    )
    assert faces == [Face(Box(10, 20, 40, 60), "Ada Lovelace")]


@pytest.mark.parametrize(
    "celebrities",
    ["not a list", [{"Name": "No face"}], [{"Face": {"BoundingBox": ratio_box(0, 0, 1, 1)}}], ["string"]],
)
def test_malformed_celebrities_are_invalid_input(celebrities: Any) -> None:
    with pytest.raises(InvalidInput, match="CelebrityFaces"):
        recognised_faces(celebrities, 100, 100)


def test_more_faces_than_rekognition_reports_are_invalid() -> None:
    with pytest.raises(InvalidInput, match="more than the 64"):
        unrecognised_faces([{"BoundingBox": ratio_box(0, 0, 0.1, 0.1)}] * 65, 100, 100)


def test_names_are_made_printable_and_bounded() -> None:
    assert clean_name("Ada\u0000 Love\nlace", "x") == "Ada Lovelace"
    long = clean_name("N" * 200, "x")
    assert len(long) == 64 and long.endswith("\u2026")


# Rendering


def test_blur_changes_only_the_unknown_faces_and_softens_them() -> None:
    before = noise((200, 150))
    after = before.copy()
    blur_faces(after, [Face(Box(20, 30, 80, 100)), Face(Box(120, 10, 180, 60))])
    diff = ImageChops.difference(before, after)
    outside = diff.copy()
    outside.paste((0, 0, 0), (20, 30, 80, 100))
    outside.paste((0, 0, 0), (120, 10, 180, 60))
    assert outside.getbbox() is None
    for box in [(20, 30, 80, 100), (120, 10, 180, 60)]:
        assert spread(after, box) < spread(before, box) / 3


def test_a_name_is_framed_and_written_next_to_its_face_only() -> None:
    before = Image.new("RGB", (400, 300), (90, 140, 200))
    after = before.copy()
    face = Face(Box(150, 120, 250, 240), "Ada Lovelace")
    label_faces(after, [face])
    left, top, right, bottom = changed_area(before, after)
    # The label sits above the face, and nothing is drawn below it or far to the sides.
    assert top < face.box.top and bottom <= face.box.bottom
    assert left >= 60 and right <= 340
    colours = {colour for _, colour in after.crop((left, top, right, face.box.top)).getcolors(1_000_000)}
    assert (255, 255, 255) in colours and (20, 20, 20) in colours
    # The face itself is framed, not painted over: its middle is untouched.
    assert after.getpixel((200, 180)) == before.getpixel((200, 180))


def test_a_face_at_the_top_edge_gets_its_label_below() -> None:
    before = Image.new("RGB", (400, 300), (200, 200, 200))
    after = before.copy()
    label_faces(after, [Face(Box(150, 0, 250, 80), "Grace Hopper")])
    _, _, _, bottom = changed_area(before, after)
    assert bottom > 80


def test_labels_stay_inside_the_image_at_its_edges() -> None:
    image = Image.new("RGB", (300, 200), (0, 128, 0))
    label_faces(image, [Face(Box(0, 100, 30, 150), "A Rather Long Name Indeed")])
    label_faces(image, [Face(Box(270, 100, 300, 150), "Another Long Name Here")])
    assert image.size == (300, 200)  # drawing clipped, never grew or failed


def test_the_font_grows_with_the_image() -> None:
    small = font_size(Image.new("RGB", (320, 240)), Box(10, 10, 40, 40))
    large = font_size(Image.new("RGB", (4000, 3000)), Box(100, 100, 400, 400))
    assert 12 <= small < large <= 120


def test_transparency_is_flattened_onto_white() -> None:
    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    assert upright_rgb(rgba).getpixel((5, 5)) == (255, 255, 255)


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_with_blurring_off_unknown_faces_are_left_alone() -> None:
    source = png(noise((120, 90)))
    event = {"UnrecognizedFaces": [{"BoundingBox": ratio_box(0.1, 0.1, 0.5, 0.5)}]}
    settings = OverlaySettings(jpeg_quality=95)
    kept, kept_facts = annotate_image(source, {**event, "BlurUnrecognized": False}, settings)
    blurred, blurred_facts = annotate_image(source, event, settings)  # blurring is the default
    assert (kept_facts["BlurredFaces"], blurred_facts["BlurredFaces"]) == (0, 1)
    box = (12, 9, 72, 54)
    assert spread(Image.open(io.BytesIO(kept)), box) > 2 * spread(Image.open(io.BytesIO(blurred)), box)


def test_exif_orientation_is_applied_before_the_boxes() -> None:
    # The photo as people see it: portrait, busy in the top half (the unknown face), flat below.
    upright = Image.new("RGB", (60, 100), (128, 128, 128))
    upright.paste(noise((60, 50)), (0, 0))
    # Stored sideways with EXIF orientation 6, as phones do; exif_transpose turns it back.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=95, exif=exif)
    event = {"UnrecognizedFaces": [{"BoundingBox": ratio_box(0.0, 0.0, 1.0, 0.5)}]}
    rendered, facts = annotate_image(buffer.getvalue(), event, OverlaySettings(jpeg_quality=95))
    result = Image.open(io.BytesIO(rendered))
    assert (facts["Width"], facts["Height"]) == result.size == (60, 100)
    assert 0x0112 not in result.getexif()  # the pixels are upright now; no tag may turn them again
    assert spread(result, (5, 5, 55, 45)) < spread(upright, (5, 5, 55, 45)) / 3
    assert abs(ImageStat.Stat(result.crop((0, 60, 60, 100))).mean[0] - 128) < 4


@pytest.mark.parametrize("data", [b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_a_broken_source_is_unusable(data: bytes) -> None:
    with pytest.raises(SourceImageUnusable):
        annotate_image(data, {}, OverlaySettings())


def test_the_pixel_cap_applies_to_the_source() -> None:
    with pytest.raises(SourceImageUnusable, match="TooManyPixels"):
        annotate_image(png(noise((50, 50))), {}, OverlaySettings(max_image_pixels=100))


# The function against S3


EVENT = {
    "Bucket": BUCKET,
    "Key": "media/1790000000000000001/0.png",
    "CelebrityFaces": [{"Name": "Ada Lovelace", "Face": {"BoundingBox": ratio_box(0.55, 0.35, 0.3, 0.4)}}],
    "UnrecognizedFaces": [{"BoundingBox": ratio_box(0.1, 0.3, 0.25, 0.4)}],
    "BlurUnrecognized": True,
}


def test_the_annotated_copy_is_a_new_object_and_the_original_is_untouched(s3: Any) -> None:
    original = png(noise((320, 240)))
    s3.put_object(Bucket=BUCKET, Key=EVENT["Key"], Body=original, ContentType="image/png")
    result = overlay(EVENT, settings=OverlaySettings(), s3=s3)
    assert result == {
        "Bucket": BUCKET,
        "Key": "annotated/media/1790000000000000001/0.jpg",
        "SourceKey": EVENT["Key"],
        "ContentType": "image/jpeg",
        "Width": 320,
        "Height": 240,
        "Names": ["Ada Lovelace"],
        "BlurredFaces": 1,
    }
    assert s3.get_object(Bucket=BUCKET, Key=EVENT["Key"])["Body"].read() == original
    written = s3.get_object(Bucket=BUCKET, Key=result["Key"])
    assert written["ContentType"] == "image/jpeg"
    assert Image.open(io.BytesIO(written["Body"].read())).format == "JPEG"
    # A retry writes the same object again rather than a second one.
    overlay(EVENT, settings=OverlaySettings(), s3=s3)
    assert len(s3.list_objects_v2(Bucket=BUCKET, Prefix="annotated/")["Contents"]) == 1


def test_annotated_keys_never_equal_their_source() -> None:
    for key in ["a.jpg", "annotated/a.jpg", "media/1/0", "x/y.png"]:
        assert annotated_key(key) != key and annotated_key(key).startswith("annotated/")


def test_no_faces_still_yields_a_copy(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="media/1/0.png", Body=png(noise((40, 30))))
    result = overlay({"Bucket": BUCKET, "Key": "media/1/0.png"}, settings=OverlaySettings(), s3=s3)
    assert result["Names"] == [] and result["BlurredFaces"] == 0


def test_a_missing_source_fails_with_s3s_error(s3: Any) -> None:
    with pytest.raises(Exception, match="NoSuchKey"):
        overlay({**EVENT, "Key": "media/none.jpg"}, settings=OverlaySettings(), s3=s3)


def test_an_oversized_source_is_unusable(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key=EVENT["Key"], Body=png(noise((64, 64))))
    with pytest.raises(SourceImageUnusable, match="over"):
        overlay(EVENT, settings=OverlaySettings(max_image_bytes=100), s3=s3)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ([], "JSON object"),
        ({"Key": "a.jpg"}, "Bucket"),
        ({"Bucket": BUCKET, "Key": ""}, "Key"),
        ({**EVENT, "BlurUnrecognized": "yes"}, "BlurUnrecognized"),
    ],
)
def test_inputs_of_the_wrong_shape_are_invalid(s3: Any, event: Any, message: str) -> None:
    s3.put_object(Bucket=BUCKET, Key=EVENT["Key"], Body=png(noise((20, 20))))
    with pytest.raises(InvalidInput, match=message):
        overlay(event, settings=OverlaySettings(), s3=s3)


def test_the_handler_reads_its_settings_from_the_environment(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.put_object(Bucket=BUCKET, Key=EVENT["Key"], Body=png(noise((64, 48))))
    monkeypatch.setenv("SMA_OVERLAY_JPEG_QUALITY", "80")
    overlay_handler._default.cache_clear()
    try:
        assert overlay_handler.handler(EVENT, None)["Key"] == "annotated/media/1790000000000000001/0.jpg"
        monkeypatch.setenv("SMA_OVERLAY_JPEG_QUALITY", "100")
        overlay_handler._default.cache_clear()
        with pytest.raises(ConfigurationError, match="SMA_OVERLAY_JPEG_QUALITY"):
            overlay_handler.handler(EVENT, None)
    finally:
        overlay_handler._default.cache_clear()
