"""A new consenting lead, from the core's signals (inside the changing transaction)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ..events import consent_given, contact_requested, result_stored
from ..models import Assessment
from . import services


@receiver(result_stored, sender=Assessment, dispatch_uid="followup-lead-completed")
@receiver(consent_given, sender=Assessment, dispatch_uid="followup-lead-consent")
@receiver(contact_requested, sender=Assessment, dispatch_uid="followup-lead-contact")
def _lead(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.lead_notice_record(assessment=assessment)
