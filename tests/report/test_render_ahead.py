"""A completed test's report is rendered by the task worker before anyone asks for it."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks import default_task_backend

from assessments import services
from assessments.report import cache, pdf, tasks

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def renders(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    calls: list[tuple[int, str]] = []

    def fake_render(assessment, language):
        calls.append((assessment.pk, language))
        return b"%PDF-1.7 " + language.encode()

    monkeypatch.setattr(pdf, "render_report_pdf", fake_render)
    return calls


@pytest.fixture
def queued():
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


def test_completing_a_test_queues_its_report_once_committed(
    questionnaire, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = answered_assessment(questionnaire, language="en")
    assert [(r.task.name, r.args) for r in queued] == [("render_report", [assessment.pk, "en"])]


def test_a_completion_that_is_rolled_back_queues_nothing(
    questionnaire, queued, django_capture_on_commit_callbacks
):
    assessment = answered_assessment(questionnaire, complete=False)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.assessment_complete(assessment=assessment)
        raise RuntimeError("the request failed after completing")
    assert queued == []


def test_the_rendered_report_is_served_without_rendering_again(client, questionnaire, renders):
    assessment = answered_assessment(questionnaire)
    assert tasks.render_report.call(assessment.pk, "fi") is True
    assert renders == [(assessment.pk, "fi")]

    response = client.get(f"/results/{assessment.token}/report.pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fi"
    assert renders == [(assessment.pk, "fi")]


def test_nothing_is_rendered_for_a_test_deleted_meanwhile(questionnaire, renders):
    assessment = answered_assessment(questionnaire)
    pk = assessment.pk
    services.assessment_erase(assessment=assessment)
    assert tasks.render_report.call(pk, "fi") is False
    assert renders == []


# Committed for real: the worker works on its own connection, as it would in its own process.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_the_database_worker_renders_what_completion_queued(questionnaire, renders):
    assessment = answered_assessment(questionnaire)
    name = cache.cache_name(assessment, assessment.language)
    assert not default_storage.exists(name)

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert renders == [(assessment.pk, assessment.language)]
    assert default_storage.exists(name)
