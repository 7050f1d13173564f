"""Teams in the retention purge: a team with no activity for the retention period goes, with
every test taken through it; a team with any recent activity stays whole."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import Answer, Assessment
from assessments.teams import services
from assessments.teams.models import Team, TeamInvitation, TeamMember

from .helpers import member, team_of

pytestmark = pytest.mark.django_db


def aged(team: Team, days: int) -> Team:
    """The team and everything in it as if it all happened `days` ago."""
    then = timezone.now() - timedelta(days=days)
    Team.objects.filter(pk=team.pk).update(created_at=then)
    TeamMember.objects.filter(team=team).update(joined_at=then)
    tests = Assessment.objects.filter(team_membership__team=team)
    tests.update(created_at=then, last_active_at=then)
    tests.filter(completed_at__isnull=False).update(completed_at=then)
    return team


def test_a_team_idle_for_the_retention_period_goes_with_its_tests(questionnaire):
    old = aged(team_of([1, 3, 5], organisation="Vanha Oy"), days=30 * 24 + 1)
    services.team_invitations_send(team=old, addresses=["a@acme.fi"], language="fi")
    recent = aged(team_of([2, 4, 4], organisation="Tuore Oy"), days=30 * 24 - 1)
    old_tests = list(
        Assessment.objects.filter(team_membership__team=old).values_list("pk", flat=True)
    )
    assert len(old_tests) == 3

    assert services.expired_teams_purge(retention_months=24) == 1

    assert list(Team.objects.values_list("organisation", flat=True)) == ["Tuore Oy"]
    assert not Assessment.objects.filter(pk__in=old_tests).exists()
    assert not Answer.objects.filter(assessment_id__in=old_tests).exists()
    assert not TeamInvitation.objects.exists()
    assert Assessment.objects.filter(team_membership__team=recent).count() == 3


@pytest.mark.parametrize("activity", ["joined", "answered", "completed", "closed"])
def test_any_recent_activity_keeps_an_old_team(questionnaire, activity):
    team = aged(team_of([1, 3, 5]), days=800)
    if activity == "joined":
        member(team, lambda q: 3, complete=False)
    elif activity == "answered":
        first = Assessment.objects.filter(team_membership__team=team).first()
        Assessment.objects.filter(pk=first.pk).update(last_active_at=timezone.now())
    elif activity == "completed":
        first = Assessment.objects.filter(team_membership__team=team).first()
        Assessment.objects.filter(pk=first.pk).update(completed_at=timezone.now())
    else:
        services.team_close(team=team)
    assert services.expired_teams_purge(retention_months=24) == 0
    assert Team.objects.filter(pk=team.pk).exists()
    assert Assessment.objects.filter(team_membership__team=team).count() >= 3


def test_the_daily_purge_command_deletes_idle_teams_and_says_so(questionnaire, capsys):
    aged(team_of([1, 3, 5]), days=200)
    call_command("purge_expired", "--retention-months", "12")
    assert Team.objects.count() == 1
    call_command("purge_expired", "--retention-months", "6")
    assert not Team.objects.exists() and not Assessment.objects.exists()
    assert "deleted 1 team(s) inactive for 6 months" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("prefix", "texts"),
    [
        ("", ["Tiimiarviot", "Kuka näkee mitä.", "vähintään 4 kollegaa", "24 kuukauteen"]),
        ("/en", ["Team assessments", "Who sees what.", "at least 4 colleagues", "for 24 months"]),
    ],
)
def test_the_privacy_notice_tells_what_a_team_stores_who_sees_it_and_how_long(
    client, questionnaire, settings, prefix, texts
):
    settings.TEAM_MIN_RESPONDENTS = 4
    settings.RETENTION_MONTHS = 24
    page = client.get(f"{prefix}/privacy/").content.decode()
    for text in texts:
        assert text in page
