"""No private token in any log line: Django's logs, error reports and gunicorn's logs (issue 18)."""

import io
import logging
import re
import runpy
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from assessments import selectors
from assessments.redaction import MARKER, RedactTokensFilter, redact
from assessments.report import build, pdf

from .factories import area_post

GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"
TOKEN = "Xb3_kQ9-Lm2vZr8TpW4nYc7HdJ5sFg1A"  # the shape of secrets.token_urlsafe(24)


# --- The rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /a/{TOKEN}/area/2/ HTTP/1.1", f"GET /a/{MARKER}/area/2/ HTTP/1.1"),
        (f"Not Found: /en/results/{TOKEN}/", f"Not Found: /en/results/{MARKER}/"),
        (f"/results/{TOKEN}/report.pdf", f"/results/{MARKER}/report.pdf"),
        (f"/results/{TOKEN}/delete/", f"/results/{MARKER}/delete/"),
        # In those addresses any segment is a token, however short or malformed.
        ("/a/short/area/1/", f"/a/{MARKER}/area/1/"),
        ("/results/%00%00/?x=1", f"/results/{MARKER}/?x=1"),
        # Anywhere else, a string that looks like one.
        (f"lookup failed for {TOKEN}.", f"lookup failed for {MARKER}."),
        (f"token={TOKEN}&lang=en", f"token={MARKER}&lang=en"),
        # What is not a token stays readable.
        ("/privacy/ /static/css/site.css", "/privacy/ /static/css/site.css"),
        ("/consultant/assessments/42/results/", "/consultant/assessments/42/results/"),
        (
            "in test_a_draft_is_purged_by_its_respondents_absence_not_by_a_consultants_edit",
            "in test_a_draft_is_purged_by_its_respondents_absence_not_by_a_consultants_edit",
        ),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_the_filter_redacts_the_message_its_arguments_and_the_traceback():
    try:
        raise RuntimeError(f"no report for {TOKEN}")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Error: %s (%s)",
            (f"/a/{TOKEN}/", 500),
            sys.exc_info(),
        )
    assert RedactTokensFilter().filter(record) is True
    line = logging.Formatter().format(record)
    assert TOKEN not in line
    assert f"Error: /a/{MARKER}/ (500)" in line
    assert f"RuntimeError: no report for {MARKER}" in line


# --- Django: a whole walk through the test, as the root's handlers write it --------------------


@pytest.fixture
def log_output():
    """What the root logger's handlers from settings.LOGGING write, for the length of a test."""
    handlers = [handler for handler in logging.getLogger().handlers if handler.name == "console"]
    assert handlers, "settings.LOGGING gives the root logger its console handler"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


@pytest.mark.django_db
def test_a_whole_walk_through_the_test_logs_no_token(
    questionnaire, settings, tmp_path, monkeypatch, log_output
):
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(pdf, "render_report_pdf", lambda assessment, language: b"%PDF-1.7 x")
    client = Client(raise_request_exception=False)

    started = client.post("/start/")
    token = re.search(r"/a/([^/]+)/", started["Location"]).group(1)
    areas = selectors.areas_with_questions(questionnaire)
    for step in range(1, len(areas) + 1):
        assert client.get(f"/a/{token}/area/{step}/").status_code == 200
        assert (
            client.post(
                f"/a/{token}/area/{step}/", area_post(questionnaire, step, lambda q: 3)
            ).status_code
            == 302
        )
    assert client.post(f"/a/{token}/background/", {"organisation": "Loki Oy"}).status_code == 302
    assert client.get(f"/results/{token}/").status_code == 200
    assert client.get(f"/en/results/{token}/report.pdf").status_code == 200
    assert client.get(f"/results/{token}/delete/").status_code == 200
    # A wrong token: Django logs "Not Found" with the path.
    wrong = secrets.token_urlsafe(24)
    assert client.get(f"/results/{wrong}/").status_code == 404
    assert client.get(f"/a/{wrong}/area/1/").status_code == 404

    # An error report: the path, and a traceback whose message holds the token.
    def broken(assessment):
        raise RuntimeError(f"could not build the report of {assessment.token}")

    monkeypatch.setattr(build, "build_report", broken)
    assert client.get(f"/results/{token}/").status_code == 500

    output = log_output.getvalue()
    assert "Not Found" in output
    assert "Internal Server Error" in output
    assert "RuntimeError: could not build the report of" in output
    assert token not in output
    assert wrong not in output
    assert f"/results/{MARKER}/" in output


# --- gunicorn: the access log and the error log -----------------------------------------------


@pytest.fixture
def gunicorn_logger(tmp_path):
    """gunicorn's logger as gunicorn.conf.py configures it, writing to files in tmp_path."""
    from gunicorn.config import Config

    conf = runpy.run_path(str(GUNICORN_CONF))
    cfg = Config()
    for name in ("logger_class", "accesslog", "errorlog"):
        cfg.set(name, conf[name])
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    # Every atom that can carry a path: request line, path, query, referrer, a header, environ.
    cfg.set(
        "access_log_format",
        '%(h)s "%(r)s" %(s)s %(U)s %(q)s "%(f)s" "%({referer}i)s" %({raw_uri}e)s',
    )
    logger = cfg.logger_class(cfg)
    assert isinstance(logger, conf["RedactingLogger"])
    yield logger
    for log in (logger.access_log, logger.error_log):
        for handler in list(log.handlers):
            handler.close()
            log.removeHandler(handler)


def test_gunicorns_access_log_writes_no_token(gunicorn_logger, tmp_path):
    path = f"/en/results/{TOKEN}/report.pdf"
    referrer = f"https://cx.example.com/en/results/{TOKEN}/"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?from={TOKEN}",
        "PATH_INFO": path,
        "QUERY_STRING": f"from={TOKEN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_REFERER": referrer,
    }
    request = SimpleNamespace(headers=[("REFERER", referrer), ("USER-AGENT", "test")])
    response = SimpleNamespace(
        status="200 OK", headers=[("Content-Type", "application/pdf")], sent=9
    )

    gunicorn_logger.access(response, request, environ, timedelta(milliseconds=12))

    line = (tmp_path / "access.log").read_text()
    assert TOKEN not in line
    assert line.startswith(f'203.0.113.7 "GET /en/results/{MARKER}/report.pdf?from={MARKER} ')
    assert f"https://cx.example.com/en/results/{MARKER}/" in line
    assert " 200 " in line


def test_gunicorns_error_log_writes_no_token(gunicorn_logger, tmp_path):
    try:
        raise ValueError(f"bad request for /a/{TOKEN}/area/1/")
    except ValueError:
        gunicorn_logger.exception("Error handling request %s", f"/a/{TOKEN}/area/1/")

    text = (tmp_path / "error.log").read_text()
    assert f"Error handling request /a/{MARKER}/area/1/" in text
    assert "ValueError: bad request" in text
    assert TOKEN not in text


def test_gunicorn_trusts_forwarded_headers_only_from_the_trusted_proxies(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.2, 192.168.0.0/24, ::1, 172.16.0.9/32")
    assert runpy.run_path(str(GUNICORN_CONF))["forwarded_allow_ips"] == "10.0.0.2,::1,172.16.0.9"
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert runpy.run_path(str(GUNICORN_CONF))["forwarded_allow_ips"] == ""
