"""The assessment list's filters, each written once; the level filters read the stored result
through result_format, so an area is found by its code in results of any version."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.admin import ModelAdmin, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
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
