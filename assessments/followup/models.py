"""What the follow-up emails need to remember. Every row hangs on its assessment and goes with
it (on_delete=CASCADE): an erased respondent's address survives nowhere, not even in the task
queue, whose tasks carry only these rows' ids."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Assessment


class ResultsEmail(models.Model):
    """The respondent asked for the private results link by email; deleted once it is sent."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="results_emails"
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("results link email")
        verbose_name_plural = _("results link emails")

    def __str__(self) -> str:
        return f"#{self.assessment_id}"


class LeadNotice(models.Model):
    """Consultants are told of a new consenting lead once: the row's uniqueness is the rule."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="lead_notice"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("lead notice")
        verbose_name_plural = _("lead notices")

    def __str__(self) -> str:
        return f"#{self.assessment_id}"


def unsubscribe_token_new() -> str:
    return secrets.token_urlsafe(24)


class Reminder(models.TextChoices):
    """When to remind, after the completion."""

    DAYS_90 = "90d", _("after 90 days")
    MONTHS_12 = "12m", _("after 12 months")


REMINDER_AFTER = {Reminder.DAYS_90: timedelta(days=90), Reminder.MONTHS_12: timedelta(days=365)}


class ReminderSubscription(models.Model):
    """The respondent's explicit opt-in to be reminded to retake the test, one per assessment;
    an opt-out is kept (not deleted) so that it is honoured."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="reminder_subscription"
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8)
    opted_in_at = models.DateTimeField(_("opted in at"))
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    unsubscribe_token = models.CharField(
        max_length=64, unique=True, default=unsubscribe_token_new, editable=False
    )
    sent_90_days_at = models.DateTimeField(_("90-day reminder sent"), null=True, blank=True)
    sent_12_months_at = models.DateTimeField(_("12-month reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder opt-in")
        verbose_name_plural = _("reminder opt-ins")

    def __str__(self) -> str:
        return f"#{self.assessment_id}"

    @property
    def is_active(self) -> bool:
        return self.unsubscribed_at is None
