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

from assessments.models import Assessment

from ..factories import answered_assessment
from .conftest import ARTIFACTS
from .helpers import t

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
    for step in (1, 2, 3):
        page.goto(url(language, "area", token=draft.token, step=step))
        check_narrow(page, found, f"area {step}")
    page.goto(url(language, "area", token=draft.token, step=1))
    page.locator("button[name=next]").click()
    check_narrow(page, found, "area 1 with errors")
    page.goto(url(language, "background", token=draft.token))
    check_narrow(page, found, "background")
    page.locator("input[name=consent_to_contact]").check()
    page.locator("button[name=finish]").click()
    check_narrow(page, found, "background with errors")
    done = answered_assessment(questionnaire, organisation="Pohjois-Savon Asiakaskokemuskehitys Oy")
    page.goto(url(language, "results", token=done.token))
    check_narrow(page, found, "results")
    page.screenshot(path=str(ARTIFACTS / f"results-320-{language}.png"), full_page=True)
    page.locator("#next-step button[type=submit]").click()
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
