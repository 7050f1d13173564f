"""The area page's questions from the copy rendered once per version, area and language
(assessments/respondent/fragments.py): the same HTML as rendering them in full, and nothing of
one respondent on another's page."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from assessments import selectors, services
from assessments.codes import DONT_KNOW, NOT_APPLICABLE
from assessments.content import load_questionnaire
from assessments.models import Assessment
from assessments.respondent import fragments
from assessments.respondent.forms import AreaAnswersForm

from ..factories import area_post
from .test_flow import start, url

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def na_version(questionnaire_data):
    """The questionnaire as a later version that offers "not applicable" and has the glossary."""
    version, _ = load_questionnaire(
        {**questionnaire_data, "version": "test-na", "not_applicable": True}
    )
    return version


def page(client: Client, assessment: Assessment, language: str, step: int) -> str:
    html = client.get(url(language, "area", token=assessment.token, step=step)).content.decode()
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


def answer_some(assessment: Assessment, step: int) -> None:
    """The area's first question answered with an option, the second "don't know", the third
    "not applicable" where the version offers it; the others left unanswered."""
    questions = list(selectors.areas_with_questions(assessment.version)[step - 1].questions.all())
    services.answers_save(
        assessment=assessment,
        choices={questions[0]: questions[0].options.all()[2], questions[1]: None},
        not_applicable=[questions[2]] if assessment.version.offers_not_applicable else [],
    )


def rendered_in_full(form: AreaAnswersForm) -> str:
    """What the area page rendered before (and still renders for a form with errors)."""
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


@pytest.mark.parametrize("offers_not_applicable", [False, True])
def test_the_questions_are_the_same_html_as_rendered_in_full(
    client, questionnaire, na_version, offers_not_applicable
):
    version = na_version if offers_not_applicable else questionnaire
    assessment = start(client)
    Assessment.objects.filter(pk=assessment.pk).update(version=version)
    assessment.refresh_from_db()
    answer_some(assessment, 1)
    answers = selectors.answer_choices(assessment)
    # Both languages and two areas in one process: the copies must not be mixed up.
    for step in (1, 2):
        area = selectors.areas_with_questions(version)[step - 1]
        for language in ("fi", "en"):
            with translation.override(language):
                terms = selectors.area_terms(version, area, language)
                options = {"offers_not_applicable": offers_not_applicable, "terms": terms}
                shown = AreaAnswersForm(area=area, saved=answers, **options)
                fast = fragments.questions_html(
                    area=area,
                    version=version,
                    language=language,
                    terms=terms,
                    chosen=fragments.saved(area, answers),
                )
                assert fast == rendered_in_full(shown)
                assert (" checked>" in fast) is (step == 1)
                assert (f'value="{NOT_APPLICABLE}" id' in fast) is offers_not_applicable
                assert fast in page(client, assessment, language, step)
                # A sent form (here every question "don't know") shows what was sent.
                data = {name: DONT_KNOW for name in shown.fields}
                sent = AreaAnswersForm(data, area=area, **options)
                assert sent.is_valid()
                again = fragments.questions_html(
                    area=area,
                    version=version,
                    language=language,
                    terms=terms,
                    chosen=fragments.sent(sent),
                )
                assert again == rendered_in_full(sent)
                assert again.count(" checked>") == len(data)


def test_one_respondents_answers_never_show_on_anothers_page(client, questionnaire):
    first = start(client)
    other_client = Client()
    other = start(other_client)
    before = page(other_client, other, "fi", 1)  # the copy is made from this page
    assert " checked" not in before
    answer_some(first, 1)
    mine = page(client, first, "fi", 1)
    assert mine.count(" checked>") == 2
    assert page(other_client, other, "fi", 1) == before
    # And the other way round: a copy made while someone's answers were on the page.
    fragments.clear()
    page(client, first, "fi", 1)
    assert page(other_client, other, "fi", 1) == before


def test_the_sent_answers_stay_checked_when_the_page_is_shown_again(client, questionnaire):
    """A Next that leaves the area without a level shows the page again with what was sent."""
    assessment = start(client)
    data = area_post(questionnaire, 1, lambda question: None, next="")
    response = client.post(url("fi", "area", token=assessment.token, step=1), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count(f'value="{DONT_KNOW}" id') == html.count(" checked>") == len(data) - 1


def test_a_form_with_errors_is_rendered_in_full(client, questionnaire):
    assessment = start(client)
    response = client.post(url("en", "area", token=assessment.token, step=1), {"next": ""})
    html = response.content.decode()
    assert "There is a problem" in html
    assert html.count('class="question-error"') == len(
        selectors.areas_with_questions(questionnaire)[0].questions.all()
    )
