"""The team pages: start, join through the invite link, the owner's figures above the threshold
only, closing, deleting, and the privacy of every colleague's own answers."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from assessments import services
from assessments.models import Answer, Assessment
from assessments.teams import selectors
from assessments.teams.models import Team, TeamMember

from .helpers import member, team_of

pytestmark = pytest.mark.django_db


def owner_path(team: Team) -> str:
    return f"/team/owner/{team.owner_token}/"


def join_path(team: Team) -> str:
    return f"/team/join/{team.invite_token}/"


@pytest.mark.parametrize(("prefix", "heading"), [("", "Aloittakaa"), ("/en", "Start a team")])
def test_starting_a_team_gives_two_different_private_links(client, questionnaire, prefix, heading):
    page = client.get(f"{prefix}/team/")
    assert page.status_code == 200 and heading in page.content.decode()
    response = client.post(f"{prefix}/team/", {"organisation": " Tiimi Oy ", "email": ""})
    team = Team.objects.get()
    assert team.organisation == "Tiimi Oy" and team.version == questionnaire
    assert response["Location"] == f"{prefix}/team/owner/{team.owner_token}/"
    assert team.invite_token != team.owner_token
    assert len(team.owner_token) >= 32 and len(team.invite_token) >= 32
    owner = client.get(response["Location"]).content.decode()
    assert f"{prefix}/team/join/{team.invite_token}/" in owner
    assert f"{prefix}/team/owner/{team.owner_token}/" in owner


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"organisation": ""}, "Tämä kenttä vaaditaan."),
        ({"organisation": "Oy", "email": "not-an-address"}, "sähköpostiosoite"),
    ],
)
def test_bad_input_to_the_start_is_told_and_nothing_is_stored(client, questionnaire, data, message):
    response = client.post("/team/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Team.objects.exists()


def test_a_colleague_joins_with_a_role_and_takes_the_normal_test(client, questionnaire):
    team = team_of([])
    page = client.get(join_path(team))
    assert page.status_code == 200 and "Myynti" in page.content.decode()
    response = client.post(join_path(team), {"role": "sales"})
    membership = TeamMember.objects.get()
    assert (membership.team, membership.role) == (team, "sales")
    assert response["Location"] == f"/a/{membership.assessment.token}/area/1/"
    assert client.get(response["Location"]).status_code == 200
    # And sees their own results at the end.
    done = member(team, lambda q: 4)
    assert client.get(f"/results/{done.token}/").status_code == 200


def test_a_role_outside_the_list_is_refused_and_nothing_is_stored(client, questionnaire):
    team = team_of([])
    response = client.post(join_path(team), {"role": "ceo"})
    assert response.status_code == 400
    assert not Assessment.objects.exists() and not TeamMember.objects.exists()


@pytest.mark.parametrize("path", ["/team/owner/{}/", "/team/owner/{}/delete/", "/team/join/{}/"])
@pytest.mark.parametrize("token", ["x" * 32, "forged-token-forged-token-forged-1", "short", "%00"])
def test_forged_tokens_give_404(client, questionnaire, path, token):
    team_of([])
    assert client.get(path.format(token)).status_code == 404
    assert client.post("/team/owner/" + token + "/close/").status_code == 404


def test_the_invite_link_cannot_open_the_owner_page(client, questionnaire):
    team = team_of([3, 4, 5])
    for path in ("/team/owner/{}/", "/team/owner/{}/delete/"):
        assert client.get(path.format(team.invite_token)).status_code == 404
    assert client.post(f"/team/owner/{team.invite_token}/close/").status_code == 404
    assert client.post(f"/team/owner/{team.invite_token}/delete/").status_code == 404
    team.refresh_from_db()
    assert not team.is_closed and Assessment.objects.count() == 3


FIGURE_MARKERS = ("Työpajan asialista", "Keskihajonta", "Erimielisyyskartta")


@pytest.mark.parametrize("setting", [0, 1, 2, 3])
def test_fewer_than_three_colleagues_show_no_figure_whatever_the_setting(
    client, questionnaire, settings, setting
):
    settings.TEAM_MIN_RESPONDENTS = setting
    team = team_of([1, 5])
    member(team, lambda q: 3, complete=False)  # started, not finished: not counted
    page = client.get(owner_path(team)).content.decode()
    assert "2 kollegaa on tehnyt testin" in page
    assert not any(marker in page for marker in FIGURE_MARKERS)
    assert selectors.team_figures(team).areas == ()
    member(team, lambda q: 3)
    page = client.get(owner_path(team)).content.decode()
    assert all(marker in page for marker in FIGURE_MARKERS)


def test_a_higher_setting_raises_the_threshold(client, questionnaire, settings):
    settings.TEAM_MIN_RESPONDENTS = 5
    team = team_of([1, 3, 5, 4])
    page = client.get(owner_path(team)).content.decode()
    assert not any(marker in page for marker in FIGURE_MARKERS)
    assert "vähintään 5 kollegaa" in page


def test_the_owner_page_shows_means_spreads_and_the_agenda(client, questionnaire):
    team = team_of([1, 3, 5])
    figures = selectors.team_figures(team)
    assert [row.spread.mean for row in figures.areas] == [50.0, 50.0, 50.0]
    assert [(row.spread.minimum, row.spread.maximum) for row in figures.areas] == [(0.0, 100.0)] * 3
    assert figures.overall.count == 3 and figures.overall.sd == 40.8
    assert 3 <= len(figures.agenda) <= 5
    assert len(figures.disagreements) == 5
    page = client.get("/en" + owner_path(team)).content.decode()
    first = figures.agenda[0]
    assert escape(first.question.tip_en) in page
    with translation.override("en"):
        high, low = escape(first.high_text), escape(first.low_text)
    assert f"<li>1 answered “{high}”</li>" in page and f"<li>1 answered “{low}”</li>" in page


def test_role_groups_under_three_are_never_shown(client, questionnaire):
    team = team_of([2, 2, 2, 4, 4], roles=["sales"] * 3 + ["management"] * 2)
    page = client.get("/en" + owner_path(team)).content.decode()
    assert "Management" not in page and "Sales</th>" not in page
    assert selectors.team_figures(team).roles == ()
    member(team, lambda q: 4, "management")
    page = client.get("/en" + owner_path(team)).content.decode()
    assert "Management</th>" in page and "Sales</th>" in page


def test_closing_stops_new_answers(client, questionnaire):
    team = team_of([2, 3, 4])
    late = member(team, lambda q: 5, complete=False)
    assert client.post(f"/team/owner/{team.owner_token}/close/").status_code == 302
    team.refresh_from_db()
    assert team.is_closed
    assert "suljettu" in client.get(join_path(team)).content.decode()
    assert client.post(join_path(team), {"role": ""}).status_code == 409
    assert TeamMember.objects.count() == 4
    # A test finished after closing does not count.
    services.assessment_complete(assessment=late)
    assert selectors.team_figures(team).completed == 3


def test_deleting_the_team_deletes_its_members_answers(client, questionnaire):
    team = team_of([2, 3, 4])
    outsider = member(team_of([3]), lambda q: 3)
    kept = Answer.objects.filter(assessment=outsider).count()
    assert client.get(owner_path(team) + "delete/").status_code == 200
    assert client.post(owner_path(team) + "delete/").status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    assert Assessment.objects.filter(team_membership__isnull=True).count() == 0
    assert Assessment.objects.count() == 2  # the other team's two colleagues
    assert Answer.objects.filter(assessment=outsider).count() == kept
    assert client.get(owner_path(team)).status_code == 404


def test_a_team_deleted_in_the_admin_takes_its_answers_too(superuser_client, questionnaire):
    team = team_of([2, 3, 4])
    response = superuser_client.post(
        "/admin/teams/team/",
        {"action": "delete_selected", "_selected_action": [team.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Assessment.objects.exists() and not Answer.objects.exists()


def test_a_colleague_deleting_their_data_leaves_the_aggregates(client, questionnaire):
    team = team_of([1, 3, 5, 5])
    gone = Assessment.objects.filter(team_membership__team=team).order_by("pk").first()  # the 1s
    before = selectors.team_figures(team)
    assert client.post(f"/results/{gone.token}/delete/").status_code == 302
    after = selectors.team_figures(team)
    assert (before.completed, after.completed) == (4, 3)
    assert after.overall.mean != before.overall.mean
    assert after.overall.minimum == 50.0
    assert not TeamMember.objects.filter(assessment_id=gone.pk).exists()


def _token_routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _token_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and "<str:token>" in str(pattern.pattern):
            yield pattern.name, prefix + str(pattern.pattern)


def test_the_owner_cannot_reach_an_individuals_answers_by_any_url(
    client, questionnaire, superuser_client
):
    team = team_of([1, 3, 5], roles=["sales", "sales", "management"])
    members = list(Assessment.objects.filter(team_membership__team=team))
    routes = list(_token_routes(get_resolver().url_patterns))
    assert len(routes) >= 10
    for token in (team.owner_token, team.invite_token):
        for name, route in routes:
            if name.startswith("team_"):
                continue  # the team's own pages, tested above
            path = "/" + re.sub(r"<int:\w+>", "1", route.replace("<str:token>", token))
            path = path.replace("^", "")
            for response in (client.get(path), client.post(path)):
                assert response.status_code in (403, 404, 405), (name, path, response.status_code)
    # Nor does the owner page lead to any colleague's test: no token, no link to a test.
    page = client.get(owner_path(team)).content.decode()
    for assessment in members:
        assert assessment.token not in page
    assert not re.search(r'href="[^"]*/(?:a|results)/', page)
    # The admin's team page neither.
    admin_response = superuser_client.get(f"/admin/teams/team/{team.pk}/change/")
    assert admin_response.status_code == 200
    admin_page = admin_response.content.decode()
    assert all(a.token not in admin_page for a in members)
    assert "/admin/assessments/assessment/" not in admin_page.split('id="content"')[1]


def test_the_owner_and_invite_pages_are_private(client, questionnaire):
    team = team_of([])
    for path in (owner_path(team), join_path(team)):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" not in client.get("/team/").get("Cache-Control", "")


def test_team_tokens_never_reach_the_logs():
    from assessments.redaction import MARKER, redact

    line = 'GET /team/owner/abcdefghabcdefghabcdefghabcdefgh/close/ "GET /en/team/join/abc/"'
    assert redact(line) == f'GET /team/owner/{MARKER}/close/ "GET /en/team/join/{MARKER}/"'


def test_the_owner_page_takes_at_most_ten_queries(
    client, questionnaire, django_assert_max_num_queries
):
    team = team_of([1, 2, 3, 4, 5, 2, 3, 4, 4], roles=["sales"] * 3 + ["delivery"] * 3 + [""] * 3)
    client.get(owner_path(team))  # the questionnaire's content is read once per process
    with django_assert_max_num_queries(10):
        response = client.get(owner_path(team))
    assert "Toimitus ja asiantuntijat" in response.content.decode()


def test_the_admin_lists_teams_with_size_and_completion(consultant_client, questionnaire):
    team_of([2, 4, 5], organisation="Valmis Oy")
    waiting = team_of([3], organisation="Odottava Oy")
    member(waiting, lambda q: 3, complete=False)
    page = consultant_client.get("/admin/teams/team/").content.decode()
    assert "Valmis Oy" in page and "Odottava Oy" in page
    shown = consultant_client.get("/admin/teams/team/?completion=shown").content.decode()
    assert "Valmis Oy" in shown and "Odottava Oy" not in shown
    small = consultant_client.get("/admin/teams/team/?size=1-2").content.decode()
    assert "Odottava Oy" in small and "Valmis Oy" not in small
    detail = consultant_client.get(f"/admin/teams/team/{waiting.pk}/change/").content.decode()
    assert "1 tehnyt" in detail and "Keskihajonta" not in detail
    full = Team.objects.get(organisation="Valmis Oy")
    detail = consultant_client.get(f"/admin/teams/team/{full.pk}/change/").content.decode()
    assert "Keskihajonta" in detail
    assert not LogEntry.objects.exists()


def test_a_flood_of_team_starts_and_joins_is_rate_limited(client, questionnaire, settings):
    settings.RATE_LIMIT_START = "3/h"
    team = team_of([])
    for _ in range(2):
        assert client.post("/team/", {"organisation": "Tulva Oy"}).status_code == 302
    assert client.post(join_path(team), {"role": ""}).status_code == 302
    assert client.post(join_path(team), {"role": ""}).status_code == 429
    assert client.post("/team/", {"organisation": "Tulva Oy"}).status_code == 429
    assert Team.objects.count() == 3 and TeamMember.objects.count() == 1


@pytest.mark.parametrize(("prefix", "text"), [("", "Aloittakaa tiimiarvio"), ("/en", "Start a")])
def test_the_landing_page_leads_to_the_team_start(client, questionnaire, prefix, text):
    page = client.get(f"{prefix}/").content.decode()
    assert f'<a href="{prefix}/team/">{text}' in page
