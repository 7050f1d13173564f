"""Project-level promises: migrations in step with the models, the catalogues compiled."""

from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_finnish_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(LOCALE / "fi" / "LC_MESSAGES" / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    mo = polib.mofile(str(LOCALE / "fi" / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            {int(k): v for k, v in entry.msgstr_plural.items()} if entry.msgstr_plural else {},
        ), f"django.mo is older than django.po ({entry.msgid!r}); run make messages"


def test_the_lock_pins_every_runtime_dependency():
    import re
    import tomllib

    base = Path(settings.BASE_DIR)
    declared = tomllib.loads((base / "pyproject.toml").read_text())["project"]["dependencies"]
    pinned = {
        re.split(r"[=\[]", line, maxsplit=1)[0].lower().replace("_", "-")
        for line in (base / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    }
    for requirement in declared:
        name = re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f"{name} is not in requirements.lock: run make lock"
