"""Who is asking: the client's address behind any number of trusted proxies."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, *args: object) -> str:
    """The address that rate limits and lockouts count against.

    Behind TRUSTED_PROXY_COUNT proxies the client is the entry that many places from the right of
    X-Forwarded-For; entries further left are whatever the client claimed and are not trusted.
    With no trusted proxy, the socket's address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
