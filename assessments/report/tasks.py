"""Reports rendered ahead of the download, by the task worker (django-tasks, `manage.py
db_worker`): when a test is completed its report is rendered in the respondent's language and
kept in the cache, so that the download a moment later is served at once. Without a worker the
first download renders it, as before."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django_tasks import task

from ..events import assessment_completed
from ..models import Assessment
from . import cache


@task()
def render_report(assessment_id: int, language: str) -> bool:
    """Render and keep the report unless it is kept already; False when there is nothing to
    render (the assessment was deleted, or is no longer completed)."""
    assessment = Assessment.objects.select_related("version").filter(pk=assessment_id).first()
    if assessment is None or not assessment.is_completed:
        return False
    cache.cached_report(assessment, language).close()
    return True


@receiver(assessment_completed, sender=Assessment, dispatch_uid="report-render-ahead")
def _render_ahead(sender: type[Assessment], *, assessment: Assessment, **kwargs: Any) -> None:
    render_report.enqueue(assessment.pk, assessment.language)
