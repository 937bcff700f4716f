"""The SSRF guard: only allowlisted https hosts resolving to public addresses, local origins by opt-in."""

from __future__ import annotations

import pytest

from lambdas.download_images.failures import DownloadFailed
from lambdas.download_images.settings import DownloadSettings, normalise_origin
from lambdas.download_images.url_policy import check_url, is_public_address
from lambdas.shared.errors import ConfigurationError

PUBLIC = "151.101.36.159"


def resolver(*addresses: str):
    calls: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append((host, port))
        return list(addresses)

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def refusal(url: str, settings: DownloadSettings | None = None, *addresses: str) -> str:
    with pytest.raises(DownloadFailed) as raised:
        check_url(url, settings or DownloadSettings(), resolver(*(addresses or (PUBLIC,))))
    return raised.value.code


def test_an_x_media_url_on_a_public_address_is_allowed() -> None:
    resolve = resolver(PUBLIC, "2a04:4e42::159")
    check_url("https://pbs.twimg.com/media/GbX1a2bWMAAxyz.jpg?name=large", DownloadSettings(), resolve)
    assert resolve.calls == [("pbs.twimg.com", 443)]


def test_host_names_are_compared_case_insensitively() -> None:
    check_url("https://PBS.twimg.com/media/a.jpg", DownloadSettings(), resolver(PUBLIC))


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://pbs.twimg.com/media/a.jpg", "InsecureUrl"),
        ("ftp://pbs.twimg.com/a.jpg", "InvalidUrl"),
        ("file:///etc/passwd", "InvalidUrl"),
        ("https://evil.example.com/a.jpg", "HostNotAllowed"),
        ("https://pbs.twimg.com.evil.example/a.jpg", "HostNotAllowed"),
        ("https://pbs.twimg.com:8443/a.jpg", "HostNotAllowed"),
        ("https://user:pw@pbs.twimg.com/a.jpg", "InvalidUrl"),
        ("https://[::1/a.jpg", "InvalidUrl"),
        ("pbs.twimg.com/media/a.jpg", "InvalidUrl"),
        ("http://127.0.0.1:8123/a.jpg", "InsecureUrl"),
    ],
)
def test_urls_outside_the_policy_are_refused(url: str, code: str) -> None:
    assert refusal(url) == code


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.7",
        "172.16.3.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
    ],
)
def test_allowed_hosts_resolving_to_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)
    assert refusal("https://pbs.twimg.com/a.jpg", None, PUBLIC, address) == "AddressNotAllowed"


def test_an_unresolvable_host_is_reported() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(DownloadFailed) as raised:
        check_url("https://pbs.twimg.com/a.jpg", DownloadSettings(), fail)
    assert raised.value.code == "HostNotResolved"


def test_a_configured_local_origin_is_fetched_over_http_without_address_checks() -> None:
    settings = DownloadSettings.from_env({"SMA_ALLOWED_LOCAL_ORIGINS": "http://127.0.0.1:8123"})
    resolve = resolver("127.0.0.1")
    check_url("http://127.0.0.1:8123/media/a.jpg", settings, resolve)
    assert resolve.calls == []
    # Only that exact origin: another port or the https scheme is not covered.
    assert refusal("http://127.0.0.1:8124/a.jpg", settings) == "InsecureUrl"
    assert refusal("https://127.0.0.1:8123/a.jpg", settings) == "HostNotAllowed"


def test_settings_read_hosts_and_limits_from_the_environment() -> None:
    settings = DownloadSettings.from_env(
        {
            "SMA_IMAGE_HOSTS": "Media.Example.com, ",
            "SMA_MAX_IMAGE_BYTES": "1000",
            "SMA_FETCH_TIMEOUT_SECONDS": "2.5",
        }
    )
    assert settings.allowed_hosts == {"media.example.com"}
    assert settings.max_image_bytes == 1000
    assert settings.timeout_seconds == 2.5
    assert DownloadSettings.from_env({}).allowed_hosts == {"pbs.twimg.com", "ton.twimg.com"}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SMA_MAX_IMAGE_BYTES": "lots"}, "SMA_MAX_IMAGE_BYTES"),
        ({"SMA_MAX_IMAGE_PIXELS": "-1"}, "SMA_MAX_IMAGE_PIXELS"),
        ({"SMA_FETCH_TIMEOUT_SECONDS": "soon"}, "SMA_FETCH_TIMEOUT_SECONDS"),
        ({"SMA_ALLOWED_LOCAL_ORIGINS": "127.0.0.1"}, "SMA_ALLOWED_LOCAL_ORIGINS"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        DownloadSettings.from_env(env)


def test_origins_are_normalised_with_an_explicit_port() -> None:
    assert normalise_origin("HTTP://LocalHost") == "http://localhost:80"
    assert normalise_origin("https://127.0.0.1:9000/") == "https://127.0.0.1:9000"
