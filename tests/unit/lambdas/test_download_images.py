"""Downloading a message's images: checks per image, deterministic keys, failures reported not fatal."""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from lambdas.download_images import handler as download_handler
from lambdas.download_images.download import download_images
from lambdas.download_images.failures import DownloadFailed
from lambdas.download_images.fetcher import Fetched, RequestsFetcher
from lambdas.download_images.settings import DownloadSettings
from lambdas.shared.errors import InvalidInput

BUCKET = "sma-media"
PREFIX = "media/1790000000000000001/"


class FakeFetcher:
    """Answers from a dict of URL -> Fetched (or DownloadFailed to raise)."""

    def __init__(self, answers: dict[str, Fetched | DownloadFailed]) -> None:
        self.answers = answers
        self.fetched: list[str] = []

    def fetch(self, url: str, max_bytes: int) -> Fetched:
        self.fetched.append(url)
        answer = self.answers[url]
        if isinstance(answer, DownloadFailed):
            raise answer
        return answer


def public(host: str, port: int) -> list[str]:
    return ["151.101.36.159"]


def run(s3: Any, answers: dict[str, Any], settings: DownloadSettings | None = None) -> dict[str, Any]:
    event = {"ImageUrls": list(answers), "Bucket": BUCKET, "KeyPrefix": PREFIX}
    return download_images(
        event, settings=settings or DownloadSettings(), fetcher=FakeFetcher(answers), s3=s3, resolve=public
    )


def url(name: str) -> str:
    return f"https://pbs.twimg.com/media/{name}"


def keys(s3: Any) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("JPEG", "image/jpeg", "jpg"),
        ("PNG", "image/png", "png"),
        ("GIF", "image/gif", "gif"),
        ("WEBP", "image/webp", "webp"),
    ],
)
def test_each_supported_format_is_stored_with_its_facts(
    s3: Any, make_image: Callable[..., bytes], fmt: str, content_type: str, extension: str
) -> None:
    data = make_image(fmt, (40, 30))
    result = run(s3, {url("a"): Fetched(content_type, data)})
    assert result["Failed"] == []
    [stored] = result["Stored"]
    assert stored["Key"] == f"{PREFIX}0.{extension}"
    assert (stored["Width"], stored["Height"], stored["ContentType"]) == (40, 30, content_type)
    assert stored["Bucket"] == BUCKET and stored["Size"] == len(data)
    obj = s3.get_object(Bucket=BUCKET, Key=stored["Key"])
    assert obj["Body"].read() == data
    assert obj["ContentType"] == content_type


def test_one_bad_image_does_not_fail_the_batch(s3: Any, make_image: Callable[..., bytes]) -> None:
    good = make_image("JPEG")
    result = run(
        s3,
        {
            url("good1.jpg"): Fetched("image/jpeg", good),
            url("broken.jpg"): Fetched("image/jpeg", good[: len(good) // 2]),
            "https://evil.example.com/x.jpg": Fetched("image/jpeg", good),
            url("good2.png"): Fetched("image/png", make_image("PNG")),
        },
    )
    assert [item["Index"] for item in result["Stored"]] == [0, 3]
    assert [(item["Index"], item["Error"]) for item in result["Failed"]] == [
        (1, "BrokenImage"),
        (2, "HostNotAllowed"),
    ]
    assert all(item["Cause"] for item in result["Failed"])
    assert keys(s3) == [f"{PREFIX}0.jpg", f"{PREFIX}3.png"]


def test_a_retry_overwrites_the_same_keys(s3: Any, make_image: Callable[..., bytes]) -> None:
    answers = {
        url("a.jpg"): Fetched("image/jpeg", make_image("JPEG")),
        url("b.png"): Fetched("image/png", make_image("PNG")),
    }
    first = run(s3, answers)
    second = run(s3, answers)
    assert first == second
    assert keys(s3) == [f"{PREFIX}0.jpg", f"{PREFIX}1.png"]


@pytest.mark.parametrize(
    ("declared", "body", "code"),
    [
        ("image/png", "jpeg", "ContentTypeMismatch"),
        ("text/html", "jpeg", "ContentTypeMismatch"),
        ("image/jpeg", b"<html>not an image</html>", "NotAnImage"),
        ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "NotAnImage"),
        ("image/jpeg", b"", "NotAnImage"),
    ],
)
def test_content_type_and_magic_number_must_agree(
    s3: Any, make_image: Callable[..., bytes], declared: str, body: Any, code: str
) -> None:
    data = make_image("JPEG") if body == "jpeg" else body
    result = run(s3, {url("x"): Fetched(declared, data)})
    assert result["Stored"] == []
    assert result["Failed"][0]["Error"] == code
    assert keys(s3) == []


def test_a_generic_content_type_defers_to_the_magic_number(s3: Any, make_image: Callable[..., bytes]) -> None:
    result = run(s3, {url("x"): Fetched("application/octet-stream", make_image("PNG"))})
    assert result["Stored"][0]["ContentType"] == "image/png"


def test_images_over_the_pixel_cap_are_refused(s3: Any, make_image: Callable[..., bytes]) -> None:
    result = run(
        s3,
        {url("x"): Fetched("image/png", make_image("PNG", (50, 50)))},
        DownloadSettings(max_image_pixels=2000),
    )
    assert result["Failed"][0]["Error"] == "TooManyPixels"


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header announcing a huge image (the classic decompression bomb), tiny on the wire."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [7_000, 50_000])
def test_a_decompression_bomb_is_refused_without_touching_the_global_limit(s3: Any, side: int) -> None:
    before = Image.MAX_IMAGE_PIXELS
    result = run(s3, {url("bomb.png"): Fetched("image/png", png_bomb(side, side))})
    assert result["Failed"][0]["Error"] == "TooManyPixels"
    assert before == Image.MAX_IMAGE_PIXELS


def test_fetch_failures_are_reported_with_their_code(s3: Any) -> None:
    result = run(s3, {url("gone.jpg"): DownloadFailed("HttpError", "HTTP 404")})
    assert result == {
        "Stored": [],
        "Failed": [{"Index": 0, "Url": url("gone.jpg"), "Error": "HttpError", "Cause": "HTTP 404"}],
    }


def test_a_fetcher_ignoring_the_cap_is_still_capped(s3: Any, make_image: Callable[..., bytes]) -> None:
    result = run(
        s3, {url("x"): Fetched("image/jpeg", make_image("JPEG"))}, DownloadSettings(max_image_bytes=10)
    )
    assert result["Failed"][0]["Error"] == "TooLarge"


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("not an object", "JSON object"),
        ({"Bucket": BUCKET}, "ImageUrls"),
        ({"ImageUrls": "https://pbs.twimg.com/a.jpg", "Bucket": BUCKET}, "ImageUrls"),
        ({"ImageUrls": [1], "Bucket": BUCKET}, "ImageUrls"),
        ({"ImageUrls": []}, "Bucket"),
        ({"ImageUrls": [], "Bucket": BUCKET, "KeyPrefix": "../escape/"}, "KeyPrefix"),
        ({"ImageUrls": [], "Bucket": BUCKET, "KeyPrefix": "/abs/"}, "KeyPrefix"),
        ({"ImageUrls": [], "Bucket": BUCKET, "KeyPrefix": "no-slash"}, "KeyPrefix"),
        ({"ImageUrls": ["https://pbs.twimg.com/a"] * 5, "Bucket": BUCKET}, "more than the 4"),
    ],
)
def test_an_input_of_the_wrong_shape_fails_the_invocation(event: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        download_images(event, settings=DownloadSettings(), fetcher=FakeFetcher({}), s3=None, resolve=public)


def test_no_urls_is_an_empty_result(s3: Any) -> None:
    assert run(s3, {}) == {"Stored": [], "Failed": []}


def test_a_storage_failure_fails_the_invocation_so_the_task_is_retried(
    s3: Any, make_image: Callable[..., bytes]
) -> None:
    event = {"ImageUrls": [url("a.jpg")], "Bucket": "no-such-bucket", "KeyPrefix": PREFIX}
    fetcher = FakeFetcher({url("a.jpg"): Fetched("image/jpeg", make_image("JPEG"))})
    with pytest.raises(Exception, match="NoSuchBucket"):
        download_images(event, settings=DownloadSettings(), fetcher=fetcher, s3=s3, resolve=public)


# The real fetcher, against a real HTTP server on loopback.


def test_requests_fetcher_returns_body_and_content_type(
    media_server: Any, make_image: Callable[..., bytes]
) -> None:
    data = make_image("PNG")
    address = media_server.serve("/a.png", data, headers={"Content-Type": "image/png; charset=binary"})
    assert RequestsFetcher(2).fetch(address, 10_000) == Fetched("image/png", data)


@pytest.mark.parametrize(
    ("status", "headers", "code"),
    [
        (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, "RedirectRefused"),
        (301, {"Location": "/b"}, "RedirectRefused"),
        (404, {}, "HttpError"),
        (500, {}, "HttpError"),
    ],
)
def test_requests_fetcher_refuses_redirects_and_errors(
    media_server: Any, status: int, headers: dict[str, str], code: str
) -> None:
    address = media_server.serve("/a.jpg", b"", status=status, headers=headers)
    with pytest.raises(DownloadFailed) as raised:
        RequestsFetcher(2).fetch(address, 10_000)
    assert raised.value.code == code


def test_requests_fetcher_refuses_a_declared_length_over_the_cap(media_server: Any) -> None:
    address = media_server.serve("/big.jpg", b"x" * 5000)
    with pytest.raises(DownloadFailed, match="5000 bytes") as raised:
        RequestsFetcher(2).fetch(address, 1000)
    assert raised.value.code == "TooLarge"


def test_requests_fetcher_aborts_a_stream_that_grows_past_the_cap(media_server: Any) -> None:
    # 64 MiB announced by nobody: the fetcher must stop reading soon after 100 KiB.
    address = media_server.serve("/endless.jpg", b"\xff" * 65536, chunks=1024)
    with pytest.raises(DownloadFailed) as raised:
        RequestsFetcher(5).fetch(address, 100 * 1024)
    assert raised.value.code == "TooLarge"


def test_requests_fetcher_times_out(media_server: Any) -> None:
    address = media_server.serve("/slow.jpg", b"x", delay=1.0)
    with pytest.raises(DownloadFailed) as raised:
        RequestsFetcher(0.2).fetch(address, 1000)
    assert raised.value.code == "Timeout"


def test_requests_fetcher_limits_the_whole_download_not_just_each_read(media_server: Any) -> None:
    # Each chunk arrives well within the read timeout, but the whole body would take seconds.
    address = media_server.serve("/drip.jpg", b"\xff" * 16, chunks=40, chunk_delay=0.05)
    started = time.monotonic()
    with pytest.raises(DownloadFailed) as raised:
        RequestsFetcher(0.5).fetch(address, 1_000_000)
    assert raised.value.code == "Timeout"
    assert time.monotonic() - started < 1.5


def test_requests_fetcher_reports_a_refused_connection() -> None:
    with pytest.raises(DownloadFailed) as raised:
        RequestsFetcher(1).fetch("http://127.0.0.1:9/a.jpg", 1000)
    assert raised.value.code == "FetchFailed"


def test_the_handler_downloads_from_an_allowed_local_origin(
    s3: Any, media_server: Any, make_image: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMA_ALLOWED_LOCAL_ORIGINS", media_server.origin)
    download_handler._default.cache_clear()
    good = media_server.serve(
        "/media/photo.jpg", make_image("JPEG", (80, 60)), headers={"Content-Type": "image/jpeg"}
    )
    text = media_server.serve("/media/page.html", b"<html></html>", headers={"Content-Type": "text/html"})
    try:
        result = download_handler.handler(
            {"ImageUrls": [good, text], "Bucket": BUCKET, "KeyPrefix": PREFIX}, None
        )
        assert [(item["Key"], item["Width"]) for item in result["Stored"]] == [(f"{PREFIX}0.jpg", 80)]
        assert result["Failed"][0]["Error"] == "NotAnImage"
        stored = s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}0.jpg")["Body"].read()
        assert Image.open(io.BytesIO(stored)).size == (80, 60)
    finally:
        download_handler._default.cache_clear()
