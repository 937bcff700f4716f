"""Rekognition on real models: faces, text, labels, collections and the gallery, in AWS's shapes."""

from __future__ import annotations

import pytest

from integrations.ai.rekognition import Rekognition
from integrations.ai.shapes import output_problems
from integrations.ai.vision.face_store import FaceStore
from integrations.errors import ServiceError


@pytest.fixture
def rekognition(tmp_path):
    return Rekognition(FaceStore(tmp_path), gallery="gallery")


def _valid(operation: str, response: dict) -> dict:
    assert output_problems("rekognition", operation, response) == []
    return response


def _names(response: dict) -> dict[str, dict]:
    return {label["Name"]: label for label in response["Labels"]}


def test_faces_are_found_where_there_are_faces_and_nowhere_else(rekognition, photo, two_astronauts):
    counts = {
        name: len(
            _valid("DetectFaces", rekognition.detect_faces({"Image": {"Bytes": photo(name)}}))["FaceDetails"]
        )
        for name in ("astronaut", "chelsea", "coffee", "notice", "rocket")
    }
    assert counts == {"astronaut": 1, "chelsea": 0, "coffee": 0, "notice": 0, "rocket": 0}
    pair = _valid("DetectFaces", rekognition.detect_faces({"Image": {"Bytes": two_astronauts}}))[
        "FaceDetails"
    ]
    assert len(pair) == 2


def test_face_details_locate_the_astronauts_face(rekognition, photo):
    default = rekognition.detect_faces({"Image": {"Bytes": photo("astronaut")}})["FaceDetails"][0]
    full = _valid(
        "DetectFaces",
        rekognition.detect_faces({"Image": {"Bytes": photo("astronaut")}, "Attributes": ["ALL"]}),
    )
    detail = full["FaceDetails"][0]
    box = default["BoundingBox"]
    # Her face is in the upper middle of the 512x512 portrait (pixels ~175-265 across, ~75-165 down).
    assert 0.3 < box["Left"] < 0.4 and 0.1 < box["Top"] < 0.2 and 0.15 < box["Width"] < 0.22
    assert {item["Type"] for item in default["Landmarks"]} == {
        "eyeLeft",
        "eyeRight",
        "nose",
        "mouthLeft",
        "mouthRight",
    }
    points = {item["Type"]: item for item in detail["Landmarks"]}
    assert len(points) == 30
    assert points["eyeLeft"]["X"] < points["nose"]["X"] < points["eyeRight"]["X"]
    assert points["eyeLeft"]["Y"] < points["nose"]["Y"] < points["mouthUp"]["Y"] < points["chinBottom"]["Y"]
    assert abs(detail["Pose"]["Roll"]) < 15 and abs(detail["Pose"]["Yaw"]) < 20
    assert detail["Confidence"] > 90
    assert detail["EyesOpen"]["Value"] is True and detail["Smile"]["Value"] is True


def test_text_lines_and_words_are_read(rekognition, sign):
    image, words = sign
    response = _valid("DetectText", rekognition.detect_text({"Image": {"Bytes": image}}))
    lines = [item for item in response["TextDetections"] if item["Type"] == "LINE"]
    found_words = [item for item in response["TextDetections"] if item["Type"] == "WORD"]
    assert [line["DetectedText"] for line in lines] == ["OPEN EVERY DAY", "Coffee and cake 2026"]
    assert [word["DetectedText"] for word in found_words] == words
    assert all(word["ParentId"] in {line["Id"] for line in lines} for word in found_words)
    assert lines[0]["Geometry"]["BoundingBox"]["Top"] < lines[1]["Geometry"]["BoundingBox"]["Top"]
    assert len(lines[0]["Geometry"]["Polygon"]) == 4


def test_text_on_a_tilted_unevenly_lit_notice(rekognition, photo):
    response = rekognition.detect_text({"Image": {"Bytes": photo("notice")}})
    lines = [item["DetectedText"] for item in response["TextDetections"] if item["Type"] == "LINE"]
    assert lines == [
        "Community Garden Notice",
        "The garden opens at 8am every Saturday.",
        "Volunteers please bring gloves and water.",
        "Tomatoes and beans are ready to pick.",
        "Thank you for keeping the paths clear!",
    ]
    strict = rekognition.detect_text(
        {"Image": {"Bytes": photo("notice")}, "Filters": {"WordFilter": {"MinConfidence": 99.9}}}
    )
    assert all(item["Confidence"] >= 99.9 for item in strict["TextDetections"])
    assert len(strict["TextDetections"]) <= len(response["TextDetections"])


def test_large_photos_are_read_as_well_as_small_ones(rekognition, photo):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(photo("notice"))).resize((3600, 2240)).save(buffer, format="JPEG", quality=85)
    small = rekognition.detect_text({"Image": {"Bytes": photo("notice")}})["TextDetections"]
    large = rekognition.detect_text({"Image": {"Bytes": buffer.getvalue()}})["TextDetections"]
    assert [item["DetectedText"] for item in large] == [item["DetectedText"] for item in small]
    for big, little in zip(large, small, strict=True):
        assert big["Geometry"]["BoundingBox"]["Left"] == pytest.approx(
            little["Geometry"]["BoundingBox"]["Left"], abs=0.02
        )
        assert type(big["Geometry"]["BoundingBox"]["Top"]) is float


def test_a_large_photo_gets_the_same_faces_and_names_as_a_small_one(rekognition, photo):
    # BoundingBox and Landmarks are ratios of the image's width and height, so one face gives the same
    # answer at any size (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_BoundingBox.html).
    # A 2400 px photo is past the detector's bound: it finds the face on a scaled copy and maps it back.
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(photo("astronaut"))).resize((2400, 2400)).save(buffer, format="JPEG", quality=90)
    small, large = {"Bytes": photo("astronaut")}, {"Bytes": buffer.getvalue()}
    [little] = rekognition.detect_faces({"Image": small})["FaceDetails"]
    [big] = _valid("DetectFaces", rekognition.detect_faces({"Image": large}))["FaceDetails"]
    for side in ("Left", "Top", "Width", "Height"):
        assert big["BoundingBox"][side] == pytest.approx(little["BoundingBox"][side], abs=0.02)
    for near, far in zip(little["Landmarks"], big["Landmarks"], strict=True):
        assert near["Type"] == far["Type"]
        assert (far["X"], far["Y"]) == pytest.approx((near["X"], near["Y"]), abs=0.015)
    rekognition.create_collection({"CollectionId": "gallery"})
    rekognition.index_faces({"CollectionId": "gallery", "Image": small, "ExternalImageId": "Eileen_Collins"})
    known = _valid("RecognizeCelebrities", rekognition.recognize_celebrities({"Image": large}))
    assert [face["Name"] for face in known["CelebrityFaces"]] == ["Eileen Collins"]
    assert known["CelebrityFaces"][0]["Face"]["BoundingBox"] == big["BoundingBox"]


def test_the_text_label_needs_a_line_that_reads_as_text(rekognition, photo):
    # "Text" is one of Rekognition's labels, category "Text and Documents"
    # (https://docs.aws.amazon.com/rekognition/latest/dg/labels.html).
    import io

    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from integrations.ai.vision import ocr

    def labels(image: Image.Image) -> set[str]:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=90)
        return set(_names(rekognition.detect_labels({"Image": {"Bytes": buffer.getvalue()}})))

    # A line on a large photo: the detector sees it scaled down, the reader reads it at full size.
    poster = Image.open(io.BytesIO(photo("rocket"))).convert("RGB").resize((2560, 1707))
    ImageDraw.Draw(poster).text(
        (200, 150), "Launch at dawn", fill="white", font=ImageFont.load_default(size=90)
    )
    assert "Text" in labels(poster)
    # The coffee photo: the detector boxes the cup's rim as a line, the reader finds no word in it.
    cup = Image.open(io.BytesIO(photo("coffee"))).convert("RGB")
    assert ocr.TEXT_FINDER.get()(np.asarray(cup))
    assert "Text" not in labels(cup)


@pytest.mark.parametrize(
    ("name", "expected", "absent"),
    [
        ("chelsea", {"Cat", "Pet", "Animal"}, {"Person", "Text", "Dog"}),
        ("coffee", {"Coffee", "Beverage"}, {"Person", "Cat"}),
        ("astronaut", {"Person", "Face"}, {"Cat", "Text"}),
        ("notice", {"Text"}, {"Person", "Cat", "Screen"}),
        ("camera", {"Tripod"}, {"Cat", "Text"}),
        ("rocket", {"Rocket"}, {"Person", "Cat"}),
    ],
)
def test_labels_name_what_is_in_the_photo(rekognition, photo, name, expected, absent):
    labels = _names(_valid("DetectLabels", rekognition.detect_labels({"Image": {"Bytes": photo(name)}})))
    assert expected <= set(labels), sorted(labels)
    assert not absent & set(labels)


def test_label_details_have_instances_parents_and_confidence_order(rekognition, photo, two_astronauts):
    response = rekognition.detect_labels({"Image": {"Bytes": two_astronauts}, "MinConfidence": 70})
    labels = _names(response)
    assert len(labels["Face"]["Instances"]) == 2
    assert {parent["Name"] for parent in labels["Face"]["Parents"]} == {"Head", "Person"}
    assert labels["Person"]["Aliases"] == [{"Name": "Human"}]
    confidences = [label["Confidence"] for label in response["Labels"]]
    assert confidences == sorted(confidences, reverse=True) and min(confidences) >= 70
    cat = _names(rekognition.detect_labels({"Image": {"Bytes": photo("chelsea")}, "MaxLabels": 2}))
    assert len(cat) == 2
    props = rekognition.detect_labels({"Image": {"Bytes": photo("notice")}, "Features": ["IMAGE_PROPERTIES"]})
    assert _valid("DetectLabels", props)["ImageProperties"]["Quality"]["Brightness"] > 50


def test_the_gallery_recognises_an_enrolled_person(rekognition, photo, astronaut_variant, two_astronauts):
    unknown = _valid(
        "RecognizeCelebrities", rekognition.recognize_celebrities({"Image": {"Bytes": photo("astronaut")}})
    )
    assert unknown["CelebrityFaces"] == [] and len(unknown["UnrecognizedFaces"]) == 1
    rekognition.create_collection({"CollectionId": "gallery"})
    indexed = rekognition.index_faces(
        {
            "CollectionId": "gallery",
            "Image": {"Bytes": photo("astronaut")},
            "ExternalImageId": "Eileen_Collins",
        }
    )
    assert len(_valid("IndexFaces", indexed)["FaceRecords"]) == 1
    known = _valid(
        "RecognizeCelebrities", rekognition.recognize_celebrities({"Image": {"Bytes": astronaut_variant}})
    )
    assert [face["Name"] for face in known["CelebrityFaces"]] == ["Eileen Collins"]
    assert known["CelebrityFaces"][0]["MatchConfidence"] >= 80
    both = rekognition.recognize_celebrities({"Image": {"Bytes": two_astronauts}})
    assert len(both["CelebrityFaces"]) == 2


def test_collections_index_search_list_and_delete(rekognition, photo, two_astronauts, astronaut_variant):
    _valid("CreateCollection", rekognition.create_collection({"CollectionId": "team"}))
    with pytest.raises(ServiceError) as again:
        rekognition.create_collection({"CollectionId": "team"})
    assert again.value.code == "ResourceAlreadyExistsException"
    limited = rekognition.index_faces(
        {"CollectionId": "team", "Image": {"Bytes": two_astronauts}, "MaxFaces": 1}
    )
    assert len(_valid("IndexFaces", limited)["FaceRecords"]) == 1
    assert limited["UnindexedFaces"][0]["Reasons"] == ["EXCEEDS_MAX_FACES"]
    search = _valid(
        "SearchFacesByImage",
        rekognition.search_faces_by_image({"CollectionId": "team", "Image": {"Bytes": astronaut_variant}}),
    )
    assert [match["Face"]["FaceId"] for match in search["FaceMatches"]] == [
        limited["FaceRecords"][0]["Face"]["FaceId"]
    ]
    with pytest.raises(ServiceError) as no_face:
        rekognition.search_faces_by_image({"CollectionId": "team", "Image": {"Bytes": photo("chelsea")}})
    assert no_face.value.code == "InvalidParameterException"
    listed = _valid("ListFaces", rekognition.list_faces({"CollectionId": "team", "MaxResults": 5}))
    assert len(listed["Faces"]) == 1 and "Embedding" not in listed["Faces"][0]
    deleted = _valid(
        "DeleteFaces",
        rekognition.delete_faces({"CollectionId": "team", "FaceIds": [listed["Faces"][0]["FaceId"]]}),
    )
    assert deleted["DeletedFaces"] == [listed["Faces"][0]["FaceId"]]
    assert _valid("ListCollections", rekognition.list_collections({}))["CollectionIds"] == ["team"]
    with pytest.raises(ServiceError) as token:
        rekognition.list_faces({"CollectionId": "team", "NextToken": "bogus"})
    assert token.value.code == "InvalidPaginationTokenException"
    _valid("DeleteCollection", rekognition.delete_collection({"CollectionId": "team"}))
    with pytest.raises(ServiceError) as gone:
        rekognition.list_faces({"CollectionId": "team"})
    assert gone.value.code == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("operation", "request_", "code"),
    [
        ("DetectLabels", {"Image": {"Bytes": b"GIF89a...."}}, "InvalidImageFormatException"),
        (
            "DetectLabels",
            {"Image": {"Bytes": b"\xff\xd8\xff\xe0"}, "MinConfidence": 101},
            "InvalidParameterException",
        ),
        (
            "DetectFaces",
            {"Image": {"Bytes": b"\xff\xd8\xff\xe0"}, "Attributes": ["EVERYTHING"]},
            "InvalidParameterException",
        ),
        (
            "DetectText",
            {"Image": {"S3Object": {"Bucket": "media", "Name": "missing.jpg"}}},
            "InvalidS3ObjectException",
        ),
        (
            "IndexFaces",
            {"CollectionId": "nope", "Image": {"Bytes": b"\xff\xd8\xff"}},
            "ResourceNotFoundException",
        ),
    ],
)
def test_bad_requests_get_rekognition_errors(rekognition, operation, request_, code):
    from integrations.ai.shapes import declared_errors

    with pytest.raises(ServiceError) as caught:
        rekognition.operations()[operation](request_)
    assert caught.value.code == code
    assert code in declared_errors("rekognition", operation)


def test_concurrent_requests_give_the_same_answers_as_one_at_a_time(photo, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    images = [photo(name) for name in ("astronaut", "chelsea", "notice", "coffee")] * 2

    def answers(data):
        service = Rekognition(FaceStore(tmp_path))  # no shared cache: every call does the work
        request = {"Image": {"Bytes": data}}
        faces = [face["BoundingBox"] for face in service.detect_faces(request)["FaceDetails"]]
        # The Text label's detector and reader run without a lock (their settings never change per call).
        labels = [(label["Name"], label["Confidence"]) for label in service.detect_labels(request)["Labels"]]
        return faces, labels

    alone = [answers(data) for data in images]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(answers, images))
    assert together == alone
    assert any(name == "Text" for _, labels in alone for name, _ in labels)


def test_label_settings_filter_by_name_and_category(rekognition, photo):
    def names(settings):
        request = {"Image": {"Bytes": photo("chelsea")}, "Settings": {"GeneralLabels": settings}}
        return {label["Name"] for label in rekognition.detect_labels(request)["Labels"]}

    everything = names({})
    assert {"Cat", "Animal"} <= everything
    assert names({"LabelInclusionFilters": ["Cat"]}) == {"Cat"}
    assert "Cat" not in names({"LabelExclusionFilters": ["Cat"]})
    assert names({"LabelCategoryExclusionFilters": ["Animals and Pets"]}) == everything - {
        "Cat",
        "Pet",
        "Mammal",
        "Animal",
    }


def test_text_filters_by_word_box_size(rekognition, photo):
    response = rekognition.detect_text({"Image": {"Bytes": photo("notice")}})
    tall = rekognition.detect_text(
        {"Image": {"Bytes": photo("notice")}, "Filters": {"WordFilter": {"MinBoundingBoxHeight": 0.12}}}
    )
    lines = [item["DetectedText"] for item in tall["TextDetections"] if item["Type"] == "LINE"]
    assert lines == ["Community Garden Notice"]  # the title is the only text that tall
    assert len(tall["TextDetections"]) < len(response["TextDetections"])


def test_index_faces_quality_filter_leaves_small_faces_out(rekognition, photo):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.open(io.BytesIO(photo("astronaut"))).resize((200, 200)).save(buffer, format="JPEG")
    small = {"Bytes": buffer.getvalue()}  # her face is now about 36 pixels wide
    rekognition.create_collection({"CollectionId": "quality"})
    unfiltered = rekognition.index_faces({"CollectionId": "quality", "Image": small, "QualityFilter": "NONE"})
    assert len(unfiltered["FaceRecords"]) == 1
    auto = _valid("IndexFaces", rekognition.index_faces({"CollectionId": "quality", "Image": small}))
    assert auto["FaceRecords"] == []
    assert auto["UnindexedFaces"][0]["Reasons"] == ["SMALL_BOUNDING_BOX"]
