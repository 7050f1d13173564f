"""Keep the stored distributions in step with the assessments.

- a result stored (events.result_stored, inside the completing transaction): it is added, and
  commits or rolls back with the completion;
- a completed assessment saved with another industry, size or demo flag (the admin): its
  contribution moves;
- an assessment deleted: its Entry goes with it (CASCADE), and the Entry's deletion takes away
  exactly what it had added, in the deleting transaction; its place in a series goes too, and
  the series with its last member;
- personal data erased (anonymisation): industry, size and answers stay, so the result keeps
  counting; its contribution is checked again once the erasure has committed, in case what the
  erasure clears ever includes them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..events import personal_data_erased, result_stored
from ..models import Assessment
from . import services
from .models import Entry, Series, SeriesMember

# The fields a result's contribution depends on besides the result itself.
_COUNTED_FIELDS = frozenset({"industry", "size", "is_demo", "result", "completed_at"})


@receiver(result_stored, sender=Assessment, dispatch_uid="benchmarks-result-stored")
def _result_stored(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    services.entry_sync(assessment=assessment)


@receiver(post_save, sender=Assessment, dispatch_uid="benchmarks-assessment-saved")
def _assessment_saved(
    sender: type[Assessment],
    *,
    instance: Assessment,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    if not instance.is_completed:
        return
    if update_fields is not None and (
        "result" in update_fields or not _COUNTED_FIELDS & update_fields
    ):
        # The completion itself is result_stored's; other writes leave the contribution alone.
        return
    services.entry_sync(assessment=instance)


@receiver(post_delete, sender=Entry, dispatch_uid="benchmarks-entry-deleted")
def _entry_deleted(sender: type[Entry], *, instance: Entry, **kwargs: Any) -> None:
    services.entry_forget(entry=instance)


@receiver(post_delete, sender=SeriesMember, dispatch_uid="benchmarks-series-member-deleted")
def _series_member_deleted(
    sender: type[SeriesMember], *, instance: SeriesMember, **kwargs: Any
) -> None:
    # A series whose every result was deleted keeps nothing behind, not even its start time.
    Series.objects.filter(pk=instance.series_id, members__isnull=True).delete()


@receiver(personal_data_erased, sender=Assessment, dispatch_uid="benchmarks-data-erased")
def _personal_data_erased(
    sender: type[Assessment], *, assessment: Assessment, **kwargs: Any
) -> None:
    assessment_id = assessment.pk

    def resync() -> None:
        erased = Assessment.objects.select_related("version").filter(pk=assessment_id).first()
        if erased is not None:
            services.entry_sync(assessment=erased)

    transaction.on_commit(resync, robust=True)
