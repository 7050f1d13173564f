"""Language and narrow screens in a real browser (issue 19): an English browser at the root
gets English, and no public page scrolls sideways at 320 px in either language (Finnish
compounds break with hyphens: auto where the browser has a dictionary, and at soft hyphens and
as a last resort anywhere where it has none, as this Chromium)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from assessments import selectors
from assessments.followup import services as followup
from assessments.models import Assessment
from assessments.teams import selectors as team_selectors
from assessments.teams import services as team_services

from ..factories import answered_assessment, area_post
from ..teams.helpers import realistic_team
from ..teams.mirror_helpers import customer, questionnaire_2026_2  # noqa: F401  (a fixture)
from .conftest import ARTIFACTS
from .helpers import PREFIX, t
from .test_benchmarks import latest  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow

NARROW = {"width": 320, "height": 640}

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ': '
      + (el.textContent || '').trim().slice(0, 40));
}"""


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.mark.parametrize("locale", ["en-GB", "en-US"])
def test_an_english_browser_at_the_root_gets_english(site, questionnaire, locale):
    page = site.page(locale=locale)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name=t("en", "Start the test"))).to_be_visible()
    # Choosing Finnish sticks: the language cookie wins over the browser from then on.
    page.get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    site.assert_no_problems()


def check_narrow(page: Page, found: list[str], what: str) -> None:
    sideways = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    if sideways:
        found.append(f"{what} ({page.url}): {page.evaluate(OVERFLOWING)}")


@pytest.mark.parametrize("language", ["fi", "en"])
def test_no_public_page_scrolls_sideways_at_320_px(site, questionnaire, language, settings):
    settings.SERVICE_OWNER = "Esimerkki Asiakaskokemuskonsultointi Oy"
    settings.CONTACT_PERSON = "Kaisa Konsultti"
    settings.CONTACT_EMAIL = "asiakaskokemuskonsultointi@example.com"
    settings.CONTACT_PHONE = "+358 40 123 4567"
    settings.BOOKING_URL = "https://booking.example.com/cx-review"
    page = site.page(viewport=NARROW)
    found: list[str] = []
    page.goto(url(language, "landing"))
    check_narrow(page, found, "landing")
    page.goto(url(language, "privacy"))
    check_narrow(page, found, "privacy")
    draft = Assessment.objects.create(version=questionnaire)
    for step in range(1, len(selectors.areas_with_questions(questionnaire)) + 1):
        page.goto(url(language, "area", token=draft.token, step=step))
        check_narrow(page, found, f"area {step}")
    page.goto(url(language, "area", token=draft.token, step=1))
    page.locator("button[name=next]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    check_narrow(page, found, "area 1 with errors")
    page.goto(url(language, "background", token=draft.token))
    check_narrow(page, found, "background")
    page.locator("input[name=consent_to_contact]").check()
    # The box's autosave may still be on its way: the page waits for it before it is sent.
    page.locator("button[name=finish]").click()
    expect(page.locator("#form-errors")).to_be_visible()
    check_narrow(page, found, "background with errors")
    done = answered_assessment(questionnaire, organisation="Pohjois-Savon Asiakaskokemuskehitys Oy")
    page.goto(url(language, "results", token=done.token))
    check_narrow(page, found, "results")
    page.screenshot(path=str(ARTIFACTS / f"results-320-{language}.png"), full_page=True)
    page.locator("#next-step button[type=submit]").click()
    expect(page.locator("#next-step input[aria-invalid=true]")).to_be_visible()
    check_narrow(page, found, "results with a contact error")
    page.goto(url(language, "delete_data", token=done.token))
    check_narrow(page, found, "delete my data")
    # The don't-know notice, and a page whose form expired (CSRF).
    page.goto(url(language, "area", token=draft.token, step=2))
    for radio in page.locator("input[value=dk]").all():
        radio.check()
    page.locator("button[name=next]").click()
    expect(page.locator("#dont-know-notice")).to_be_visible()
    check_narrow(page, found, "area with the don't-know notice")
    page.context.clear_cookies()
    page.locator("button[name=next]").click()
    expect(page.locator("main form button[type=submit]")).to_have_count(1)
    check_narrow(page, found, "expired form (CSRF)")
    page.goto(("/en" if language == "en" else "") + "/no-such-page/")
    check_narrow(page, found, "404")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_other_public_pages_do_not_scroll_sideways_at_320_px(
    site,
    questionnaire,
    questionnaire_2026_2,  # noqa: F811
    latest,  # noqa: F811
    language,
    settings,
):
    """The rest of the public pages: the team's, the customer mirror's, the reminders'
    unsubscribe, the results with a comparison and history, 429 and 500 (JavaScript off where
    a form is sent, so that the server's error states are what is measured)."""
    from unittest import mock

    prefix = PREFIX[language]
    page = site.page(viewport=NARROW)
    plain = site.page(viewport=NARROW, java_script_enabled=False)
    found: list[str] = []

    def visit(what: str, path: str, on: Page = page) -> None:
        on.goto(path)
        check_narrow(on, found, what)

    # The results page with the benchmark and the change since the previous result.
    visit("results with comparison and history", f"{prefix}/results/{latest.token}/")
    page.locator("section.progress-since").screenshot(
        path=str(ARTIFACTS / f"results-history-320-{language}.png")
    )
    page.locator("section.benchmark").screenshot(
        path=str(ARTIFACTS / f"results-benchmark-320-{language}.png")
    )
    # The team: start (and its error state), invite, owner, delete; a waiting and a closed team.
    visit("team start", f"{prefix}/team/", plain)
    plain.locator("main form button[type=submit]").click()
    check_narrow(plain, found, "team start with errors")
    team = realistic_team("Pohjois-Savon Asiakaskokemuskehitys Oy")
    waiting = team_services.team_start(organisation="Odottava Oy")
    closed = team_services.team_start(organisation="Suljettu Oy")
    team_services.team_close(team=closed)
    visit("team invite", f"{prefix}/team/join/{team.invite_token}/")
    visit("closed team invite", f"{prefix}/team/join/{closed.invite_token}/")
    page.goto(f"{prefix}/team/owner/{team.owner_token}/")
    page.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    check_narrow(page, found, "team owner (every detail open)")
    visit("waiting team owner", f"{prefix}/team/owner/{waiting.owner_token}/")
    visit("closed team owner", f"{prefix}/team/owner/{closed.owner_token}/")
    visit("team delete", f"{prefix}/team/owner/{team.owner_token}/delete/")
    # The customer mirror (questionnaire 2026.2, the latest: new teams get it).
    mirrored = realistic_team("Peilikuvan Asiakaskokemus Oy")
    for index in range(8):
        customer(
            mirrored, [2, 2, 3, 4, 5, 2, 3, None][index], recommend=[9, 10, 6, 7, 3, 8][index % 6]
        )
    assert team_selectors.team_mirror(mirrored) is not None
    visit("mirror survey", f"{prefix}/team/customer/{mirrored.customer_token}/", plain)
    plain.locator("main form button[type=submit]").click()
    check_narrow(plain, found, "mirror survey with errors")
    visit("mirror thanks", f"{prefix}/team/customer/{mirrored.customer_token}/thanks/")
    closed_mirror = team_services.team_start(organisation="Suljettu Oy")
    team_services.team_close(team=closed_mirror)
    visit("closed mirror", f"{prefix}/team/customer/{closed_mirror.customer_token}/")
    page.goto(f"{prefix}/team/owner/{mirrored.owner_token}/")
    page.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")
    check_narrow(page, found, "team owner with the customers' view")
    # The reminders' unsubscribe page, and after it.
    done = answered_assessment(questionnaire, language=language)
    subscription = followup.reminders_opt_in(
        assessment=done, email="anna@example.com", language=language
    )
    visit(
        "unsubscribe", url(language, "reminders_unsubscribe", token=subscription.unsubscribe_token)
    )
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Reminders stopped"))
    check_narrow(page, found, "unsubscribed")
    # 429: a second page save of one test within the (lowered) limit.
    settings.RATE_LIMIT_SUBMIT = "1/h"
    draft = Assessment.objects.create(version=questionnaire)
    visit("area 1 without JavaScript", url(language, "area", token=draft.token, step=1), plain)
    for name, value in area_post(questionnaire, 1, lambda question: 3).items():
        plain.locator(f"input[name='{name}'][value='{value}']").check()
    plain.locator("button[name=next]").click()
    # Waiting for the next page before going back: going back while the submit's navigation
    # is still in flight detaches the page (seen under CI's load).
    plain.wait_for_url(f"**{url(language, 'area', token=draft.token, step=2)}")
    plain.goto(url(language, "area", token=draft.token, step=1))
    plain.locator("button[name=next]").click()
    expect(plain.get_by_role("heading", level=1)).to_have_text(t(language, "Too many requests"))
    check_narrow(plain, found, "429")
    # 500.
    with mock.patch("assessments.respondent.views.consultancy", side_effect=RuntimeError("bug")):
        page.goto(url(language, "privacy"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Sorry, something went wrong")
    )
    check_narrow(page, found, "500")
    assert not found, "\n".join(found)
