"""The consultant's own pages outside the admin: by the assessment's id, read-only, staff only.

The respondent's token opens, changes and deletes an assessment, so it never appears in the
admin: a consultant without the right to delete must not be handed a way to do it (issue 18).
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def url(name, language="fi", **kwargs):
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.fixture
def assessments(questionnaire):
    return [
        answered_assessment(
            questionnaire,
            organisation="Näkyvä Oy",
            email="a@nakyva.example",
            consent_to_contact=True,
        ),
        answered_assessment(questionnaire),  # no name: the admin calls it something else
        answered_assessment(questionnaire, complete=False, organisation="Kesken Oy"),
    ]


@pytest.mark.parametrize("persona", ["consultant_client", "superuser_client"])
def test_the_admin_shows_no_respondent_token(request, persona, assessments):
    client = request.getfixturevalue(persona)
    pages = [
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_changelist") + "?o=-1",
        reverse("admin:assessments_assessment_dashboard"),
    ]
    for assessment in assessments:
        pages += [
            reverse("admin:assessments_assessment_change", args=[assessment.pk]),
            reverse("admin:assessments_assessment_history", args=[assessment.pk]),
        ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        for assessment in assessments:
            assert assessment.token not in html, page


def test_the_admin_links_to_the_consultants_own_pages_by_id(consultant_client, assessments):
    completed = assessments[0]
    with translation.override("fi"):
        change = reverse("admin:assessments_assessment_change", args=[completed.pk])
    html = consultant_client.get(change).content.decode()
    assert f'href="{url("consultant_results", pk=completed.pk)}"' in html
    assert f'href="{url("consultant_report", pk=completed.pk)}"' in html
    assert f'href="/consultant/assessments/{completed.pk}/results/"' in html


def forms_in(html):
    return re.findall(r'<form[^>]*action="([^"]*)"', html)


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fi", ["Tulokset: Näkyvä Oy", "Näet vastaajan tulossivun", "Lataa PDF-raportti"]),
        ("en", ["Results for Näkyvä Oy", "You are viewing the respondent", "Download the PDF"]),
    ],
)
def test_a_consultant_sees_the_results_page_read_only(
    consultant_client, assessments, language, texts
):
    completed = assessments[0]
    response = consultant_client.get(url("consultant_results", language, pk=completed.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html
    assert 'class="level-chart"' in html
    # Its PDF link is the consultant's, by id; nothing on it carries the token.
    assert f'href="{url("consultant_report", language, pk=completed.pk)}"' in html
    assert completed.token not in html
    # No "delete my data", no "take the test again": the only form switches the language.
    assert "/delete/" not in html
    assert set(forms_in(html)) == {reverse("set_language")}
    assert consultant_client.post(url("consultant_results", pk=completed.pk)).status_code == 405


def test_the_consultants_pages_refuse_everyone_else(
    client, outsider_client, consultant_client, assessments, django_user_model
):
    completed = assessments[0]
    pages = [
        url("consultant_results", pk=completed.pk),
        url("consultant_report", pk=completed.pk),
    ]
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    for page in pages:
        anonymous = client.get(page)
        assert anonymous.status_code == 302, page
        assert anonymous["Location"].startswith(reverse("admin:login"))
        assert outsider_client.get(page).status_code == 302, page  # not staff
    client.force_login(clerk)
    for page in pages:
        assert client.get(page).status_code == 403, page  # staff without the view permission


def test_the_consultants_pages_know_only_ids_of_completed_assessments(
    consultant_client, assessments
):
    completed, _, unfinished = assessments
    assert consultant_client.get(url("consultant_results", pk=unfinished.pk)).status_code == 404
    assert consultant_client.get(url("consultant_results", pk=999_999)).status_code == 404
    assert consultant_client.get(url("consultant_report", pk=999_999)).status_code == 404
    for path in (
        f"/consultant/assessments/{completed.token}/results/",
        f"/consultant/assessments/{completed.token}/report.pdf",
        f"/consultant/reports/{completed.token}.pdf",  # the old address is gone
    ):
        assert consultant_client.get(path).status_code == 404, path
