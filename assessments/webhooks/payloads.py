"""What a webhook carries: only what the respondent agreed to share.

Never the answers, never the private token (it opens the results). The organisation's contact
details leave only with the respondent's consent to be contacted; without it the CRM learns
that a test was completed, with its result and the organisation's industry and size, but not
who took it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import Assessment


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessment_id": assessment.pk,
        "language": assessment.language,
        "started_at": _time(assessment.created_at),
        "completed_at": _time(assessment.completed_at),
        "industry": assessment.industry,
        "size": assessment.size,
        "campaign": {
            "source": assessment.utm_source,
            "medium": assessment.utm_medium,
            "name": assessment.utm_campaign,
        },
        "result": None,
        "contact": None,
    }
    result = assessment.stored_result
    if result is not None:
        data["result"] = {
            "score": result.overall_score,
            "level": result.overall_level,
            "areas": [
                {"code": area.code, "score": area.score, "level": area.level}
                for area in result.areas
            ],
        }
    if assessment.consent_to_contact:
        data["contact"] = {
            "organisation": assessment.organisation,
            "email": assessment.email,
            "role": assessment.role,
            "consent_given_at": _time(assessment.consent_given_at),
            "contact_requested_at": _time(assessment.contact_requested_at),
        }
    return data


def deleted_data(assessment_id: int) -> dict[str, Any]:
    return {"assessment_id": assessment_id}


def envelope(*, event_type: str, timestamp: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks payload: type, timestamp and data."""
    return {"type": event_type, "timestamp": timestamp.isoformat(), "data": data}
