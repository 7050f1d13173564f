"""The report cache under faults: nothing partial is served, nothing of a deleted assessment stays.

Issue 18, findings 1-3: a full disk while a report is written, "delete my data" while the report
renders, and a storage that has turned read-only. The renderer is a stand-in (see the `renders`
fixture); the storage is tests/faulty_storage.py over a temporary folder.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.storage.memory import InMemoryFileNode
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import services
from assessments.models import Assessment
from assessments.report import cache, pdf

from .. import faulty_storage
from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

PDF_MAGIC = b"%PDF-"
ORGANISATION = "Äyskäri & Co"


@pytest.fixture
def disk(settings, tmp_path):
    return faulty_storage.install(settings, tmp_path / "media")


@pytest.fixture
def renders(monkeypatch):
    """Stands in for WeasyPrint: counts renders and returns a marked PDF of some length."""
    calls: list[tuple[str, str]] = []

    def fake_render(assessment, language):
        calls.append((assessment.token, language))
        return PDF_MAGIC + f"{language} {len(calls)} ".encode() + b"x" * 4000 + b"%%EOF"

    monkeypatch.setattr(pdf, "render_report_pdf", fake_render)
    return calls


@pytest.fixture
def completed(questionnaire):
    return answered_assessment(questionnaire, organisation=ORGANISATION, language="fi")


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def whole(data: bytes) -> bool:
    return data.startswith(PDF_MAGIC) and data.endswith(b"%%EOF")


# --- 1. a full disk --------------------------------------------------------------------------


def test_a_full_disk_leaves_no_partial_report_and_the_next_download_renders_afresh(
    client, disk, renders, completed
):
    link = url("fi", "report_pdf", token=completed.token)
    disk.full = True
    response = client.get(link)
    # The report was rendered whole: it is served, only not kept.
    assert response.status_code == 200
    assert whole(body(response))
    assert disk.seen_half_written, "the storage was written to, and filled up half way"
    assert disk.files() == set()

    disk.full = False
    second = body(client.get(link))
    assert len(renders) == 2  # rendered afresh, not served from a truncated file
    assert whole(second)
    third = body(client.get(link))
    assert len(renders) == 2
    assert third == second
    assert disk.files() == {cache.cache_name(completed, "fi")}


def test_a_report_appears_in_the_cache_only_when_it_is_whole(client, disk, renders, completed):
    body(client.get(url("fi", "report_pdf", token=completed.token)))
    name = cache.cache_name(completed, "fi")
    [half_written] = disk.seen_half_written
    # Another request looking meanwhile would not have found the report, so it would not have
    # served half of it.
    assert name not in half_written
    assert disk.files() == {name}


def test_a_storage_without_local_files_stores_the_report_under_its_name(
    client, settings, renders, completed
):
    # Remote storages (S3 and the like) have no paths, and a save there is already atomic.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    link = url("fi", "report_pdf", token=completed.token)
    first = body(client.get(link))
    assert isinstance(default_storage._wrapped, InMemoryStorage)
    assert body(client.get(link)) == first
    assert len(renders) == 1
    name = cache.cache_name(completed, "fi")
    folder, file_name = name.rsplit("/", 1)
    assert default_storage.listdir(folder) == ([], [file_name])
    services.assessment_erase(assessment=completed)
    assert not default_storage.exists(name)


# --- 2. "delete my data" while the report renders ----------------------------------------------


def test_a_deletion_while_the_report_renders_leaves_no_report(client, disk, monkeypatch, completed):
    def render_while_the_respondent_deletes(assessment, language):
        # The respondent presses "Delete for good" in another tab while WeasyPrint works.
        assert Client().post(url("fi", "delete_data", token=assessment.token)).status_code == 302
        return PDF_MAGIC + ORGANISATION.encode() + b"%%EOF"

    monkeypatch.setattr(pdf, "render_report_pdf", render_while_the_respondent_deletes)
    response = client.get(url("fi", "report_pdf", token=completed.token))
    assert not Assessment.objects.filter(pk=completed.pk).exists()
    assert disk.files() == set()
    assert response.status_code == 404


def test_an_erasure_while_the_report_renders_leaves_no_report(client, disk, monkeypatch, completed):
    def render_while_the_retention_purge_runs(assessment, language):
        services.expired_data_purge(
            now=assessment.created_at + timedelta(days=30 * 25), retention_months=24, draft_days=30
        )
        return PDF_MAGIC + ORGANISATION.encode() + b"%%EOF"

    monkeypatch.setattr(pdf, "render_report_pdf", render_while_the_retention_purge_runs)
    response = client.get(url("fi", "report_pdf", token=completed.token))
    assert response.status_code == 200  # what was asked for before the purge, and not kept
    completed.refresh_from_db()
    assert completed.organisation == ""
    assert disk.files() == set()


def test_a_report_stored_between_the_erasure_and_its_commit_goes_too(
    disk, completed, django_capture_on_commit_callbacks
):
    name = cache.cache_name(completed, "fi")
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_erase(assessment=completed)
        # A renderer on another app server stores its report now; re-reading the row before
        # the erasure is committed, it still finds it and keeps its file.
        default_storage.save(name, ContentFile(PDF_MAGIC + ORGANISATION.encode()))
        assert disk.files() == {name}
    assert disk.files() == set()


# --- 3. a read-only storage --------------------------------------------------------------------


def test_a_read_only_storage_still_serves_reports_and_keeps_nothing(
    client, disk, renders, completed
):
    fi = url("fi", "report_pdf", token=completed.token)
    body(client.get(fi))
    cached = disk.files()
    disk.read_only = True
    response = client.get(url("en", "report_pdf", token=completed.token))
    assert response.status_code == 200
    assert whole(body(response))
    assert body(client.get(fi)).startswith(PDF_MAGIC + b"fi")  # the cached one is still read
    assert disk.files() == cached
    assert len(renders) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "Tietojanne ei poistettu"),
        ("en", "Your data has not been deleted"),
    ],
)
def test_deleting_on_a_read_only_storage_is_a_503_and_deletes_nothing(
    client, disk, renders, completed, language, text
):
    body(client.get(url("fi", "report_pdf", token=completed.token)))
    cached = disk.files()
    disk.read_only = True
    delete = url(language, "delete_data", token=completed.token)
    response = client.post(delete)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    html = response.content.decode()
    assert text in html
    assert f'href="{delete}"' in html  # back to try again
    assert str(disk.root) not in html
    assert Assessment.objects.filter(pk=completed.pk).exists()
    assert disk.files() == cached

    disk.read_only = False
    assert client.post(delete).status_code == 302
    assert not Assessment.objects.filter(pk=completed.pk).exists()
    assert disk.files() == set()


class ObjectStorage(InMemoryStorage):
    """Answers exists() as S3 does: for objects only, never for a folder (a key prefix)."""

    def exists(self, name):
        return isinstance(self._resolve(name, check_exists=False), InMemoryFileNode)


def test_an_object_storage_forgets_the_reports_of_a_deleted_assessment(
    client, settings, renders, completed
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.ObjectStorage"},
    }
    name = cache.cache_name(completed, "fi")
    body(client.get(url("fi", "report_pdf", token=completed.token)))
    assert default_storage.exists(name)
    assert not default_storage.exists(name.rsplit("/", 1)[0])
    services.assessment_erase(assessment=completed)
    assert not default_storage.exists(name)
