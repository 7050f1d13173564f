"""Styled error pages in both languages: 400, 403, the CSRF refusal that keeps the answers, 404,
and a 500 that renders without the database."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from assessments.models import Answer

from ..factories import answered_assessment, area_post

HEADINGS = {
    404: {"fi": "Sivua ei löytynyt", "en": "Page not found"},
    500: {"fi": "Pahoittelemme, jokin meni vikaan", "en": "Sorry, something went wrong"},
    403: {"fi": "Ei pääsyä tälle sivulle", "en": "No access to this page"},
    400: {"fi": "Pyyntöä ei voitu käsitellä", "en": "The request could not be read"},
    "csrf": {"fi": "Sivu oli vanhentunut", "en": "The page had expired"},
}
PREFIX = {"fi": "", "en": "/en"}


def url(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def assert_styled(html: str, language: str, heading: str) -> None:
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert "css/site.css" in html
    front = "/" if language == "fi" else "/en/"
    assert f'href="{front}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "en"])
def test_404_is_styled_in_the_page_language(client, language):
    response = client.get(f"{PREFIX[language]}/no-such-page/")
    assert response.status_code == 404
    assert_styled(response.content.decode(), language, HEADINGS[404][language])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "en"])
def test_500_is_styled_in_the_page_language(language):
    client = Client(raise_request_exception=False)
    with mock.patch("assessments.respondent.views.consultancy", side_effect=RuntimeError("a bug")):
        response = client.get(url(language, "privacy"))
    assert response.status_code == 500
    assert_styled(response.content.decode(), language, HEADINGS[500][language])


@pytest.mark.parametrize("language", ["fi", "en"])
def test_500_renders_without_the_database(django_db_blocker, language):
    request = RequestFactory().get("/")
    # Any database access here would raise: the page must not need one.
    with django_db_blocker.block(), translation.override(language):
        response = defaults.server_error(request)
    assert response.status_code == 500
    assert_styled(response.content.decode(), language, HEADINGS[500][language])


@pytest.mark.parametrize("language", ["fi", "en"])
def test_400_and_403_are_styled(language):
    request = RequestFactory().get("/")
    with translation.override(language):
        bad = defaults.bad_request(request, Exception())
        denied = defaults.permission_denied(request, PermissionDenied())
    assert bad.status_code == 400
    assert_styled(bad.content.decode(), language, HEADINGS[400][language])
    assert denied.status_code == 403
    assert_styled(denied.content.decode(), language, HEADINGS[403][language])


@pytest.mark.django_db
def test_a_request_for_a_foreign_host_gets_the_styled_400(client, settings):
    settings.ALLOWED_HOSTS = ["cx.example.com"]
    response = client.get("/en/privacy/", HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert HEADINGS[400]["en"] in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "en"])
def test_an_expired_form_is_refused_kindly_and_its_answers_can_be_sent_again(
    questionnaire, language
):
    assessment = answered_assessment(questionnaire, complete=False)
    Answer.objects.filter(assessment=assessment).delete()
    client = Client(enforce_csrf_checks=True)
    path = url(language, "area", token=assessment.token, step=1)
    answers = area_post(questionnaire, 1, lambda question: 2, next="")
    refused = client.post(path, {**answers, "csrfmiddlewaretoken": "expired" * 5})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert_styled(html, language, HEADINGS["csrf"][language])
    assert not Answer.objects.filter(assessment=assessment).exists()
    # The answers are on the page, ready to be sent again with a fresh token.
    for name, value in answers.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    fresh = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert form["csrfmiddlewaretoken"] == fresh
    again = client.post(path, form)
    assert again.status_code == 302
    assert again["Location"] == url(language, "area", token=assessment.token, step=2)
    assert Answer.objects.filter(assessment=assessment, option__value=2).count() == len(
        [name for name in answers if name.startswith("q_")]
    )


@pytest.mark.django_db
def test_other_expired_forms_are_only_reloaded(questionnaire):
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/en/start/", {"csrfmiddlewaretoken": "x" * 32})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Reload and try again" in html
    assert 'method="post"' not in html
