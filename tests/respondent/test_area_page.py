"""Phone-sized areas: questions numbered within their area, the progress in a sticky bar with
the autosave's announcements, and a gentle notice before moving on from an area answered mostly
"don't know" (server-side: no script needed)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments import selectors
from assessments.models import Answer, Assessment

from ..factories import area_post

pytestmark = pytest.mark.django_db

NOTICE = {"fi": "Suurin osa vastauksistanne tässä on", "en": "Most of your answers here are"}


def url(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.fixture
def draft(questionnaire) -> Assessment:
    return Assessment.objects.create(version=questionnaire)


def test_questions_are_numbered_within_their_area(client, questionnaire, draft):
    areas = selectors.areas_with_questions(questionnaire)
    html = client.get(url("en", "area", token=draft.token, step=2)).content.decode()
    count = len(areas[1].questions.all())
    numbers = re.findall(r'<span class="question-number">(\d+) / (\d+)</span>', html)
    assert numbers == [(str(n), str(count)) for n in range(1, count + 1)]


def test_the_progress_and_the_autosave_status_share_the_sticky_bar(client, draft):
    for page in (
        url("en", "area", token=draft.token, step=1),
        url("en", "background", token=draft.token),
    ):
        html = client.get(page).content.decode()
        bar = re.search(r'<div class="progress-bar-top[^"]*">(.*?)</div>', html, re.S).group(1)
        assert 'aria-label="Progress"' in bar
        assert '<p id="autosave-status" class="autosave-status small" role="status"></p>' in bar
        assert html.count('id="autosave-status"') == 1


def mostly_dont_know(question) -> int | None:
    return 4 if question.code.endswith("01") else None


@pytest.mark.parametrize("language", ["fi", "en"])
def test_an_area_answered_mostly_dont_know_asks_before_moving_on(
    client, questionnaire, draft, language
):
    page = url(language, "area", token=draft.token, step=1)
    answers = area_post(questionnaire, 1, mostly_dont_know, next="")
    response = client.post(page, answers)
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE[language] in html
    assert 'id="dont-know-notice" role="status"' in html
    assert 'form="area-answers" name="dont_know_confirmed"' in html
    # The answers are saved; the step is not yet counted as done.
    draft.refresh_from_db()
    assert Answer.objects.filter(assessment=draft).count() == len(
        [name for name in answers if name.startswith("q_")]
    )
    assert draft.last_step == 0
    # "Continue anyway" moves on.
    moved = client.post(page, {**answers, "dont_know_confirmed": "1"})
    assert moved["Location"] == url(language, "area", token=draft.token, step=2)
    draft.refresh_from_db()
    assert draft.last_step == 1


def test_enough_answers_or_going_back_never_stop_the_respondent(client, questionnaire, draft):
    page = url("en", "area", token=draft.token, step=2)
    enough = area_post(questionnaire, 2, lambda question: 2, next="")
    assert client.post(page, enough)["Location"] == url("en", "area", token=draft.token, step=3)
    back = area_post(questionnaire, 2, lambda question: None, back="")
    assert client.post(page, back)["Location"] == url("en", "area", token=draft.token, step=1)


def test_the_notice_page_needs_no_more_queries_than_a_save(client, questionnaire, draft):
    page = url("en", "area", token=draft.token, step=1)
    answers = area_post(questionnaire, 1, mostly_dont_know, next="")
    client.post(page, answers)
    with CaptureQueriesContext(connection) as context:
        assert client.post(page, answers).status_code == 200
    assert len(context.captured_queries) <= 8
