import getpass
import secrets
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)
from django.db import transaction
from django.db.models import Field

from assessments.roles import CONSULTANTS_GROUP


class Command(BaseCommand):
    help = (
        "Create a consultant: a staff user in the Consultants group, who can review and follow up "
        "assessments in the admin. The password is asked for, given with --password, or, with "
        "--random-password (or without a terminal), generated and printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        password = parser.add_mutually_exclusive_group()
        password.add_argument("--password", help="The password (visible in the shell history).")
        password.add_argument(
            "--random-password", action="store_true", help="Generate a password and print it."
        )

    @no_translations  # the command speaks English, the validators' messages included
    def handle(
        self,
        *args: Any,
        username: str,
        email: str,
        first_name: str,
        last_name: str,
        password: str | None,
        random_password: bool,
        **options: Any,
    ) -> None:
        username = self._valid_new_username(username)
        try:
            group = Group.objects.get(name=CONSULTANTS_GROUP)
        except Group.DoesNotExist as exc:
            raise CommandError("The Consultants group is missing: run manage.py migrate.") from exc

        generated = random_password or (password is None and not self._interactive())
        if generated:
            password = secrets.token_urlsafe(12)
        elif password is None:
            password = self._ask_password()
        user = get_user_model()(
            username=username, email=email, first_name=first_name, last_name=last_name
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        with transaction.atomic():
            user.is_staff = True
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Created the consultant {username}."))
        if generated:
            self.stdout.write(f"Password: {password}\nIt is shown only now; keep it safe.")

    def _valid_new_username(self, username: str) -> str:
        """`username` normalised and checked as the admin's user form checks it: the user model's
        validator and length, and no existing user of the same name in any letter case."""
        user_model = get_user_model()
        username = user_model.normalize_username(username)
        field = user_model._meta.get_field(user_model.USERNAME_FIELD)
        if not isinstance(field, Field):  # a relation cannot be a user model's name field
            raise CommandError(f"The user model's {user_model.USERNAME_FIELD} is not a field.")
        try:
            field.clean(username, None)
        except ValidationError as exc:
            raise CommandError(
                f"{username!r} cannot be a user name: {' '.join(exc.messages)}"
            ) from exc
        lookup = {f"{user_model.USERNAME_FIELD}__iexact": username}
        if user_model._default_manager.filter(**lookup).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        return username

    def _interactive(self) -> bool:
        return sys.stdin.isatty()

    def _ask_password(self) -> str:
        for _attempt in range(3):
            first = getpass.getpass("Password: ")
            if first and first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("The passwords did not match (or were empty). Try again.")
        raise CommandError("No password given.")
