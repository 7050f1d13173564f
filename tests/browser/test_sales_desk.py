"""The consultant's sales desk in a real browser: the list fits 1,280 px, and a morning's work
from signing in to previewing the PDF, with axe (WCAG 2.2 AA) on every page it changes."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from assessments import selectors
from assessments.models import AreaComment, Assessment, FollowUpStatus

from ..conftest import PASSWORD
from ..factories import answered_assessment
from .conftest import DESKTOP, PHONE
from .helpers import PDF_TIMEOUT, WCAG_21_AA, t

WCAG_22_AA = [*WCAG_21_AA, "wcag22aa"]


@pytest.fixture(autouse=True)
def _finnish_by_default():
    """Addresses in Finnish unless a test asks for another language, whatever ran before."""
    with translation.override("fi"):
        yield


def axe_22(page: Page, axe_script: Path, what: str) -> list[str]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    assert result["passes"], f"axe checked nothing on {what}"
    return [
        f"{what}: {violation['id']} {violation['help']}; "
        + json.dumps([node["target"] for node in violation["nodes"]][:5])
        for violation in result["violations"]
    ]


def sign_in(page: Page, username: str, language: str = "fi") -> None:
    with translation.override(language):
        page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()


def lead(version, organisation: str, **fields) -> Assessment:
    return answered_assessment(
        version,
        organisation=organisation,
        email=f"{organisation.split()[0].lower()}@example.com",
        consent_to_contact=True,
        **fields,
    )


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_assessment_list_fits_1280_px_without_horizontal_scroll(
    site, questionnaire, consultant, axe_script, language
):
    colleague = get_user_model().objects.create_user(
        "m", is_staff=True, first_name="Maria-Kristiina", last_name="Järvenpää-Lindqvist"
    )
    today = timezone.localdate()
    for number in range(12):
        lead(
            questionnaire,
            f"Pohjois-Karjalan Kiinteistöhuolto ja Kunnossapito {number} Oy",
            consultant=colleague,
            next_contact_on=today - timedelta(days=number % 3),
            follow_up_status=FollowUpStatus.MEETING_BOOKED,
            contact_requested_at=timezone.now() if number % 2 else None,
            utm_source="newsletter",
        )
    answered_assessment(questionnaire, organisation="Kesken Oy", complete=False)
    page = site.page(viewport=DESKTOP, bypass_csp=True)  # axe is an injected script
    sign_in(page, consultant.get_username(), language)
    with translation.override(language):
        page.goto(reverse("admin:assessments_assessment_changelist"))

    expect(page.locator("#result_list tbody tr")).to_have_count(13)
    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            results: document.querySelector('.results').scrollWidth,
            room: document.querySelector('.results').clientWidth,
        })"""
    )
    assert widths["page"] <= 1280, widths
    assert widths["results"] <= widths["room"], widths  # the table scrolls on its own otherwise
    expect(page.locator(".cx-hot").first).to_be_visible()
    assert axe_22(page, axe_script, f"assessment list ({language})") == []
    site.assert_no_problems()


def test_a_consultants_morning(site, questionnaire, consultant, axe_script):
    consultant.first_name, consultant.last_name = "Kaisa", "Konsultti"
    consultant.last_login = timezone.now() - timedelta(hours=15)
    consultant.save()
    today = timezone.localdate()
    due = lead(
        questionnaire,
        "Aamukahvi Oy",
        next_contact_on=today,
        follow_up_status=FollowUpStatus.CONTACTED,
        consultant=consultant,
    )
    lead(
        questionnaire,
        "Myöhemmin Oy",
        next_contact_on=today + timedelta(days=5),
        follow_up_status=FollowUpStatus.CONTACTED,
    )
    hot = lead(questionnaire, "Kuuma Kahvila Oy", contact_requested_at=timezone.now())
    old = lead(questionnaire, "Eilinen Oy")
    Assessment.objects.filter(pk=old.pk).update(completed_at=timezone.now() - timedelta(days=2))
    page = site.page(viewport=DESKTOP, bypass_csp=True)  # axe is an injected script
    found: list[str] = []

    # Signing in lands on the dashboard, with the new hot lead at the top of the inbox.
    sign_in(page, consultant.get_username())
    expect(page).to_have_url(
        re.compile(re.escape(reverse("admin:assessments_assessment_dashboard")) + "$")
    )
    first_lead = page.locator(".cx-inbox tbody tr").first
    expect(first_lead).to_contain_text(hot.organisation)
    expect(first_lead.locator(".cx-hot")).to_have_text(t("fi", "Hot lead"))
    expect(first_lead.locator(".cx-new")).to_be_visible()
    expect(
        page.locator(".cx-inbox tbody tr", has_text="Eilinen Oy").locator(".cx-new")
    ).to_have_count(0)
    expect(page.locator(".cx-funnel")).to_be_visible()
    found += axe_22(page, axe_script, "dashboard")

    # The list, filtered to the contacts due today.
    page.locator(".cx-nav a", has_text=t("fi", "Assessments")).click()
    page.locator("#changelist-filter a", has_text=t("fi", "Due (today or overdue)")).click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(due.organisation)
    found += axe_22(page, axe_script, "list, due today")

    # Open it, set the next contact, sign a comment, and preview the PDF as it prints.
    rows.first.locator("a", has_text=due.organisation).click()
    next_week = today + timedelta(days=7)
    page.locator("#id_next_contact_on").fill(next_week.strftime("%d.%m.%Y"))
    area = selectors.areas_with_questions(questionnaire)[0]
    comment = (
        "Palvelulupaus on selkeä. Ehdotetaan mittaamisen aloittamista seuraavassa palaverissa."
    )
    page.get_by_label(f"1. {area.name}").fill(comment)
    found += axe_22(page, axe_script, "assessment page")
    with page.expect_response(
        lambda response: "report.pdf" in response.url, timeout=PDF_TIMEOUT
    ) as preview:
        page.locator("button", has_text=t("fi", "Save and preview the PDF")).click(
            timeout=PDF_TIMEOUT
        )
    response = preview.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        'inline; filename="cx-maturity-aamukahvi-oy-'
    )

    due.refresh_from_db()
    assert due.next_contact_on == next_week
    signed = AreaComment.objects.get(assessment=due, area=area)
    assert (signed.text, signed.signer_name) == (comment, "Kaisa Konsultti")
    assert found == []


def test_the_desk_pages_are_valid_html(consultant_client, questionnaire, vnu_jar, tmp_path):
    from .test_html_validity import check_with_vnu

    done = lead(questionnaire, "Validi Oy", contact_requested_at=timezone.now(), utm_source="x")
    AreaComment.objects.create(
        assessment=done,
        area=done.version.areas.order_by("order")[0],
        text="Your service promise is clear, but nobody measures whether it is kept.",
    )
    pages = {}
    for language in ("fi", "en"):
        with translation.override(language):
            for name, address in {
                "dashboard": reverse("admin:assessments_assessment_dashboard"),
                "dashboard, bad period": reverse("admin:assessments_assessment_dashboard")
                + "?funnel_start=2030-01-02&funnel_end=2030-01-01",
                "list": reverse("admin:assessments_assessment_changelist"),
                "list, due": reverse("admin:assessments_assessment_changelist")
                + "?next_contact=due",
                "assessment": reverse("admin:assessments_assessment_change", args=[done.pk]),
            }.items():
                response = consultant_client.get(address)
                assert response.status_code == 200, address
                path = tmp_path / f"{language}-{name.replace(' ', '').replace(',', '-')}.html"
                path.write_text(response.content.decode(), encoding="utf-8")
                pages[path.name] = name
    messages = check_with_vnu(vnu_jar, [tmp_path / name for name in pages])
    errors = [
        f"{message.get('url', '').rsplit('/', 1)[-1]}: {message['message']}"
        for message in messages
        if message["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_screenshots_of_the_dashboard_and_the_list(
    site, questionnaire, consultant, language, viewport
):
    """Kept in test-artifacts/ for a person to look at; asserts only what a screenshot cannot
    hide: the funnel and the list are there, and neither page scrolls sideways (their wide tables
    scroll inside their own boxes on a phone)."""
    from assessments.demo import create_demo_assessments

    from .conftest import ARTIFACTS

    create_demo_assessments(questionnaire, 40, abandoned=25, seed=19)
    today = timezone.localdate()
    for number, name in enumerate(("Aamukahvi Oy", "Kuuma Kahvila Oy", "Pohjoisen Huolto Oy")):
        lead(
            questionnaire,
            name,
            next_contact_on=today + timedelta(days=number - 1),
            follow_up_status=FollowUpStatus.CONTACTED,
            consultant=consultant,
            contact_requested_at=timezone.now() if number == 1 else None,
            utm_source="newsletter",
            utm_campaign="spring",
        )
    page = site.page(viewport=viewport)
    sign_in(page, consultant.get_username(), language)
    expect(page.locator(".cx-funnel")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    width = viewport["width"]
    page.screenshot(path=str(ARTIFACTS / f"desk-dashboard-{language}-{width}.png"), full_page=True)
    # Its wide tables scroll inside their sections: the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator(".cx-funnel").screenshot(
        path=str(ARTIFACTS / f"desk-funnel-{language}-{width}.png")
    )
    with translation.override(language):
        page.goto(reverse("admin:assessments_assessment_changelist"))
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"desk-list-{language}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    site.assert_no_problems()
