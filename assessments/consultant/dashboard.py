"""The admin dashboard: how many took the test, how they scored, who wants to be contacted, and
how well the questionnaire measures. Figures come from stored results; charts are plain SVG
geometry computed here and drawn by the template (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, IntegerField, Max
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import result_format, scoring, statistics
from ..models import Answer, Assessment, AssessmentQuerySet, Question, QuestionnaireVersion
from .workspace import ContentLabels

WEEKS = 12
NEWEST_LEADS = 10
# Below this many completed assessments the method statistics would be noise.
MIN_ASSESSMENTS_FOR_STATISTICS = 30
# The method statistics read every answer; beyond this many assessments (the newest are used)
# more data no longer changes the figures but would slow the page down.
MAX_ASSESSMENTS_FOR_STATISTICS = 10_000

# Reading every stored result takes seconds at 100,000 assessments; the figures are kept until
# an assessment changes (or the day does), and at most this long.
CACHE_SECONDS = 15 * 60

# Chart geometry in SVG user units; the SVG scales to its box.
CHART_WIDTH = 600
CHART_HEIGHT = 200
AXIS_SPACE = 24  # below the bars, for their labels


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def value_y(self) -> float:
        return round(self.y - 4, 2)


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT

    @property
    def baseline(self) -> float:
        return self.height - AXIS_SPACE

    @property
    def label_y(self) -> float:
        return self.height - 6

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def bar_chart(title: str, data: list[tuple[str, int]]) -> BarChart:
    """Vertical bars scaled to the largest value, with room for a label under each bar."""
    slot = CHART_WIDTH / max(len(data), 1)
    drawable = CHART_HEIGHT - AXIS_SPACE - 16  # leaves room for the value above the bar
    top = max((value for _, value in data), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(data):
        height = drawable * value / top
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(index * slot + slot * 0.15, 2),
                y=round(CHART_HEIGHT - AXIS_SPACE - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
            )
        )
    return BarChart(title=title, bars=tuple(bars))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def completed_per_week(
    assessments: AssessmentQuerySet, now: datetime | None = None
) -> list[tuple[date, int]]:
    """(Monday, completed tests that week) for the last WEEKS weeks, this week last."""
    today = timezone.localdate(now)
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    per_day = (
        assessments.completed()
        .filter(completed_at__gte=start)
        .annotate(day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(count=Count("pk"))
    )
    weeks = {first + timedelta(weeks=n): 0 for n in range(WEEKS)}
    for row in per_day:
        weeks[week_start(row["day"])] += row["count"]
    return sorted(weeks.items())


def level_counts(assessments: AssessmentQuerySet, path: str) -> dict[int | None, int]:
    """Completed assessments by the level at `path` of the stored result (None: no level)."""
    rows = (
        assessments.completed()
        .annotate(level=Cast(KT(path), IntegerField()))
        .order_by()
        .values("level")
        .annotate(count=Count("pk"))
    )
    return {row["level"]: row["count"] for row in rows}


@dataclass(frozen=True)
class QuestionRow:
    code: str
    text: str
    dont_know_percent: float | None
    item_total_correlation: float | None


@dataclass(frozen=True)
class AreaMethodRow:
    name: str
    respondents: int
    complete_responses: int
    alpha: float | None
    questions: tuple[QuestionRow, ...]


@dataclass(frozen=True)
class MethodStatistics:
    version: QuestionnaireVersion
    assessments: int  # how many the figures are computed over
    available: int  # completed assessments on the version
    areas: tuple[AreaMethodRow, ...]


def method_statistics(
    version: QuestionnaireVersion, assessments: AssessmentQuerySet
) -> MethodStatistics | None:
    """Per area of `version`: alpha, and each question's don't-know rate and item–total
    correlation; None until MIN_ASSESSMENTS_FOR_STATISTICS assessments are completed on it."""
    completed = assessments.completed().filter(version=version)
    available = completed.count()
    if available < MIN_ASSESSMENTS_FOR_STATISTICS:
        return None
    newest = completed.order_by("-completed_at").values("pk")[:MAX_ASSESSMENTS_FOR_STATISTICS]
    ids = list(newest.values_list("pk", flat=True))
    questions = list(Question.objects.filter(area__version=version).select_related("area"))
    code_of = {question.pk: question.code for question in questions}
    responses: dict[int, dict[str, statistics.Answer]] = {pk: {} for pk in ids}
    for assessment_id, question_id, value, not_applicable in Answer.objects.filter(
        assessment_id__in=ids
    ).values_list("assessment_id", "question_id", "option__value", "not_applicable"):
        responses[assessment_id][code_of[question_id]] = (
            scoring.NOT_APPLICABLE if not_applicable else value
        )

    rows = []
    areas = {question.area.pk: question.area for question in questions}
    for area in sorted(areas.values(), key=lambda area: area.order):
        area_questions = [q for q in questions if q.area_id == area.pk]
        result = statistics.area_statistics(
            area.code, [q.code for q in area_questions], responses.values()
        )
        rows.append(
            AreaMethodRow(
                name=area.name,
                respondents=result.respondents,
                complete_responses=result.complete_responses,
                alpha=result.alpha,
                questions=tuple(
                    QuestionRow(
                        code=q.code,
                        text=q.text,
                        dont_know_percent=(
                            None
                            if figures.dont_know_rate is None
                            else round(figures.dont_know_rate * 100, 1)
                        ),
                        item_total_correlation=figures.item_total_correlation,
                    )
                    for q, figures in zip(area_questions, result.questions, strict=True)
                ),
            )
        )
    return MethodStatistics(
        version=version, assessments=len(ids), available=available, areas=tuple(rows)
    )


@dataclass(frozen=True)
class Dashboard:
    completed: int
    with_consent: int
    weekly: BarChart
    overall_levels: BarChart
    area_levels: tuple[BarChart, ...]
    newest_leads: tuple[Assessment, ...]
    method: MethodStatistics | None
    level_names: dict[int, str]

    @property
    def consent_percent(self) -> float | None:
        return round(100 * self.with_consent / self.completed, 1) if self.completed else None


def _level_data(counts: dict[int | None, int]) -> list[tuple[str, int]]:
    # Numbers under the bars; the page names the levels once, in its legend.
    return [(str(level), counts.get(level, 0)) for level in scoring.LEVELS]


def build_dashboard(assessments: AssessmentQuerySet, now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard over `assessments` (e.g. all, or real ones only)."""
    labels = ContentLabels.load()
    completed = assessments.completed()
    weekly = completed_per_week(assessments, now)
    version = QuestionnaireVersion.objects.current()
    return Dashboard(
        completed=completed.count(),
        with_consent=assessments.leads().count(),
        weekly=bar_chart(
            _("Completed tests per week"),
            [(f"{monday.day}.{monday.month}.", count) for monday, count in weekly],
        ),
        overall_levels=bar_chart(
            _("Overall level"),
            _level_data(level_counts(assessments, result_format.overall_level_path())),
        ),
        area_levels=tuple(
            bar_chart(
                f"{area.number}. {area.name}",
                _level_data(level_counts(assessments, result_format.area_level_path(area.code))),
            )
            for area in labels.areas
        ),
        newest_leads=tuple(
            assessments.leads()
            .select_related("consultant")
            .order_by("-completed_at")[:NEWEST_LEADS]
        ),
        method=method_statistics(version, assessments) if version else None,
        level_names=labels.current_level_names,
    )


def cached_dashboard(assessments: AssessmentQuerySet, variant: str = "") -> Dashboard:
    """build_dashboard, served from the cache while no assessment has been added, changed or
    deleted since (the count and the latest change, one cheap query, tell)."""
    fingerprint = assessments.aggregate(count=Count("pk"), changed=Max("updated_at"))
    current = QuestionnaireVersion.objects.current()
    key = "cx-dashboard:" + "|".join(
        str(part)
        for part in (
            variant,
            fingerprint["count"],
            fingerprint["changed"] and fingerprint["changed"].isoformat(),
            current and current.pk,
            get_language(),
            timezone.localdate().isoformat(),
        )
    )
    dashboard = cache.get_or_set(key, lambda: build_dashboard(assessments), CACHE_SECONDS)
    if not isinstance(dashboard, Dashboard):
        raise TypeError(f"the cache holds no dashboard under {key!r}")
    return dashboard
