"""Bytes on the wire (issue "Fast to the limit", item "Bytes").

Pages are gzip-compressed for clients that accept it (cxmaturity/compression.py); static files are
collected as the image collects them (STATIC_MANIFEST=1: WhiteNoise's manifest storage writes a
.br and a .gz beside each file) and served pre-compressed; and what a respondent downloads before
the first question, counted as served, stays within its budget.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli
import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponseBase
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from assessments.report import pdf

from .factories import answered_assessment

BASE_DIR = Path(settings.BASE_DIR)

# The landing page, the first area page and everything they load, compressed as served.
BUDGET_BYTES = 25_000
BROWSER_ACCEPTS = "br, gzip"  # current browsers send these (and more) over HTTPS


def decode(data: bytes, encoding: str) -> bytes:
    """A body as the browser reads it, after undoing its Content-Encoding."""
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert not encoding, f"unexpected Content-Encoding {encoding}"
    return data


def decoded(response: HttpResponseBase) -> bytes:
    return decode(served_body(response), response.get("Content-Encoding", ""))


def served_body(response: HttpResponseBase) -> bytes:
    """The body's bytes as they go over the wire (compressed if the response is)."""
    if response.streaming:
        data = b"".join(response.streaming_content)
        response.close()
        return data
    return response.content


# --- Static files, collected and served as in production -------------------------------------


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """`collectstatic` as the Dockerfile runs it (DEBUG off, so STATIC_MANIFEST defaults to on;
    set here explicitly), into a temporary STATIC_ROOT."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS"}}
    env.update(
        DEBUG="0",
        STATIC_MANIFEST="1",
        STATIC_ROOT=str(root),
        SECRET_KEY="collectstatic-only",
        DATABASE_URL=f"sqlite:///{root.parent / 'unused.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def production_static(settings, collected_static, db) -> Path:
    """The collected files behind WhiteNoise and the manifest storage, as STATIC_MANIFEST=1 has
    them. A Client made after this loads the middleware afresh, so WhiteNoise reads this root.
    (db: closing a served file sends request_finished, which checks the database connection.)"""
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "cxmaturity.storage.StaticFilesStorage"},
    }
    return collected_static


@pytest.mark.slow  # collectstatic compresses every static file, once per module
def test_collectstatic_writes_brotli_and_gzip_beside_each_text_file(production_static):
    css = production_static / staticfiles_storage.stored_name("css/site.css")
    assert css.name != "site.css", "the manifest storage names files by their content's hash"
    original = css.read_bytes()
    assert brotli.decompress(css.with_name(css.name + ".br").read_bytes()) == original
    assert gzip.decompress(css.with_name(css.name + ".gz").read_bytes()) == original


@pytest.mark.slow  # collectstatic compresses every static file, once per module
@pytest.mark.parametrize("accepts, encoding", [("br", "br"), ("gzip", "gzip"), ("br, gzip", "br")])
def test_static_files_are_served_precompressed(production_static, accepts, encoding):
    client = Client()
    for name in ("vendor/bootstrap/bootstrap.purged.min.css", "css/site.css", "js/autosave.js"):
        response = client.get(static(name), HTTP_ACCEPT_ENCODING=accepts)
        assert response.status_code == 200, name
        assert response["Content-Encoding"] == encoding, name
        assert "Accept-Encoding" in response["Vary"], name
        assert "immutable" in response["Cache-Control"], name
        assert decoded(response) == (BASE_DIR / "static" / name).read_bytes(), name


@pytest.mark.slow  # collectstatic compresses every static file, once per module
def test_static_files_are_served_plain_to_a_client_that_accepts_no_compression(production_static):
    response = Client().get(static("css/site.css"))
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert served_body(response) == (BASE_DIR / "static/css/site.css").read_bytes()


# --- Pages ---------------------------------------------------------------------------------


def test_pages_are_gzipped_for_clients_that_accept_it(respondent):
    # A first visit to the landing page (a respondent's own offers to continue: uncompressed).
    newcomer = Client()
    for client, path in (
        (newcomer, reverse("assessments:landing")),
        (
            respondent.client,
            reverse("assessments:area", kwargs={"token": respondent.token, "step": 1}),
        ),
    ):
        response = client.get(path, HTTP_ACCEPT_ENCODING=BROWSER_ACCEPTS)
        assert response.status_code == 200, path
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"], path
        assert int(response["Content-Length"]) == len(response.content), path
        page = gzip.decompress(response.content).decode()
        assert page.lstrip().lower().startswith("<!doctype html>"), path
        # The CSRF token is masked afresh for every response (the BREACH defence that makes
        # compressing a page with a token safe, docs/security.md).
        again = gzip.decompress(client.get(path, HTTP_ACCEPT_ENCODING="gzip").content).decode()
        assert _csrf_token(page) != _csrf_token(again), path


def test_pages_are_plain_for_clients_that_do_not_accept_gzip(respondent):
    response = respondent.client.get(
        reverse("assessments:area", kwargs={"token": respondent.token, "step": 1})
    )
    assert not response.has_header("Content-Encoding")
    assert "Accept-Encoding" in response["Vary"]
    assert b"<!doctype html>" in response.content.lower()


def test_the_pdf_download_is_sent_as_it_is(questionnaire, client, settings, monkeypatch):
    """The PDF is compressed already: it is streamed untouched, with its length."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    document = b"%PDF-1.7\n" + os.urandom(2048) + b"x" * 4096 + b"\n%%EOF"
    monkeypatch.setattr(pdf, "render_report_pdf", lambda assessment, language: document)
    assessment = answered_assessment(questionnaire, language="fi")

    response = client.get(
        reverse("assessments:report_pdf", kwargs={"token": assessment.token}),
        HTTP_ACCEPT_ENCODING=BROWSER_ACCEPTS,
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding")
    assert int(response["Content-Length"]) == len(document)
    assert served_body(response) == document


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


# --- The bytes before the first question -----------------------------------------------------


class _Assets(HTMLParser):
    """Everything a page makes the browser load: stylesheets, scripts, icons, images."""

    LINK_RELS = {"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload", "manifest"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and self.LINK_RELS & set(values.get("rel", "").lower().split()):
            self.urls.append(values["href"])
        elif tag in {"script", "img", "source", "iframe"} and values.get("src"):
            self.urls.append(values["src"])


CSS_REFERENCES = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


@dataclass
class Download:
    """What the browser received: (address, bytes as served, Content-Encoding) per response."""

    responses: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, url: str, response: HttpResponseBase) -> bytes:
        """Counts the response's body as served; returns it decoded, as the browser reads it."""
        body, encoding = served_body(response), response.get("Content-Encoding", "")
        self.responses.append((url, len(body), encoding))
        return decode(body, encoding)

    @property
    def total(self) -> int:
        return sum(size for _url, size, _encoding in self.responses)

    def table(self) -> str:
        rows = [
            f"{size:>7,} B  {encoding or 'identity':8}  {url}"
            for url, size, encoding in self.responses
        ]
        return "\n".join([*rows, f"{self.total:>7,} B  in all"])


def bytes_before_the_first_question(client: Client) -> Download:
    """The landing page, Start, the first area page, and every asset they reference (and what the
    stylesheets reference), each once as a browser's cache would have it, counted as served."""
    download = Download()
    seen: set[str] = set()

    def fetch_assets(page_url: str, page: str) -> None:
        parser = _Assets()
        parser.feed(page)
        queue = [urljoin(page_url, url) for url in parser.urls]
        while queue:
            url = queue.pop(0)
            if url.startswith("data:") or url in seen:
                continue
            seen.add(url)
            assert not urlsplit(url).netloc or urlsplit(url).netloc == "testserver", url
            response = client.get(urlsplit(url).path)
            assert response.status_code == 200, url
            body = download.add(url, response)
            if response["Content-Type"].startswith("text/css"):
                for match in CSS_REFERENCES.finditer(body.decode()):
                    queue.append(urljoin(url, match.group(1) or match.group(2)))

    landing_url = "http://testserver" + reverse("assessments:landing")
    landing = client.get(landing_url)
    assert landing.status_code == 200
    fetch_assets(landing_url, download.add(landing_url, landing).decode())

    # Start: a form post, answered with redirects (no body) to the first area page.
    area = client.post(reverse("assessments:start"), follow=True)
    assert area.status_code == 200
    area_url = "http://testserver" + area.request["PATH_INFO"]
    assert area_url.endswith("/area/1/"), area_url
    area_page = download.add(area_url, area).decode()
    # The first question needs no script: radio buttons in a form that posts, and its button.
    assert re.search(r'<form method="post"[^>]*>', area_page), "the answers post without JS"
    assert 'type="radio"' in area_page and 'type="submit"' in area_page
    fetch_assets(area_url, area_page)
    return download


@pytest.mark.slow  # collectstatic compresses every static file, once per module
# Committed for real: closing a served file ends the "request", which may close the database
# connection (PostgreSQL's pool), and the walk then needs a new one; no test transaction may hold
# the old.
@pytest.mark.django_db(transaction=True)
def test_the_bytes_before_the_first_question_stay_within_budget(production_static, questionnaire):
    client = Client(HTTP_ACCEPT_ENCODING=BROWSER_ACCEPTS)
    download = bytes_before_the_first_question(client)
    print("\nBytes before the first question, as served:\n" + download.table())

    urls = [url for url, _size, _encoding in download.responses]
    assert any(urlsplit(url).path.endswith(".css") for url in urls), urls
    for url, _size, encoding in download.responses:
        if urlsplit(url).path.endswith((".css", ".js", ".svg")) or "/static/" not in url:
            assert encoding in {"br", "gzip"}, f"{url} is sent uncompressed"
    assert download.total <= BUDGET_BYTES, download.table()


@pytest.mark.django_db
def test_no_page_compresses_a_secret_beside_text_the_address_chose(
    questionnaire, consultant_client
):
    """BREACH: the landing page that offers to continue a test (its link holds the token, its
    language form echoes the query string) and the admin (its lists echo the search beside
    names and emails) go out uncompressed; the plain landing page is compressed."""
    visitor = Client()
    assert visitor.get("/?x=1", HTTP_ACCEPT_ENCODING="gzip").get("Content-Encoding") == "gzip"

    visitor.post(reverse("assessments:start"))
    offering = visitor.get("/?x=1", HTTP_ACCEPT_ENCODING="gzip")
    assert "/a/" in offering.content.decode()
    assert offering.get("Content-Encoding") is None

    admin_list = consultant_client.get(
        reverse("admin:assessments_assessment_changelist") + "?q=guess",
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert admin_list.status_code == 200
    assert admin_list.get("Content-Encoding") is None
