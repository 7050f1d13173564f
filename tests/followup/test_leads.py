"""Consultants hear of every new consenting lead once: at once, or in a daily digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks import default_task_backend

from assessments import events, services
from assessments.followup.models import LeadNotice
from assessments.models import Assessment

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, consultant):
    settings.SITE_URL = "https://cx.example.com"
    consultant.email = "kaisa@consultancy.fi"
    consultant.save()
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def _sends() -> list:
    return [r for r in default_task_backend.results if r.task.name.startswith("send_")]


def _run_queued() -> None:
    for result in _sends():
        result.task.call(*result.args, **result.kwargs)
    default_task_backend.clear()


def _lead(questionnaire, **fields) -> Assessment:
    return answered_assessment(
        questionnaire,
        organisation="Acme Oy",
        email="anna@acme.fi",
        consent_to_contact=True,
        role="executive",
        **fields,
    )


@pytest.mark.parametrize(
    ("language", "subject", "texts"),
    [
        (
            "fi",
            "Uusi liidi: Acme Oy",
            ["antoi luvan ottaa yhteyttä", "Toimitusjohtaja, johtaja tai omistaja", "Kokonaistaso"],
        ),
        (
            "en",
            "New lead: Acme Oy",
            ["agreed to be contacted", "Executive or owner", "Overall level"],
        ),
    ],
)
def test_a_consenting_lead_is_emailed_to_the_consultants_once(
    questionnaire, settings, django_capture_on_commit_callbacks, language, subject, texts
):
    settings.CONSULTANT_EMAIL_LANGUAGE = language
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _lead(questionnaire)
        # Later signals about the same lead (a contact request) send nothing new.
        events.contact_requested.send(sender=Assessment, assessment=assessment)
    _run_queued()
    [email] = mail.outbox
    assert email.to == ["kaisa@consultancy.fi"]
    assert email.subject == subject
    html = email.alternatives[0][0]
    for text in [*texts, "anna@acme.fi", f"/admin/assessments/assessment/{assessment.pk}/change/"]:
        assert text in email.body
        assert text in html
    assert assessment.token not in email.body + html
    assert LeadNotice.objects.count() == 1


def test_without_consent_there_is_no_lead(questionnaire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answered_assessment(questionnaire)
    _run_queued()
    assert mail.outbox == []
    assert not LeadNotice.objects.exists()


@pytest.mark.parametrize(
    ("language", "subject", "text"),
    [
        (
            "fi",
            "2 uutta liidiä CX-kypsyystestistä",
            "2 organisaatiota teki CX-kypsyystestin ja antoi luvan ottaa yhteyttä",
        ),
        (
            "en",
            "2 new leads from the CX maturity test",
            "2 organisations completed the CX maturity test and agreed to be contacted",
        ),
    ],
)
def test_the_daily_digest_gathers_the_days_leads_in_one_email(
    questionnaire, settings, django_capture_on_commit_callbacks, language, subject, text
):
    settings.LEAD_EMAIL_DIGEST = True
    settings.CONSULTANT_EMAIL_LANGUAGE = language
    with django_capture_on_commit_callbacks(execute=True):
        _lead(questionnaire)
        _lead(questionnaire, industry="it")
    assert _sends() == []
    call_command("followup_send", stdout=None)
    [email] = mail.outbox
    assert email.subject == subject
    assert text in email.body
    assert text in email.alternatives[0][0]
    assert email.body.count("anna@acme.fi") == 2
    call_command("followup_send")
    assert len(mail.outbox) == 1
    # A lead later that day waits for the next day's digest.
    with django_capture_on_commit_callbacks(execute=True):
        _lead(questionnaire)
    call_command("followup_send")
    assert len(mail.outbox) == 1
    from django.utils import timezone

    from assessments.followup import services as followup_services

    followup_services.followup_send(now=timezone.now() + timedelta(days=1))
    assert len(mail.outbox) == 2
    assert (
        mail.outbox[1].subject == {"fi": "Uusi liidi: Acme Oy", "en": "New lead: Acme Oy"}[language]
    )


def test_a_lead_that_is_erased_before_its_email_sends_nothing(
    questionnaire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assessment = _lead(questionnaire)
    services.assessment_erase(assessment=assessment)
    _run_queued()
    assert mail.outbox == []


def test_a_rolled_back_completion_tells_no_consultant(
    questionnaire, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assessment = _lead(questionnaire)
        assert LeadNotice.objects.filter(assessment=assessment).exists()
        raise RuntimeError("the request failed after completing")
    assert _sends() == []
    _run_queued()
    assert mail.outbox == []
    assert not LeadNotice.objects.exists()
