from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "assessments.followup"
    label = "followup"
    verbose_name = _("Follow-up emails")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The receivers connect to the core's signals.
        from . import receivers  # noqa: F401
