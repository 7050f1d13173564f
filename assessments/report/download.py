"""The PDF report as a download, for the respondent's and the consultant's links alike."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

from ..models import Assessment
from . import cache, pdf


def report_response(
    assessment: Assessment, language: str, comparison_group: str = "", *, inline: bool = False
) -> FileResponse:
    """The completed assessment's report in `language`, rendered or from the cache; 404 while
    the test is unfinished, or once it was deleted (also while its report was rendering). The
    benchmark compares with `comparison_group` (the respondent's pick; "" for everyone).
    `inline` shows it in the browser (a consultant's preview) instead of downloading it."""
    if not assessment.is_completed:
        raise Http404
    try:
        report = cache.cached_report(assessment, language, comparison_group)
    except cache.ReportGone:
        raise Http404 from None
    response = FileResponse(
        report,
        as_attachment=not inline,
        filename=pdf.report_filename(assessment),
        content_type="application/pdf",
    )
    # The report is as private as the results page: no shared cache may keep it.
    patch_cache_control(response, private=True, no_cache=True)
    return response
