"""Error recovery in a real browser (issue 19): a failed autosave says so and the page still
saves on Next."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Route, expect

from assessments import selectors
from assessments.models import Answer, Assessment

from .helpers import choose_by_pointer, next_button, plan_answers, t

pytestmark = pytest.mark.slow


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_failed_autosave_is_shown_and_next_still_saves(site, questionnaire, language):
    assessment = Assessment.objects.create(version=questionnaire)
    plan = plan_answers(questionnaire, language, lambda question: 4)
    page = site.page()

    def drop_autosaves(route: Route) -> None:
        request = route.request
        if request.method == "POST" and "autosave" in (request.post_data or ""):
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r".*/area/1/$"), drop_autosaves)
    page.goto(url(language, "area", token=assessment.token, step=1))
    area = plan.areas[0]
    choose_by_pointer(page, area.answers[0])
    status = page.get_by_role("status").filter(
        has_text=t(
            language,
            "Not saved – check your connection. Your answers will be saved when you continue.",
        )
    )
    expect(status).to_be_visible()
    for answer in area.answers[1:]:
        choose_by_pointer(page, answer)
    next_button(page, language, 1, len(plan.areas)).click()
    expect(page).to_have_url(re.compile(r"/area/2/$"))
    first_area = selectors.areas_with_questions(questionnaire)[0]
    assert Answer.objects.filter(
        assessment=assessment, question__area=first_area, option__value=4
    ).count() == len(area.answers)
