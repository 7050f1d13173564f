"""A small office taking the test together on the default SQLite database sees no error.

Starts gunicorn as production runs it (2 workers × 4 threads) with the project's settings on a
fresh SQLite file of this test's own, and lets 8 respondents take the whole test at the same time,
as fast as they can: every page, every answer save and the completion. Without WAL, a busy timeout
and BEGIN IMMEDIATE (settings.DATABASES) about a fifth of the requests fail with "database is
locked" (a 503); with them, none may, and every test that was completed must be stored with its
result. `make loadtest-sqlite` is the longer version of this (12 respondents for 60 s).
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from . import live_server

pytestmark = pytest.mark.slow

RESPONDENTS = 8
TESTS_EACH = 2
OPTION = re.compile(r'name="(q_[A-Z0-9]+)" value="(\d+|dk)"')
TOKEN = re.compile(r"/a/([^/]+)/area/1/$")


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-concurrency")
    database = folder / "db.sqlite3"
    server_log = folder / "gunicorn.log"
    env = {
        key: value
        for key, value in os.environ.items()
        # The default setup, as `make run` has it: no PostgreSQL, no Redis.
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DEBUG="0",
        HTTPS="0",
        STATIC_MANIFEST="0",
        SECRET_KEY="sqlite-concurrency-test-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="127.0.0.1",
        # All respondents come from one address; the limits are tested elsewhere.
        RATELIMIT_ENABLE="0",
    )
    env["DATABASE_URL"] = live_server.fresh_sqlite_database(database, env)
    port = live_server.free_port()
    server = live_server.start_gunicorn(
        env,
        port,
        2,
        "--threads",
        "4",
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        str(server_log),
        "--capture-output",
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not live_server.is_ready(url):
            pytest.fail(f"{url} did not start: {server_log.read_text(errors='replace')[-3000:]}")
        yield url, database, server_log
    finally:
        server.terminate()
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Respondent:
    """One person's browser: its own cookies (session, CSRF), no redirects followed."""

    def __init__(self, url: str, statuses: list[int]) -> None:
        self.url = url
        self.statuses = statuses
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one request; every status is counted."""
        body = None
        if data is not None:
            csrf = next(c.value for c in self.jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers={"Referer": self.url + path}
        )
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode(errors="replace")
            self.statuses.append(response.status)
            return response.status, response.headers.get("Location", ""), text

    def take_the_test(self) -> str | None:
        """The whole test, from the landing page to the results: its token, or None if a
        step failed."""
        self.jar.clear()
        if self.request("/")[0] != 200:
            return None
        status, location, _ = self.request("/start/", {})
        found = TOKEN.search(location)
        if status != 302 or not found:
            return None
        token = found.group(1)
        while "/area/" in location:
            status, _, page = self.request(location)
            if status != 200:
                return None
            choices: dict[str, list[str]] = {}
            for question, value in OPTION.findall(page):
                choices.setdefault(question, []).append(value)
            answers = {q: random.choice(values) for q, values in choices.items()}
            # Random answers may leave an area mostly "don't know": continue anyway.
            answers["dont_know_confirmed"] = "1"
            status, location, _ = self.request(location, answers)
            if status != 302:
                return None
        background = {"organisation": "Pieni toimisto Oy", "industry": "it", "size": "10-49"}
        status, location, _ = self.request(f"/a/{token}/background/", background)
        if status != 302 or not location.endswith(f"/results/{token}/"):
            return None
        if self.request(location)[0] != 200:
            return None
        return token


def test_concurrent_respondents_on_sqlite_get_no_error(sqlite_server):
    url, database, server_log = sqlite_server
    statuses: list[int] = []
    completed: list[str] = []
    crashed: list[BaseException] = []
    start_together = threading.Barrier(RESPONDENTS)

    def respondent() -> None:
        browser = Respondent(url, statuses)
        try:
            start_together.wait(timeout=30)
            for _ in range(TESTS_EACH):
                token = browser.take_the_test()
                if token:
                    completed.append(token)
        except BaseException as error:  # reported below, not lost in the thread
            crashed.append(error)

    threads = [threading.Thread(target=respondent) for _ in range(RESPONDENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not crashed, crashed
    assert not any(thread.is_alive() for thread in threads)

    server_errors = {status: n for status, n in Counter(statuses).items() if status >= 500}
    log = server_log.read_text(errors="replace")
    locked = log.count("django.db.utils.OperationalError: database is locked")
    assert server_errors == {}, (
        f"{sum(server_errors.values())} of {len(statuses)} requests failed "
        f"({server_errors}); {locked} of them 'database is locked' in the server's log"
    )
    assert locked == 0
    # Every respondent finished every test, and each one is stored with its result.
    assert len(completed) == RESPONDENTS * TESTS_EACH
    with sqlite3.connect(database) as db:
        stored = db.execute(
            "SELECT token FROM assessments_assessment "
            "WHERE completed_at IS NOT NULL AND result IS NOT NULL"
        ).fetchall()
        answers = db.execute(
            "SELECT count(*) FROM assessments_answer w JOIN assessments_assessment a "
            "ON a.id = w.assessment_id WHERE a.completed_at IS NOT NULL"
        ).fetchone()[0]
        # The version that new tests take (every published version is loaded).
        questions = db.execute(
            "SELECT count(*) FROM assessments_question q JOIN assessments_area r "
            "ON r.id = q.area_id WHERE r.version_id = "
            "(SELECT max(version_id) FROM assessments_assessment)"
        ).fetchone()[0]
    assert sorted(token for (token,) in stored) == sorted(completed)
    assert answers == len(completed) * questions


def test_the_sqlite_file_runs_in_wal_mode(sqlite_server):
    """WAL is a property of the file: the app's settings switched it on."""
    _, database, _ = sqlite_server
    with sqlite3.connect(Path(database)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
