from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("CX maturity test")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The admin registers its model admins, the report cache its receivers, on import.
        from .consultant import admin  # noqa: F401
        from .report import cache  # noqa: F401
