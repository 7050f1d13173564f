"""The customer mirror in a real browser: a customer answers with and without JavaScript, the
survey and the owner's "Customers' view" are accessible (axe) and valid HTML (vnu) on a phone and
a desktop in both languages; screenshots of both kept in test-artifacts/."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from assessments.teams import services as team_services
from assessments.teams.models import MirrorResponse, Team

from ..teams.helpers import member
from ..teams.mirror_helpers import customer, questionnaire_2026_2  # noqa: F401  (a fixture)
from .conftest import ARTIFACTS
from .helpers import PREFIX, axe_violations, no_horizontal_scroll, t
from .test_html_validity import vnu_errors

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
COMMENTS = [
    "Asiat hoituivat nopeasti, kun sain kiinni oikean ihmisen.",
    "Laskutuksessa oli virhe, jonka korjaaminen kesti kolme viikkoa.",
    "Palvelu oli ystävällistä ja asiantuntevaa.",
]


@pytest.fixture
def mirrored(questionnaire_2026_2) -> Team:  # noqa: F811
    """Six colleagues who rate themselves well, and eight customers who see some things
    differently: blind spots, hidden strengths, 0–10 answers and comments."""
    team = team_services.team_start(organisation="Esimerkki Oy")
    for index in range(6):
        member(team, lambda q, i=index: 4 + (q.order + i) % 2 if q.order % 4 else 2)
    for index in range(8):
        customer(
            team,
            [2, 2, 3, 4, 5, 2, 3, None][index],
            recommend=[9, 10, 6, 7, 3, 8, 9, None][index],
            comment=COMMENTS[index] if index < len(COMMENTS) else "",
        )
    return team


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("javascript", [False, True])
def test_a_customer_answers_the_survey(site, questionnaire_2026_2, language, javascript):  # noqa: F811
    team = team_services.team_start(organisation="Tiimi Oy")
    page = site.page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(f"{PREFIX[language]}/team/customer/{team.customer_token}/")
    # Sent with a question left out: told, nothing stored.
    page.get_by_role("button", name=t(language, "Send my answers")).click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert not MirrorResponse.objects.exists()
    for group in page.locator("fieldset.question:not(.mirror-recommend)").all():
        group.get_by_role("radio").nth(2).check()
    page.get_by_label("9", exact=True).check()
    page.get_by_label(t(language, "Anything else you would like to tell them? (optional)")).fill(
        "Kiitos."
    )
    page.get_by_role("button", name=t(language, "Send my answers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Thank you for your answers")
    )
    stored = MirrorResponse.objects.get()
    assert set(stored.answers.values()) == {3} and stored.recommend == 9
    assert {c["name"] for c in page.context.cookies()} <= {"csrftoken", "sessionid"}
    site.problems.clear()  # the 400 of the incomplete form was intended
    site.assert_no_problems()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_mirror_pages_are_accessible_on_a_phone_and_a_desktop(
    site, mirrored, axe_script, language
):
    found: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    closed = team_services.team_start(organisation="Suljettu Oy")
    team_services.team_close(team=closed)
    pages = {
        "survey": f"/team/customer/{mirrored.customer_token}/",
        "thanks": f"/team/customer/{mirrored.customer_token}/thanks/",
        "closed": f"/team/customer/{closed.customer_token}/",
        "owner": f"/team/owner/{mirrored.owner_token}/",
    }
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        for what, path in pages.items():
            page = site.page(viewport=viewport, bypass_csp=True)
            page.goto(f"{PREFIX[language]}{path}")
            if what == "owner":
                # Every part of the section open, as a reader who opens the details would see it.
                page.locator("section.mirror details").evaluate("d => d.open = true")
            found.extend(axe_violations(page, axe_script, f"{name} mirror {what}"))
            assert no_horizontal_scroll(page), (name, what)
            if what == "survey":
                page.screenshot(
                    path=str(ARTIFACTS / f"mirror-survey-{language}-{name}.png"), full_page=True
                )
            if what == "owner":
                section = page.locator("section.mirror")
                expect(
                    section.get_by_role("heading", name=t(language, "Blind spots"))
                ).to_be_visible()
                section.screenshot(path=str(ARTIFACTS / f"mirror-owner-{language}-{name}.png"))
        # The survey's error state too.
        page = site.page(viewport=viewport, bypass_csp=True)
        page.goto(f"{PREFIX[language]}{pages['survey']}")
        page.get_by_role("button", name=t(language, "Send my answers")).click()
        found.extend(axe_violations(page, axe_script, f"{name} mirror survey with errors"))
    assert not found, "\n".join(found)
    site.problems.clear()  # the 400 of the incomplete form was intended
    site.assert_no_problems()


def test_the_mirror_pages_are_valid_html(mirrored, vnu_jar, tmp_path):
    waiting = team_services.team_start(organisation="Odottava Oy")
    customer(waiting, 3)
    closed = team_services.team_start(organisation="Suljettu Oy")
    team_services.team_close(team=closed)
    pages: dict[str, str] = {}
    for language in ("fi", "en"):
        client = Client()
        prefix = PREFIX[language]
        survey = f"{prefix}/team/customer/{mirrored.customer_token}/"
        responses = [
            client.get(survey),
            client.post(survey, {"M01": "9", "recommend": "12", "comment": "x"}),
            client.get(f"{survey}thanks/"),
            client.get(f"{prefix}/team/customer/{closed.customer_token}/"),
            client.get(f"{prefix}/team/owner/{mirrored.owner_token}/"),
            client.get(f"{prefix}/team/owner/{waiting.owner_token}/"),
            client.get(f"{prefix}/team/owner/{closed.owner_token}/"),
        ]
        for number, response in enumerate(responses, start=1):
            assert response.status_code in (200, 400)
            pages[f"{language}: page {number}"] = response.content.decode()
    errors = vnu_errors(vnu_jar, pages, tmp_path)
    assert not errors, "\n".join(errors)
