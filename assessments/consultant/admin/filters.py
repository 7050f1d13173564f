"""The assessment list's filters, each written once; the level filters read the stored result
through result_format, so an area is found by its code in results of any version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.admin import ModelAdmin, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ... import result_format, scoring
from ...models import Assessment, AssessmentQuerySet
from ..workspace import AreaLabel

Lookups = list[tuple[str, Any]]


class PeriodFilter(SimpleListFilter):
    title = _("period")
    parameter_name = "period"

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        return [
            ("today", _("Today")),
            ("week", _("This week")),
            ("last_week", _("Last week")),
            ("month", _("This month")),
            ("30_days", _("Last 30 days")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        bounds = self.bounds(self.value(), timezone.localdate())
        if bounds is None:
            return queryset
        start, end = bounds
        return queryset.filter(created_at__gte=start, created_at__lt=end)

    @staticmethod
    def bounds(period: str | None, today: date) -> tuple[datetime, datetime] | None:
        def midnight(day: date) -> datetime:
            return timezone.make_aware(datetime.combine(day, datetime.min.time()))

        tomorrow = today + timedelta(days=1)
        monday = today - timedelta(days=today.weekday())
        periods = {
            "today": (today, tomorrow),
            "week": (monday, tomorrow),
            "last_week": (monday - timedelta(weeks=1), monday),
            "month": (today.replace(day=1), tomorrow),
            "30_days": (today - timedelta(days=29), tomorrow),
        }
        if period not in periods:
            return None
        start, end = periods[period]
        return midnight(start), midnight(end)


class TestStatusFilter(SimpleListFilter):
    title = _("test")
    parameter_name = "test"

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        return [
            ("completed", _("Completed")),
            ("in_progress", _("In progress")),
            ("abandoned", _("Abandoned")),
        ]

    def queryset(  # type: ignore[override]
        self, request: HttpRequest, queryset: AssessmentQuerySet
    ) -> AssessmentQuerySet:
        if self.value() == "completed":
            return queryset.completed()
        if self.value() == "in_progress":
            return queryset.still_answering()
        if self.value() == "abandoned":
            return queryset.abandoned()
        return queryset


class AssignedFilter(SimpleListFilter):
    title = _("assigned consultant")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        return [("me", _("Me")), ("nobody", _("Nobody"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        if self.value() == "me":
            if not request.user.is_authenticated:  # the admin admits signed-in staff only
                raise PermissionDenied
            return queryset.filter(consultant=request.user)
        if self.value() == "nobody":
            return queryset.filter(consultant__isnull=True)
        return queryset


class LevelFilter(SimpleListFilter):
    """Assessments whose stored result has the chosen level at `result_path`."""

    result_path: str

    def __init__(
        self,
        request: HttpRequest,
        params: dict[str, Any],
        model: type[Assessment],
        model_admin: ModelAdmin[Assessment],
        *,
        level_names: Mapping[int, str],
    ) -> None:
        self.level_names = level_names
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        return [(str(level), f"{level} {name}") for level, name in sorted(self.level_names.items())]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        value = self.value()
        if value is None:
            return queryset
        # Only a level of the scale, spelled as the lookups spell it: str.isdigit() would let
        # "²" or "٣" through to int(), which refuses them (a server error, not a bad filter).
        levels = {str(level): level for level in scoring.LEVELS}
        if value not in levels:
            raise IncorrectLookupParameters(value)
        return queryset.filter(**{self.result_path: levels[value]})


class OverallLevelFilter(LevelFilter):
    title = _("overall level")
    parameter_name = "overall_level"
    result_path = result_format.overall_level_path()


class AreaLevelFilter(LevelFilter):
    """The level in one area, named by its code: `level_<code>`."""

    def __init__(self, *args: Any, area: AreaLabel, **kwargs: Any) -> None:
        self.title = gettext("level in %(area)s") % {"area": area.name}
        self.parameter_name = f"level_{area.code}"
        self.result_path = result_format.area_level_path(area.code)
        super().__init__(*args, **kwargs)


class ConsentFilter(SimpleListFilter):
    """Whether the respondent may be contacted, and whether they asked to be (a hot lead)."""

    title = _("consent to contact")
    parameter_name = "consent"

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        return [
            ("yes", _("Consent given")),
            ("contact_request", _("Asked to be contacted")),
            ("no", _("No consent")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        if self.value() == "yes":
            return queryset.filter(consent_to_contact=True)
        if self.value() == "contact_request":
            return queryset.filter(contact_requested_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(consent_to_contact=False)
        return queryset


class NextContactFilter(SimpleListFilter):
    """The consultant's follow-up calendar: whose next contact date has come."""

    title = _("next contact")
    parameter_name = "next_contact"

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        return [
            ("due", _("Due (today or overdue)")),
            ("today", _("Today")),
            ("overdue", _("Overdue")),
            ("week", _("In the next 7 days")),
            ("none", _("Not set")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        today = timezone.localdate()
        value = self.value()
        if value == "due":
            return queryset.filter(next_contact_on__lte=today)
        if value == "today":
            return queryset.filter(next_contact_on=today)
        if value == "overdue":
            return queryset.filter(next_contact_on__lt=today)
        if value == "week":
            return queryset.filter(
                next_contact_on__gte=today, next_contact_on__lt=today + timedelta(days=7)
            )
        if value == "none":
            return queryset.filter(next_contact_on__isnull=True)
        return queryset


class OwnerFilter(AssignedFilter):
    """The assigned consultant: me, nobody, or any active staff member by name."""

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        staff = get_user_model().objects.filter(is_staff=True, is_active=True)
        others = [
            (str(user.pk), user.get_full_name() or user.get_username())
            for user in staff.order_by("first_name", "last_name", "username")
            if user.pk != request.user.pk
        ]
        return [*super().lookups(request, model_admin), *others]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        value = self.value()
        if value is None or value in ("me", "nobody"):
            return super().queryset(request, queryset)
        # An id as the lookups spell it, or a bad filter (never a server error).
        if not (value.isascii() and value.isdigit()):
            raise IncorrectLookupParameters(value)
        return queryset.filter(consultant_id=int(value))


# The source filter lists the most frequent campaign sources; rarer ones are found by search.
MAX_SOURCE_CHOICES = 20
NO_SOURCE = "-"


# Counting the sources reads a whole index; the choices may lag new campaigns by minutes.
SOURCES_CACHE_KEY = "cx-admin-campaign-sources"
SOURCES_CACHE_SECONDS = 5 * 60


def _frequent_sources() -> list[str]:
    return list(
        Assessment.objects.exclude(utm_source="")
        .order_by()
        .values("utm_source")
        .annotate(count=Count("pk"))
        .order_by("-count", "utm_source")
        .values_list("utm_source", flat=True)[:MAX_SOURCE_CHOICES]
    )


class CampaignSourceFilter(SimpleListFilter):
    """The campaign a respondent came from (utm_source, stored at start)."""

    title = _("campaign source")
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: ModelAdmin[Assessment]) -> Lookups:
        sources = (
            cache.get_or_set(SOURCES_CACHE_KEY, _frequent_sources, SOURCES_CACHE_SECONDS) or []
        )
        return [
            *((source, source) for source in sources),
            (NO_SOURCE, _("No campaign")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Assessment]
    ) -> QuerySet[Assessment]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(utm_source="" if value == NO_SOURCE else value)
