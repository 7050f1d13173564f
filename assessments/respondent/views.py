"""The public test flow: landing → one page per area → background → results. No login, no JS.

Views parse the request, call a service or a selector and render; the rules (what may be saved,
when a test may be completed) live in services.py.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from .. import selectors, services
from ..models import Assessment, QuestionnaireVersion
from ..report import build, download
from .forms import AreaAnswersForm, BackgroundForm

# The session key under which an unfinished test is remembered (a name, not a secret).
SESSION_TOKEN = "assessment_token"  # noqa: S105  # nosec B105


def _assessment(token: str) -> Assessment:
    # A wrong token is a 404, never a 403: nothing tells whether an assessment exists.
    assessment = selectors.assessment_for_token(token)
    if assessment is None:
        raise Http404
    return assessment


# Read at request time, so that the limits follow the settings (and tests can change them).
def _start_rate(group: str, request: HttpRequest) -> str:
    return settings.RATE_LIMIT_START


def _submit_rate(group: str, request: HttpRequest) -> str:
    return settings.RATE_LIMIT_SUBMIT


limit_starts = ratelimit(key="ip", rate=_start_rate, method="POST", block=True)
limit_submits = ratelimit(
    group="assessments:submit", key="ip", rate=_submit_rate, method="POST", block=True
)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "assessments/rate_limited.html", status=429)


def _action(request: HttpRequest) -> str:
    """Which button sent the form: "back", "autosave" (script) or the default, "next"."""
    for action in ("back", "autosave"):
        if action in request.POST:
            return action
    return "next"


def _remember(request: HttpRequest, assessment: Assessment) -> None:
    # Lets a respondent who closed the tab continue from the landing page.
    request.session[SESSION_TOKEN] = assessment.token


def _already_completed(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """A save from a page opened before the test was completed: nothing was changed."""
    if _action(request) == "autosave":
        # The script shows no page; 409 tells it that the save was refused.
        return HttpResponse(status=409)
    messages.info(
        request,
        _(
            "This test has already been completed, so your answers were not changed. "
            "Your results are below."
        ),
    )
    return redirect("assessments:results", token=assessment.token)


def _open_assessment(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The assessment of the URL's token, while it is open; a completed one leads to its results
    (and a save from a stale page is told that nothing changed)."""

    def wrapper(request: HttpRequest, token: str, **kwargs: object) -> HttpResponse:
        assessment = _assessment(token)
        if assessment.is_completed:
            if request.method == "POST":
                return _already_completed(request, assessment)
            return redirect("assessments:results", token=token)
        try:
            return view(request, assessment, **kwargs)
        except services.AssessmentCompleted:
            return _already_completed(request, assessment)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    version = QuestionnaireVersion.objects.current()
    areas = selectors.areas_with_questions(version) if version else []
    unfinished = None
    token = request.session.get(SESSION_TOKEN)
    if token:
        unfinished = Assessment.objects.in_progress().filter(token=token).first()
    return render(
        request,
        "assessments/landing.html",
        {
            "version": version,
            "areas": areas,
            "question_count": sum(len(area.questions.all()) for area in areas),
            "unfinished": unfinished,
        },
    )


@require_POST
@limit_starts
def start(request: HttpRequest) -> HttpResponse:
    try:
        assessment = services.assessment_start(language=get_language())
    except services.NoPublishedQuestionnaire:
        return render(request, "assessments/unavailable.html", status=503)
    _remember(request, assessment)
    return redirect("assessments:area", token=assessment.token, step=1)


@require_GET
def resume(request: HttpRequest, token: str) -> HttpResponse:
    assessment = _assessment(token)
    if assessment.is_completed:
        return redirect("assessments:results", token=token)
    _remember(request, assessment)
    areas = selectors.areas_with_questions(assessment.version)
    step = selectors.first_unanswered_step(assessment, areas)
    if step > len(areas):
        return redirect("assessments:background", token=token)
    return redirect("assessments:area", token=token, step=step)


@require_http_methods(["GET", "POST"])
@limit_submits
@_open_assessment
def area_step(request: HttpRequest, assessment: Assessment, step: int) -> HttpResponse:
    token = assessment.token
    areas = selectors.areas_with_questions(assessment.version)
    if not 1 <= step <= len(areas):
        raise Http404
    area = areas[step - 1]
    first_number = 1 + sum(len(a.questions.all()) for a in areas[: step - 1])

    action = _action(request)
    form = AreaAnswersForm(
        request.POST if request.method == "POST" else None,
        area=area,
        first_number=first_number,
        saved=selectors.answer_choices(assessment),
        partial=action in ("back", "autosave"),
    )
    if request.method == "POST":
        if form.is_valid():
            services.answers_save(assessment=assessment, choices=form.chosen())
            if action == "autosave":
                return HttpResponse(status=204)
            if action == "back":
                if step == 1:
                    return redirect("assessments:landing")
                return redirect("assessments:area", token=token, step=step - 1)
            services.assessment_record_step(assessment=assessment, step=step)
            if step < len(areas):
                return redirect("assessments:area", token=token, step=step + 1)
            return redirect("assessments:background", token=token)
        if action == "autosave":
            return HttpResponse(status=400)
    _remember(request, assessment)
    return render(
        request,
        "assessments/area.html",
        {
            "assessment": assessment,
            "area": area,
            "form": form,
            "step": step,
            "step_count": len(areas) + 1,
            "area_count": len(areas),
            "private_link": private_link(request, assessment),
        },
    )


@require_http_methods(["GET", "POST"])
@limit_submits
@_open_assessment
def background(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    token = assessment.token
    areas = selectors.areas_with_questions(assessment.version)
    step = selectors.background_step(len(areas))
    form = BackgroundForm(request.POST if request.method == "POST" else None, instance=assessment)
    if request.method == "POST":
        action = _action(request)
        if action == "back" and not form.has_changed():
            return redirect("assessments:area", token=token, step=len(areas))
        if form.is_valid():
            services.background_save(assessment=assessment, details=form.details())
            if action == "autosave":
                return HttpResponse(status=204)
            if action == "back":
                return redirect("assessments:area", token=token, step=len(areas))
            try:
                services.assessment_complete(assessment=assessment)
            except services.UnansweredQuestions as missing:
                messages.warning(
                    request, _("Some questions are still unanswered. Please answer them first.")
                )
                return redirect("assessments:area", token=token, step=missing.step)
            return redirect("assessments:results", token=token)
        if action == "autosave":
            return HttpResponse(status=400)
    return render(
        request,
        "assessments/background.html",
        {
            "assessment": assessment,
            "form": form,
            "step": step,
            "step_count": step,
            "area_count": len(areas),
            "private_link": private_link(request, assessment),
        },
    )


@require_GET
def results(request: HttpRequest, token: str) -> HttpResponse:
    assessment = _assessment(token)
    if not assessment.is_completed:
        return redirect("assessments:resume", token=token)
    return render(
        request,
        "assessments/results.html",
        {"assessment": assessment, "report": build.build_report(assessment)},
    )


def private_link(request: HttpRequest, assessment: Assessment) -> str:
    return request.build_absolute_uri(reverse("assessments:resume", args=[assessment.token]))


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/privacy.html",
        {
            "service_owner": settings.SERVICE_OWNER,
            "contact_email": settings.CONTACT_EMAIL,
            "retention_months": settings.RETENTION_MONTHS,
            "draft_days": settings.ABANDONED_DRAFT_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def delete_data(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent erases their assessment for good, after confirming it."""
    assessment = _assessment(token)
    if request.method == "POST":
        services.assessment_erase(assessment=assessment)
        if request.session.get(SESSION_TOKEN) == token:
            del request.session[SESSION_TOKEN]
        messages.success(request, _("Your answers and results have been deleted for good."))
        return redirect("assessments:landing")
    return render(request, "assessments/delete_data.html", {"assessment": assessment})


@require_GET
def report_pdf(request: HttpRequest, token: str) -> FileResponse:
    """The respondent's PDF report, in the language of the URL it was asked for from."""
    return download.report_response(_assessment(token), get_language())
