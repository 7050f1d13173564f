import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "consultant"


class Command(BaseCommand):
    help = (
        "On a development machine (DEBUG on) with no users yet, create a local admin account "
        "with a random password and print it once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Refusing to create a local account with DEBUG off.")
        users = get_user_model().objects
        if users.exists():
            self.stdout.write(
                "Admin: sign in with your existing account (manage.py createsuperuser adds one)."
            )
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(username=USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a local admin account. User: {USERNAME}  Password: {password}\n"
                "This password is shown only now; keep it (manage.py changepassword resets it)."
            )
        )
