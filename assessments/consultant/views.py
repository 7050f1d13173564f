"""The consultant's report download: the respondent's PDF with the consultant's comments."""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from .. import roles, selectors
from ..report import download


@require_GET
@staff_member_required
def consultant_report(request: HttpRequest, token: str) -> FileResponse:
    """A consultant's download: in the respondent's language unless ?lang= asks for another."""
    if not request.user.has_perm(roles.VIEW_ASSESSMENT):
        raise PermissionDenied
    assessment = selectors.assessment_for_token(token)
    if assessment is None:
        raise Http404
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = assessment.language
    return download.report_response(assessment, language)
