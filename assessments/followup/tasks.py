"""Sending by the task worker. A task carries a row's id, never an address or a token. A failed
send is tried again a few times, further apart, then left failed in the queue's admin (Django
tasks, "Failed") with its error; it never reaches the respondent's request."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from .. import roles
from . import emails
from .models import LeadNotice, ResultsEmail

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


def consultant_addresses() -> list[str]:
    """Every active consultant's address (the Consultants group)."""
    return sorted(
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.CONSULTANTS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _retry_later(task_function: object, row_id: int, attempt: int) -> None:
    if attempt <= len(RETRY_DELAYS):
        run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
        task_function.using(run_after=run_after).enqueue(row_id, attempt + 1)  # type: ignore[attr-defined]


@task()
def send_results_link(request_id: int, attempt: int = 1) -> bool:
    request = ResultsEmail.objects.select_related("assessment").filter(pk=request_id).first()
    if request is None:
        return False  # sent already, or deleted with its assessment
    try:
        emails.results_link(request).send()
    except Exception:
        _retry_later(send_results_link, request_id, attempt)
        raise
    # Sent: the address has served its purpose and is not kept.
    ResultsEmail.objects.filter(pk=request_id).delete()
    return True


@task()
def send_lead_notice(notice_id: int, attempt: int = 1) -> bool:
    notice = LeadNotice.objects.select_related("assessment").filter(pk=notice_id).first()
    if notice is None or notice.sent_at is not None:
        return False
    to = consultant_addresses()
    if to:
        try:
            emails.new_leads([notice.assessment], to=to).send()
        except Exception:
            _retry_later(send_lead_notice, notice_id, attempt)
            raise
    else:
        logger.warning("A new lead, but no consultant has an email address to tell.")
    LeadNotice.objects.filter(pk=notice_id).update(sent_at=timezone.now())
    return True
