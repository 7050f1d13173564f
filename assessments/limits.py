"""Request bodies the app never takes, refused before anything reads them.

Every form of the site and the admin is a few kilobytes of text; nothing takes a file. A body
larger than `REQUEST_BODY_MAX_BYTES` (by its Content-Length) is answered 413, and a body in an
encoding that no form sends (JSON, XML, raw bytes…) 415, before Django parses it. A multipart form
that carries a file is refused by Django itself at the file's first line
(`DATA_UPLOAD_MAX_NUMBER_FILES = 0`, a 400), so nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# The encodings an HTML form sends (a form without fields sends an empty body, which always passes).
FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def declared_length(request: HttpRequest) -> int | None:
    """The body's length as the client declared it; None when it is not a number."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    return length if length >= 0 else None


def media_type(request: HttpRequest) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = declared_length(request)
        if length is None:
            return _refusal(400, _("The request could not be read."))
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return _refusal(413, _("The request is too large. This site takes no files."))
        if length and media_type(request) not in FORM_CONTENT_TYPES:
            return _refusal(415, _("This site accepts only what its own forms send."))
        return self.get_response(request)


def _refusal(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
