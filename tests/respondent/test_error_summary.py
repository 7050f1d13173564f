"""GOV.UK's error recovery without JavaScript: the page title starts with "Error:", an error
summary at the top takes the focus (autofocus), and each error links to its own field."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

PREFIX = {"fi": "Virhe:", "en": "Error:"}


def url(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def summary_links(html: str) -> list[str]:
    summary = re.search(r'<div class="alert alert-danger error-summary"(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    assert 'tabindex="-1" autofocus' in summary.group(1)
    return re.findall(r'<a href="#([^"]+)"', summary.group(1))


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_failed_area_page_is_titled_and_summarised_with_links_to_each_question(
    client, questionnaire, language
):
    assessment = answered_assessment(questionnaire, complete=False)
    assessment.answers.all().delete()
    page = url(language, "area", token=assessment.token, step=1)
    assert not title(client.get(page).content.decode()).startswith(PREFIX[language])
    html = client.post(page, {"next": ""}).content.decode()
    assert title(html).startswith(PREFIX[language] + " ")
    links = summary_links(html)
    assert len(links) == assessment.version.areas.first().questions.count()
    for target in links:
        # The first option of the question: following the link puts the focus on the group.
        assert re.search(rf'<input [^>]*type="radio"[^>]*id="{target}"', html), target


@pytest.mark.parametrize("language", ["fi", "en"])
def test_background_errors_link_to_their_fields(client, questionnaire, language):
    assessment = answered_assessment(questionnaire, complete=False)
    html = client.post(
        url(language, "background", token=assessment.token),
        {"email": "not an address", "consent_to_contact": "on", "organisation": "x" * 201},
    ).content.decode()
    assert title(html).startswith(PREFIX[language] + " ")
    links = summary_links(html)
    assert set(links) == {"id_email", "id_organisation"}
    for target in links:
        assert re.search(rf'<input [^>]*id="{target}"', html), target


def test_a_failed_contact_request_is_titled_as_an_error(client, questionnaire):
    assessment = answered_assessment(questionnaire)
    html = client.post(
        url("en", "contact_request", token=assessment.token), {"email": ""}
    ).content.decode()
    assert title(html).startswith("Error: ")
