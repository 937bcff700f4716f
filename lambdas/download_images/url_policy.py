"""Which URLs may be fetched (the SSRF guard): allowlisted https hosts on public addresses only.

The resolved addresses are checked before the request. A name that re-resolves differently between the
check and the connection (DNS rebinding) is not caught here; the host allowlist, which only names X's
own CDN hosts, is what makes that impractical.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from lambdas.download_images.failures import DownloadFailed
from lambdas.download_images.settings import DownloadSettings

Resolver = Callable[[str, int], Iterable[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, as `socket.getaddrinfo` reports them."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved, shared and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global alone lets multicast through (224.0.0.1 is "global"), so every class is named.
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_url(url: str, settings: DownloadSettings, resolve: Resolver = resolve_host) -> None:
    """Return when `url` may be fetched; raise `DownloadFailed` saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise DownloadFailed("InvalidUrl", "the URL cannot be parsed") from None
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in {"http", "https"}:
        raise DownloadFailed("InvalidUrl", "only absolute http(s) URLs are accepted")
    if parts.username or parts.password:
        raise DownloadFailed("InvalidUrl", "URLs with credentials are refused")
    effective_port = port or (443 if parts.scheme == "https" else 80)
    if f"{parts.scheme}://{host}:{effective_port}" in settings.allowed_local_origins:
        return  # explicitly allowed by configuration (the local cloud's sample server)
    if parts.scheme != "https":
        raise DownloadFailed("InsecureUrl", "only https URLs are fetched")
    if host not in settings.allowed_hosts or effective_port != 443:
        raise DownloadFailed("HostNotAllowed", f"{host} is not an allowed media host")
    try:
        addresses = list(resolve(host, effective_port))
    except OSError as error:
        raise DownloadFailed("HostNotResolved", f"{host} cannot be resolved: {error}") from None
    if not addresses:
        raise DownloadFailed("HostNotResolved", f"{host} resolves to no address")
    refused = [address for address in addresses if not is_public_address(address)]
    if refused:
        raise DownloadFailed("AddressNotAllowed", f"{host} resolves to a non-public address ({refused[0]})")
