from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "assessments.teams"
    label = "teams"
    verbose_name = _("Team assessments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A team's deletion takes its members' tests with it (receivers.py).
        from . import receivers  # noqa: F401

        # This app's permissions exist only after its own migrations, later than the core's, so
        # the consultants' group (roles.VIEW_TEAM) is synced again then.
        post_migrate.connect(_sync_consultants_group, sender=self)


def _sync_consultants_group(sender: AppConfig, **kwargs: Any) -> None:
    from ..services import consultants_group_sync

    consultants_group_sync()
