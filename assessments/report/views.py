"""The report's own page: the team's PDF from its owner link (the respondent's and the
consultant's downloads are served by their rooms through download.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from ..teams import selectors as teams
from . import team


@require_http_methods(["GET", "HEAD"])
def team_report(request: HttpRequest, token: str) -> HttpResponse:
    """The team's PDF in the page's language. Only the owner link opens it (an invite link's
    token, like any other, is a 404); below the threshold there is nothing to print, so the owner
    is sent back to their page, which says how many more answers are needed."""
    owned = teams.team_for_owner(token)
    if owned is None:
        raise Http404
    if teams.counted_members(owned).count() < teams.min_respondents():
        messages.info(
            request,
            _("The team report can be downloaded once enough colleagues have completed the test."),
        )
        return redirect("assessments:team_owner", token=token)
    # Each render costs a second or two of a worker: a leaked or scripted owner link may not
    # keep the workers busy. Per team, whoever holds the link.
    if is_ratelimited(
        request,
        group="teams:report",
        key=lambda _group, _request: str(owned.pk),
        rate=settings.RATE_LIMIT_TEAM_REPORT,
        method=["GET", "HEAD"],
        increment=True,
    ):
        messages.error(
            request,
            _("The team report has been downloaded many times in the last hour. Try again later."),
        )
        return redirect("assessments:team_owner", token=token)
    response = HttpResponse(
        team.render_team_pdf(owned, get_language() or settings.LANGUAGE_CODE),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{team.team_report_filename(owned)}"'
    # As private as the owner page: no shared cache may keep it (headers.py adds no-store).
    patch_cache_control(response, private=True, no_cache=True)
    return response
