"""Deliver every due webhook message now, without the worker's queue.

The worker delivers on its own; this is for recovery (e.g. after restoring a database backup,
whose queue may lag behind its outbox) and for a cron safety net."""

from typing import Any

from django.core.management.base import BaseCommand

from ...tasks import deliver_due


class Command(BaseCommand):
    help = "Deliver every due webhook message now."

    def handle(self, *args: Any, **options: Any) -> None:
        attempted = deliver_due()
        self.stdout.write(f"{attempted} webhook message(s) attempted.")
