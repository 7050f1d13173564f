"""Embedding: only the listed origins may frame the respondent's pages; every other page and site
stays refused; cookies work in the frame only when embedding is on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from assessments.embed import origins_check

ROOT = Path(__file__).resolve().parent.parent
ORIGINS = ["https://www.consultancy.fi", "https://consultancy.fi"]


def frame_ancestors(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    [directive] = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return directive.split()[1:]


@pytest.mark.django_db
def test_without_embedding_no_page_may_be_framed(client, questionnaire):
    response = client.get(reverse("assessments:landing"))
    assert frame_ancestors(response) == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert "embed-frame.js" not in response.content.decode()


@pytest.mark.django_db
def test_the_listed_origins_and_only_they_may_frame_the_respondents_pages(
    client, questionnaire, settings, respondent
):
    settings.EMBED_ALLOWED_ORIGINS = ORIGINS
    for url in (
        reverse("assessments:landing"),
        reverse("assessments:area", args=[respondent.token, 1]),
        reverse("assessments:privacy"),
    ):
        response = respondent.client.get(url)
        assert response.status_code == 200, url
        assert frame_ancestors(response) == ORIGINS, url
        assert "X-Frame-Options" not in response, url
        html = response.content.decode()
        assert 'data-origins="https://www.consultancy.fi https://consultancy.fi"' in html


@pytest.mark.django_db
def test_the_admin_and_the_consultants_pages_stay_unframeable(
    client, consultant_client, settings, questionnaire
):
    settings.EMBED_ALLOWED_ORIGINS = ORIGINS
    from .factories import answered_assessment

    completed = answered_assessment(questionnaire)
    for response in (
        client.get(reverse("admin:login")),
        consultant_client.get(reverse("admin:index")),
        consultant_client.get(reverse("assessments:consultant_results", args=[completed.pk])),
    ):
        assert response.status_code == 200
        assert frame_ancestors(response) == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"
        assert "embed-frame.js" not in response.content.decode()


@pytest.mark.parametrize(
    "origin",
    ["https://x.fi/path", "https://*.x.fi", "*", "x.fi", "https://x.fi?a=1", "ftp://x.fi"],
)
def test_anything_but_an_origin_is_refused(origin):
    with pytest.raises(ImproperlyConfigured):
        origins_check([origin], https_only=False)


def test_plain_http_origins_are_refused_when_https_is_on():
    with pytest.raises(ImproperlyConfigured):
        origins_check(["http://www.consultancy.fi"], https_only=True)
    assert origins_check(["http://127.0.0.1:8260"], https_only=False) == ["http://127.0.0.1:8260"]


def _cookie_settings(**env: str) -> list[str]:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE)"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"EMBED_ALLOWED_ORIGINS", "HTTPS"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **environment,
            "SECRET_KEY": "x",
            "DJANGO_SETTINGS_MODULE": "cxmaturity.settings",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_cookies_are_samesite_none_and_secure_only_when_embedding():
    assert _cookie_settings(HTTPS="1", EMBED_ALLOWED_ORIGINS=",".join(ORIGINS)) == [
        "None",
        "None",
        "None",
        "True",
        "True",
        "True",
    ]
    assert _cookie_settings(HTTPS="1")[:1] == ["Lax"]
    assert _cookie_settings(HTTPS="1")[2] == "Lax"
