"""A new consenting lead, from the core's signals (inside the changing transaction); an
anonymised assessment's addresses forgotten (a deleted one's go with it: on_delete=CASCADE)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from ..events import consent_given, contact_requested, personal_data_erased, result_stored
from ..models import Assessment
from . import services


@receiver(result_stored, sender=Assessment, dispatch_uid="followup-lead-completed")
@receiver(consent_given, sender=Assessment, dispatch_uid="followup-lead-consent")
@receiver(contact_requested, sender=Assessment, dispatch_uid="followup-lead-contact")
def _lead(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.lead_notice_record(assessment=assessment)


@receiver(personal_data_erased, sender=Assessment, dispatch_uid="followup-erased")
def _erased(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.personal_data_forget(assessment=assessment)
