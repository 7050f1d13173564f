"""The follow-up's pages in a real browser: emailing the results link from the results page (the
"sent" message), and the reminders' unsubscribe pages; axe (WCAG 2.1 AA) and the Nu Html
Checker in both languages, at phone and desktop widths."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from assessments.followup import services
from assessments.models import Assessment

from ..factories import answered_assessment
from .conftest import ARTIFACTS, PHONE
from .helpers import axe_violations, t
from .test_html_validity import check_with_vnu, html_of

pytestmark = pytest.mark.slow


def url(language: str, name: str, *args: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", args=args)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_results_link_is_emailed_from_the_results_page(
    site, questionnaire, axe_script, language, settings
):
    settings.SITE_URL = site.url
    assessment = answered_assessment(questionnaire, language=language)
    found: list[str] = []
    for viewport in (PHONE, None):
        page = site.page(viewport=viewport, bypass_csp=True)
        page.goto(url(language, "results", assessment.token))
        form = page.locator("#results-email")
        form.get_by_label(t(language, "Email address"), exact=True).fill("anna@example.com")
        form.get_by_label(t(language, "The address again, to confirm it")).fill("anna@example.com")
        form.get_by_label(
            t(language, "Remind me to take the test again in 90 days and in 12 months.")
        ).check()
        form.get_by_role("button", name=t(language, "Send the link")).click()
        expect(page.get_by_role("status").first).to_contain_text("anna@example.com")
        ARTIFACTS.mkdir(exist_ok=True)
        width = (viewport or {}).get("width", "desktop")
        page.screenshot(path=str(ARTIFACTS / f"followup-results-{language}-{width}.png"))
        form.screenshot(path=str(ARTIFACTS / f"followup-form-{language}-{width}.png"))
        found.extend(axe_violations(page, axe_script, f"results, link sent ({viewport})"))
    assert found == []
    site.assert_no_problems()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_unsubscribe_pages(site, questionnaire, axe_script, language):
    assessment = answered_assessment(questionnaire, language=language)
    subscription = services.reminders_opt_in(
        assessment=assessment, email="anna@example.com", language=language
    )
    found: list[str] = []
    page = site.page(viewport=PHONE, bypass_csp=True)
    page.goto(url(language, "reminders_unsubscribe", subscription.unsubscribe_token))
    found.extend(axe_violations(page, axe_script, "unsubscribe"))
    page.screenshot(path=str(ARTIFACTS / f"followup-unsubscribe-{language}.png"))
    page.get_by_role("button", name=t(language, "Stop the reminders")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Reminders stopped"))
    found.extend(axe_violations(page, axe_script, "unsubscribed"))
    assert found == []
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    site.assert_no_problems()


def test_the_follow_up_pages_and_emails_are_valid_html(client, questionnaire, vnu_jar, tmp_path):
    pages: dict[str, str] = {}
    with override_settings(SITE_URL="https://cx.example.com"):
        for language in ("fi", "en"):
            assessment = answered_assessment(
                questionnaire, language=language, email="a@example.com", consent_to_contact=True
            )
            subscription = services.reminders_opt_in(
                assessment=assessment, email="a@example.com", language=language
            )
            token = subscription.unsubscribe_token
            pages[f"{language}: results"] = html_of(
                client.get(url(language, "results", assessment.token))
            )
            pages[f"{language}: unsubscribe"] = html_of(
                client.get(url(language, "reminders_unsubscribe", token))
            )
            pages[f"{language}: unsubscribed"] = html_of(
                client.post(url(language, "reminders_unsubscribe", token))
            )
            services.results_email_request(
                assessment=assessment, email="a@example.com", language=language, remind=False
            )
        from assessments.followup import emails
        from assessments.followup.models import Reminder, ResultsEmail

        for number, request in enumerate(ResultsEmail.objects.all()):
            pages[f"email {number}: results link"] = emails.results_link(request).alternatives[0][0]
        pages["email: reminder"] = emails.reminder(subscription, Reminder.DAYS_90).alternatives[0][
            0
        ]
        pages["email: leads"] = emails.new_leads(
            list(Assessment.objects.all()), to=["k@example.com"]
        ).alternatives[0][0]
    files = {}
    for number, (name, html) in enumerate(pages.items(), start=1):
        path = tmp_path / f"followup-{number:02}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    messages = check_with_vnu(vnu_jar, [tmp_path / name for name in files])
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "followup-html-validity.json").write_text(
        json.dumps({"pages": list(files.values()), "errors": errors}, indent=2), encoding="utf-8"
    )
    assert errors == []
    assert mail.outbox == []
