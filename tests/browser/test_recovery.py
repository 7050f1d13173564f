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

from .conftest import ARTIFACTS
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


@pytest.mark.parametrize("language", ["fi", "en"])
def test_styled_404_500_and_csrf_pages(site, questionnaire, axe_script, language):
    from unittest import mock

    from .test_next_step import axe_22

    prefix = "" if language == "fi" else "/en"
    page = site.page(bypass_csp=True)
    found: list[str] = []

    page.goto(f"{prefix}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Page not found"))
    expect(page.get_by_role("link", name=t(language, "Go to the front page"))).to_be_visible()
    found += axe_22(page, axe_script, "404")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"error-404-{language}.png"))

    with mock.patch("assessments.respondent.views.consultancy", side_effect=RuntimeError("bug")):
        page.goto(url(language, "privacy"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Sorry, something went wrong")
    )
    found += axe_22(page, axe_script, "500")

    # A page left open until its form expired: the answers are kept and sent again.
    assessment = Assessment.objects.create(version=questionnaire)
    plan = plan_answers(questionnaire, language, lambda question: 2)
    page.goto(url(language, "area", token=assessment.token, step=1))
    page.context.clear_cookies()
    page.evaluate(
        "() => document.querySelectorAll('input[name=csrfmiddlewaretoken]')"
        ".forEach(input => { input.value = 'expired'; })"
    )
    for answer in plan.areas[0].answers:
        choose_by_pointer(page, answer)
    next_button(page, language, 1, len(plan.areas)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "The page had expired"))
    found += axe_22(page, axe_script, "CSRF failure")
    page.screenshot(path=str(ARTIFACTS / f"error-csrf-{language}.png"))
    page.get_by_role("button", name=t(language, "Send my answers again")).click()
    expect(page).to_have_url(re.compile(r"/area/2/$"))
    assert Answer.objects.filter(assessment=assessment, option__value=2).count() == len(
        plan.areas[0].answers
    )
    assert not found, "\n".join(found)


def test_error_pages_are_valid_html(client, questionnaire, vnu_jar, tmp_path):
    from django.test import Client, RequestFactory
    from django.views import defaults

    from .test_html_validity import vnu_errors

    pages = {}
    for language in ("fi", "en"):
        with translation.override(language):
            request = RequestFactory().get("/")
            pages[f"{language}: 500"] = defaults.server_error(request).content.decode()
            pages[f"{language}: 400"] = defaults.bad_request(request, Exception()).content.decode()
        prefix = "" if language == "fi" else "/en"
        pages[f"{language}: 404"] = client.get(f"{prefix}/no-such-page/").content.decode()
        assessment = Assessment.objects.create(version=questionnaire)
        strict = Client(enforce_csrf_checks=True)
        pages[f"{language}: csrf"] = strict.post(
            url(language, "area", token=assessment.token, step=1), {"next": ""}
        ).content.decode()
        pages[f"{language}: csrf, start"] = strict.post(url(language, "start")).content.decode()
    errors = vnu_errors(vnu_jar, pages, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_error_summary_takes_the_focus_and_leads_to_each_field(
    site, questionnaire, axe_script, language, javascript
):
    from .test_next_step import axe_22

    assessment = Assessment.objects.create(version=questionnaire)
    plan = plan_answers(questionnaire, language, lambda question: 3)
    page = site.page(bypass_csp=True, java_script_enabled=javascript)
    page.goto(url(language, "area", token=assessment.token, step=1))
    first = plan.areas[0].answers[0]
    choose_by_pointer(page, first)
    next_button(page, language, 1, len(plan.areas)).click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", level=2)).to_have_text(t(language, "There is a problem"))
    assert page.title().startswith(t(language, "Error:") + " ")
    # Checked as the respondent first sees it: once a link has scrolled the page, the sticky
    # progress bar may lie over the summary's links, and axe would measure the scroll position.
    if javascript:  # axe is a script
        found = axe_22(page, axe_script, "area with an error summary")
        assert not found, "\n".join(found)
    # The second question is the first one missing: its link puts the focus on its options.
    summary.get_by_role("link").first.click()
    second = plan.areas[0].answers[1]
    expect(
        page.get_by_role("group", name=second.question).get_by_role("radio").first
    ).to_be_focused()
