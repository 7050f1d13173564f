"""Writes of a team: start, join, close, delete. Each checks its own preconditions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .. import services
from ..models import Assessment, QuestionnaireVersion
from .models import Team, TeamMember, TeamRole


class TeamClosed(Exception):
    """The team's owner has closed it: nobody may join any more."""


class TeamVersionReplaced(Exception):
    """A newer questionnaire version has been published since the team started: a new member's
    answers could not be put beside the others'."""


def team_start(*, organisation: str, email: str = "") -> Team:
    """A new team on the current questionnaire version, with its two private links."""
    version = QuestionnaireVersion.objects.current()
    if version is None:
        raise services.NoPublishedQuestionnaire
    team = Team(organisation=organisation.strip(), email=email.strip(), version=version)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_join(*, team: Team, language: str, role: str = "") -> Assessment:
    """A new test for a colleague, counted in the team (with the role they named, if any)."""
    if role and role not in TeamRole.values:
        raise ValueError(f"unknown role {role!r}")
    locked = Team.objects.select_for_update().get(pk=team.pk)
    if locked.is_closed:
        raise TeamClosed
    assessment = services.assessment_start(language=language)
    if assessment.version_id != locked.version_id:
        raise TeamVersionReplaced
    TeamMember.objects.create(team=locked, assessment=assessment, role=role)
    return assessment


def team_close(*, team: Team) -> None:
    """No new members from now on; tests completed after this do not count."""
    Team.objects.filter(pk=team.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    team.refresh_from_db(fields=["closed_at"])


@transaction.atomic
def team_delete(*, team: Team) -> None:
    """The team with every member's test, answers and results, for good (receivers.py erases
    the tests when the team's row goes, whichever way it is deleted)."""
    team.delete()
