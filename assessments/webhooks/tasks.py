"""Delivery by the task worker (django-tasks, `manage.py db_worker`).

A message is claimed in a short transaction: its row is locked (skipping rows another worker
holds), a lease is written, and a follow-up task is queued for when the lease ends, all in one
commit. The POST happens outside any transaction, so a slow endpoint holds no lock that a
respondent's page could wait for. If the worker is killed mid-delivery, the lease passes, the
follow-up task finds the message due and sends it again with the same webhook-id; when the
delivery succeeded, the follow-up finds nothing to do.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import guard, schedule, signing, transport
from .models import DeliveryStatus, WebhookMessage

logger = logging.getLogger(__name__)

# Per attempt: connecting, sending and reading the answer.
TIMEOUT_SECONDS = 10
# Longer than any attempt can take, so that two workers never send one message at the same time.
LEASE = timedelta(seconds=6 * TIMEOUT_SECONDS)


def _claim(message_id: int) -> tuple[WebhookMessage, datetime] | None:
    now = timezone.now()
    with transaction.atomic():
        message = (
            # Only the message's own row ("self"), and FOR NO KEY UPDATE: a plain FOR UPDATE
            # would also lock the joined endpoint row, on which every transaction writing a new
            # message to that endpoint takes a key-share lock (its foreign key's check), and the
            # claim would skip the message while a respondent's completion is being committed.
            WebhookMessage.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("endpoint")
            .due(now)
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return None
        lease_until = now + LEASE
        message.lease_until = lease_until
        message.attempts += 1
        message.save(update_fields=["lease_until", "attempts"])
        # In the claim's own commit (the database queue shares the transaction): whatever happens
        # to this worker now, the message is looked at again once the lease has passed.
        deliver_message.using(run_after=lease_until).enqueue(message.pk)
    return message, lease_until


def _attempt(message: WebhookMessage) -> tuple[int | None, str, bool]:
    """(status, error, permanent): one signed POST of the message."""
    body = json.dumps(message.payload, separators=(",", ":")).encode()
    headers = signing.headers(
        secret=message.endpoint.secret,
        message_id=message.webhook_id,
        timestamp=int(time.time()),
        body=body,
    )
    try:
        target = guard.url_check(message.endpoint.url)
    except guard.UnsafeURL as error:
        return None, " ".join(error.messages), True
    try:
        status = transport.post(target=target, body=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"[:300], False
    if 200 <= status < 300:
        return status, "", False
    return status, f"HTTP {status}", False


def _record(
    message: WebhookMessage,
    lease_until: datetime,
    *,
    status: int | None,
    error: str,
    permanent: bool,
) -> str:
    now = timezone.now()
    mine = WebhookMessage.objects.filter(pk=message.pk, lease_until=lease_until)
    with transaction.atomic():
        if not error:
            mine.update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                lease_until=None,
                last_status_code=status,
                last_error="",
            )
            return "delivered"
        retry_at = None
        if not permanent:
            retry_at = schedule.next_attempt_at(
                created_at=message.retrying_since, failed_at=now, attempts=message.attempts
            )
        if retry_at is None:
            mine.update(
                status=DeliveryStatus.FAILED,
                lease_until=None,
                last_status_code=status,
                last_error=error,
            )
            logger.warning("Webhook %s failed for good: %s", message.webhook_id, error)
            return "failed"
        if mine.update(
            next_attempt_at=retry_at, lease_until=None, last_status_code=status, last_error=error
        ):
            deliver_message.using(run_after=retry_at).enqueue(message.pk)
        return "retry"


def deliver(message_id: int) -> str:
    """Deliver one message if it is due and free: "delivered", "retry", "failed" or "not due"."""
    claimed = _claim(message_id)
    if claimed is None:
        return "not due"
    message, lease_until = claimed
    if not message.endpoint.is_active:
        return _record(
            message, lease_until, status=None, error="The endpoint is switched off.", permanent=True
        )
    status, error, permanent = _attempt(message)
    return _record(message, lease_until, status=status, error=error, permanent=permanent)


# Before reports rendered ahead (priority 0): a CRM waits for the lead; a download renders itself.
@task(priority=10)
def deliver_message(message_id: int) -> str:
    return deliver(message_id)


def deliver_due() -> int:
    """Deliver every due message now (manage.py webhooks_deliver); the number attempted."""
    attempted = 0
    for message_id in list(WebhookMessage.objects.due().values_list("pk", flat=True)):
        if deliver(message_id) != "not due":
            attempted += 1
    return attempted
