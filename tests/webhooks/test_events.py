"""Events reach the outbox in the transaction of their change, and carry only what the
respondent agreed to share."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from assessments import events, services
from assessments.models import Assessment
from assessments.webhooks.models import EventType, WebhookEndpoint, WebhookMessage

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def _types(assessment_id: int) -> list[str]:
    return sorted(
        WebhookMessage.objects.filter(assessment_id=assessment_id).values_list(
            "event_type", flat=True
        )
    )


def test_a_completion_writes_one_message_per_subscribed_endpoint_and_queues_it_on_commit(
    questionnaire, endpoint, queued, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="Other", url=endpoint.url, events=["data.deleted"])
    WebhookEndpoint.objects.create(
        name="Off", url=endpoint.url, events=list(EventType.values), is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment = answered_assessment(questionnaire)
    message = WebhookMessage.objects.get(assessment_id=assessment.pk)
    assert (message.endpoint, message.event_type) == (endpoint, "assessment.completed")
    assert [
        (result.task.name, result.args)
        for result in queued
        if result.task.name == "deliver_message"
    ] == [("deliver_message", [message.pk])]


def test_a_rolled_back_completion_leaves_no_message_and_queues_nothing(
    questionnaire, endpoint, queued, django_capture_on_commit_callbacks
):
    assessment = answered_assessment(questionnaire, complete=False)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.assessment_complete(assessment=assessment)
        raise RuntimeError("the request failed after completing")
    assert not WebhookMessage.objects.exists()
    assert [result for result in queued if result.task.name == "deliver_message"] == []


def test_without_consent_no_contact_details_no_answers_and_no_token_leave(questionnaire, endpoint):
    assessment = answered_assessment(questionnaire, organisation="Acme Oy", industry="it")
    payload = WebhookMessage.objects.get(assessment_id=assessment.pk).payload
    text = json.dumps(payload)
    assert payload["type"] == "assessment.completed"
    assert payload["data"]["contact"] is None
    assert "Acme" not in text
    assert assessment.token not in text
    assert "answers" not in text
    assert payload["data"]["industry"] == "it"
    assert payload["data"]["result"]["level"] == assessment.stored_result.overall_level


def test_with_consent_the_contact_details_go_along(questionnaire, endpoint):
    assessment = answered_assessment(questionnaire, complete=False)
    services.background_save(
        assessment=assessment,
        details={"organisation": "Acme Oy", "email": "anna@acme.fi", "consent_to_contact": True},
    )
    services.assessment_complete(assessment=assessment)
    assert _types(assessment.pk) == ["assessment.completed", "consent.given"]
    completed = WebhookMessage.objects.get(
        assessment_id=assessment.pk, event_type="assessment.completed"
    )
    contact = completed.payload["data"]["contact"]
    assert (contact["organisation"], contact["email"]) == ("Acme Oy", "anna@acme.fi")
    assert assessment.token not in json.dumps(completed.payload)


def test_a_contact_request_is_an_event(questionnaire, endpoint):
    assessment = answered_assessment(questionnaire)
    with transaction.atomic():
        events.contact_requested.send(sender=Assessment, assessment=assessment)
    assert _types(assessment.pk) == ["assessment.completed", "contact.requested"]


def test_a_deletion_removes_the_messages_about_it_and_tells_the_crm(questionnaire, endpoint):
    assessment = answered_assessment(
        questionnaire, organisation="Acme Oy", email="anna@acme.fi", consent_to_contact=True
    )
    assessment_id = assessment.pk
    services.assessment_erase(assessment=assessment)
    deleted = WebhookMessage.objects.get(assessment_id=assessment_id)
    assert deleted.event_type == "data.deleted"
    assert deleted.payload["data"] == {"assessment_id": assessment_id}
    assert "Acme" not in json.dumps(deleted.payload)


def test_anonymisation_tells_the_crm_too(questionnaire, endpoint):
    assessment = answered_assessment(
        questionnaire, organisation="Acme Oy", email="anna@acme.fi", consent_to_contact=True
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=assessment.created_at.replace(year=assessment.created_at.year - 5)
    )
    services.expired_data_purge(retention_months=24, draft_days=30)
    assert _types(assessment.pk) == ["data.deleted"]


def test_a_draft_the_crm_never_heard_of_sends_no_deletion(questionnaire, endpoint):
    assessment = answered_assessment(questionnaire, complete=False)
    services.assessment_erase(assessment=assessment)
    assert not WebhookMessage.objects.exists()


def test_an_unreachable_endpoint_never_slows_the_respondents_page(
    questionnaire, endpoint, client, monkeypatch
):
    """Completing the test on its page only writes the outbox row: nothing is sent while the
    respondent waits (the worker sends it)."""
    from assessments.webhooks import transport

    from ..respondent.test_flow import take_whole_test

    def never(**kwargs):
        raise AssertionError("a webhook was sent during the request")

    monkeypatch.setattr(transport, "post", never)
    assessment = take_whole_test(
        client,
        questionnaire,
        "en",
        lambda question: 3,
        background={"email": "anna@acme.fi", "consent_to_contact": "on"},
    )
    assert _types(assessment.pk) == ["assessment.completed", "consent.given"]
