"""A database outage, or a database or media storage that refuses writes, is a plain 503 with a
retry hint, never a 500; the readiness probe says "not ready" meanwhile."""

import os
from pathlib import Path

import pytest
from django.db import DatabaseError, InternalError, OperationalError, connection

from assessments import health
from assessments.models import Assessment

from . import faulty_storage
from .factories import answered_assessment

pytestmark = pytest.mark.django_db


def test_a_database_outage_gives_a_503_page_in_the_pages_language(
    client, questionnaire, monkeypatch
):
    assessment = answered_assessment(questionnaire, complete=False)

    def down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    monkeypatch.setattr("assessments.selectors.areas_with_questions", down)
    for path, text in [
        (f"/a/{assessment.token}/area/1/", "Pieni tauko"),
        (f"/en/a/{assessment.token}/area/1/", "A short break"),
    ]:
        response = client.get(path)
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        html = response.content.decode()
        assert text in html
        assert "127.0.0.1" not in html


# --- issue 18: a database or a media storage that refuses writes ------------------------------


@pytest.fixture
def disk(settings, tmp_path):
    return faulty_storage.install(settings, tmp_path / "media")


@pytest.fixture
def read_only_database():
    """Switches the test database to read-only and back, as a read-only mount or a standby is."""
    if connection.vendor != "sqlite":
        pytest.skip("simulated with SQLite's query_only")

    def switch(read_only: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")

    yield switch
    switch(False)


def test_readiness_writes_to_the_database_and_the_storage_and_leaves_nothing(client, disk):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready")
    assert disk.files() == set()


def test_readiness_fails_while_the_database_is_read_only(client, disk, read_only_database):
    read_only_database(True)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"database read-only")
    read_only_database(False)
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("fault", ["read_only", "full"])
def test_readiness_fails_while_the_media_storage_cannot_be_written(client, disk, fault):
    setattr(disk, fault, True)
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"media storage not writable")
    assert response["Cache-Control"] == "no-store"
    assert disk.files() == set()  # not even half a probe file


def test_pages_still_read_while_the_database_is_read_only(
    client, questionnaire, read_only_database
):
    assessment = answered_assessment(questionnaire)
    read_only_database(True)
    assert client.get(f"/results/{assessment.token}/").status_code == 200
    assert client.get(f"/en/results/{assessment.token}/delete/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("prefix", "texts"),
    [
        ("", ["Muutoksia ei voi tallentaa juuri nyt", "Tietojanne ei poistettu"]),
        ("/en", ["Changes cannot be saved right now", "Your data has not been deleted"]),
    ],
)
def test_deleting_on_a_read_only_database_is_a_503_that_says_nothing_was_deleted(
    client, questionnaire, read_only_database, prefix, texts
):
    assessment = answered_assessment(questionnaire)
    delete = f"{prefix}/results/{assessment.token}/delete/"
    read_only_database(True)
    response = client.post(delete)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert all(text in html for text in texts)
    assert f'href="{delete}"' in html
    assert "readonly" not in html
    read_only_database(False)
    assert Assessment.objects.filter(pk=assessment.pk).exists()


class ReadOnlySqlTransaction(Exception):
    """What psycopg raises on a PostgreSQL standby or in a read-only transaction."""

    sqlstate = "25006"


def test_a_read_only_postgresql_gives_the_503_page_not_a_500(client, questionnaire, monkeypatch):
    assessment = answered_assessment(questionnaire, complete=False)

    def read_only(*args, **kwargs):
        # As Django's DatabaseErrorWrapper raises it: InternalError from the driver's error.
        error = InternalError("cannot execute UPDATE in a read-only transaction")
        raise error from ReadOnlySqlTransaction()

    monkeypatch.setattr("assessments.selectors.areas_with_questions", read_only)
    response = client.get(f"/en/a/{assessment.token}/area/1/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert "Changes cannot be saved right now" in html
    assert "Please wait a moment and reload the page." in html
    assert "read-only transaction" not in html


@pytest.mark.parametrize(
    "error", [FileNotFoundError(2, "No such file"), InternalError("a bug, not an outage")]
)
def test_other_errors_stay_errors(client, questionnaire, monkeypatch, error):
    assessment = answered_assessment(questionnaire, complete=False)

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("assessments.selectors.areas_with_questions", broken)
    with pytest.raises(type(error)):
        client.get(f"/a/{assessment.token}/area/1/")


def test_the_write_probe_for_other_databases_is_refused_by_a_read_only_one(db, read_only_database):
    # PostgreSQL's probe (an update of no rows), tried on the read-only test database.
    assert health._accepts_a_write()
    read_only_database(True)
    with pytest.raises(DatabaseError):
        health._accepts_a_write()
    read_only_database(False)
    assert health._accepts_a_write()


def test_a_sqlite_file_on_a_read_only_mount_is_not_writable(db, tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    database = tmp_path / "db.sqlite3"
    database.touch()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    assert health._sqlite_writable()
    access = os.access

    def on_a_read_only_mount(path, mode):
        # What access(2) answers there, even to root: EROFS for a write.
        if mode == os.W_OK and Path(path) in (database, tmp_path):
            return False
        return access(path, mode)

    monkeypatch.setattr(health.os, "access", on_a_read_only_mount)
    assert not health._sqlite_writable()
