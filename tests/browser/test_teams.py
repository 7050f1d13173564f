"""The team pages in a real browser: started and joined without JavaScript, accessible (axe),
valid HTML (vnu), on a phone and a desktop; the owner page screenshotted in both languages."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from assessments.teams import services as team_services
from assessments.teams.models import Team, TeamMember

from ..teams.helpers import member
from .conftest import ARTIFACTS, DESKTOP, PHONE
from .helpers import PREFIX, axe_violations, no_horizontal_scroll, t
from .test_html_validity import vnu_errors

pytestmark = pytest.mark.slow

ROLES = ["sales", "sales", "sales", "delivery", "delivery", "delivery", "management", ""]


@pytest.fixture
def full_team(questionnaire) -> Team:
    """Eight colleagues who see some things alike and some very differently."""
    team = team_services.team_start(organisation="Esimerkki Oy")
    for index, role in enumerate(ROLES):
        member(
            team,
            lambda q, i=index: 1 + (q.order * (i + 1)) % 5 if q.order % 3 == 0 else 3 + i % 2,
            role,
        )
    return team


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_team_is_started_and_joined_without_javascript(site, questionnaire, language):
    owner = site.page(java_script_enabled=False)
    owner.goto(f"{PREFIX[language]}/team/")
    owner.get_by_label(t(language, "Organisation")).fill("Tiimi Oy")
    owner.get_by_role("button", name=t(language, "Start the team")).click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Tiimi Oy")
    invite = owner.get_by_label(t(language, "Invite link: share it with your colleagues"))
    colleague = site.page(java_script_enabled=False)
    colleague.goto(invite.input_value())
    colleague.get_by_label(t(language, "Customer service")).check()
    colleague.get_by_role("button", name=t(language, "Start the test")).click()
    expect(colleague).to_have_url(
        f"{site.url}{PREFIX[language]}/a/" + colleague.url.split("/a/")[1]
    )
    assert TeamMember.objects.get().role == "customer_service"
    site.assert_no_problems()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_team_pages_are_accessible_on_a_phone_and_a_desktop(
    site, full_team, axe_script, language
):
    found: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "start": "/team/",
        "invite": f"/team/join/{full_team.invite_token}/",
        "owner": f"/team/owner/{full_team.owner_token}/",
        "delete": f"/team/owner/{full_team.owner_token}/delete/",
    }
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for what, path in pages.items():
            page = site.page(viewport=viewport, bypass_csp=True)
            page.goto(f"{PREFIX[language]}{path}")
            found.extend(axe_violations(page, axe_script, f"{name} team {what}"))
            assert no_horizontal_scroll(page), (name, what)
            if what == "owner":
                expect(page.locator("#agenda-heading")).to_be_visible()
                page.screenshot(
                    path=str(ARTIFACTS / f"teams-owner-{language}-{name}.png"), full_page=True
                )
    assert not found, "\n".join(found)
    site.assert_no_problems()


def test_the_team_pages_are_valid_html(full_team, questionnaire, vnu_jar, tmp_path):
    waiting = team_services.team_start(organisation="Odottava Oy")
    closed = team_services.team_start(organisation="Suljettu Oy")
    team_services.team_close(team=closed)
    pages: dict[str, str] = {}
    for language in ("fi", "en"):
        client = Client()
        prefix = PREFIX[language]
        responses = [
            client.get(f"{prefix}/team/"),
            client.post(f"{prefix}/team/", {"organisation": "", "email": "x"}),
            client.get(f"{prefix}/team/join/{full_team.invite_token}/"),
            client.post(f"{prefix}/team/join/{full_team.invite_token}/", {"role": "x"}),
            client.get(f"{prefix}/team/join/{closed.invite_token}/"),
            client.get(f"{prefix}/team/owner/{full_team.owner_token}/"),
            client.get(f"{prefix}/team/owner/{waiting.owner_token}/"),
            client.get(f"{prefix}/team/owner/{closed.owner_token}/"),
            client.get(f"{prefix}/team/owner/{full_team.owner_token}/delete/"),
        ]
        for number, response in enumerate(responses, start=1):
            assert response.status_code in (200, 400)
            pages[f"{language}: page {number}"] = response.content.decode()
    errors = vnu_errors(vnu_jar, pages, tmp_path)
    assert not errors, "\n".join(errors)
