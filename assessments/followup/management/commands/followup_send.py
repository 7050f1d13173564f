"""The daily round of follow-up emails: reminders to retake the test (90 days and 12 months after
completion, opt-in only) and, with LEAD_EMAIL_DIGEST on, the consultants' digest of new leads.
Run it once a day (cron, a systemd timer, or the platform's scheduler); running it more often
sends nothing twice."""

from typing import Any

from django.core.management.base import BaseCommand

from ...services import followup_send


class Command(BaseCommand):
    help = "Send due retake reminders and, if enabled, the daily digest of new leads."

    def handle(self, *args: Any, **options: Any) -> None:
        report = followup_send()
        self.stdout.write(
            f"{report.reminders} reminder(s) sent, {report.failed} failed; "
            f"{report.digest_leads} lead(s) in the digest."
        )
