"""Writes of the follow-up: requests, opt-ins and opt-outs, lead notices, the daily sending.

Emails are queued in transaction.on_commit: a rolled-back request sends nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Assessment
from . import emails, tasks
from .models import (
    REMINDER_AFTER,
    LeadNotice,
    Reminder,
    ReminderSubscription,
    ResultsEmail,
)

logger = logging.getLogger(__name__)


class NotCompleted(Exception):
    """Only a completed test has results to send or a retake to remind of."""


@transaction.atomic
def results_email_request(
    *, assessment: Assessment, email: str, language: str, remind: bool
) -> ResultsEmail:
    """Send the private results link to `email`; with `remind`, also opt in to reminders."""
    if not assessment.is_completed:
        raise NotCompleted
    request = ResultsEmail.objects.create(assessment=assessment, email=email, language=language)
    if remind:
        reminders_opt_in(assessment=assessment, email=email, language=language)
    transaction.on_commit(lambda: tasks.send_results_link.enqueue(request.pk))
    return request


@transaction.atomic
def reminders_opt_in(*, assessment: Assessment, email: str, language: str) -> ReminderSubscription:
    if not assessment.is_completed:
        raise NotCompleted
    subscription, _ = ReminderSubscription.objects.update_or_create(
        assessment=assessment,
        defaults={
            "email": email,
            "language": language,
            "opted_in_at": timezone.now(),
            "unsubscribed_at": None,
        },
    )
    return subscription


def reminders_unsubscribe(*, token: str) -> ReminderSubscription | None:
    """Record the opt-out (kept, so that it is honoured); None for an unknown token."""
    subscription = ReminderSubscription.objects.filter(unsubscribe_token=token).first()
    if subscription is not None and subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def personal_data_forget(*, assessment: Assessment) -> None:
    """The assessment is anonymised: no address of its respondent stays here."""
    ResultsEmail.objects.filter(assessment=assessment).delete()
    ReminderSubscription.objects.filter(assessment=assessment).delete()
    LeadNotice.objects.filter(assessment=assessment).delete()


def lead_notice_record(*, assessment: Assessment) -> LeadNotice | None:
    """A completed test with consent is a lead: its consultants are told once (now, or in the
    daily digest when LEAD_EMAIL_DIGEST is on)."""
    if not (assessment.is_completed and assessment.consent_to_contact):
        return None
    notice, created = LeadNotice.objects.get_or_create(assessment=assessment)
    if created and not settings.LEAD_EMAIL_DIGEST:
        transaction.on_commit(lambda: tasks.send_lead_notice.enqueue(notice.pk))
    return notice if created else None


def reminders_due(*, now: datetime) -> list[tuple[ReminderSubscription, Reminder]]:
    """Active opt-ins whose reminder is due; when both are due, only the later one."""
    due = []
    subscriptions = ReminderSubscription.objects.filter(
        unsubscribed_at__isnull=True,
        sent_12_months_at__isnull=True,
        assessment__completed_at__lte=now - REMINDER_AFTER[Reminder.DAYS_90],
    ).select_related("assessment")
    for subscription in subscriptions:
        completed_at = subscription.assessment.completed_at
        if completed_at is None:  # never: the filter above; for the type checker
            continue
        if completed_at <= now - REMINDER_AFTER[Reminder.MONTHS_12]:
            due.append((subscription, Reminder.MONTHS_12))
        elif subscription.sent_90_days_at is None:
            due.append((subscription, Reminder.DAYS_90))
    return due


@dataclass(frozen=True)
class SendReport:
    reminders: int
    failed: int
    digest_leads: int


def _mark(subscription: ReminderSubscription, which: Reminder, now: datetime) -> None:
    fields = {"sent_90_days_at": subscription.sent_90_days_at or now}
    if which == Reminder.MONTHS_12:
        fields["sent_12_months_at"] = now
    ReminderSubscription.objects.filter(pk=subscription.pk).update(**fields)


def followup_send(*, now: datetime | None = None) -> SendReport:
    """The round of manage.py followup_send (hourly or daily): due reminders, and the leads'
    digest at most once a day; nothing is sent twice however often it runs."""
    now = now or timezone.now()
    sent = failed = 0
    for subscription, which in reminders_due(now=now):
        try:
            emails.reminder(subscription, which).send()
        except Exception:
            # One bad address must not stop the others; tomorrow's round tries again.
            logger.exception("A reminder could not be sent (opt-in #%s).", subscription.pk)
            failed += 1
            continue
        _mark(subscription, which, now)
        sent += 1
    digest_leads = 0
    if settings.LEAD_EMAIL_DIGEST:
        digest_leads = _leads_digest_send(now=now)
    return SendReport(reminders=sent, failed=failed, digest_leads=digest_leads)


# The digest goes out at most once a day, however often the round runs.
DIGEST_INTERVAL = timedelta(hours=23)


def _leads_digest_send(*, now: datetime) -> int:
    last = LeadNotice.objects.filter(sent_at__isnull=False).order_by("-sent_at").first()
    if last is not None and last.sent_at is not None and now - last.sent_at < DIGEST_INTERVAL:
        return 0
    notices = list(
        LeadNotice.objects.filter(sent_at__isnull=True)
        .select_related("assessment")
        .order_by("created_at")
    )
    if not notices:
        return 0
    to = tasks.consultant_addresses()
    if to:
        emails.new_leads([notice.assessment for notice in notices], to=to).send()
    LeadNotice.objects.filter(pk__in=[notice.pk for notice in notices]).update(sent_at=now)
    return len(notices)
