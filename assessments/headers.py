"""Response headers that follow from what a page is.

The app's pages are personal unless they are among the few public ones: the respondent's pages
carry a private token, the consultant's show someone's results, and the admin is the admin. No
cache may keep a personal page and no search engine may index it. Every response, static files,
probes and errors included, may be read by this site's own pages only
(`Cross-Origin-Resource-Policy`) and opens no window shared with another site
(`Cross-Origin-Opener-Policy`, Django's setting). The `Permissions-Policy` header comes from
django-permissions-policy (settings.PERMISSIONS_POLICY), which builds it once per process; the
`Content-Security-Policy` from django-csp, built once per process too (`CSPMiddleware`).
"""

from __future__ import annotations

import http
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
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
            response["Cache-Control"] = _personal_cache_control(response.get("Cache-Control", ""))
            response["X-Robots-Tag"] = NOINDEX
        return response


@lru_cache(maxsize=32)
def _personal_cache_control(given: str) -> str:
    """`patch_cache_control(response, private=True, no_store=True)` on a response whose
    Cache-Control is `given`: the same few headers every time, worked out once each."""
    response = HttpResponse()
    if given:
        response["Cache-Control"] = given
    patch_cache_control(response, private=True, no_store=True)
    return response["Cache-Control"]


# What a view or a decorator sets on a response to change its policy (django-csp's
# get_policy_parts reads these), besides the nonce a template may ask for.
_CSP_CHANGES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_DEBUG_EXEMPT = (http.HTTPStatus.INTERNAL_SERVER_ERROR, http.HTTPStatus.NOT_FOUND)


@dataclass(frozen=True)
class _Policy:
    header: str
    value: str  # "" when there is no such policy
    exempt: str  # the response's attribute that leaves it out
    excluded: tuple[str, ...]  # paths it is not sent for (EXCLUDE_URL_PREFIXES)


@cache
def _policies() -> tuple[_Policy, _Policy]:
    """The policy and the report-only policy as the settings say, with nothing of a request in
    them: django-csp builds the same strings from the settings for every response."""

    def excluded(setting: str) -> tuple[str, ...]:
        policy: dict[str, Any] = getattr(settings, setting, None) or {}
        return tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())

    return (
        _Policy(HEADER, build_policy(), "_csp_exempt", excluded("CONTENT_SECURITY_POLICY")),
        _Policy(
            HEADER_REPORT_ONLY,
            build_policy(report_only=True),
            "_csp_exempt_ro",
            excluded("CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ),
    )


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.cache_clear()


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the same headers, but a response that changes nothing of
    the policy (no nonce, no decorator's or view's change) gets the policy built once per
    process instead of afresh (about a tenth of a cached PDF download). Any other response is
    django-csp's own work."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _CSP_CHANGES
        ):
            return super().process_response(request, response)
        if response.status_code in _DEBUG_EXEMPT and settings.DEBUG:
            return response
        for policy in _policies():
            if (
                policy.value
                and getattr(response, policy.exempt, False) is False
                and policy.header not in response
                and not request.path_info.startswith(policy.excluded)
            ):
                response[policy.header] = policy.value
        # As django-csp: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
