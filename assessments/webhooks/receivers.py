"""The core's signals, turned into outbox rows inside the transaction that sent them."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from ..events import consent_given, contact_requested, personal_data_erased, result_stored
from ..models import Assessment
from . import services
from .models import EventType


@receiver(result_stored, sender=Assessment, dispatch_uid="webhooks-completed")
def _completed(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.event_record(assessment=assessment, event_type=EventType.ASSESSMENT_COMPLETED)


@receiver(consent_given, sender=Assessment, dispatch_uid="webhooks-consent")
def _consented(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.event_record(assessment=assessment, event_type=EventType.CONSENT_GIVEN)


@receiver(contact_requested, sender=Assessment, dispatch_uid="webhooks-contact")
def _contact(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.event_record(assessment=assessment, event_type=EventType.CONTACT_REQUESTED)


@receiver(post_delete, sender=Assessment, dispatch_uid="webhooks-deleted")
def _deleted(sender: type[Assessment], *, instance: Assessment, **kwargs: Any) -> None:
    services.erasure_record(assessment_id=instance.pk)


@receiver(personal_data_erased, sender=Assessment, dispatch_uid="webhooks-erased")
def _erased(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.erasure_record(assessment_id=assessment.pk)
