"""Delivery by the worker to a fake endpoint on 127.0.0.1: signed, retried with backoff for 24
hours, then failed and resent from the admin; never twice at once; a killed worker loses
nothing."""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.webhooks import schedule, signing, tasks
from assessments.webhooks.models import DeliveryStatus, WebhookMessage

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def message(questionnaire, endpoint) -> WebhookMessage:
    answered_assessment(questionnaire)
    return WebhookMessage.objects.get()


def test_a_message_is_delivered_signed_as_the_spec_says(message, receiver, endpoint):
    assert tasks.deliver(message.pk) == "delivered"
    [(headers, body)] = receiver.requests
    assert headers["webhook-id"] == message.webhook_id
    assert headers["content-type"] == "application/json"
    expected = signing.signature(
        secret=endpoint.secret,
        message_id=headers["webhook-id"],
        timestamp=int(headers["webhook-timestamp"]),
        body=body,
    )
    assert headers["webhook-signature"] == expected
    assert json.loads(body)["type"] == "assessment.completed"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status_code) == ("delivered", 1, 204)
    # Delivered is done: the follow-up task finds nothing to send.
    assert tasks.deliver(message.pk) == "not due"
    assert len(receiver.requests) == 1


def test_a_failing_endpoint_is_retried_with_backoff_then_marked_failed(message, receiver, queued):
    receiver.statuses = [500, 503, 404]
    assert tasks.deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("pending", 1, "HTTP 500")
    first_wait = message.next_attempt_at - timezone.now()
    assert timedelta(0) < first_wait <= schedule.RETRY_DELAYS[0]
    retries = [r for r in queued if r.task.name == "deliver_message" and r.task.run_after]
    assert retries[-1].task.run_after == message.next_attempt_at
    # Not before its time.
    assert tasks.deliver(message.pk) == "not due"

    WebhookMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert tasks.deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert message.next_attempt_at - timezone.now() > schedule.RETRY_DELAYS[0]

    # A day later the last attempt fails too: the message is marked failed for good.
    day_ago = timezone.now() - schedule.RETRY_PERIOD
    WebhookMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now(), retrying_since=day_ago
    )
    assert tasks.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status_code) == ("failed", 3, 404)
    assert len(receiver.requests) == 3


def test_an_unreachable_endpoint_is_an_error_to_retry(message, endpoint, receiver):
    # A port nobody listens on, on this machine.
    endpoint.url = "http://127.0.0.1:9/hook"
    endpoint.save()
    assert tasks.deliver(message.pk) == "retry"
    message.refresh_from_db()
    assert "ConnectionRefusedError" in message.last_error


def test_an_address_turned_private_is_refused_when_sending(message, endpoint, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert tasks.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == "failed"
    assert "127.0.0.1" in message.last_error


def test_the_admin_shows_failures_and_resends_them(message, receiver, superuser_client):
    WebhookMessage.objects.filter(pk=message.pk).update(
        status=DeliveryStatus.FAILED, attempts=9, last_error="HTTP 500"
    )
    listing = superuser_client.get(
        reverse("admin:webhooks_webhookmessage_changelist") + "?status__exact=failed"
    )
    assert message.webhook_id in listing.content.decode()
    assert "HTTP 500" in listing.content.decode()
    response = superuser_client.post(
        reverse("admin:webhooks_webhookmessage_changelist"),
        {"action": "resend", "_selected_action": [message.pk]},
        follow=True,
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)
    assert tasks.deliver(message.pk) == "delivered"
    assert [headers["webhook-id"] for headers, _ in receiver.requests] == [message.webhook_id]


def test_a_consultant_cannot_see_the_outbox(consultant_client):
    assert (
        consultant_client.get(reverse("admin:webhooks_webhookmessage_changelist")).status_code
        == 403
    )


def test_two_workers_never_send_one_message_at_the_same_time(message, receiver):
    # The first worker holds the message (its lease); the second finds nothing to send.
    assert tasks._claim(message.pk) is not None
    assert tasks.deliver(message.pk) == "not due"
    assert receiver.requests == []


# Committed for real: the worker works on its own connection, as it would in its own process.
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing_and_the_next_delivers_once(message, receiver):
    with override_settings(TASKS=DATABASE_QUEUE):
        # The worker claims the message, and is killed while the request is on its way.
        claimed = tasks._claim(message.pk)
        assert claimed is not None
        follow_up = DBTaskResult.objects.get()
        assert follow_up.run_after == claimed[1]
        # The lease passes (as time would); a worker is started again and runs the queue.
        passed = timezone.now() - timedelta(seconds=1)
        WebhookMessage.objects.filter(pk=message.pk).update(lease_until=passed)
        DBTaskResult.objects.filter(pk=follow_up.pk).update(run_after=passed)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        # Once more later: nothing is sent again.
        DBTaskResult.objects.filter(status="READY").update(run_after=passed)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 2)
    assert [headers["webhook-id"] for headers, _ in receiver.requests] == [message.webhook_id]


def test_the_command_delivers_whatever_is_due(message, receiver):
    out = StringIO()
    call_command("webhooks_deliver", stdout=out)
    assert "1 webhook message(s) attempted." in out.getvalue()
    message.refresh_from_db()
    assert message.status == "delivered"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: PostgreSQL only (SQLite locks the file)"
)
def test_a_claim_is_not_skipped_while_a_completion_writes_to_the_same_endpoint(
    questionnaire, endpoint, receiver
):
    """A respondent's transaction that writes a new message holds a key-share lock on the
    endpoint's row (the foreign key); the worker's claim must not wait for it or skip for it."""
    answered_assessment(questionnaire)
    waiting = WebhookMessage.objects.get()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            # Django's foreign keys are checked at commit; at once here, to hold the lock now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "INSERT INTO webhooks_webhookmessage (webhook_id, endpoint_id, event_type, "
                "assessment_id, payload, created_at, retrying_since, status, attempts, "
                "next_attempt_at, last_error) VALUES ('msg_other', %s, 'consent.given', 0, "
                "'{}', now(), now(), 'pending', 0, now(), '')",
                [endpoint.pk],
            )
            assert tasks.deliver(waiting.pk) == "delivered"
            cursor.execute("ROLLBACK")
    finally:
        other.close()


class _SlowServer:
    """A local endpoint that reads the request, then answers one byte at a time, `gap` seconds
    apart, for ever (or never answers at all when `gap` is None)."""

    def __init__(self, gap: float | None) -> None:
        self.gap = gap
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            if self.gap is None:
                self.stop.wait()
                return
            answer = b"HTTP/1.1 204 No Content\r\nX-Slow: " + b"x" * 10_000
            for byte in answer:
                if self.stop.wait(self.gap):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.listener.close()


@pytest.mark.parametrize("gap", [None, 0.05], ids=["never answers", "answers one byte at a time"])
def test_a_slow_endpoint_holds_the_worker_no_longer_than_the_timeout(
    message, endpoint, receiver, monkeypatch, gap
):
    """The worker's attempt ends at the time limit however the endpoint stalls (a socket timeout
    alone would never fire for a server that sends a byte every 50 ms), and is retried."""
    slow = _SlowServer(gap)
    try:
        endpoint.url = slow.url
        endpoint.save()
        monkeypatch.setattr(tasks, "TIMEOUT_SECONDS", 0.5)
        started = time.monotonic()
        assert tasks.deliver(message.pk) == "retry"
        took = time.monotonic() - started
    finally:
        slow.close()
    assert 0.4 < took < 3, took
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status_code) == ("pending", 1, None)
    assert message.last_error


def test_the_production_time_limit_is_10_seconds():
    assert tasks.TIMEOUT_SECONDS == 10
    # A lease outlasts any attempt: no second worker takes the message while one still sends.
    assert timedelta(seconds=tasks.TIMEOUT_SECONDS) < tasks.LEASE


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="workers side by side: PostgreSQL only (the tests' in-memory SQLite locks whole "
    "tables across threads; several workers on several hosts need PostgreSQL anyway)",
)
def test_two_workers_at_the_same_moment_send_a_message_once(questionnaire, endpoint, receiver):
    """Workers in their own threads (each with its own database connection) try the same due
    message at once, as db_worker processes on two hosts would; the endpoint answers slowly, so
    that the others try while the first one is still sending. Exactly one sends it (the row lock
    of the claim, then its lease)."""
    answered_assessment(questionnaire)
    message = WebhookMessage.objects.get()
    receiver.delay = 0.5
    workers = 4
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def work() -> None:
        try:
            barrier.wait()
            outcomes.append(tasks.deliver(message.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["delivered"] + ["not due"] * (workers - 1)
    assert [headers["webhook-id"] for headers, _ in receiver.requests] == [message.webhook_id]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
