"""The owner page's invitations by email and team report in a real browser: the form used without
JavaScript, its error told accessibly (axe) in valid HTML (vnu), on a phone and a desktop, and
the PDF downloaded under the organisation's name; screenshots of the form in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from assessments.teams import services as team_services
from assessments.teams.models import Team, TeamInvitation

from ..teams.helpers import member, team_of
from .conftest import ARTIFACTS, DESKTOP, PHONE
from .helpers import PDF_TIMEOUT, PREFIX, axe_violations, no_horizontal_scroll, t
from .test_html_validity import vnu_errors

pytestmark = pytest.mark.slow

SENT = {
    "fi": "Kutsulinkki on matkalla 2 kollegalle.",
    "en": "The invite link is on its way to 2 colleagues.",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://127.0.0.1"


@pytest.fixture
def team(questionnaire) -> Team:
    team = team_of([2, 3, 4, 5], organisation="Esimerkki & Co")
    Team.objects.filter(pk=team.pk).update(email="omistaja@esimerkki.fi")
    team.refresh_from_db()
    return team


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_invitation_form_tells_its_error_and_sends_without_javascript(
    site, team, axe_script, language
):
    found: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    label = t(language, "Your colleagues' email addresses")
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = site.page(viewport=viewport, bypass_csp=True)
        page.goto(f"{PREFIX[language]}/team/owner/{team.owner_token}/")
        form = page.locator("section.team-invite")
        expect(form.get_by_role("heading", level=2)).to_have_text(
            t(language, "Email the invite link to your colleagues")
        )
        form.screenshot(path=str(ARTIFACTS / f"teams-invite-{language}-{name}.png"))
        page.get_by_label(label).fill("anna@esimerkki.fi, bertta@")
        page.get_by_role("button", name=t(language, "Send the invitations")).click()
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(page.locator(".team-error")).to_contain_text("bertta@")
        # The typed addresses stay in the field, to be corrected rather than typed again.
        expect(field).to_have_value("anna@esimerkki.fi, bertta@")
        assert no_horizontal_scroll(page), name
        page.screenshot(
            path=str(ARTIFACTS / f"teams-invite-error-{language}-{name}.png"), full_page=True
        )
        found.extend(axe_violations(page, axe_script, f"{name} invitation error"))
        assert not TeamInvitation.objects.exists()
    found.extend(axe_violations(page, axe_script, "invitations sent"))
    # The form needs no JavaScript: it is an ordinary POST.
    page = site.page(viewport=PHONE, java_script_enabled=False)
    page.goto(f"{PREFIX[language]}/team/owner/{team.owner_token}/")
    page.get_by_label(label).fill("anna@esimerkki.fi\nbertta@esimerkki.fi")
    page.get_by_role("button", name=t(language, "Send the invitations")).click()
    expect(page.locator(".messages")).to_contain_text(SENT[language])
    assert TeamInvitation.objects.count() == 2
    assert not found, "\n".join(found)
    # The refused addresses' answer is a 400 on purpose; anything else is a problem.
    refused = [p for p in site.problems if p.endswith("/invite/") and ": 400 for " in p]
    assert len(refused) == 2
    site.problems = [p for p in site.problems if p not in refused]
    site.assert_no_problems()


def test_the_owner_downloads_the_team_report_from_the_page(site, team):
    page = site.page(viewport=DESKTOP)
    page.goto(f"/en/team/owner/{team.owner_token}/")
    with page.expect_download(timeout=PDF_TIMEOUT) as download:
        page.get_by_role("link", name="Download the team report (PDF)").click()
    name = download.value.suggested_filename
    assert name.startswith("cx-team-esimerkki-co-") and name.endswith(".pdf")
    assert team.owner_token not in name
    path = download.value.path()
    assert path is not None and Path(path).read_bytes().startswith(b"%PDF-")
    site.assert_no_problems()


def test_the_new_states_of_the_owner_page_and_the_privacy_notice_are_valid_html(
    team, questionnaire, vnu_jar, tmp_path
):
    waiting = team_of([3], organisation="Odottava Oy")
    member(waiting, lambda q: 3, complete=False)
    closed = team_of([1, 2, 3], organisation="Suljettu Oy")
    team_services.team_close(team=closed)
    pages: dict[str, str] = {}
    for language in ("fi", "en"):
        client = Client()
        prefix = PREFIX[language]
        owner = f"{prefix}/team/owner/{team.owner_token}/"
        responses = [
            client.get(owner),
            client.post(f"{owner}invite/", {"addresses": "a@, b@x"}),
            client.post(f"{owner}invite/", {"addresses": ""}),
            client.get(f"{prefix}/team/owner/{waiting.owner_token}/"),
            client.get(f"{prefix}/team/owner/{closed.owner_token}/"),
            client.get(f"{prefix}/privacy/"),
            client.get(f"{prefix}/team/owner/{waiting.owner_token}/report.pdf", follow=True),
        ]
        for number, response in enumerate(responses, start=1):
            assert response.status_code in (200, 400)
            pages[f"{language}: page {number}"] = response.content.decode()
    errors = vnu_errors(vnu_jar, pages, tmp_path)
    assert not errors, "\n".join(errors)
