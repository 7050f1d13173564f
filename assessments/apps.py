from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("CX maturity test")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The admin registers its model admins, the report's cache and tasks their receivers,
        # on import.
        from .consultancy import consultancy_check
        from .consultant import admin  # noqa: F401
        from .report import cache, tasks  # noqa: F401
        from .security import proxy_settings_check

        post_migrate.connect(_sync_consultants_group, sender=self)
        # Every manage.py command (migrate at the container's start included) reports a proxy
        # setting that cannot be what was meant.
        checks.register(proxy_settings_check, checks.Tags.security)
        # A production names its data controller and contact (privacy notice, report).
        checks.register(consultancy_check, checks.Tags.compatibility, deploy=True)


def _sync_consultants_group(sender: AppConfig, **kwargs: Any) -> None:
    from .services import consultants_group_sync

    consultants_group_sync()
