import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.demo import create_demo_assessments
from assessments.models import Assessment, QuestionnaireVersion


class Command(BaseCommand):
    help = (
        "Create realistic random completed assessments on the current questionnaire version, "
        "flagged as demo data, for demos, the dashboard and benchmarks. "
        "Needs a loaded questionnaire (manage.py load_questionnaire)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="Completed assessments.")
        parser.add_argument(
            "--abandoned", type=int, default=0, help="Unfinished assessments as well (default 0)."
        )
        parser.add_argument("--seed", type=int, help="Random seed, for repeatable data.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--delete", action="store_true", help="Delete the earlier demo data first."
        )

    def handle(
        self,
        *args: Any,
        count: int,
        abandoned: int,
        seed: int | None,
        batch_size: int,
        delete: bool,
        **options: Any,
    ) -> None:
        if count < 0 or abandoned < 0 or batch_size < 1:
            raise CommandError("--count and --abandoned must be 0 or more, --batch-size 1 or more.")
        version = QuestionnaireVersion.objects.current()
        if version is None:
            raise CommandError("No published questionnaire: run manage.py load_questionnaire.")
        if delete:
            deleted, _ = Assessment.objects.demo().delete()
            self.stdout.write(f"Deleted {deleted} rows of earlier demo data.")
        started = time.monotonic()
        created = create_demo_assessments(
            version, count, abandoned=abandoned, seed=seed, batch_size=batch_size
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} demo assessments on version {version.label} "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
