from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    name = "assessments.benchmarks"
    label = "benchmarks"
    verbose_name = _("Benchmarks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The receivers that keep the distributions in step connect on import.
        from . import receivers  # noqa: F401
