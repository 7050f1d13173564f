"""Team assessments in the consultant's admin: each team with its size, how many have completed
and, above the team's threshold, its figures per area. Never a member's test: no inline, no link,
no token; a consultant reads the same aggregates as the team's owner, and nothing more."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from ...teams import selectors as teams
from ...teams.models import Team
from .. import exports


class SizeFilter(admin.SimpleListFilter):
    title = _("size")
    parameter_name = "size"
    # Members who joined, finished or not: (code, label, lowest, highest).
    BANDS = (
        ("1-2", _("1–2 colleagues"), 0, 2),
        ("3-9", _("3–9 colleagues"), 3, 9),
        ("10-49", _("10–49 colleagues"), 10, 49),
        ("50+", _("50 or more colleagues"), 50, None),
    )

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(code, label) for code, label, _low, _high in self.BANDS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        for code, _label, low, high in self.BANDS:
            if self.value() == code:
                queryset = queryset.filter(member_count__gte=low)
                return queryset if high is None else queryset.filter(member_count__lte=high)
        return queryset


class CompletionFilter(admin.SimpleListFilter):
    title = _("completion")
    parameter_name = "completion"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("shown", _("Figures shown (enough completed)")),
            ("waiting", _("Waiting for answers")),
            ("closed", _("Closed")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        threshold = teams.min_respondents()
        if self.value() == "shown":
            return queryset.filter(completed_count__gte=threshold)
        if self.value() == "waiting":
            return queryset.filter(Q(completed_count__lt=threshold), closed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = (
        "organisation",
        "created_at",
        "members",
        "completed",
        "closed_at",
        "customer_responses",  # customer mirror
    )
    list_filter = (SizeFilter, CompletionFilter)
    search_fields = ("organisation",)
    actions = ("export_aggregates_csv",)
    fields = (
        "organisation",
        "email",
        "version",
        "created_at",
        "closed_at",
        "team_results",
        "customer_mirror",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return teams.teams_with_mirror_counts().select_related("version")

    @admin.display(description=_("colleagues"), ordering="member_count")
    def members(self, team: Team) -> int:
        return getattr(team, "member_count", 0)

    @admin.display(description=_("completed"), ordering="completed_count")
    def completed(self, team: Team) -> int:
        return getattr(team, "completed_count", 0)

    @admin.display(description=_("the team's results"))
    def team_results(self, team: Team) -> str:
        # A rendered template is already safe: it escaped every value it printed.
        return render_to_string("teams/_admin_figures.html", {"figures": teams.team_figures(team)})

    # ------------------------------------------------------------ the aggregates' export
    @admin.action(
        description=_("Export the selected teams' aggregates to CSV"), permissions=["view"]
    )
    def export_aggregates_csv(self, request: HttpRequest, queryset: QuerySet[Team]) -> HttpResponse:
        response = HttpResponse(
            exports.export_teams(queryset), content_type=exports.FORMATS[exports.CSV]
        )
        response["Content-Disposition"] = f'attachment; filename="{exports.teams_filename()}"'
        return response

    # --- Customer mirror (issue 17, item 2): its count, and its aggregates above the threshold;
    # never a customer's response (no inline, no link, no comment's date).
    @admin.display(description=_("customer responses"), ordering="mirror_count")
    def customer_responses(self, team: Team) -> int:
        return getattr(team, "mirror_count", 0)

    @admin.display(description=_("customers' view"))
    def customer_mirror(self, team: Team) -> str:
        return render_to_string(
            "teams/_admin_mirror.html", {"mirror": teams.mirror_comparison(team)}
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A team is started by its organisation, which alone receives the links.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Team | None = None) -> bool:
        return False
