"""Webhook endpoints and the outbox: one row per event and endpoint, written in the transaction
that changed the assessment, kept until the worker has delivered it (or given up after 24 h)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import guard, signing


class EventType(models.TextChoices):
    ASSESSMENT_COMPLETED = "assessment.completed", _("Test completed")
    CONSENT_GIVEN = "consent.given", _("Consent given")
    CONTACT_REQUESTED = "contact.requested", _("Contact requested")
    DATA_DELETED = "data.deleted", _("Data deleted")


def _all_events() -> list[str]:
    return list(EventType.values)


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def subscribed_to(self, event_type: str) -> WebhookEndpointQuerySet:
        """Active endpoints that asked for this event (filtered in Python: JSON list lookups
        differ between SQLite and PostgreSQL, and there are only a handful of endpoints)."""
        ids = [
            endpoint.pk
            for endpoint in self.filter(is_active=True).only("pk", "events")
            if event_type in endpoint.events
        ]
        return self.filter(pk__in=ids)


class WebhookEndpoint(models.Model):
    """An address of the consultancy's CRM (or automation tool) that receives the events."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_("A public HTTPS address; private and local addresses are refused."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=signing.secret_new,
        help_text=_(
            "Give this to the receiving system: it verifies each webhook's signature with it "
            "(Standard Webhooks)."
        ),
    )
    events = models.JSONField(_("events"), default=_all_events)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        unknown = set(self.events or []) - set(EventType.values)
        if unknown:
            raise ValidationError({"events": _("Unknown event.")})
        if self.url:
            try:
                guard.url_check(self.url)
            except guard.UnsafeURL as error:
                raise ValidationError({"url": error.messages}) from error


def message_id_new() -> str:
    return f"msg_{uuid.uuid4().hex}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookMessageQuerySet(models.QuerySet["WebhookMessage"]):
    def due(self, now: Any = None) -> WebhookMessageQuerySet:
        """Pending messages whose attempt is due and that no worker holds."""
        now = now or timezone.now()
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lte=now)
        )


class WebhookMessage(models.Model):
    """One event for one endpoint: the outbox row. Its `webhook_id` stays the same on every
    attempt, so that the receiver can ignore a repeat."""

    webhook_id = models.CharField(
        _("webhook id"), max_length=40, unique=True, default=message_id_new, editable=False
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(_("event"), max_length=30, choices=EventType.choices)
    # Not a foreign key: the "data deleted" message outlives the assessment it is about.
    assessment_id = models.BigIntegerField(_("assessment id"), db_index=True)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("event time"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # The 24 hours of retries count from here: the event, or the consultant's "resend".
    retrying_since = models.DateTimeField(_("retrying since"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While a worker is sending, it holds the message until then; a worker killed mid-delivery
    # lets go when it passes, and the message is sent again.
    lease_until = models.DateTimeField(_("held by a worker until"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last response status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = WebhookMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook message")
        verbose_name_plural = _("webhook messages")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return self.webhook_id
