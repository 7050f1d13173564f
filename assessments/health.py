"""Liveness and readiness probes for load balancers and container platforms."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"


def _plain(text: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        # Logged, never shown: the probe's answer must not leak connection details.
        logger.warning("readiness probe: the database does not answer", exc_info=True)
        return False


class HealthCheckMiddleware:
    """Answers the probes before host validation and HTTPS redirects, which they cannot pass."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path.rstrip("/")
        if path == LIVENESS_PATH:
            return _plain("ok")
        if path == READINESS_PATH:
            if database_answers():
                return _plain("ready")
            return _plain("database unavailable", status=503)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is down, say so with a 503 and a retry hint instead of a 500.

    Nothing is half-saved meanwhile: every write of the test runs in a transaction (or is a single
    statement), and what the respondent saved before the outage is kept.
    """

    RETRY_AFTER_SECONDS = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable while serving %s", request.path, exc_info=exception)
        # A standalone page: rendering the site's base template could need the database again.
        response = HttpResponse(
            render_to_string("database_unavailable.html", request=None), status=503
        )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
