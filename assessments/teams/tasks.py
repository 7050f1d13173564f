"""Sending the team's emails by the task worker (django-tasks), as the follow-up does
(followup/tasks.py): a task carries a row's id, never an address or a token; a failed send is
tried again a few times, further apart, then left failed in the queue's admin."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import emails
from .models import Team, TeamInvitation

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


def _retry_later(task_function: object, *args: object, attempt: int) -> None:
    if attempt <= len(RETRY_DELAYS):
        run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
        task_function.using(run_after=run_after).enqueue(*args, attempt + 1)  # type: ignore[attr-defined]


@task()
def send_team_invitation(invitation_id: int, attempt: int = 1) -> bool:
    invitation = TeamInvitation.objects.select_related("team").filter(pk=invitation_id).first()
    if invitation is None:
        return False  # sent already, or deleted with its team
    try:
        emails.invitation(invitation).send()
    except Exception:
        _retry_later(send_team_invitation, invitation_id, attempt=attempt)
        raise
    # Sent: the address has served its purpose and is not kept.
    TeamInvitation.objects.filter(pk=invitation_id).delete()
    return True


@task()
def send_owner_link(team_id: int, language: str, attempt: int = 1) -> bool:
    team = Team.objects.filter(pk=team_id).exclude(email="").first()
    if team is None:
        return False  # deleted since
    try:
        emails.owner_link(team, language).send()
    except Exception:
        _retry_later(send_owner_link, team_id, language, attempt=attempt)
        raise
    return True
