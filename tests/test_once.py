"""`{% once %}` (cxmaturity/once.py): the parts of base.html that are the same for every
visitor, rendered once per language and kept. Nothing of a request or a visitor gets into what
is kept, each language has its own, and the pages around it stay per visitor."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from assessments.models import Assessment

from .respondent.test_flow import start, url

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def once(source: str) -> Template:
    return Template("{% load once %}" + source)


def test_what_is_kept_sees_nothing_of_the_page_or_the_request():
    template = once(
        "{% once %}[{{ secret }}|{% csrf_token %}|{{ request.path }}|{{ user }}]{% endonce %}"
        "{{ secret }}"
    )
    request = RequestFactory().get("/private/")
    request.META["CSRF_COOKIE"] = "x" * 32
    context = RequestContext(request, {"secret": "S3CRET", "user": "someone"})
    assert template.render(context) == "[|||]S3CRET"


def test_it_is_rendered_once_per_language_and_kept():
    template = once("{% load i18n %}{% once %}{% translate 'Privacy notice' %}{{ n }}{% endonce %}")
    with translation.override("en"):
        assert template.render(Context()) == "Privacy notice"
    with translation.override("fi"):
        finnish = template.render(Context())
    assert finnish != "Privacy notice"
    with translation.override("en"):
        assert template.render(Context()) == "Privacy notice"
    with translation.override("fi"):
        assert template.render(Context()) == finnish


def test_a_changed_setting_renders_it_again():
    template = once("{% load static %}{% once %}{% static 'x.css' %}{% endonce %}")
    with override_settings(STATIC_URL="/one/"):
        assert template.render(Context()) == "/one/x.css"
    with override_settings(STATIC_URL="/two/"):
        assert template.render(Context()) == "/two/x.css"


@pytest.mark.django_db
def test_one_visitors_page_shows_nothing_of_anothers(questionnaire):
    """Two respondents' area pages and results links, in turns and in both languages: each page
    has its own token, address and CSRF token, and the other's appear nowhere in it."""
    first_client, other_client = Client(), Client()
    first, other = start(first_client), start(other_client)
    for language in ("fi", "en", "fi"):
        pages = {}
        for client, assessment in ((first_client, first), (other_client, other)):
            html = client.get(url(language, "area", token=assessment.token, step=1)).content
            pages[assessment.token] = html.decode()
        mine, theirs = pages[first.token], pages[other.token]
        assert first.token in mine and other.token not in mine
        assert other.token in theirs and first.token not in theirs
        assert set(CSRF.findall(mine)).isdisjoint(CSRF.findall(theirs))
        assert f'<html lang="{language}">' in mine
        # The language switch's form has this response's own CSRF token.
        assert re.search(
            r'class="lang-switch">\s*<input type="hidden" name="csrfmiddlewaretoken"', mine
        )
        # The language switch goes to this page in the other language, with its own token.
        other_language = "en" if language == "fi" else "fi"
        switch_to = url(other_language, "area", token=first.token, step=1)
        assert f'name="next" value="{switch_to}"' in mine
    assert Assessment.objects.count() == 2


@pytest.mark.django_db
def test_messages_stay_per_request(rf):
    """A message is shown on the page it was meant for, the page after it does not repeat it."""
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(constants.WARNING, "Only for this visitor")
    shown = render_to_string("base.html", request=request)
    assert "Only for this visitor" in shown
    plain = rf.get("/")
    plain.session = {}
    plain._messages = FallbackStorage(plain)
    assert "Only for this visitor" not in render_to_string("base.html", request=plain)
