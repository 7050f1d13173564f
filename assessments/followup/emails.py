"""Each email's subject, plain text and HTML, rendered in the language it is written in.

Links are absolute, from SITE_URL (assessments/mailing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from .. import mailing
from ..mailing import absolute
from ..models import Assessment
from .models import Reminder, ReminderSubscription, ResultsEmail


def results_link(request: ResultsEmail) -> EmailMultiAlternatives:
    assessment = request.assessment
    with translation.override(request.language):
        link = absolute(reverse("assessments:results", args=[assessment.token]))
        delete_link = absolute(reverse("assessments:delete_data", args=[assessment.token]))
    return mailing.message(
        "followup",
        "results_link",
        {"link": link, "delete_link": delete_link, "organisation": assessment.organisation},
        language=request.language,
        to=[request.email],
    )


def _lead(assessment: Assessment) -> dict[str, object]:
    result = assessment.stored_result
    return {
        "organisation": assessment.organisation,
        "email": assessment.email,
        "role": assessment.get_role_display() if assessment.role else "",
        "industry": assessment.get_industry_display() if assessment.industry else "",
        "size": assessment.get_size_display() if assessment.size else "",
        "level": result.overall_level if result else None,
        "score": result.overall_score if result else None,
        "contact_requested": assessment.contact_requested_at is not None,
        "link": absolute(reverse("admin:assessments_assessment_change", args=[assessment.pk])),
    }


def new_leads(assessments: Sequence[Assessment], *, to: Sequence[str]) -> EmailMultiAlternatives:
    """One lead, or the day's leads in a digest; in the consultants' language."""
    language = settings.CONSULTANT_EMAIL_LANGUAGE
    with translation.override(language):
        leads = [_lead(assessment) for assessment in assessments]
    return mailing.message("followup", "new_leads", {"leads": leads}, language=language, to=to)


def reminder(subscription: ReminderSubscription, which: Reminder) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        start = absolute(reverse("assessments:landing"))
        unsubscribe = absolute(
            reverse("assessments:reminders_unsubscribe", args=[subscription.unsubscribe_token])
        )
    # RFC 8058: a mail client may unsubscribe with one POST to this address, no login, no page.
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return mailing.message(
        "followup",
        "reminder",
        {
            "start": start + "?" + urlencode({"utm_source": "reminder", "utm_medium": "email"}),
            "unsubscribe": unsubscribe,
            "twelve_months": which == Reminder.MONTHS_12,
        },
        language=subscription.language,
        to=[subscription.email],
        headers=headers,
    )
