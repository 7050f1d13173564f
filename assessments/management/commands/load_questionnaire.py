from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.content import (
    FIXTURES,
    ContentError,
    FrozenVersionChanged,
    load_questionnaire,
    read_fixture,
)


class Command(BaseCommand):
    help = "Load (or refresh) the questionnaire from its fixture file. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="One fixture file; without it, every published version's fixture, oldest first.",
        )
        parser.add_argument(
            "--draft", action="store_true", help="Load as a draft instead of publishing it."
        )

    def handle(self, *args: Any, path: Path | None, draft: bool, **options: Any) -> None:
        for fixture in [path] if path else FIXTURES:
            try:
                version, changed = load_questionnaire(read_fixture(fixture), publish=not draft)
            except (ContentError, FrozenVersionChanged) as exc:
                raise CommandError(str(exc)) from exc
            state = "loaded" if changed else "unchanged"
            self.stdout.write(f"Questionnaire {version.label} ({version.status}): {state}.")
