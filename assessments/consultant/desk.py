"""The sales desk's inbox on the dashboard: leads that nobody has worked on yet.

A lead is a completed test whose respondent agreed to be contacted or asked to be; it waits in
the inbox while its follow-up status is still "new", so that it leaves every consultant's inbox
as soon as one of them picks it up. Read fresh on every visit (never from the dashboard's cache):
a lead that arrived a minute ago must show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, Q, When

from ..models import Assessment, AssessmentQuerySet, FollowUpStatus

INBOX_ROWS = 15


@dataclass(frozen=True)
class InboxLead:
    assessment: Assessment
    arrived_at: datetime  # when it became a lead: the contact request, the consent or completion
    hot: bool  # asked to be contacted
    is_new: bool  # arrived since the consultant's previous sign-in


@dataclass(frozen=True)
class LeadInbox:
    leads: tuple[InboxLead, ...]  # new since the last visit first, then hot ones, then newest
    waiting: int  # every lead still "new", also those beyond the rows shown
    new_since_last_visit: int
    last_visit: datetime | None

    @property
    def more(self) -> int:
        return self.waiting - len(self.leads)


def waiting_leads(assessments: AssessmentQuerySet) -> AssessmentQuerySet:
    """Completed tests with consent or a contact request that nobody has followed up yet."""
    return assessments.completed().filter(
        Q(consent_to_contact=True) | Q(contact_requested_at__isnull=False),
        follow_up_status=FollowUpStatus.NEW,
    )


def arrived_since(moment: datetime) -> Q:
    return (
        Q(completed_at__gt=moment)
        | Q(consent_given_at__gt=moment)
        | Q(contact_requested_at__gt=moment)
    )


def _arrival(assessment: Assessment) -> datetime:
    moments = [
        moment
        for moment in (
            assessment.completed_at,
            assessment.consent_given_at,
            assessment.contact_requested_at,
        )
        if moment is not None
    ]
    return max(moments)  # a waiting lead is completed, so there is at least one


def lead_inbox(assessments: AssessmentQuerySet, *, last_visit: datetime | None) -> LeadInbox:
    waiting = waiting_leads(assessments)
    new_filter = arrived_since(last_visit) if last_visit else Q(pk__in=[])
    rows = list(
        waiting.select_related("consultant")
        .annotate(arrived_lately=Case(When(new_filter, then=1), default=0))
        .order_by(
            F("arrived_lately").desc(),
            F("contact_requested_at").desc(nulls_last=True),
            F("completed_at").desc(),
        )[:INBOX_ROWS]
    )
    return LeadInbox(
        leads=tuple(
            InboxLead(
                assessment=assessment,
                arrived_at=_arrival(assessment),
                hot=assessment.contact_requested_at is not None,
                is_new=last_visit is not None and _arrival(assessment) > last_visit,
            )
            for assessment in rows
        ),
        waiting=waiting.count(),
        new_since_last_visit=waiting.filter(new_filter).count() if last_visit else 0,
        last_visit=last_visit,
    )
