"""The only way the PDF renderer reaches a file: the project's static files and data: URLs.

WeasyPrint fetches every stylesheet, font and image through `StaticFilesOnlyFetcher`; nothing
comes from the network or from elsewhere on the file system.
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the report resolve against this address, which the fetcher maps onto the
# static files. The reserved .invalid domain (RFC 2606) can never reach a real host, and the
# fetcher never opens a connection anyway.
STATIC_BASE_URL = "https://static.report.invalid/static/"


class RefusedURL(ValueError):
    """The report asked for something that is neither a static file nor a data: URL.

    WeasyPrint catches it, logs it and renders without the resource.
    """


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves the project's static files and data: URLs; refuses everything else.

    Never touches the network, follows no redirect, and reads only files that Django's static
    file finders return for a path under STATIC_BASE_URL.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return _data_url(url)
        if url.startswith(STATIC_BASE_URL):
            return _static_file(url)
        raise RefusedURL(f"the report may not fetch {url[:200]!r}")


def _data_url(url: str) -> URLFetcherResponse:
    # Only data: URLs get here, and DataHandler decodes them in memory without opening anything.
    response = DataHandler().data_open(Request(url))  # noqa: S310
    return URLFetcherResponse(
        url, body=response.read(), headers={"Content-Type": response.headers["Content-Type"]}
    )


def _static_file(url: str) -> URLFetcherResponse:
    relative = unquote(urlsplit(url).path).removeprefix(urlsplit(STATIC_BASE_URL).path)
    normalised = posixpath.normpath(relative)
    if not relative or normalised.startswith(("/", "..")) or "\\" in relative or "\0" in relative:
        raise RefusedURL(f"not a static file path: {relative[:200]!r}")
    try:
        found = finders.find(normalised)
    except SuspiciousFileOperation as exc:
        raise RefusedURL(f"not a static file path: {relative[:200]!r}") from exc
    if not found or isinstance(found, list):
        raise RefusedURL(f"no such static file: {relative[:200]!r}")
    content_type = mimetypes.guess_type(normalised)[0] or "application/octet-stream"
    return URLFetcherResponse(
        url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
    )
