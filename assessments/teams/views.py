"""The team pages: start a team, join one through its invite link, and the owner's page.

Views parse, call and render; who may join and what the owner may see are decided in services.py
and selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from .. import services as core_services
from . import selectors, services
from .forms import MirrorForm, TeamInviteForm, TeamJoinForm, TeamStartForm
from .mirror_content import MirrorContent
from .models import Team


def _start_rate(group: str, request: HttpRequest) -> str:
    return settings.RATE_LIMIT_START


# Starting a team, and joining one (which starts a test), count against the same per-address
# limit as the landing page's start button: its group, whose 429 page tells when to try again
# (respondent/views.py, LIMITS).
limit_starts = ratelimit(
    group="assessments:start", key="ip", rate=_start_rate, method="POST", block=True
)


def _owned(token: str) -> Team:
    # A wrong token (an invite link's among them) is a 404: nothing tells whether a team exists.
    team = selectors.team_for_owner(token)
    if team is None:
        raise Http404
    return team


@require_http_methods(["GET", "HEAD", "POST"])
@limit_starts
def team_start(request: HttpRequest) -> HttpResponse:
    form = TeamStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_start(
                organisation=form.cleaned_data["organisation"], email=form.cleaned_data["email"]
            )
        except core_services.NoPublishedQuestionnaire:
            return render(request, "assessments/unavailable.html", status=503)
        messages.success(
            request,
            _("Your team is ready. Keep this page's address: it is your private owner link."),
        )
        return redirect("assessments:team_owner", token=team.owner_token)
    return render(request, "teams/start.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@limit_starts
def team_join(request: HttpRequest, token: str) -> HttpResponse:
    team = selectors.team_for_invite(token)
    if team is None:
        raise Http404
    form = TeamJoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and not team.is_closed and form.is_valid():
        try:
            assessment = services.team_join(
                team=team, language=get_language(), role=form.cleaned_data["role"]
            )
        except services.TeamClosed:
            team.refresh_from_db(fields=["closed_at"])
            status = 409
        except services.TeamVersionReplaced:
            return render(request, "teams/join.html", {"team": team, "replaced": True}, status=409)
        except core_services.NoPublishedQuestionnaire:
            return render(request, "assessments/unavailable.html", status=503)
        else:
            return redirect("assessments:area", token=assessment.token, step=1)
    elif request.method == "POST":
        status = 409 if team.is_closed else 400
    return render(request, "teams/join.html", {"team": team, "form": form}, status=status)


@require_http_methods(["GET", "HEAD"])
def team_owner(request: HttpRequest, token: str) -> HttpResponse:
    return _owner_page(request, _owned(token))


def _owner_page(
    request: HttpRequest, team: Team, invite_form: TeamInviteForm | None = None, status: int = 200
) -> HttpResponse:
    invite_link = request.build_absolute_uri(
        reverse("assessments:team_join", args=[team.invite_token])
    )
    owner_link = request.build_absolute_uri(
        reverse("assessments:team_owner", args=[team.owner_token])
    )
    figures = selectors.team_figures(team)
    return render(
        request,
        "teams/owner.html",
        {
            "team": team,
            "figures": figures,
            "invite_link": invite_link,
            "owner_link": owner_link,
            "invite_form": invite_form or TeamInviteForm(),
            **_mirror_context(request, team, figures),
        },
        status=status,
    )


@require_POST
def team_close(request: HttpRequest, token: str) -> HttpResponse:
    team = _owned(token)
    services.team_close(team=team)
    messages.success(request, _("The team is closed: nobody can join it any more."))
    return redirect("assessments:team_owner", token=token)


@require_http_methods(["GET", "HEAD", "POST"])
def team_delete(request: HttpRequest, token: str) -> HttpResponse:
    team = _owned(token)
    if request.method == "POST":
        services.team_delete(team=team)
        messages.success(
            request, _("The team and every answer given through it have been deleted for good.")
        )
        return redirect("assessments:landing")
    return render(request, "teams/delete.html", {"team": team})


# ---------------------------------------------------------------- invitations by email
def _invitations_limited(request: HttpRequest, team: Team) -> bool:
    # Per team, whoever holds the owner link: a leaked link does not become a spam cannon.
    return is_ratelimited(
        request,
        group="teams:invitations",
        key=lambda _group, _request: str(team.pk),
        rate=settings.RATE_LIMIT_TEAM_INVITATIONS,
        method="POST",
        increment=True,
    )


def _back_to_invitations(token: str) -> HttpResponse:
    return redirect(reverse("assessments:team_owner", args=[token]) + "#invite-heading")


@require_POST
def team_invite(request: HttpRequest, token: str) -> HttpResponse:
    team = _owned(token)
    if team.is_closed:
        return _owner_page(request, team, status=409)
    form = TeamInviteForm(request.POST)
    if not form.is_valid():
        return _owner_page(request, team, invite_form=form, status=400)
    if _invitations_limited(request, team):
        messages.error(
            request,
            _("The invite link has been emailed several times already. Try again in an hour."),
        )
        return _back_to_invitations(token)
    try:
        sent = services.team_invitations_send(
            team=team,
            addresses=form.cleaned_data["addresses"],
            language=get_language() or settings.LANGUAGE_CODE,
        )
    except services.TeamClosed:
        return _owner_page(request, team, status=409)
    messages.success(
        request,
        ngettext(
            "The invite link is on its way to %(count)s colleague. The address was not stored.",
            "The invite link is on its way to %(count)s colleagues. The addresses were not stored.",
            sent,
        )
        % {"count": sent},
    )
    return _back_to_invitations(token)


@require_POST
def team_owner_link_email(request: HttpRequest, token: str) -> HttpResponse:
    team = _owned(token)
    if not team.email:
        raise Http404
    if _invitations_limited(request, team):
        messages.error(
            request, _("The link has been sent several times already. Please try again in an hour.")
        )
        return _back_to_invitations(token)
    services.owner_link_send(team=team, language=get_language() or settings.LANGUAGE_CODE)
    messages.success(
        request,
        _("Your owner link is on its way to the address you gave when you started the team."),
    )
    return _back_to_invitations(token)


# --- Customer mirror (issue 17, item 2) -------------------------------------------------------


def _mirror_rate(group: str, request: HttpRequest) -> str:
    return settings.RATE_LIMIT_MIRROR


# A flood of customer responses from one address is refused (429, respondent/views.py LIMITS).
limit_mirror = ratelimit(
    group="assessments:mirror", key="ip", rate=_mirror_rate, method="POST", block=True
)


def _mirror_context(
    request: HttpRequest, team: Team, figures: selectors.TeamFigures
) -> dict[str, object]:
    """The owner page's customer mirror: its figures and the link to share."""
    return {
        "mirror": selectors.mirror_comparison(team, figures=figures),
        "customer_link": request.build_absolute_uri(
            reverse("assessments:team_mirror", args=[team.customer_token])
        ),
    }


def _customers(token: str) -> tuple[Team, MirrorContent]:
    # A wrong token (an invite or owner link's among them) is a 404, as is a team whose
    # questionnaire version has no mirror.
    team = selectors.team_for_customer(token)
    mirror = selectors.team_mirror(team) if team is not None else None
    if team is None or mirror is None:
        raise Http404
    return team, mirror


@require_http_methods(["GET", "HEAD", "POST"])
@limit_mirror
def team_mirror(request: HttpRequest, token: str) -> HttpResponse:
    team, mirror = _customers(token)
    if team.is_closed:
        status = 409 if request.method == "POST" else 200
        return render(request, "teams/mirror_closed.html", {"team": team}, status=status)
    form = MirrorForm(request.POST or None, mirror=mirror)
    if request.method == "POST" and form.is_valid():
        try:
            services.mirror_respond(
                team=team,
                answers=form.answers(),
                recommend=form.cleaned_data["recommend"],
                comment=form.cleaned_data["comment"],
            )
        except services.TeamClosed:
            return render(request, "teams/mirror_closed.html", {"team": team}, status=409)
        return redirect("assessments:team_mirror_thanks", token=token)
    return render(
        request,
        "teams/mirror.html",
        {"team": team, "mirror": mirror, "form": form, "threshold": selectors.min_customers()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
def team_mirror_thanks(request: HttpRequest, token: str) -> HttpResponse:
    team, _mirror = _customers(token)
    return render(request, "teams/mirror_thanks.html", {"team": team})
