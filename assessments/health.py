"""Liveness and readiness probes for load balancers and container platforms, and the 503 page
that an outage of the database or the media storage gives instead of a 500."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"

# The storage refuses to write (or to read): a read-only or full file system, a quota, a lost
# mount. Any other OSError is a bug and stays a 500.
STORAGE_ERRNOS = frozenset(
    {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EIO}
)
# PostgreSQL: read_only_sql_transaction (a standby after a failover, default_transaction_read_only)
# and disk_full. SQLite: SQLITE_READONLY and SQLITE_FULL (primary result codes).
READ_ONLY_SQLSTATES = frozenset({"25006", "53100"})
READ_ONLY_SQLITE_CODES = frozenset({8, 13})
# The views that erase a respondent's data: their 503 page says that nothing was deleted (the
# erasure is one transaction, so an error that reaches the middleware rolled all of it back).
ERASURE_VIEWS = frozenset({"assessments:delete_data"})


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


def database_writable() -> bool:
    """Whether the database accepts writes (a PostgreSQL standby, a SQLite file on a read-only
    mount do not)."""
    try:
        writable = _sqlite_writable() if connection.vendor == "sqlite" else _accepts_a_write()
    except DatabaseError:
        logger.warning("readiness probe: the database refuses writes", exc_info=True)
        return False
    if not writable:
        logger.warning("readiness probe: the database is read-only")
    return writable


def _accepts_a_write() -> bool:
    """An update of no rows, rolled back: a read-only database refuses it all the same, and it
    waits for no lock (on PostgreSQL it conflicts with no other reads or writes)."""
    with transaction.atomic():
        # No id is negative: the table every Django database has, and no row of it.
        MigrationRecorder(connection).migration_qs.filter(id__lt=0).update(app=F("app"))
        transaction.set_rollback(True)
    return True


def _sqlite_writable() -> bool:
    """Asked without writing: any write on SQLite queues for the one write lock (BEGIN
    IMMEDIATE, up to the busy timeout), and a probe must answer at once."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only")
        if cursor.fetchone() != (0,):
            return False
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return True
    # The folder too: SQLite writes its journal (or WAL) files beside the database.
    database = Path(name)
    return os.access(database, os.W_OK) and os.access(database.parent, os.W_OK)


def media_storage_writable() -> bool:
    """Whether the media storage (rendered reports) keeps a small file, which is then deleted."""
    name = f"readyz-{uuid.uuid4().hex}.probe"
    try:
        stored = default_storage.save(name, ContentFile(b"ready"))
        default_storage.delete(stored)
    except Exception:
        # Whatever the storage (S3's errors are no OSError): "not ready", never a 500.
        logger.warning("readiness probe: the media storage refuses writes", exc_info=True)
        with contextlib.suppress(Exception):
            default_storage.delete(name)  # in case it was written in part
        return False
    return True


def readiness() -> tuple[bool, str]:
    if not database_answers():
        return False, "database unavailable"
    if not database_writable():
        return False, "database read-only"
    if not media_storage_writable():
        return False, "media storage not writable"
    return True, "ready"


def cannot_write(exception: BaseException) -> bool:
    """Whether the exception says that the database or the media storage refuses writes."""
    if isinstance(exception, OSError):
        return exception.errno in STORAGE_ERRNOS
    if isinstance(exception, DatabaseError):
        cause = exception.__cause__
        # psycopg 3 names the SQLSTATE `sqlstate`, psycopg 2 `pgcode`.
        sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if sqlstate in READ_ONLY_SQLSTATES:
            return True
        code = getattr(cause, "sqlite_errorcode", None)
        return isinstance(code, int) and code & 0xFF in READ_ONLY_SQLITE_CODES
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
            ready, state = readiness()
            return _plain(state, status=200 if ready else 503)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is down, or it or the media storage refuses writes, say so with a 503
    and a retry hint instead of a 500.

    Nothing is half-saved meanwhile: every write of the test runs in a transaction (or is a single
    statement), and what the respondent saved before the outage is kept. An erasure is one
    transaction with the deletion of its rendered reports (report/cache.py), so when either
    fails nothing is deleted, and the page says so.
    """

    RETRY_AFTER_SECONDS = 10

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if cannot_write(exception):
            logger.error("cannot write while serving %s", request.path, exc_info=exception)
            template = "storage_unavailable.html"
        elif isinstance(exception, OperationalError | InterfaceError):
            logger.error("database unavailable while serving %s", request.path, exc_info=exception)
            template = "database_unavailable.html"
        else:
            return None
        resolved = request.resolver_match
        context = {
            "erasure_failed": request.method == "POST"
            and resolved is not None
            and resolved.view_name in ERASURE_VIEWS,
            "page": request.path,
        }
        # A standalone page: rendering the site's base template could need the database again.
        response = HttpResponse(render_to_string(template, context, request=None), status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
