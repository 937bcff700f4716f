"""The wire layer: the CBOR codec and protocol-level errors of the HTTP server (no models loaded)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations.ai.lex import LexRuntime
from integrations.ai.server import start_in_background
from integrations.ai.services import AiServices
from integrations.ai.wire import cbor

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(deadline=None)  # a loaded CI machine must not turn a slow example into a failure
@given(_values)
def test_cbor_round_trips(value):
    assert cbor.decode(cbor.encode(value)) == value


def test_cbor_reads_indefinite_lengths_and_half_floats_and_rejects_garbage():
    # {_ "a": [_ 1, 2], "b": 1.5 (half)} with indefinite-length map and array
    data = bytes.fromhex("bf6161 9f0102ff 6162 f93e00 ff")
    assert cbor.decode(data) == {"a": [1, 2], "b": 1.5}
    with pytest.raises(cbor.CBORError):
        cbor.decode(b"\x82\x01")
    with pytest.raises(cbor.CBORError):
        cbor.decode(b"\x01\x02")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    services = AiServices.local(tmp_path_factory.mktemp("faces"))
    services.lex = LexRuntime(backend="tfidf")
    server = start_in_background(services)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_protocol_errors_use_aws_error_bodies(endpoint):
    status, _, body = _post(endpoint + "/", b"{}", {"X-Amz-Target": "Comprehend_20171127.Nope"})
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, _, body = _post(endpoint + "/", b"{not json", {"X-Amz-Target": "RekognitionService.DetectLabels"})
    assert (status, body["__type"]) == (400, "SerializationException")
    status, _, body = _post(endpoint + "/elsewhere", b"{}", {})
    assert status == 404


def test_service_errors_carry_code_status_and_header(endpoint):
    target = {"X-Amz-Target": "Comprehend_20171127.DetectSentiment"}
    status, _, body = _post(endpoint + "/", json.dumps({"Text": "hi", "LanguageCode": "de"}).encode(), target)
    assert (status, body["__type"]) == (400, "UnsupportedLanguageException")
    lex = "/bots/ABCDEFGHIJ/botAliases/TSTALIASID/botLocales/en_GB/sessions/x/text"
    status, headers, body = _post(endpoint + lex, json.dumps({"text": "hi"}).encode(), {})
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ValidationException" and "sessionId" in body["message"]


def test_cbor_errors_are_cbor(endpoint):
    request = urllib.request.Request(
        endpoint + "/service/Comprehend_20171127/operation/DetectSentiment",
        data=cbor.encode({"Text": "", "LanguageCode": "en"}),
        headers={"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert cbor.decode(caught.value.read())["__type"] == "InvalidRequestException"
