"""The team's emails: the invite link to a colleague, and the owner's own link to the owner.
Subject, plain text and HTML, rendered in the owner page's language; the HTML wears the
follow-up emails' frame (templates/followup/email/_base.html).

Links are absolute, from SITE_URL, as in the follow-up's emails: the worker has no request."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import selectors
from .models import Team, TeamInvitation


def _absolute(path: str) -> str:
    if not settings.SITE_URL:
        raise ImproperlyConfigured("Set SITE_URL (e.g. https://cx.example.com) to send emails.")
    return settings.SITE_URL.rstrip("/") + path


def _message(
    name: str, context: dict[str, object], *, language: str, to: Sequence[str]
) -> EmailMultiAlternatives:
    with translation.override(language):
        subject = " ".join(render_to_string(f"teams/email/{name}_subject.txt", context).split())
        text = render_to_string(f"teams/email/{name}.txt", context)
        html = render_to_string(
            f"teams/email/{name}.html", {**context, "subject": subject, "language": language}
        )
    message = EmailMultiAlternatives(subject, text, to=list(to))
    message.attach_alternative(html, "text/html")
    return message


def invitation(invitation: TeamInvitation) -> EmailMultiAlternatives:
    team = invitation.team
    with translation.override(invitation.language):
        link = _absolute(reverse("assessments:team_join", args=[team.invite_token]))
    return _message(
        "invitation",
        {
            "link": link,
            "organisation": team.organisation,
            "threshold": selectors.min_respondents(),
        },
        language=invitation.language,
        to=[invitation.email],
    )


def owner_link(team: Team, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        link = _absolute(reverse("assessments:team_owner", args=[team.owner_token]))
    return _message(
        "owner_link",
        {"link": link, "organisation": team.organisation},
        language=language,
        to=[team.email],
    )
