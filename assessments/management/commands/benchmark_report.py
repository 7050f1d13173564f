from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessments.benchmarks.annual import annual_report
from assessments.report.pdf import render_html

TEMPLATE = "benchmarks/annual_report.html"


class Command(BaseCommand):
    help = (
        "Write the anonymised annual benchmark report as a PDF: the year's organisations, their "
        "levels per area, by industry and size where a group has at least 10, the most common "
        "strengths and priorities, and method notes. No count under 10 is printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[c for c, _ in settings.LANGUAGES]
        )
        parser.add_argument(
            "--output", help="The PDF's path (default: cx-benchmark-<year>-<language>.pdf)."
        )

    def handle(
        self, *args: Any, year: int, language: str, output: str | None, **options: Any
    ) -> None:
        if not 2000 <= year <= timezone.now().year:
            raise CommandError(f"--year must be between 2000 and {timezone.now().year}.")
        path = Path(output or f"cx-benchmark-{year}-{language}.pdf")
        with translation.override(language):
            report = annual_report(year)
            html = render_to_string(
                TEMPLATE, {"report": report, "language": language, "created": timezone.now()}
            )
        path.write_bytes(render_html(html))
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {path} ({report.organisations} organisations, {year}).")
        )
