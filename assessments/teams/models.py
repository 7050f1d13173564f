"""A team and its members: which tests were taken through the team's invite link, and in which
role. The answers themselves stay in the tests (Assessment, Answer); the team never copies them."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Assessment, QuestionnaireVersion, find_by_token, new_token


class TeamRole(models.TextChoices):
    """The roles a colleague may name (a fixed list, so that no free text identifies anyone)."""

    MANAGEMENT = "management", _("Management")
    SALES = "sales", _("Sales")
    DELIVERY = "delivery", _("Delivery and experts")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    SUPPORT = "support", _("Support functions")


class TeamQuerySet(models.QuerySet["Team"]):
    def by_invite_token(self, token: str) -> Team | None:
        return find_by_token(self, "invite_token", token)

    def by_owner_token(self, token: str) -> Team | None:
        return find_by_token(self, "owner_token", token)

    def by_customer_token(self, token: str) -> Team | None:
        return find_by_token(self, "customer_token", token)

    def open(self) -> TeamQuerySet:
        return self.filter(closed_at__isnull=True)


class Team(models.Model):
    organisation = models.CharField(_("organisation"), max_length=200)
    # Only for sending the owner their links again; never shown to the members.
    email = models.EmailField(_("owner's email"), blank=True)
    # Every member answers this version, so that their answers can be put side by side.
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire version"),
    )
    # Two keys: the invite link lets colleagues join; only the owner link opens the figures.
    invite_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    owner_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # The customer mirror's key: it opens only the customers' survey, never a figure.
    customer_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    # A closed team takes no new members, and a test completed after it closed does not count.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects: ClassVar[TeamQuerySet] = TeamQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(invite_token=models.F("owner_token")),
                name="team_tokens_differ",
            ),
            models.CheckConstraint(
                condition=~models.Q(customer_token=models.F("invite_token"))
                & ~models.Q(customer_token=models.F("owner_token")),
                name="team_customer_token_differs",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    # Deleting the test (the colleague's own "delete my data") takes the membership with it.
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="team_membership"
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices, blank=True)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"#{self.pk}"


# ---------------------------------------------------------------- invitations by email
class TeamInvitation(models.Model):
    """An invite link to be emailed to one colleague: deleted once it is sent, so that the team
    keeps no address (the task queue holds only this row's id)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=8)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")

    def __str__(self) -> str:
        return f"#{self.pk}"


# --- Customer mirror (issue 17, item 2) -------------------------------------------------------


class MirrorResponse(models.Model):
    """One customer's answers to the team's customer mirror. Anonymous by construction: no
    address, no name, no session or cookie key, and only the day it came (not the moment), so
    that nobody can tie a response to a visit in a log."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="mirror_responses")
    # The mirror section's own version label (mirror_content.MirrorContent.version): only
    # responses to the team's current mirror are put side by side.
    mirror_version = models.CharField(max_length=40)
    # Mirror question code -> 1..5, or None for "don't know"; every question of the version.
    answers = models.JSONField(default=dict)
    recommend = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    comment = models.TextField(blank=True, max_length=2000)
    received_on = models.DateField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer response")
        verbose_name_plural = _("customer responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommend__isnull=True) | models.Q(recommend__lte=10),
                name="mirror_recommend_0_10",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"
