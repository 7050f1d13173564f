"""Response headers that follow from what a page is.

The app's pages are personal unless they are among the few public ones: the respondent's pages
carry a private token, the consultant's show someone's results, and the admin is the admin. No
cache may keep a personal page and no search engine may index it. Every response, static files,
probes and errors included, may be read by this site's own pages only
(`Cross-Origin-Resource-Policy`) and opens no window shared with another site
(`Cross-Origin-Opener-Policy`, Django's setting). The `Permissions-Policy` header comes from
django-permissions-policy (settings.PERMISSIONS_POLICY).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils.cache import patch_cache_control

# The pages of the "assessments" namespace that anyone may find, by URL name; every other page of
# the namespace (a token's, a consultant's, one added later) is personal.
PUBLIC_PAGES = frozenset({"landing", "privacy", "team_start"})
NOINDEX = "noindex, nofollow"
# Set to True on a response that holds a secret next to text the address chose (the landing page
# offering to continue a test echoes its query string): it is sent uncompressed (BREACH).
UNCOMPRESSED = "cx_uncompressed"


def is_personal(match: ResolverMatch | None) -> bool:
    """A page of the app that is not public, or the admin (None: no page matched the address,
    as for static files, or nothing resolved it)."""
    if match is None:
        return False
    if "admin" in match.app_names:
        return True
    return "assessments" in match.app_names and match.url_name not in PUBLIC_PAGES


class ResponseHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            # Django's SecurityMiddleware sets it too, but not on what answers before it (probes).
            response.setdefault(
                "Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
            )
        if is_personal(getattr(request, "resolver_match", None)):
            patch_cache_control(response, private=True, no_store=True)
            response["X-Robots-Tag"] = NOINDEX
        return response
