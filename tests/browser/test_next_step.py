"""The respondent's next step in a real browser (issue 19): the call to action and its form in
both languages, consent refused without an email, checked by axe (WCAG 2.2 AA) and vnu, with
screenshots at phone and desktop widths kept in test-artifacts/ for a person to look at."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from assessments.models import Assessment

from ..factories import answered_assessment
from .conftest import ARTIFACTS, DESKTOP, PHONE
from .helpers import WCAG_21_AA, background_labels, no_horizontal_scroll, t
from .test_html_validity import vnu_errors

pytestmark = pytest.mark.slow

WCAG_22_AA = [*WCAG_21_AA, "wcag22aa"]


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def axe_22(page: Page, axe_script: Path, what: str) -> list[str]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    assert result["passes"], f"axe checked nothing on {what}"
    return [
        f"{what}: {violation['id']} {violation['help']} "
        + json.dumps([node["target"] for node in violation["nodes"]][:5])
        for violation in result["violations"]
    ]


@pytest.fixture
def consultancy(settings):
    settings.SERVICE_OWNER = "Esimerkki Konsultointi Oy"
    settings.CONTACT_EMAIL = "cx@example.com"
    settings.CONTACT_PERSON = "Kaisa Konsultti"
    settings.CONTACT_PHONE = "+358 40 123 4567"
    settings.BOOKING_URL = "https://booking.example.com/cx-review"
    return settings


@pytest.mark.parametrize("language", ["fi", "en"])
def test_call_to_action_and_its_form(site, questionnaire, consultancy, axe_script, language):
    assessment = answered_assessment(questionnaire, organisation="Testiyritys Oy")
    page = site.page(bypass_csp=True)
    found: list[str] = []
    page.goto(url(language, "results", token=assessment.token))
    section = page.get_by_role("region", name=t(language, "Let's talk about your results"))
    expect(section).to_be_visible()
    booking = section.get_by_role(
        "link", name=t(language, "Book a 30-minute review of your results")
    )
    expect(booking).to_have_attribute("href", "https://booking.example.com/cx-review")
    found += axe_22(page, axe_script, "results with the call to action")

    email = section.get_by_label(t(language, "Your email address"))
    button = section.get_by_role("button", name=t(language, "Ask us to contact you"))
    # Without an address: the server explains, the field says it is invalid and takes focus.
    button.click()
    expect(page).to_have_url(re.compile(r"/contact/$"))
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(section).to_contain_text(
        t(language, "Enter your email address so that we can contact you.")
    )
    found += axe_22(page, axe_script, "results with a contact error")

    email.fill("anna@example.com")
    button.click()
    expect(page).to_have_url(re.compile(r"/results/[^/]+/#next-step$"))
    expect(section.get_by_role("status")).to_contain_text("anna@example.com")
    found += axe_22(page, axe_script, "results after asking for contact")
    assert not found, "\n".join(found)
    assessment.refresh_from_db()
    assert assessment.contact_requested_at is not None
    assert assessment.email == "anna@example.com"


@pytest.mark.parametrize("language", ["fi", "en"])
def test_consent_is_refused_without_an_email(site, questionnaire, axe_script, language):
    assessment = answered_assessment(questionnaire, complete=False)
    page = site.page(bypass_csp=True)
    page.goto(url(language, "background", token=assessment.token))
    labels = background_labels(language)
    page.get_by_label(labels["consent_to_contact"]).check()
    page.get_by_role("button", name=t(language, "Show my results")).click()
    message = t(
        language,
        "Enter your email address so that we can contact you, or untick the consent to be "
        "contacted.",
    )
    expect(page.get_by_text(message).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/background/$"))
    found = axe_22(page, axe_script, "background, consent without email")
    assert not found, "\n".join(found)
    assert not Assessment.objects.get(pk=assessment.pk).is_completed


def test_next_step_pages_are_valid_html(client, questionnaire, consultancy, vnu_jar, tmp_path):
    pages = {}
    for language in ("fi", "en"):
        done = answered_assessment(questionnaire, email="a@example.com", consent_to_contact=True)
        pages[f"{language}: results"] = client.get(
            url(language, "results", token=done.token)
        ).content.decode()
        pages[f"{language}: contact error"] = client.post(
            url(language, "contact_request", token=done.token), {"email": "nope"}
        ).content.decode()
        client.post(url(language, "contact_request", token=done.token), {"email": "a@example.com"})
        pages[f"{language}: contact requested"] = client.get(
            url(language, "results", token=done.token)
        ).content.decode()
        open_one = answered_assessment(questionnaire, complete=False)
        pages[f"{language}: consent without email"] = client.post(
            url(language, "background", token=open_one.token), {"consent_to_contact": "on"}
        ).content.decode()
    errors = vnu_errors(vnu_jar, pages, tmp_path)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_screenshots_of_the_call_to_action(site, questionnaire, consultancy, language, viewport):
    """Kept for a person to look at; asserts only what a screenshot cannot hide."""
    assessment = answered_assessment(questionnaire, organisation="Testiyritys Oy")
    page = site.page(viewport=viewport)
    page.goto(url(language, "results", token=assessment.token))
    assert no_horizontal_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    section = page.locator("#next-step")
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(ARTIFACTS / f"next-step-{language}-{viewport['width']}.png"))
    page.screenshot(
        path=str(ARTIFACTS / f"results-{language}-{viewport['width']}.png"), full_page=True
    )
    site.assert_no_problems()
