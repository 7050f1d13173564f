"""Pages go out gzip-compressed to clients that accept it; nothing else is touched.

Django's GZipMiddleware, limited to the documents the app renders (HTML, plain text, JSON), so
that a file download keeps its bytes and its Content-Length: the PDF report is compressed already
and is streamed as it is, and the consultants' exports stay as they were. Static files never get
here: WhiteNoise, above this middleware, answers them with the .br or .gz that collectstatic
wrote. A response that already has a Content-Encoding is left alone (GZipMiddleware's own rule).

Why compressing pages is safe here (BREACH; docs/security.md has the whole argument): the
secret on every page is the CSRF token, which Django masks afresh for every response, so no two
responses share its bytes to guess against; the private token and personal data sit beside
echoed text only for requests that carry the session, which another site can cause only by
visible top-level navigation (SameSite=Lax), and the two pages where an address could place a
guess beside a secret are never compressed: the admin, and the landing page that offers to
continue a test. Django's GZipMiddleware also pads every compressed response with 0-100 random
bytes ("Heal the Breach").
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

from assessments.headers import UNCOMPRESSED

COMPRESSED_TYPES = frozenset({"text/html", "text/plain", "application/json"})


class PageGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        media_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if response.streaming or media_type not in COMPRESSED_TYPES:
            return response
        # A secret beside text that the address chose stays uncompressed: the admin (its lists
        # echo the search beside names and emails) and pages marked so (headers.UNCOMPRESSED).
        match = getattr(request, "resolver_match", None)
        if getattr(response, UNCOMPRESSED, False) or (match and "admin" in match.app_names):
            return response
        return super().process_response(request, response)
