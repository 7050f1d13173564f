from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from assessments.services import expired_data_purge
from assessments.teams.services import expired_teams_purge


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of assessments older than RETENTION_MONTHS and delete "
        "unfinished tests untouched for ABANDONED_DRAFT_DAYS; delete team assessments with no "
        "activity for RETENTION_MONTHS, with their tests. Run it daily (see docs/privacy.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retention-months", type=int, default=settings.RETENTION_MONTHS)
        parser.add_argument("--draft-days", type=int, default=settings.ABANDONED_DRAFT_DAYS)

    def handle(self, *args: Any, retention_months: int, draft_days: int, **options: Any) -> None:
        # Teams first: their members' tests go with them, so none is anonymised in vain.
        teams = expired_teams_purge(retention_months=retention_months)
        report = expired_data_purge(retention_months=retention_months, draft_days=draft_days)
        self.stdout.write(
            f"Anonymised {report.anonymised} assessment(s) older than {retention_months} months; "
            f"deleted {report.deleted_drafts} unfinished test(s) left over {draft_days} days ago; "
            f"deleted {teams} team(s) inactive for {retention_months} months."
        )
