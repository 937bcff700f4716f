"""The shared helpers: settings, the credentials secret and its cache, JSON logs, image sniffing."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from integrations.errors import ServiceError
from lambdas.shared import config
from lambdas.shared.aws_errors import aws_error_code
from lambdas.shared.errors import ConfigurationError
from lambdas.shared.images import ImageRejected, inspect_image, sniff_content_type
from lambdas.shared.structured_log import JsonFormatter, log_fields
from lambdas.shared.x_credentials import SecretCache, SecretNotFound, parse_credentials


class FakeSecrets:
    def __init__(self, value: Any) -> None:
        self.value = value
        self.calls = 0

    def get_secret_value(self, SecretId: str) -> dict[str, Any]:
        self.calls += 1
        if isinstance(self.value, Exception):
            raise self.value
        return {"Name": SecretId, **self.value}


def test_required_settings_name_the_missing_variable() -> None:
    with pytest.raises(ConfigurationError, match="SMA_STREAM_NAME"):
        config.required({"SMA_STREAM_NAME": "  "}, "SMA_STREAM_NAME")
    assert config.required({"A": " x "}, "A") == "x"


@pytest.mark.parametrize(("text", "expected"), [("yes", True), ("0", False), ("TRUE", True), (None, True)])
def test_flags(text: str | None, expected: bool) -> None:
    env = {} if text is None else {"F": text}
    assert config.flag(env, "F", True) is expected


def test_a_bad_flag_names_its_variable() -> None:
    with pytest.raises(ConfigurationError, match="F must be true or false"):
        config.flag({"F": "maybe"}, "F", False)


def test_credentials_accept_the_documented_and_the_legacy_names() -> None:
    modern = parse_credentials(
        json.dumps(
            {"consumer_key": "a", "consumer_secret": "b", "access_token": "c", "access_token_secret": "d"}
        ),
        "s",
    )
    legacy = parse_credentials(
        json.dumps({"ApiKey": "a", "ApiSecret": "b", "AccessToken": "c", "AccessTokenSecret": "d"}), "s"
    )
    assert modern == legacy and modern.can_post()
    assert not parse_credentials('{"consumer_secret": "b"}', "s").can_post()


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"string"'])
def test_a_malformed_secret_is_a_configuration_error_without_its_text(text: str) -> None:
    with pytest.raises(ConfigurationError, match="secret s is not a JSON object") as raised:
        parse_credentials(text, "s")
    assert text not in str(raised.value)


def test_the_secret_is_fetched_once_per_ttl() -> None:
    now = [0.0]
    client = FakeSecrets({"SecretString": '{"consumer_secret": "one"}'})
    cache = SecretCache(client, ttl_seconds=60, clock=lambda: now[0])
    assert cache.get("s").consumer_secret == "one"
    client.value = {"SecretString": '{"consumer_secret": "two"}'}
    now[0] = 59
    assert cache.get("s").consumer_secret == "one"
    now[0] = 61
    assert cache.get("s").consumer_secret == "two"
    assert client.calls == 2


def test_a_missing_secret_is_secret_not_found() -> None:
    cache = SecretCache(FakeSecrets(ServiceError("secretsmanager", "ResourceNotFoundException", "nope")))
    with pytest.raises(SecretNotFound, match="secret s does not exist"):
        cache.get("s")


def test_other_secret_errors_propagate() -> None:
    cache = SecretCache(FakeSecrets(ServiceError("secretsmanager", "AccessDeniedException", "no", 403)))
    with pytest.raises(ServiceError):
        cache.get("s")


def test_a_binary_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="no SecretString"):
        SecretCache(FakeSecrets({"SecretBinary": b"x"})).get("s")


def test_error_codes_come_from_botocore_and_local_errors() -> None:
    from botocore.exceptions import ClientError

    client_error = ClientError({"Error": {"Code": "NoSuchKey", "Message": "m"}}, "GetObject")
    assert aws_error_code(client_error) == "NoSuchKey"
    assert aws_error_code(ServiceError("s3", "NoSuchBucket", "m", 404)) == "NoSuchBucket"
    assert aws_error_code(ValueError("x")) is None


def test_json_logs_mask_credential_like_fields() -> None:
    record = logging.LogRecord("sma.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.fields = log_fields(consumer_secret="s3cr3t", signature="sig", count=3)["fields"]
    document = json.loads(JsonFormatter().format(record))
    assert document["message"] == "hello world" and document["level"] == "INFO" and document["count"] == 3
    assert document["consumer_secret"] == "***" and document["signature"] == "***"
    assert "s3cr3t" not in JsonFormatter().format(record)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_magic_numbers(make_image: Callable[..., bytes], fmt: str, content_type: str) -> None:
    assert sniff_content_type(make_image(fmt)) == content_type


@pytest.mark.parametrize("data", [b"", b"BM\x00\x00", b"II*\x00", b"<svg/>", b"RIFF\x00\x00\x00\x00WAVE"])
def test_other_data_is_not_an_accepted_image(data: bytes) -> None:
    assert sniff_content_type(data) is None
    with pytest.raises(ImageRejected) as raised:
        inspect_image(data)
    assert raised.value.code == "NotAnImage"


def test_a_truncated_image_is_broken(make_image: Callable[..., bytes]) -> None:
    data = make_image("PNG", (200, 200))
    with pytest.raises(ImageRejected) as raised:
        inspect_image(data[:-30])
    assert raised.value.code == "BrokenImage"


def test_a_mistyped_log_level_falls_back_to_info(monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdas.shared.structured_log import get_logger

    monkeypatch.setenv("LOG_LEVEL", "chatty")
    assert get_logger("sma.test-level").level == logging.INFO
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert get_logger("sma.test-level").level == logging.DEBUG


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_a_jpeg_is_inspected_at_its_full_size_and_checked_to_its_last_byte(mode: str) -> None:
    import io

    from PIL import Image

    photo = Image.radial_gradient("L").resize((1600, 1200)).convert(mode)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90, progressive=mode == "L")
    data = buffer.getvalue()
    info = inspect_image(data)
    # The check decodes at 1/8 scale; what it reports is the stored photo's own size.
    assert (info.content_type, info.width, info.height) == ("image/jpeg", 1600, 1200)
    for cut in (len(data) // 2, len(data) - 40):
        with pytest.raises(ImageRejected) as raised:
            inspect_image(data[:cut])
        assert raised.value.code == "BrokenImage"
