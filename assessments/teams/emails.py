"""The team's emails: the invite link to a colleague, and the owner's own link to the owner.
Subject, plain text and HTML, rendered in the owner page's language; the HTML wears the
follow-up emails' frame (templates/followup/email/_base.html).
Links are absolute, from SITE_URL (assessments/mailing.py)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from .. import mailing
from ..mailing import absolute
from . import selectors
from .models import Team, TeamInvitation


def invitation(invitation: TeamInvitation) -> EmailMultiAlternatives:
    team = invitation.team
    with translation.override(invitation.language):
        link = absolute(reverse("assessments:team_join", args=[team.invite_token]))
    return mailing.message(
        "teams",
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
        link = absolute(reverse("assessments:team_owner", args=[team.owner_token]))
    return mailing.message(
        "teams",
        "owner_link",
        {"link": link, "organisation": team.organisation},
        language=language,
        to=[team.email],
    )
