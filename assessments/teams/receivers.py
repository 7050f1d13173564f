"""A team's deletion erases its members' tests, however the team is deleted (its owner's page,
the admin's list or a shell): the team promised them to nobody else."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .. import services
from ..models import Assessment
from .models import Team


@receiver(pre_delete, sender=Team, dispatch_uid="teams_erase_members")
def _erase_members(sender: type[Team], instance: Team, **kwargs: Any) -> None:
    for assessment in Assessment.objects.filter(team_membership__team=instance):
        services.assessment_erase(assessment=assessment)
