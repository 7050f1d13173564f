"""Headers that follow from what a page is: private pages are never stored or indexed, every
response keeps to its own origin and refuses the browser's powerful features; robots.txt, the
language cookie, the 429 page, HEAD and the admin's sign-in redirect."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from assessments.report import pdf

from .conftest import PASSWORD
from .factories import answered_assessment

pytestmark = pytest.mark.django_db

NOINDEX = "noindex, nofollow"


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def fake_pdf(monkeypatch, settings, tmp_path):
    """The report as a few bytes instead of WeasyPrint's work, stored in a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(pdf, "render_report_pdf", lambda assessment, language: b"%PDF-1.7 fake")


def token_pages(questionnaire):
    """Every page whose address carries a token, in both languages, for a respondent's client."""
    completed = answered_assessment(questionnaire)
    unfinished = answered_assessment(questionnaire, complete=False)
    pages = []
    for language in ("fi", "en"):
        pages += [
            url(language, "assessments:resume", token=unfinished.token),
            url(language, "assessments:area", token=unfinished.token, step=1),
            url(language, "assessments:background", token=unfinished.token),
            url(language, "assessments:results", token=completed.token),
            url(language, "assessments:report_pdf", token=completed.token),
            url(language, "assessments:delete_data", token=completed.token),
            # A wrong token is private too: the address itself is someone's guess.
            url(language, "assessments:results", token="x" * 32),
        ]
    return pages, completed


def test_every_token_page_is_neither_stored_nor_indexed(client, questionnaire, fake_pdf):
    pages, _completed = token_pages(questionnaire)
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path
        assert response["X-Robots-Tag"] == NOINDEX, path


def test_the_pdf_keeps_its_no_cache_and_adds_no_store(client, questionnaire, fake_pdf):
    completed = answered_assessment(questionnaire)
    response = client.get(url("fi", "assessments:report_pdf", token=completed.token))
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-cache", "no-store"} <= directives


def test_the_consultants_pages_and_the_admin_are_not_indexed(
    consultant_client, client, questionnaire, fake_pdf
):
    completed = answered_assessment(questionnaire)
    report = consultant_client.get(url("fi", "assessments:consultant_report", pk=completed.pk))
    assert report.status_code == 200
    assert report["X-Robots-Tag"] == NOINDEX
    assert "no-store" in report["Cache-Control"]
    for path in (reverse("admin:index"), reverse("admin:assessments_assessment_changelist")):
        assert consultant_client.get(path)["X-Robots-Tag"] == NOINDEX, path
    assert client.get(reverse("admin:login"))["X-Robots-Tag"] == NOINDEX


def test_public_pages_may_be_indexed_and_cached(client, questionnaire):
    for path in ("/", "/en/", "/privacy/", "/en/privacy/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "X-Robots-Tag" not in response, path
        assert "no-store" not in response.get("Cache-Control", ""), path


def test_every_response_refuses_powerful_features_and_other_origins(
    client, superuser_client, questionnaire
):
    completed = answered_assessment(questionnaire)
    responses = {
        "landing": client.get("/"),
        "results": client.get(f"/en/results/{completed.token}/"),
        "not found": client.get("/no-such-page/"),
        "redirect": client.get(f"/a/{completed.token}/"),
        "method refused": client.put("/"),
        "robots.txt": client.get("/robots.txt"),
        "favicon": client.get("/favicon.ico"),
        "admin": superuser_client.get(reverse("admin:index")),
        "health": client.get("/healthz"),
    }
    for name, response in responses.items():
        policy = response.get("Permissions-Policy", "")
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, name
        assert response.get("Cross-Origin-Resource-Policy") == "same-origin", name
        assert response.get("Cross-Origin-Opener-Policy") == "same-origin", name


def test_robots_txt_keeps_crawlers_off_the_private_addresses(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines[1:]}
    assert {
        "/a/",
        "/en/a/",
        "/results/",
        "/en/results/",
        "/consultant/",
        "/en/consultant/",
        "/admin/",
        "/en/admin/",
    } <= disallowed
    assert "/" not in disallowed  # the landing page and the privacy notice stay findable
    assert client.head("/robots.txt").status_code == 200


def test_robots_txt_does_not_give_away_a_custom_admin_path(client, monkeypatch):
    import cxmaturity.urls

    monkeypatch.setattr(cxmaturity.urls, "ADMIN_PATH", "hallinta-7f3k/")
    text = client.get("/robots.txt").content.decode()
    assert "hallinta" not in text
    assert "admin" not in text


def test_the_language_cookie_is_lax_and_out_of_scripts_reach(client, questionnaire):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert not cookie["secure"]  # the test client speaks plain HTTP (HTTPS=0)


def test_with_https_every_cookie_is_secure():
    env = {k: v for k, v in os.environ.items() if k not in {"HTTPS", "STATIC_MANIFEST", "DEBUG"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="a-production-like-key-for-this-test-only-4f9a2c7e1b8d",
        ALLOWED_HOSTS="cx.example.com",
    )
    printed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE)",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines()[-1].split() == ["True", "True", "True", "Lax"]


@override_settings(RATE_LIMIT_START="2/h")
@pytest.mark.parametrize(
    ("language", "link_text"), [("fi", "Takaisin etusivulle"), ("en", "Back to the front page")]
)
def test_the_429_page_says_when_to_retry_and_leads_back(client, questionnaire, language, link_text):
    start = url(language, "assessments:start")
    for _ in range(2):
        assert client.post(start).status_code == 302
    response = client.post(start)

    assert response.status_code == 429
    # Seconds until the hour's window ends: at least one, at most the window itself.
    assert 1 <= int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    landing = url(language, "assessments:landing")
    assert re.search(rf'<a href="{re.escape(landing)}">{link_text}</a>', html)


@override_settings(RATE_LIMIT_SUBMIT="1/d")
def test_the_429_page_of_a_daily_limit_may_ask_for_a_day(client, questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    path = f"/en/a/{assessment.token}/area/1/"
    assert client.post(path, {"autosave": "1"}).status_code == 204
    response = client.post(path, {"autosave": "1"})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 86_400


def test_head_of_the_landing_page_is_answered(client, questionnaire):
    response = client.head("/")
    assert response.status_code == 200
    assert response.content == b""


def test_head_is_answered_wherever_get_is(client, questionnaire, fake_pdf):
    pages, _completed = token_pages(questionnaire)
    real_pages = [path for path in pages if "x" * 32 not in path]
    for path in [*real_pages, url("en", "assessments:privacy")]:
        assert client.head(path).status_code in (200, 302), path


def test_the_landing_page_offering_to_continue_is_personal(client, questionnaire):
    client.post(url("fi", "assessments:start"))
    response = client.get("/")
    assert "/a/" in response.content.decode()  # the continue link, with its token
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_assessment_is_never_named_by_its_token(questionnaire):
    assessment = answered_assessment(questionnaire)
    assert str(assessment) == f"#{assessment.pk}"
    assert assessment.token[:8] not in str(assessment)


@pytest.mark.parametrize(
    "unsafe_next", ["https://evil.example/", "//evil.example/", "/\\evil.example/", ""]
)
def test_a_refused_next_after_the_admin_login_lands_in_the_admin(client, superuser, unsafe_next):
    response = client.post(
        reverse("admin:login"),
        {"username": "boss", "password": PASSWORD, "next": unsafe_next},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
