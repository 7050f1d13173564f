"""Who is asking: the client's address, believing forwarded headers only from trusted proxies.

Rate limits (django-ratelimit) and login lockouts (django-axes) count against `client_ip`.
X-Forwarded-For is whatever the sender wrote, so it counts only when the connection comes from
one of TRUSTED_PROXIES (addresses or networks): then the hops are read from the right, each
added by the proxy to its right, for as long as they are trusted proxies too, and at most
TRUSTED_PROXY_COUNT proxies in all when that is set. A client that reaches the app server
directly, past the proxy, is counted by its own address whatever it claims.

`proxy_settings_check` (registered in apps.py) reports at start a proxy setting that cannot be
what was meant.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # reported by proxy_settings_check; an unreadable entry trusts nobody
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest, *args: object) -> str:
    """The address that rate limits and lockouts count against (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    limit = settings.TRUSTED_PROXY_COUNT
    nearest = _address(remote)
    if nearest is None or not _trusted(nearest, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    proxies = 1  # the one that connected
    client = nearest
    while hops and (limit <= 0 or proxies <= limit):
        hop = _address(hops.pop())
        if hop is None:
            break  # a proxy wrote nonsense: count the request against that proxy
        client = hop
        if not _trusted(hop, networks):
            break
        proxies += 1
    return str(client)


class UntrustedProxyHeadersMiddleware:
    """Forget the "this came over HTTPS" header (SECURE_PROXY_SSL_HEADER) unless a trusted
    proxy sent it: a client that reaches the app server directly could otherwise pass a plain
    HTTP request off as a secure one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SECURE_PROXY_SSL_HEADER:
            remote = _address(request.META.get("REMOTE_ADDR", ""))
            networks = _networks(tuple(settings.TRUSTED_PROXIES))
            if remote is None or not _trusted(remote, networks):
                request.META.pop(settings.SECURE_PROXY_SSL_HEADER[0], None)
        return self.get_response(request)


def _hint() -> str:
    return (
        "Set TRUSTED_PROXIES to the addresses or networks of the proxies in front of the app "
        "(comma-separated), see docs/deploy.md."
    )


def proxy_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A proxy setting that cannot be what was meant, reported by every manage.py command."""
    entries = list(settings.TRUSTED_PROXIES)
    count = settings.TRUSTED_PROXY_COUNT
    messages: list[checks.CheckMessage] = []
    unreadable = [entry for entry in entries if not _networks((entry,))]
    if unreadable:
        messages.append(
            checks.Error(
                f"TRUSTED_PROXIES has entries that are no address or network: {unreadable}.",
                hint=_hint(),
                id="assessments.E001",
            )
        )
    networks = _networks(tuple(entries))
    if any(network.prefixlen == 0 for network in networks):
        messages.append(
            checks.Warning(
                "TRUSTED_PROXIES trusts every address: anyone can claim any client address in "
                "X-Forwarded-For and so escape rate limits and login lockouts.",
                hint=_hint(),
                id="assessments.W003",
            )
        )
    if count > 0 and not networks:
        messages.append(
            checks.Warning(
                f"TRUSTED_PROXY_COUNT is {count} but TRUSTED_PROXIES is empty: X-Forwarded-For "
                "is ignored, so every client counts as the proxy's address and rate limits and "
                "login lockouts hit everyone behind the proxy at once.",
                hint=_hint(),
                id="assessments.W001",
            )
        )
    if settings.SECURE_PROXY_SSL_HEADER and not networks:
        messages.append(
            checks.Warning(
                "SECURE_PROXY_SSL_HEADER is set, so the app runs behind a proxy, but "
                "TRUSTED_PROXIES is empty: X-Forwarded-For is ignored, so every client counts "
                "as the proxy's address and rate limits and login lockouts hit everyone behind "
                "the proxy at once.",
                hint=_hint(),
                id="assessments.W002",
            )
        )
    return messages
