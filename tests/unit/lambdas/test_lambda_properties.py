"""Properties that must hold for any input: signatures, envelope recognition, face boxes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from lambdas.ingress.payloads import UnsupportedPayload, classify
from lambdas.ingress.signatures import sign, signature_matches
from lambdas.overlay.faces import pixel_box

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(secret=st.text(min_size=1, max_size=40), body=st.binary(max_size=300), flip=st.integers(min_value=0))
def test_a_signature_verifies_its_body_and_no_other(secret: str, body: bytes, flip: int) -> None:
    signature = sign(secret, body)
    assert signature_matches(secret, body, signature)
    tampered = bytearray(body or b"\0")
    tampered[flip % len(tampered)] ^= 0x01
    assert not signature_matches(secret, bytes(tampered), signature)


@settings(max_examples=150, deadline=None)
@given(document=json_values)
def test_any_json_is_either_recognised_or_refused_with_a_reason(document: Any) -> None:
    try:
        payload = classify(json.loads(json.dumps(document)))
    except UnsupportedPayload as refused:
        assert str(refused)
    else:
        assert 1 <= len(payload.partition_key) <= 256


ratios = st.floats(min_value=-0.5, max_value=1.5, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    left=ratios,
    top=ratios,
    width=st.floats(min_value=0, max_value=2),
    height=st.floats(min_value=0, max_value=2),
    size=st.tuples(st.integers(1, 5000), st.integers(1, 5000)),
)
def test_face_boxes_always_land_inside_the_image(
    left: float, top: float, width: float, height: float, size: tuple[int, int]
) -> None:
    box = pixel_box({"Left": left, "Top": top, "Width": width, "Height": height}, *size, "face")
    if box is not None:
        assert 0 <= box.left < box.right <= size[0]
        assert 0 <= box.top < box.bottom <= size[1]
