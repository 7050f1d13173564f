"""axe-core on every public page, in both languages: no violation of WCAG 2.1 A or AA.

Each test walks through the pages as a person does and collects what axe finds on each, so one
failure lists every problem at once, page by page.
"""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from .helpers import (
    axe_violations,
    background_labels,
    choose_by_pointer,
    next_button,
    plan_answers,
    t,
)

pytestmark = pytest.mark.slow


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_every_public_page_meets_wcag_21_aa(site, questionnaire, axe_script, language):
    plan = plan_answers(questionnaire, language, lambda question: 3)
    # axe is injected as a script of its own, which the pages' Content-Security-Policy forbids.
    page = site.page(bypass_csp=True)
    found: list[str] = []

    def check(what: str) -> None:
        found.extend(axe_violations(page, axe_script, what))

    page.goto(url(language, "landing"))
    check("landing page")
    page.get_by_role("button", name=t(language, "Start the test")).click()

    count = len(plan.areas)
    for step, area in enumerate(plan.areas, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
        if step == 1:
            next_button(page, language, step, count).click()
            expect(page.get_by_role("alert")).to_be_visible()
            check("area 1 with unanswered questions")
        else:
            check(f"area {step}")
        for answer in area.answers:
            choose_by_pointer(page, answer)
        next_button(page, language, step, count).click()

    # A choice's autosave may still be on its way: the page is left once it has arrived.
    expect(page).to_have_url(re.compile(r"/background/"))
    check("background")
    email = page.get_by_label(background_labels(language)["email"], exact=True)
    email.fill("not an address")
    # The browser would stop this itself; the server's own message must be accessible too.
    page.locator("form.background-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name=t(language, "Show my results")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("background with an invalid email address")
    email.fill("")
    page.get_by_role("button", name=t(language, "Show my results")).click()

    expect(page).to_have_url(re.compile(r"/results/"))
    check("results")
    token = page.url.rstrip("/").rsplit("/", 1)[1]
    page.goto(url(language, "delete_data", token=token))
    check("delete my data")
    page.goto(url(language, "privacy"))
    check("privacy notice")

    assert not found, "WCAG 2.1 A/AA violations:\n" + "\n".join(found)
    site.assert_no_problems()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_landing_page_with_a_test_in_progress_meets_wcag_21_aa(
    site, questionnaire, axe_script, language
):
    page = site.page(bypass_csp=True)
    page.goto(url(language, "landing"))
    page.get_by_role("button", name=t(language, "Start the test")).click()
    page.goto(url(language, "landing"))
    expect(page.get_by_role("link", name=t(language, "Continue the test"))).to_be_visible()

    assert axe_violations(page, axe_script, "landing page, test in progress") == []


@pytest.mark.parametrize("language", ["fi", "en"])
def test_landing_page_without_a_questionnaire_meets_wcag_21_aa(
    site, transactional_db, axe_script, language
):
    page = site.page(bypass_csp=True)
    page.goto(url(language, "landing"))
    expect(page.get_by_role("button", name=t(language, "Start the test"))).to_have_count(0)

    assert axe_violations(page, axe_script, "landing page, no questionnaire") == []


@pytest.mark.parametrize("language", ["fi", "en"])
def test_pages_for_when_things_go_wrong_meet_wcag_21_aa(
    site, questionnaire, settings, axe_script, language
):
    page = site.page(bypass_csp=True)
    found: list[str] = []

    settings.RATE_LIMIT_START = "1/h"
    page.goto(url(language, "landing"))
    page.get_by_role("button", name=t(language, "Start the test")).click()
    page.goto(url(language, "landing"))
    with page.expect_response(lambda response: response.status == 429):
        page.get_by_role("button", name=t(language, "Start a new test")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Too many requests"))
    found += axe_violations(page, axe_script, "too many tests started")

    # The page the health middleware shows while the database is down, served as it would be.
    with translation.override(language):
        outage = render_to_string("database_unavailable.html")
    page.route("**/outage/", lambda route: route.fulfill(body=outage, content_type="text/html"))
    page.goto("/outage/")
    found += axe_violations(page, axe_script, "database unavailable")

    assert not found, "WCAG 2.1 A/AA violations:\n" + "\n".join(found)
