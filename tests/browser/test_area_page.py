"""Phone-sized areas in a real browser (issue 19): the sticky progress stays in view and never
covers the focused element, forwards or backwards (WCAG 2.4.11); the "don't know" notice is
accessible in both languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from assessments.models import Assessment

from .conftest import ARTIFACTS
from .helpers import choose_by_pointer, next_button, plan_answers, t
from .test_next_step import PHONE, axe_22

pytestmark = pytest.mark.slow

# Read once the page stops scrolling: Bootstrap's smooth scrolling moves the focused element
# into place over several frames, and a loaded machine would otherwise catch it halfway.
FOCUS_AND_BAR = """async () => {
  let last = null;
  while (last !== window.scrollY) {
    last = window.scrollY;
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  }
  const el = document.activeElement;
  const bar = document.querySelector('.progress-sticky').getBoundingClientRect();
  const box = el.getBoundingClientRect();
  return {name: el.name || el.id || el.tagName, top: box.top, bottom: box.bottom,
          barTop: bar.top, barBottom: bar.bottom, inBar: !!el.closest('.progress-sticky'),
          body: el === document.body};
}"""


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def walk_focus(page: Page, key: str, presses: int) -> list[str]:
    covered = []
    for _ in range(presses):
        page.keyboard.press(key)
        seen = page.evaluate(FOCUS_AND_BAR)
        if seen["body"] or seen["inBar"]:
            continue
        # The bar never leaves the screen (at the top, it sits below the header) ...
        assert seen["barTop"] >= -1, seen
        # ... and no part of the focused element lies under it.
        if seen["top"] < seen["barBottom"] - 1 and seen["bottom"] > seen["barTop"] + 1:
            covered.append(f"{key}: {seen}")
    return covered


@pytest.mark.parametrize(("language", "step"), [("fi", 1), ("en", 2), ("fi", 3)])
def test_the_sticky_progress_never_covers_the_focused_element(site, questionnaire, language, step):
    assessment = Assessment.objects.create(version=questionnaire)
    page = site.page(viewport=PHONE)
    page.goto(url(language, "area", token=assessment.token, step=step))
    covered = walk_focus(page, "Tab", 40) + walk_focus(page, "Shift+Tab", 40)
    assert not covered, "\n".join(covered)


def test_after_a_failed_submit_the_summary_and_its_links_are_not_covered(site, questionnaire):
    assessment = Assessment.objects.create(version=questionnaire)
    page = site.page(viewport=PHONE)
    page.goto(url("en", "area", token=assessment.token, step=1))
    page.locator("button[name=next]").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    for index in range(links.count()):
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        links.nth(index).click()
        seen = page.evaluate(FOCUS_AND_BAR)
        assert seen["name"].startswith("q_"), seen
        assert seen["top"] >= seen["barBottom"] - 1, seen


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_dont_know_notice_before_moving_on(site, questionnaire, axe_script, language):
    assessment = Assessment.objects.create(version=questionnaire)
    plan = plan_answers(questionnaire, language, lambda question: None)
    page = site.page(viewport=PHONE, bypass_csp=True)
    page.goto(url(language, "area", token=assessment.token, step=1))
    for answer in plan.areas[0].answers:
        choose_by_pointer(page, answer)
    next_button(page, language, 1, len(plan.areas)).click()
    notice = page.locator("#dont-know-notice")
    expect(notice).to_be_focused()
    expect(notice).to_contain_text(t(language, "Most of your answers here are “Don't know”"))
    page.screenshot(path=str(ARTIFACTS / f"dont-know-notice-{language}-390.png"))
    found = axe_22(page, axe_script, "area with the don't-know notice")
    assert not found, "\n".join(found)
    page.get_by_role("button", name=t(language, "Continue anyway")).click()
    expect(page).to_have_url(url(language, "area", token=assessment.token, step=2))
    assessment.refresh_from_db()
    assert assessment.last_step == 1


def test_new_area_states_and_the_429_page_are_valid_html(client, questionnaire, vnu_jar, tmp_path):
    from django.test import override_settings

    from ..factories import area_post
    from .test_html_validity import vnu_errors

    pages = {}
    for language in ("fi", "en"):
        assessment = Assessment.objects.create(version=questionnaire)
        page = url(language, "area", token=assessment.token, step=1)
        answers = area_post(questionnaire, 1, lambda question: None, next="")
        with override_settings(RATE_LIMIT_SUBMIT="1/h"):
            pages[f"{language}: don't-know notice"] = client.post(page, answers).content.decode()
            refused = client.post(page, answers)
        assert refused.status_code == 429
        pages[f"{language}: 429 with the way back"] = refused.content.decode()
    errors = vnu_errors(vnu_jar, pages, tmp_path)
    assert not errors, "\n".join(errors)
