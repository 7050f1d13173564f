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


def _without_settings_from_the_environment() -> dict[str, str]:
    import os

    skip = {"DEBUG", "SECRET_KEY", "DEVELOPMENT_SECRET_KEY", "HTTPS", "STATIC_MANIFEST"}
    return {key: value for key, value in os.environ.items() if key not in skip}


def _checkout_copy(folder: Path) -> Path:
    """The project's Makefile and settings in `folder` (the app's code linked): settings there
    read `folder/.env`, as they read the real checkout's."""
    import shutil

    base = Path(settings.BASE_DIR)
    for name in ("Makefile", "manage.py"):
        shutil.copy(base / name, folder / name)
    shutil.copytree(base / "cxmaturity", folder / "cxmaturity", ignore=lambda *_: ["__pycache__"])
    for name in ("assessments", "templates", "locale", "static", "fixtures"):
        (folder / name).symlink_to(base / name)
    return folder


@pytest.mark.slow
def test_make_run_writes_a_development_env_once_so_that_manage_py_commands_work(tmp_path):
    import subprocess
    import sys

    checkout = _checkout_copy(tmp_path)
    environment = _without_settings_from_the_environment()

    def manage(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=checkout,
            env={**environment, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    # A newcomer's checkout before make run: no command works.
    assert "SECRET_KEY must be set" in manage("check").stderr

    subprocess.run(["make", "--silent", ".env"], cwd=checkout, env=environment, check=True)
    env_file = checkout / ".env"
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
    assert values["DEBUG"] == "1"
    assert len(values["DEVELOPMENT_SECRET_KEY"]) >= 50
    assert env_file.stat().st_mode & 0o077 == 0  # only its owner reads the key
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "create_consultant" in manage("help").stdout

    # Written once: make run never overwrites a .env that is there.
    env_file.write_text(env_file.read_text() + "TIME_ZONE=UTC\n")
    before = env_file.read_text()
    subprocess.run(["make", "--silent", ".env"], cwd=checkout, env=environment, check=True)
    assert env_file.read_text() == before

    # The development key never serves with DEBUG off, even from the same .env.
    production = manage("check", DEBUG="0")
    assert production.returncode != 0
    assert "SECRET_KEY must be set" in production.stderr


def test_env_files_are_never_committed():
    ignored = (Path(settings.BASE_DIR) / ".gitignore").read_text().splitlines()
    assert "/.env" in ignored or ".env" in ignored
