"""The public test flow: landing → one page per area → background → results. No login, no JS.

Views parse the request, call a service or a selector and render; the rules (what may be saved,
when a test may be completed) live in services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from .. import selectors, services
from ..benchmarks import selectors as benchmarks
from ..benchmarks import services as benchmark_services
from ..consultancy import consultancy
from ..headers import NOINDEX, UNCOMPRESSED
from ..models import Assessment
from ..report import build, download
from ..teams import aggregates as team_aggregates
from ..teams import selectors as teams
from . import fragments
from .forms import AreaAnswersForm, BackgroundForm, ContactRequestForm

# The session key under which an unfinished test is remembered: its id, never its token, so that
# no stored session holds the key to anyone's answers (the id opens nothing, and once the row is
# deleted it identifies nothing).
SESSION_ASSESSMENT = "assessment_id"
# Where sessions stored before that kept the token; it is dropped on the next visit.
_LEGACY_SESSION_TOKEN = "assessment_token"  # noqa: S105  # nosec B105


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


def _submit_address_rate(group: str, request: HttpRequest) -> str:
    return settings.RATE_LIMIT_SUBMIT_ADDRESS


def _mirror_rate(group: str, request: HttpRequest) -> str:
    # Customers' answers to a team's customer mirror (assessments/teams/views.py).
    return settings.RATE_LIMIT_MIRROR


def _test_key(group: str, request: HttpRequest) -> str:
    """Saves count against the test they save (its token from the address), not the office's
    shared address: colleagues behind one address never use up each other's saves. The limiter
    keeps only a hash of it."""
    match = request.resolver_match
    return str(match.kwargs.get("token", "")) if match else ""


# Each limit by its group, with its key and rate, so that the 429 page can tell how long the
# tripped one lasts: test starts per address; saves per test, under a flood ceiling per address.
LIMITS: dict[str, tuple[str | Callable[[str, HttpRequest], str], Callable[..., str]]] = {
    "assessments:start": ("ip", _start_rate),
    "assessments:submit": (_test_key, _submit_rate),
    "assessments:submit-address": ("ip", _submit_address_rate),
    "assessments:mirror": ("ip", _mirror_rate),
}
limit_starts = ratelimit(
    group="assessments:start", key="ip", rate=_start_rate, method="POST", block=True
)


def limit_submits(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    per_test = ratelimit(
        group="assessments:submit", key=_test_key, rate=_submit_rate, method="POST", block=True
    )
    per_address = ratelimit(
        group="assessments:submit-address",
        key="ip",
        rate=_submit_address_rate,
        method="POST",
        block=True,
    )
    return per_address(per_test(view))


_PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _period(rate: str) -> int:
    """The seconds of a rate's window: "30/h" → 3600, "10/5m" → 300."""
    period = rate.partition("/")[2].strip()
    return int(period[:-1] or 1) * _PERIOD_SECONDS[period[-1]]


def _retry_after(request: HttpRequest) -> int:
    """Seconds until the tripped limit's window ends; when no limit tells, the longest window."""
    waits = []
    for group, (key, rate) in LIMITS.items():
        usage = get_usage(request, group=group, key=key, rate=rate, method="POST")
        if usage and usage["should_limit"] and usage["time_left"] > 0:
            waits.append(usage["time_left"])
    return (
        max(waits)
        if waits
        else max(_period(rate(group, request)) for group, (_key, rate) in LIMITS.items())
    )


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """429 in the page's language: how long to wait, and the way back (to the test itself when
    the refused request was a save of one)."""
    retry_after = _retry_after(request)
    match = request.resolver_match
    # A team page's token (invite, customer) opens no test: no way back to one from there.
    team_page = bool(match and match.url_name and match.url_name.startswith("team_"))
    token = match.kwargs.get("token") if match and not team_page else None
    if _action(request) == "autosave":
        # The script shows its own "not saved" message; the page's Next still saves later.
        response = HttpResponse(status=429)
    else:
        response = render(
            request,
            "assessments/rate_limited.html",
            {
                "retry_minutes": max(1, -(-retry_after // 60)),
                "back_url": reverse("assessments:resume", args=[token]) if token else None,
                # The customer mirror's survey: its answers were not sent (nothing was saved).
                "survey": bool(match and match.url_name == "team_mirror"),
            },
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def _action(request: HttpRequest) -> str:
    """Which button sent the form: "back", "autosave" (script) or the default, "next"."""
    for action in ("back", "autosave"):
        if action in request.POST:
            return action
    return "next"


def _remember(request: HttpRequest, assessment: Assessment) -> None:
    # Lets a respondent who closed the tab continue from the landing page. Written only when it
    # changes: a session save on every page view costs a write for nothing.
    if request.session.get(SESSION_ASSESSMENT) != assessment.pk:
        request.session[SESSION_ASSESSMENT] = assessment.pk
    request.session.pop(_LEGACY_SESSION_TOKEN, None)


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


def _preferred_language_redirect(request: HttpRequest) -> HttpResponse | None:
    """At the bare root, a visitor whose language cookie or browser prefers another language is
    sent to the front page in it; an explicit choice of the default (the cookie) stays here."""
    if get_language() != settings.LANGUAGE_CODE or request.path != "/":
        return None
    preferred = translation.get_language_from_request(request)
    if preferred == settings.LANGUAGE_CODE:
        return None
    with translation.override(preferred):
        target = reverse("assessments:landing")
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    response = _preferred_language_redirect(request) or _landing(request)
    # The root's answer depends on the browser's languages and the language cookie.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _campaign_from_landing(request: HttpRequest) -> list[tuple[str, str]]:
    """The campaign of the landing URL (utm_*) and the referring site's host, carried to the
    start form in hidden fields (no script, no cookie); the service cleans them when it stores.
    A referral from this site itself (a retake, the language switch) is no referral."""
    values = {name: request.GET.get(name, "") for name in services.CAMPAIGN_FIELDS[:3]}
    referrer = urlsplit(request.META.get("HTTP_REFERER", ""))
    host = (referrer.hostname or "") if referrer.scheme in ("http", "https") else ""
    values["referrer_host"] = "" if host == request.get_host().partition(":")[0] else host
    return [(name, value) for name, value in services.campaign_clean(values).items() if value]


def _landing(request: HttpRequest) -> HttpResponse:
    version = selectors.current_version()
    areas = selectors.areas_with_questions(version) if version else []
    unfinished = None
    request.session.pop(_LEGACY_SESSION_TOKEN, None)
    remembered = request.session.get(SESSION_ASSESSMENT)
    if isinstance(remembered, int):
        # The continue link is built from the row, which alone holds the token.
        unfinished = Assessment.objects.in_progress().filter(pk=remembered).first()
    question_count = sum(len(area.questions.all()) for area in areas)
    response = render(
        request,
        "assessments/landing.html",
        {
            "version": version,
            "areas": areas,
            "areas_html": fragments.landing_areas_html(
                version, areas, question_count, get_language()
            )
            if version and areas
            else "",
            "completion_time": selectors.completion_time(version) if version else None,
            "unfinished": unfinished,
            "campaign": _campaign_from_landing(request),
        },
    )
    if unfinished is not None:
        # The continue link carries the private token: as personal as the test's own pages.
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = NOINDEX
        setattr(response, UNCOMPRESSED, True)
    return response


@require_POST
@limit_starts
def start(request: HttpRequest) -> HttpResponse:
    try:
        assessment = services.assessment_start(
            language=get_language(),
            campaign={name: request.POST.get(name, "") for name in services.CAMPAIGN_FIELDS},
        )
    except services.NoPublishedQuestionnaire:
        return render(request, "assessments/unavailable.html", status=503)
    _remember(request, assessment)
    return redirect("assessments:area", token=assessment.token, step=1)


@require_safe
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


@require_http_methods(["GET", "HEAD", "POST"])
@limit_submits
@_open_assessment
def area_step(request: HttpRequest, assessment: Assessment, step: int) -> HttpResponse:
    token = assessment.token
    areas = selectors.areas_with_questions(assessment.version)
    if not 1 <= step <= len(areas):
        raise Http404
    area = areas[step - 1]

    action = _action(request)
    version = assessment.version
    language = get_language()
    # Each term is explained in the question where the page first uses it (the intro is "").
    terms = selectors.area_terms(version, area, language)
    # Questions are numbered within their area ("3 / 9"): a phone shows one area per page.
    # A page view needs no form: its questions come from fragments.py with the saved answers.
    form = None
    dont_know_notice = False
    if request.method == "POST":
        form = AreaAnswersForm(
            request.POST,
            area=area,
            partial=action in ("back", "autosave"),
            offers_not_applicable=version.offers_not_applicable,
            terms=terms,
        )
        if form.is_valid():
            # Before moving on, a gentle word when the answers leave the area without a level;
            # the answers are saved either way, and "Continue anyway" moves on.
            dont_know_notice = (
                action == "next"
                and "dont_know_confirmed" not in request.POST
                and form.lacks_a_level()
            )
            services.answers_save(
                assessment=assessment,
                choices=form.chosen(),
                completed_step=step if action == "next" and not dont_know_notice else None,
                not_applicable=form.not_applicable(),
            )
            if action == "autosave":
                return HttpResponse(status=204)
            if action == "back":
                if step == 1:
                    return redirect("assessments:landing")
                return redirect("assessments:area", token=token, step=step - 1)
            if not dont_know_notice:
                if step < len(areas):
                    return redirect("assessments:area", token=token, step=step + 1)
                return redirect("assessments:background", token=token)
        elif action == "autosave":
            return HttpResponse(status=400)
    # A sent form shows what was sent, and one with errors is rendered in full with them.
    questions_html = None
    if form is None or not form.errors:
        questions_html = fragments.questions_html(
            area=area,
            version=version,
            language=language,
            terms=terms,
            chosen=fragments.saved(area, selectors.answer_choices(assessment))
            if form is None
            else fragments.sent(form),
        )
    _remember(request, assessment)
    return render(
        request,
        "assessments/area.html",
        {
            "assessment": assessment,
            "area": area,
            "intro_terms": terms.get("", []),
            "form": form,
            "questions_html": questions_html,
            "step": step,
            "step_count": len(areas) + 1,
            "area_count": len(areas),
            "private_link": private_link(request, assessment),
            "dont_know_notice": dont_know_notice,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
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


@require_safe
def results(request: HttpRequest, token: str) -> HttpResponse:
    assessment = _assessment(token)
    if not assessment.is_completed:
        return redirect("assessments:resume", token=token)
    return _results_page(request, assessment)


def _results_page(
    request: HttpRequest,
    assessment: Assessment,
    contact_form: ContactRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    owner = consultancy()
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": assessment,
            "report": build.build_report(assessment),
            "consultancy": owner,
            "contact_form": contact_form
            or ContactRequestForm(initial={"email": assessment.email}, consultancy_name=owner.name),
            **benchmarks.page_context(assessment, request.GET.get("compare")),
        },
        status=status,
    )


@require_POST
@limit_submits
def contact_request(request: HttpRequest, token: str) -> HttpResponse:
    """ "Ask us to contact you" from the results page."""
    assessment = _assessment(token)
    if not assessment.is_completed:
        return redirect("assessments:resume", token=token)
    form = ContactRequestForm(request.POST, consultancy_name=consultancy().name)
    if not form.is_valid():
        return _results_page(request, assessment, form)
    try:
        services.contact_request(
            assessment=assessment, email=form.cleaned_data["email"], wording=form.wording
        )
    except ValidationError as error:
        form.add_error("email", error.messages)
        return _results_page(request, assessment, form)
    # The section itself confirms the request, on this visit and every later one.
    return redirect(reverse("assessments:results", args=[token]) + "#next-step")


@require_POST
@limit_starts
def retake(request: HttpRequest, token: str) -> HttpResponse:
    """Take the test again from a result's private link: a new test in the same series, with the
    organisation and background filled in (benchmarks.services.retake_start)."""
    try:
        again = benchmark_services.retake_start(
            assessment=_assessment(token), language=get_language()
        )
    except benchmark_services.NotRetakeable:
        raise Http404 from None
    except services.NoPublishedQuestionnaire:
        return render(request, "assessments/unavailable.html", status=503)
    _remember(request, again)
    return redirect("assessments:resume", token=again.token)


def private_link(request: HttpRequest, assessment: Assessment) -> str:
    return request.build_absolute_uri(reverse("assessments:resume", args=[assessment.token]))


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/privacy.html",
        {
            "service_owner": settings.SERVICE_OWNER,
            "contact_email": settings.CONTACT_EMAIL,
            "consultancy": consultancy(),
            "retention_months": settings.RETENTION_MONTHS,
            "draft_days": settings.ABANDONED_DRAFT_DAYS,
            # Team assessments' section (templates/teams/_privacy.html).
            "team_min_respondents": teams.min_respondents(),
            "team_min_role_group": team_aggregates.MIN_ROLE_GROUP,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def delete_data(request: HttpRequest, token: str) -> HttpResponse:
    """The respondent erases their assessment for good, after confirming it."""
    assessment = _assessment(token)
    if request.method == "POST":
        erased_id = assessment.pk
        services.assessment_erase(assessment=assessment)
        if request.session.get(SESSION_ASSESSMENT) == erased_id:
            del request.session[SESSION_ASSESSMENT]
        messages.success(request, _("Your answers and results have been deleted for good."))
        return redirect("assessments:landing")
    return render(request, "assessments/delete_data.html", {"assessment": assessment})


@require_safe
def report_pdf(request: HttpRequest, token: str) -> FileResponse:
    """The respondent's PDF report, in the language of the URL it was asked for from."""
    # Only the columns that find the cached report; a report to render reads the whole row.
    assessment = selectors.assessment_for_download(token)
    if assessment is None:
        raise Http404
    return download.report_response(
        assessment, get_language(), benchmarks.report_group(request.GET.get("compare"))
    )


# Forms that the CSRF failure page may offer to send again as they were: their data is answers to
# the test that the address's private token opens, which whoever holds the token could send from
# a browser of their own anyway; so a second, valid send adds no power. Any other form (the
# admin's, starting a test, the language) is only reloaded.
_RESENDABLE = frozenset({"assessments:area", "assessments:background"})
_NOT_RESENT = frozenset({"csrfmiddlewaretoken", "autosave"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a styled 403 in the page's language that keeps the answers."""
    match = request.resolver_match
    view_name = match.view_name if match else ""
    resendable = view_name in _RESENDABLE and _action(request) != "autosave"
    resend = (
        [
            (name, value)
            for name in request.POST
            if name not in _NOT_RESENT
            for value in request.POST.getlist(name)
        ]
        if resendable
        else []
    )
    referer = request.META.get("HTTP_REFERER", "")
    if view_name in _RESENDABLE:
        reload_url = request.path
    elif referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        reload_url = referer
    else:
        reload_url = reverse("assessments:landing")
    return render(
        request,
        "403_csrf.html",
        {"resend": resend, "reload_url": reload_url},
        status=403,
    )
