"""The private results link by email, on request from the results page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django_tasks import default_task_backend

from assessments import services as core_services
from assessments.followup import services, tasks
from assessments.followup.models import ReminderSubscription, ResultsEmail
from assessments.models import Assessment

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://cx.example.com"


@pytest.fixture
def queued():
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


def _url(language: str, name: str, *args: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", args=args)


def _run_queued(queued) -> None:
    for result in [r for r in queued if r.task.name.startswith("send_")]:
        result.task.call(*result.args, **result.kwargs)
    queued.clear()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def completed(questionnaire) -> Assessment:
    return answered_assessment(
        questionnaire,
        organisation="Acme Oy",
        email="anna@acme.fi",
        consent_to_contact=True,
        language="fi",
    )


def test_the_results_page_offers_the_form_with_the_given_address(client, completed):
    page = client.get(_url("en", "results", completed.token)).content.decode()
    assert 'id="results-email"' in page
    assert 'value="anna@acme.fi"' in page
    assert _url("en", "results_email", completed.token) in page


@pytest.mark.parametrize(
    ("language", "subject", "texts"),
    [
        (
            "fi",
            "CX-kypsyystestinne tulokset",
            ["Hei,", "Tässä on yksityinen linkki", "Acme Oy", "https://cx.example.com/results/"],
        ),
        (
            "en",
            "Your CX maturity test results",
            ["Hello,", "Here is the private link", "Acme Oy", "https://cx.example.com/en/results/"],
        ),
    ],
)
def test_the_link_is_sent_to_the_given_address_in_the_pages_language(
    client, completed, queued, django_capture_on_commit_callbacks, language, subject, texts
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(language, "results_email", completed.token), {"email": "anna@acme.fi"}
        )
    assert response.status_code == 302
    assert response["Location"] == _url(language, "results", completed.token)
    assert any("anna@acme.fi" in message for message in _messages(response))
    _run_queued(queued)
    [email] = mail.outbox
    assert email.to == ["anna@acme.fi"]
    assert email.subject == subject
    html = email.alternatives[0][0]
    for text in texts:
        assert text in email.body
        assert text in html
    assert completed.token in email.body
    # Sent: the address is not kept.
    assert not ResultsEmail.objects.exists()


def test_a_new_address_must_be_typed_twice(client, completed, queued):
    response = client.post(_url("en", "results_email", completed.token), {"email": "boss@acme.fi"})
    assert any("second time" in message for message in _messages(response))
    assert not ResultsEmail.objects.exists()
    response = client.post(
        _url("en", "results_email", completed.token),
        {"email": "boss@acme.fi", "email_confirm": "boss@acme.fi"},
    )
    assert ResultsEmail.objects.get().email == "boss@acme.fi"


def test_an_invalid_address_gets_a_message_not_an_error(client, completed):
    response = client.post(
        _url("fi", "results_email", completed.token),
        {"email": "not an address", "email_confirm": "not an address"},
    )
    assert response.status_code == 302
    assert any("sähköpostiosoite" in message.lower() for message in _messages(response))
    assert not ResultsEmail.objects.exists()


def test_the_link_is_rate_limited_per_token(client, completed, settings):
    settings.RATE_LIMIT_RESULTS_EMAIL = "2/h"
    for _ in range(2):
        client.post(_url("en", "results_email", completed.token), {"email": "anna@acme.fi"})
    response = client.post(
        _url("en", "results_email", completed.token),
        {"email": "other@acme.fi", "email_confirm": "other@acme.fi"},
    )
    assert any("several times" in message for message in _messages(response))
    assert ResultsEmail.objects.count() == 2


def test_the_link_is_rate_limited_per_address(client, questionnaire, settings):
    settings.RATE_LIMIT_RESULTS_EMAIL = "2/h"
    for _ in range(3):
        assessment = answered_assessment(questionnaire)
        response = client.post(
            _url("en", "results_email", assessment.token),
            {"email": "Victim@example.com", "email_confirm": "victim@example.com"},
        )
    assert any("several times" in message for message in _messages(response))
    assert ResultsEmail.objects.count() == 2


def test_an_unfinished_test_or_a_wrong_token_has_nothing_to_send(client, questionnaire):
    draft = answered_assessment(questionnaire, complete=False)
    data = {"email": "a@example.com", "email_confirm": "a@example.com"}
    assert client.post(_url("en", "results_email", draft.token), data).status_code == 404
    assert client.post(_url("en", "results_email", "nope"), data).status_code == 404
    assert client.get(_url("en", "results_email", draft.token)).status_code == 405


def test_no_email_after_a_rollback(completed, queued, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.results_email_request(
            assessment=completed, email="anna@acme.fi", language="fi", remind=True
        )
        raise RuntimeError("the request failed afterwards")
    assert [r for r in queued if r.task.name == "send_results_link"] == []
    assert not ResultsEmail.objects.exists()
    assert not ReminderSubscription.objects.exists()
    assert mail.outbox == []


def test_a_failing_mail_server_never_reaches_the_request_and_is_retried(
    client, completed, queued, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.followup.failing_backend.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("en", "results_email", completed.token), {"email": "anna@acme.fi"}
        )
    assert response.status_code == 302
    [queued_send] = [r for r in queued if r.task.name == "send_results_link"]
    queued.clear()
    with pytest.raises(OSError):
        queued_send.task.call(*queued_send.args)
    [retry] = queued
    assert retry.args == [ResultsEmail.objects.get().pk, 2]
    assert retry.task.run_after is not None
    assert ResultsEmail.objects.exists()


def test_an_erased_respondents_address_goes_with_the_assessment(completed, queued):
    request = services.results_email_request(
        assessment=completed, email="anna@acme.fi", language="fi", remind=True
    )
    core_services.assessment_erase(assessment=completed)
    assert not ResultsEmail.objects.exists()
    assert not ReminderSubscription.objects.exists()
    # The queued task carries only the row's id: it finds nothing and sends nothing.
    assert tasks.send_results_link.call(request.pk) is False
    assert mail.outbox == []


def test_an_anonymised_respondents_addresses_are_forgotten(completed):
    from datetime import timedelta

    services.results_email_request(
        assessment=completed, email="anna@acme.fi", language="fi", remind=True
    )
    Assessment.objects.filter(pk=completed.pk).update(
        created_at=completed.created_at - timedelta(days=365 * 5)
    )
    core_services.expired_data_purge(retention_months=24, draft_days=30)
    assert Assessment.objects.filter(pk=completed.pk).exists()
    assert not ResultsEmail.objects.exists()
    assert not ReminderSubscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_later_and_shown_failed_in_the_admin(
    client, completed, settings, superuser_client
):
    """For real through the database queue and its worker: the request answers at once, the
    worker's send fails (the mail server refuses), a retry is queued for later, and the failure
    with its error is in the admin's task list."""
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "tests.followup.failing_backend.RefusingBackend"
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=queue):
        response = client.post(
            _url("en", "results_email", completed.token), {"email": "anna@acme.fi"}
        )
        assert response.status_code == 302
        DBTaskResult.objects.exclude(task_path__endswith="send_results_link").delete()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        [failed] = DBTaskResult.objects.filter(status="FAILED")
        [retry] = DBTaskResult.objects.filter(status="READY")
        assert failed.task_path == retry.task_path == "assessments.followup.tasks.send_results_link"
        assert retry.args_kwargs["args"] == [ResultsEmail.objects.get().pk, 2]
        assert retry.run_after > timezone.now()
        listing = superuser_client.get(
            reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
        ).content.decode()
        assert "send_results_link" in listing
        detail = superuser_client.get(
            reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
        ).content.decode()
        assert "ConnectionRefusedError" in detail
    assert mail.outbox == []
