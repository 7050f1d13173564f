"""The test's funnel on the dashboard: of the tests started in a period, how many reached each
area, the background page, completion, consent and a contact request; the drop-off at each step
and the median time to complete; per week and per campaign source.

Computed from what every assessment stores anyway (`created_at`, `last_step`, `completed_at`,
`consent_to_contact`, `contact_requested_at`, `utm_source`): no tracking cookie, no analytics.
A test is counted in the period (and the week) it was started in, with how far it has got by now.
The steps are nested, so no step counts more than the one before it:

    started ⊇ reached area k (k ≥ 2: area k-1 saved) ⊇ reached the background page (every area
    saved) ⊇ completed ⊇ gave consent (completed, with consent or a contact request, which records
    consent) ⊇ asked to be contacted (completed, with a contact request)
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ..models import AssessmentQuerySet, QuestionnaireVersion

WEEKS = 12
DEFAULT_PERIOD_DAYS = 30
# A longer period reads more rows than the page should wait for; a year answers every question.
MAX_PERIOD_DAYS = 366
MAX_SOURCES = 10
# The sources table names the respondents who came without a campaign so.
NO_SOURCE = ""
# The bars' drawing width in SVG user units.
BAR_WIDTH = 300


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    count: int
    previous: int | None  # the count of the step before; None for the first step

    @property
    def drop_off_percent(self) -> float | None:
        """The share of the previous step's tests that did not reach this one."""
        if self.previous is None or self.previous == 0:
            return None
        return round(100 * (self.previous - self.count) / self.previous, 1)

    def share_of(self, started: int) -> float | None:
        return round(100 * self.count / started, 1) if started else None


@dataclass(frozen=True)
class Funnel:
    steps: tuple[FunnelStep, ...]
    median_completion: timedelta | None

    @property
    def started(self) -> int:
        return self.steps[0].count if self.steps else 0

    @property
    def bars(self) -> list[tuple[FunnelStep, float, float | None]]:
        """Each step with its bar's width (the started tests span BAR_WIDTH) and share."""
        top = self.started or 1
        return [
            (step, round(BAR_WIDTH * step.count / top, 2), step.share_of(self.started))
            for step in self.steps
        ]

    def count(self, key: str) -> int:
        return next((step.count for step in self.steps if step.key == key), 0)

    @property
    def completion_percent(self) -> float | None:
        return round(100 * self.count("completed") / self.started, 1) if self.started else None

    @property
    def contact_percent(self) -> float | None:
        """Of the completed tests, the share whose respondent may be or asked to be contacted."""
        completed = self.count("completed")
        return round(100 * self.count("consent") / completed, 1) if completed else None

    @property
    def median_text(self) -> str:
        return duration_text(self.median_completion)


@dataclass(frozen=True)
class WeekRow:
    monday: date
    funnel: Funnel


@dataclass(frozen=True)
class SourceRow:
    source: str  # NO_SOURCE for tests that came without a campaign
    funnel: Funnel


@dataclass(frozen=True)
class FunnelReport:
    start: date
    end: date  # inclusive
    total: Funnel
    weeks: tuple[WeekRow, ...]  # the last WEEKS weeks, this week last
    sources: tuple[SourceRow, ...]  # the most frequent sources first
    step_labels: tuple[str, ...]


def step_conditions(area_count: int) -> list[tuple[str, str, Q]]:
    """(key, label, condition) for every step, in order; each condition implies the one before."""
    completed = Q(completed_at__isnull=False)
    steps: list[tuple[str, str, Q]] = [("started", gettext("Started"), Q())]
    for number in range(2, area_count + 1):
        steps.append(
            (
                f"area_{number}",
                gettext("Reached part %(number)d") % {"number": number},
                Q(last_step__gte=number - 1) | completed,
            )
        )
    steps += [
        (
            "background",
            gettext("Reached the background page"),
            Q(last_step__gte=area_count) | completed,
        ),
        ("completed", gettext("Completed"), completed),
        (
            "consent",
            gettext("Gave consent"),
            completed & (Q(consent_to_contact=True) | Q(contact_requested_at__isnull=False)),
        ),
        (
            "contact",
            gettext("Asked to be contacted"),
            completed & Q(contact_requested_at__isnull=False),
        ),
    ]
    return steps


def _funnel(
    counts: dict[str, int], steps: list[tuple[str, str, Q]], median: timedelta | None
) -> Funnel:
    result = []
    previous: int | None = None
    for key, label, _condition in steps:
        count = counts.get(key, 0) or 0
        result.append(FunnelStep(key=key, label=label, count=count, previous=previous))
        previous = count
    return Funnel(steps=tuple(result), median_completion=median)


def _aggregates(steps: list[tuple[str, str, Q]]) -> dict[str, Count]:
    return {
        key: Count("pk", filter=condition) if condition else Count("pk")
        for key, _label, condition in steps
    }


def duration_text(duration: timedelta | None) -> str:
    """A duration as a person reads it: minutes up to two hours, then hours, then days."""
    if duration is None:
        return "–"
    minutes = duration.total_seconds() / 60
    if minutes < 120:
        return gettext("%(minutes)d min") % {"minutes": round(minutes)}
    if minutes < 48 * 60:
        return gettext("%(hours)d h") % {"hours": round(minutes / 60)}
    return gettext("%(days)d d") % {"days": round(minutes / (24 * 60))}


def median_duration(durations: list[timedelta]) -> timedelta | None:
    if not durations:
        return None
    return timedelta(seconds=statistics.median(d.total_seconds() for d in durations))


def _completion_times(assessments: AssessmentQuerySet) -> list[tuple[datetime, timedelta]]:
    """(started, time to complete) of every completed test among `assessments`."""
    return [
        (created, completed - created)
        for created, completed in assessments.completed().values_list("created_at", "completed_at")
        if completed is not None
    ]


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def current_area_count() -> int:
    version = QuestionnaireVersion.objects.current()
    return version.areas.count() if version else 0


def funnel_report(
    assessments: AssessmentQuerySet, *, start: date, end: date, today: date | None = None
) -> FunnelReport:
    """The funnel of the tests started from `start` to `end` (both included), the last WEEKS
    weeks' funnels, and the period's funnel per campaign source."""
    steps = step_conditions(current_area_count())
    aggregates = _aggregates(steps)
    today = today or timezone.localdate()

    def started_between(first: date, last: date) -> AssessmentQuerySet:
        return assessments.filter(
            created_at__gte=_midnight(first), created_at__lt=_midnight(last + timedelta(days=1))
        )

    in_period = started_between(start, end)
    durations = [duration for _started, duration in _completion_times(in_period)]
    total = _funnel(in_period.aggregate(**aggregates), steps, median_duration(durations))

    first_monday = _week_start(today) - timedelta(weeks=WEEKS - 1)
    in_weeks = started_between(first_monday, today)
    tz = timezone.get_current_timezone()
    per_day = (
        in_weeks.annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(**aggregates)
    )
    week_counts: dict[date, dict[str, int]] = {
        first_monday + timedelta(weeks=n): {} for n in range(WEEKS)
    }
    for row in per_day:
        counts = week_counts[_week_start(row["day"])]
        for key, _label, _condition in steps:
            counts[key] = counts.get(key, 0) + row[key]
    week_durations: dict[date, list[timedelta]] = {monday: [] for monday in week_counts}
    for created, duration in _completion_times(in_weeks):
        week_durations[_week_start(timezone.localtime(created, tz).date())].append(duration)
    weeks = tuple(
        WeekRow(
            monday=monday,
            funnel=_funnel(counts, steps, median_duration(week_durations[monday])),
        )
        for monday, counts in sorted(week_counts.items())
    )

    per_source = (
        in_period.order_by().values("utm_source").annotate(**aggregates).order_by("-started")
    )
    sources = tuple(
        SourceRow(source=row["utm_source"], funnel=_funnel(row, steps, None))
        for row in list(per_source)[:MAX_SOURCES]
    )
    return FunnelReport(
        start=start,
        end=end,
        total=total,
        weeks=weeks,
        sources=sources,
        step_labels=tuple(label for _key, label, _condition in steps),
    )


# The funnel reads every test started in the last twelve weeks (0.4 s at 25,000 tests): kept
# until a test is added, changed or deleted, the period or the day changes, and at most this long.
CACHE_SECONDS = 15 * 60


def cached_funnel_report(
    assessments: AssessmentQuerySet, *, start: date, end: date, variant: str = ""
) -> FunnelReport:
    """funnel_report, from the cache while nothing it counts has changed (one cheap query)."""
    fingerprint = assessments.aggregate(count=Count("pk"), changed=Max("updated_at"))
    key = "cx-funnel:" + "|".join(
        str(part)
        for part in (
            variant,
            start.isoformat(),
            end.isoformat(),
            fingerprint["count"],
            fingerprint["changed"] and fingerprint["changed"].isoformat(),
            get_language(),
            timezone.localdate().isoformat(),
        )
    )
    report = cache.get_or_set(
        key, lambda: funnel_report(assessments, start=start, end=end), CACHE_SECONDS
    )
    if not isinstance(report, FunnelReport):
        raise TypeError(f"the cache holds no funnel under {key!r}")
    return report


class FunnelPeriodForm(forms.Form):
    """The dashboard's choice of period for the funnel (GET)."""

    funnel_start = forms.DateField(
        label=_("First day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    funnel_end = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("funnel_start"), data.get("funnel_end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The period must end on or after its first day."))
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise forms.ValidationError(
                    _("Choose a period of at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
                )
        return data


def chosen_period(form: FunnelPeriodForm, today: date | None = None) -> tuple[date, date]:
    """The valid period the form asks for, else the last DEFAULT_PERIOD_DAYS days."""
    today = today or timezone.localdate()
    default_start = today - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if not form.is_valid():
        return default_start, today
    end = form.cleaned_data.get("funnel_end") or today
    start = form.cleaned_data.get("funnel_start") or min(default_start, end)
    if end < start or (end - start).days >= MAX_PERIOD_DAYS:
        return default_start, today
    return start, end
