"""Writes of the webhooks: events into the outbox, and resending.

Called inside the transaction that changed the assessment (receivers.py), so that an event
exists exactly when its change was committed; the worker is told once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..models import Assessment
from . import payloads
from .models import DeliveryStatus, EventType, WebhookEndpoint, WebhookMessage
from .tasks import deliver_message


def _enqueue_on_commit(message_ids: list[int]) -> None:
    def enqueue() -> None:
        for message_id in message_ids:
            deliver_message.enqueue(message_id)

    if message_ids:
        transaction.on_commit(enqueue)


def _record(*, event_type: str, assessment_id: int, data: dict[str, object]) -> list[int]:
    now = timezone.now()
    payload = payloads.envelope(event_type=event_type, timestamp=now, data=data)
    messages = WebhookMessage.objects.bulk_create(
        [
            WebhookMessage(
                endpoint=endpoint,
                event_type=event_type,
                assessment_id=assessment_id,
                payload=payload,
                created_at=now,
                retrying_since=now,
                next_attempt_at=now,
            )
            for endpoint in WebhookEndpoint.objects.subscribed_to(event_type)
        ]
    )
    ids = [message.pk for message in messages]
    if None in ids:
        # Backends that return no ids from a bulk insert (none that Django ships today).
        ids = list(
            WebhookMessage.objects.filter(
                assessment_id=assessment_id, event_type=event_type, created_at=now
            ).values_list("pk", flat=True)
        )
    _enqueue_on_commit(ids)
    return ids


def event_record(*, assessment: Assessment, event_type: EventType) -> list[int]:
    """Put the event about this assessment in the outbox of every endpoint that asked for it."""
    if event_type == EventType.DATA_DELETED:
        raise ValueError("a deletion is recorded with erasure_record")
    return _record(
        event_type=event_type,
        assessment_id=assessment.pk,
        data=payloads.assessment_data(assessment),
    )


def erasure_record(*, assessment_id: int) -> list[int]:
    """The assessment's data is gone: so are the messages about it (they carry that data), and
    every endpoint that had been told about it, or may be, is told it was deleted."""
    about = WebhookMessage.objects.filter(assessment_id=assessment_id).exclude(
        event_type=EventType.DATA_DELETED
    )
    announced = about.exists()
    about.delete()
    if not announced:
        return []
    return _record(
        event_type=EventType.DATA_DELETED,
        assessment_id=assessment_id,
        data=payloads.deleted_data(assessment_id),
    )


@transaction.atomic
def messages_resend(*, messages: Iterable[WebhookMessage]) -> int:
    """Send these messages again (same webhook-id, so a receiver that did get one ignores it),
    with 24 hours of retries from now."""
    ids = [message.pk for message in messages]
    updated = WebhookMessage.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING,
        next_attempt_at=timezone.now(),
        retrying_since=timezone.now(),
        lease_until=None,
        attempts=0,
        last_error="",
    )
    _enqueue_on_commit(ids)
    return updated
