"""Writes of a team: start, join, close, delete. Each checks its own preconditions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import scoring, services
from ..models import Assessment, QuestionnaireVersion
from . import mirror_content, tasks
from .models import MirrorResponse, Team, TeamInvitation, TeamMember, TeamRole


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


# ---------------------------------------------------------------- invitations by email
class NoOwnerEmail(Exception):
    """The team was started without an email address: there is nowhere to send its owner link."""


@transaction.atomic
def team_invitations_send(*, team: Team, addresses: Sequence[str], language: str) -> int:
    """Email the invite link to each address, in `language`; the addresses are kept only until
    their email has gone (tasks.py deletes each row once sent). Queued on commit: a rolled-back
    request sends nothing."""
    locked = Team.objects.select_for_update().get(pk=team.pk)
    if locked.is_closed:
        raise TeamClosed
    invitations = TeamInvitation.objects.bulk_create(
        TeamInvitation(team=locked, email=address, language=language) for address in addresses
    )
    ids = [invitation.pk for invitation in invitations]

    def enqueue() -> None:
        for invitation_id in ids:
            tasks.send_team_invitation.enqueue(invitation_id)

    transaction.on_commit(enqueue)
    return len(ids)


def owner_link_send(*, team: Team, language: str) -> None:
    """Email the owner link to the address the team was started with."""
    if not team.email:
        raise NoOwnerEmail
    transaction.on_commit(lambda: tasks.send_owner_link.enqueue(team.pk, language))


# ---------------------------------------------------------------- retention
# A month is counted as 30 days, as in the core's purge (services.expired_data_purge).
RETENTION_MONTH = timedelta(days=30)


def expired_teams_purge(*, retention_months: int, now: datetime | None = None) -> int:
    """Delete every team with no activity for `retention_months`, with its members' tests: none
    started, closed, joined or answered since. Returns how many teams went."""
    cutoff = (now or timezone.now()) - RETENTION_MONTH * retention_months
    recent_member = TeamMember.objects.filter(team=OuterRef("pk")).filter(
        Q(joined_at__gte=cutoff)
        | Q(assessment__last_active_at__gte=cutoff)
        | Q(assessment__completed_at__gte=cutoff)
    )
    expired = (
        Team.objects.filter(created_at__lt=cutoff)
        .exclude(closed_at__gte=cutoff)
        .exclude(Exists(recent_member))
    )
    deleted = 0
    for team in expired:
        team_delete(team=team)
        deleted += 1
    return deleted


# --- Customer mirror (issue 17, item 2) -------------------------------------------------------


class NoMirror(Exception):
    """The team's questionnaire version has no customer mirror."""


def mirror_respond(
    *,
    team: Team,
    answers: Mapping[str, int | None],
    recommend: int | None = None,
    comment: str = "",
) -> MirrorResponse:
    """One customer's response, whole or not at all: every question of the team's mirror
    answered (1..5, or None for "don't know"), an optional 0..10 and an optional comment. Nothing
    about the customer is stored beyond that (no address, no session, only the day)."""
    content_of_mirror = mirror_content.mirror_for_label(team.version.label)
    if content_of_mirror is None:
        raise NoMirror
    if set(answers) != set(content_of_mirror.codes):
        raise ValueError("every question of the mirror needs an answer")
    for code, value in answers.items():
        if value is not None and (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not scoring.MIN_VALUE <= value <= scoring.MAX_VALUE
        ):
            raise ValueError(f"answer to {code!r} must be {scoring.MIN_VALUE}..{scoring.MAX_VALUE}")
    response = MirrorResponse(
        team=team,
        mirror_version=content_of_mirror.version,
        answers={code: answers[code] for code in content_of_mirror.codes},
        recommend=recommend,
        comment=comment.strip(),
    )
    response.full_clean(exclude=["team"])
    with transaction.atomic():
        # Locked, so that a response cannot slip in after the owner closed the team.
        if Team.objects.select_for_update().filter(pk=team.pk, closed_at__isnull=True).exists():
            response.save()
            return response
    raise TeamClosed
