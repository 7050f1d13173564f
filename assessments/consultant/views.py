"""The consultant's pages outside the admin, addressed by the assessment's id, never by the
respondent's token: the results page as the respondent sees it, read-only, and the PDF report
with the consultant's comments. Staff with the right to view assessments only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .. import roles
from ..benchmarks import selectors as benchmarks
from ..models import Assessment
from ..report import build, download


def _viewable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in staff (others go to the admin's login) with the right to view assessments
    (403 without it); the assessment of the URL's id, 404 if there is none."""

    @require_GET
    @staff_member_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int) -> HttpResponseBase:
        if not request.user.has_perm(roles.VIEW_ASSESSMENT):
            raise PermissionDenied
        return view(request, get_object_or_404(Assessment, pk=pk))

    return wrapper


@_viewable
def consultant_results(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """The respondent's results page, read-only: no forms, no link that changes anything."""
    if not assessment.is_completed:
        raise Http404
    return render(
        request,
        "assessments/consultant_results.html",
        {
            "assessment": assessment,
            "report": build.build_report(assessment),
            **benchmarks.page_context(assessment, request.GET.get("compare")),
        },
    )


@_viewable
def consultant_report(request: HttpRequest, assessment: Assessment) -> FileResponse:
    """A consultant's download: in the respondent's language unless ?lang= asks for another;
    ?preview=1 shows it in the browser instead (the same file, as it prints)."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = assessment.language
    return download.report_response(assessment, language, inline=request.GET.get("preview") == "1")
