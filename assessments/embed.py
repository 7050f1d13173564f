"""Embedding the test on the consultancy's own site (docs/embed.md).

With EMBED_ALLOWED_ORIGINS set, the respondent's pages may be framed by exactly those origins
(CSP `frame-ancestors`); every other page (the admin, the consultant's pages) and every other
site stays refused ('none', X-Frame-Options DENY). The framed pages tell the host page their
height (static/js/embed-frame.js, posted only to the allowed origins), and the host page's
script (static/embed/cx-embed.js) resizes the frame.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

# URL names of the "assessments" namespace that are never framed: the consultant's pages.
_NEVER_FRAMED_PREFIX = "consultant"


def origins_check(origins: list[str], *, https_only: bool) -> list[str]:
    """The origins as given, each "scheme://host[:port]" and nothing more; refused otherwise."""
    for origin in origins:
        parts = urlsplit(origin)
        allowed = {"https"} if https_only else {"https", "http"}
        if (
            parts.scheme not in allowed
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
            or "*" in origin
        ):
            raise ImproperlyConfigured(
                f"EMBED_ALLOWED_ORIGINS: {origin!r} is not an origin such as "
                "https://www.example.com (no path, no wildcard"
                + (", HTTPS only" if https_only else "")
                + ")."
            )
    return origins


def is_embeddable(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        bool(settings.EMBED_ALLOWED_ORIGINS)
        and match is not None
        and "assessments" in match.app_names
        and "admin" not in match.app_names
        and not (match.url_name or "").startswith(_NEVER_FRAMED_PREFIX)
    )


class EmbedMiddleware:
    """Lets the allowed origins frame the respondent's pages. Listed after CSPMiddleware and
    XFrameOptionsMiddleware, so that it marks the response before they write their headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_embeddable(request):
            # django-csp 4 reads this when it writes the header.
            response._csp_replace = {  # type: ignore[attr-defined]
                "frame-ancestors": list(settings.EMBED_ALLOWED_ORIGINS)
            }
            # X-Frame-Options cannot name origins: it is left out where CSP allows framing.
            response.xframe_options_exempt = True
        return response


def embed_context(request: HttpRequest) -> dict[str, object]:
    """For base.html: the origins the framed page may tell its height to."""
    return {"embed_origins": settings.EMBED_ALLOWED_ORIGINS if is_embeddable(request) else []}
