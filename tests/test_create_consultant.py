"""manage.py create_consultant takes only a user name that the admin's own user form would take."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from .conftest import PASSWORD

LETTERS = re.escape("letters, numbers, and @/./+/-/_")

pytestmark = pytest.mark.django_db


def create(username):
    call_command("create_consultant", username, password=PASSWORD, stdout=StringIO())


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("Bad Name", LETTERS),
        ("kaisa!", LETTERS),
        ("<script>", LETTERS),
        ("", "cannot be blank"),
        ("k" * 151, "at most 150 characters"),
    ],
)
def test_an_invalid_user_name_is_refused_clearly(username, reason):
    with pytest.raises(CommandError, match=reason):
        create(username)
    assert not get_user_model().objects.exists()


def test_a_user_name_that_differs_only_in_case_is_taken():
    create("kaisa")
    with pytest.raises(CommandError, match="already exists"):
        create("Kaisa")
    assert get_user_model().objects.count() == 1


def test_a_valid_user_name_is_created_in_its_normal_form():
    create("maija.meikäläinen@example.com")
    create("ｖｉｌｌｅ")  # full-width letters, as the user form normalises them (NFKC)
    assert set(get_user_model().objects.values_list("username", flat=True)) == {
        "maija.meikäläinen@example.com",
        "ville",
    }
