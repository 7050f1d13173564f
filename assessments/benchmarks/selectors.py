"""Reads of the benchmark: a result against its comparison group, the result's series and the
change since the previous result, and the dashboard's overview. Every figure comes from the
stored distributions (one query for all of a page's rows), never from a pass over assessments.

Group figures appear only above their thresholds (`thresholds()`, never below
THRESHOLD_FLOOR whatever the settings say):
- a segment (an industry, a size) under `segment` organisations does not appear at all;
- under `band`, only how many more are needed, nothing numeric;
- from `band`, the quartile band and the group's quartiles; from `percentile`, also the
  percentile rank rounded to 5.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import F, Q, QuerySet
from django.dispatch import receiver
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext

from .. import prepared, scoring
from .. import selectors as core_selectors
from ..models import Assessment, QuestionnaireVersion
from . import figures
from .models import OVERALL, Distribution, Group

THRESHOLD_FLOOR = 10
MARK_WIDTH = 1.2  # the respondent's mark in a chart, in score points
MEDIAN_WIDTH = 0.5  # the group's median line in a chart, in score points
# The history of a series is drawn from this many results on; two are the change itself.
HISTORY_MIN_RESULTS = 3
HISTORY_HEIGHT = 40
HISTORY_WIDTH = 300


def one_decimal(value: float) -> str:
    """`value|floatformat:1` in the active language (the results page's figures), worked out
    once per value and language: the filter was a tenth of a results page with a previous result."""
    return _one_decimal(value, repr(value), get_language())


@lru_cache(maxsize=4096)
def _one_decimal(value: float, text: str, language: str | None) -> str:
    # `text` tells apart numbers that are equal but print differently (0.0 and -0.0); the
    # language is the one active, which the filter reads itself.
    return floatformat(value, 1)


@receiver(setting_changed)
def _forget_formats(**kwargs: object) -> None:
    # The filter reads the number format settings too; tests change them.
    _one_decimal.cache_clear()


@dataclass(frozen=True)
class Thresholds:
    segment: int
    band: int
    percentile: int


def thresholds() -> Thresholds:
    """The settings' thresholds, none below THRESHOLD_FLOOR."""
    return Thresholds(
        segment=max(THRESHOLD_FLOOR, int(settings.BENCHMARK_MIN_SEGMENT)),
        band=max(THRESHOLD_FLOOR, int(settings.BENCHMARK_MIN_BAND)),
        percentile=max(THRESHOLD_FLOOR, int(settings.BENCHMARK_MIN_PERCENTILE)),
    )


def parse_group(value: object) -> Group:
    """The group a request asked for; anything not in the list is everyone."""
    return Group(value) if isinstance(value, str) and value in Group.values else Group.EVERYONE


def report_group(value: object) -> str:
    """The group a PDF link asked for, as the report's cache names it: "" for everyone."""
    group = parse_group(value)
    return "" if group == Group.EVERYONE else group.value


@dataclass(frozen=True)
class AreaComparison:
    """One area (or overall, code OVERALL) of a result against the picked group."""

    code: str
    name: str
    score: float | None
    group_size: int  # 0 when hidden
    visible: bool  # False: a segment under its threshold, nothing about it may show
    needed: int  # how many more organisations before a band shows; 0 when it shows
    band: int | None  # 1 bottom quarter … 4 top quarter
    percent: int | None  # "higher than about …", rounded to 5
    quartiles: figures.Quartiles | None

    @property
    def is_top_band(self) -> bool:
        return self.band == figures.TOP_BAND

    @property
    def lower_text(self) -> str:
        return one_decimal(self.quartiles.lower) if self.quartiles else ""

    @property
    def upper_text(self) -> str:
        return one_decimal(self.quartiles.upper) if self.quartiles else ""

    @property
    def median_text(self) -> str:
        return one_decimal(self.quartiles.median) if self.quartiles else ""

    @property
    def score_text(self) -> str:
        return one_decimal(self.score) if self.score is not None else ""

    @property
    def box_width(self) -> float:
        return self.quartiles.upper - self.quartiles.lower if self.quartiles else 0.0

    @property
    def median_x(self) -> float:
        """The group's median line in the chart, centred on the median, kept inside it."""
        median = self.quartiles.median if self.quartiles else 0.0
        return min(max(median - MEDIAN_WIDTH / 2, 0.0), figures.MAX_SCORE - MEDIAN_WIDTH)

    @property
    def mark_x(self) -> float:
        """The respondent's mark in the chart (0…100), kept inside it at both ends."""
        return min(max((self.score or 0.0) - MARK_WIDTH / 2, 0.0), figures.MAX_SCORE - MARK_WIDTH)

    @property
    def band_sentence(self) -> str:
        """Where the result stands, e.g. "You are in the top quarter of 214 organisations."."""
        if self.band is None:
            return ""
        sentences = {
            1: gettext("You are in the bottom quarter of %(count)s organisations."),
            2: gettext("You are in the second quarter from the bottom of %(count)s organisations."),
            3: gettext("You are in the second quarter from the top of %(count)s organisations."),
            4: gettext("You are in the top quarter of %(count)s organisations."),
        }
        return sentences[self.band] % {"count": self.group_size}

    @property
    def percent_sentence(self) -> str:
        if self.percent is None:
            return ""
        return gettext("Your score is higher than that of about %(percent)s %% of them.") % {
            "percent": self.percent
        }

    @property
    def needed_sentence(self) -> str:
        if not self.visible or not self.needed:
            return ""
        return ngettext(
            "The comparison appears once %(count)s more organisation has completed the test.",
            "The comparison appears once %(count)s more organisations have completed the test.",
            self.needed,
        ) % {"count": self.needed}


@dataclass(frozen=True)
class GroupChoice:
    group: Group
    segment: str
    segment_label: str
    size: int
    selected: bool

    @property
    def value(self) -> str:
        return self.group.value

    @property
    def label(self) -> str:
        return str(self.group.label)


@dataclass(frozen=True)
class Comparison:
    group: Group
    segment: str
    segment_label: str
    choices: tuple[GroupChoice, ...]
    areas: tuple[AreaComparison, ...]  # in the result's area order
    overall: AreaComparison | None
    thresholds: Thresholds
    asked_unavailable: bool  # the asked group is not available: everyone is shown instead

    @property
    def any_numbers(self) -> bool:
        return any(area.band is not None for area in (*self.areas, self.overall) if area)

    @property
    def rows(self) -> tuple[AreaComparison, ...]:
        """Overall first, then the areas."""
        return ((self.overall,) if self.overall else ()) + self.areas

    @property
    def query(self) -> str:
        return "" if self.group == Group.EVERYONE else f"compare={self.group.value}"


def _segment(assessment: Assessment, group: Group) -> str:
    if group == Group.INDUSTRY:
        return assessment.industry
    if group == Group.SIZE:
        return assessment.size
    return ""


def _segment_label(assessment: Assessment, group: Group) -> str:
    if group == Group.INDUSTRY:
        return str(assessment.get_industry_display())
    if group == Group.SIZE:
        return str(assessment.get_size_display())
    return ""


def _compare(
    code: str,
    name: str,
    score: float | None,
    row: Distribution | None,
    limits: Thresholds,
    is_segment: bool,
) -> AreaComparison:
    size = row.count if row else 0
    hidden = AreaComparison(code, name, score, 0, False, 0, None, None, None)
    if is_segment and size < limits.segment:
        return hidden
    if score is None or row is None or size < limits.band:
        needed = max(limits.band - size, 0)
        return AreaComparison(code, name, score, size, True, needed, None, None, None)
    rank = figures.percentile_rank(row.histogram, score)
    return AreaComparison(
        code=code,
        name=name,
        score=score,
        group_size=size,
        visible=True,
        needed=0,
        band=figures.quartile_band(rank),
        percent=figures.rounded_percent(rank) if size >= limits.percentile else None,
        quartiles=figures.quartiles(row.histogram),
    )


# Every results page reads its groups' distributions, which change only when a result is stored or
# deleted: they are kept in the shared cache per version × group × segment and forgotten when a
# change commits (services._apply); the expiry bounds what a process with a local cache misses.
DISTRIBUTION_CACHE_SECONDS = 300

GroupKey = tuple[str, str]  # (group, segment)


def distribution_cache_key(version_id: int, group: str, segment: str) -> str:
    return f"benchmarks:distribution:{version_id}:{group}:{segment}"


def distributions(
    version_id: int, groups: Iterable[GroupKey]
) -> dict[GroupKey, list[Distribution]]:
    """(group, segment) → the version's rows of that group, from the cache; the missing groups
    in one query."""
    keys = {distribution_cache_key(version_id, *group): group for group in set(groups)}
    found: dict[str, list[Distribution]] = cache.get_many(list(keys))
    missing = [group for key, group in keys.items() if key not in found]
    if missing:
        wanted = Q(pk__in=[])
        for group, segment in missing:
            wanted |= Q(group=group, segment=segment)
        fetched: dict[GroupKey, list[Distribution]] = {group: [] for group in missing}
        for row in Distribution.objects.filter(wanted, version_id=version_id):
            fetched[(row.group, row.segment)].append(row)
        stored = {
            distribution_cache_key(version_id, *group): rows for group, rows in fetched.items()
        }
        cache.set_many(stored, DISTRIBUTION_CACHE_SECONDS)
        found.update(stored)
    return {group: found[key] for key, group in keys.items()}


def area_names(version: QuestionnaireVersion) -> dict[str, str]:
    """Area code → name in the active language (the content is read once per process)."""
    return {area.code: area.name for area in core_selectors.questionnaire_content(version).areas}


def comparison(assessment: Assessment, asked: object = None) -> Comparison | None:
    """The completed result against the asked group (everyone when the group is unknown or
    unavailable); None when the result is unreadable or not completed. One query."""
    result = assessment.stored_result
    if result is None:
        return None
    limits = thresholds()
    wanted = parse_group(asked)
    groups: list[GroupKey] = [(Group.EVERYONE.value, "")]
    for group in (Group.INDUSTRY, Group.SIZE):
        if segment := _segment(assessment, group):
            groups.append((group.value, segment))
    rows = {
        (row.group, row.area): row
        for group_rows in distributions(assessment.version_id, groups).values()
        for row in group_rows
    }

    def group_size(group: Group) -> int:
        # The largest of its rows: an area without a score (or without an overall score) leaves
        # a member out of that row only.
        return max((row.count for (g, _), row in rows.items() if g == group.value), default=0)

    available = [Group.EVERYONE] + [
        group
        for group in (Group.INDUSTRY, Group.SIZE)
        if _segment(assessment, group) and group_size(group) >= limits.segment
    ]
    picked = wanted if wanted in available else Group.EVERYONE
    is_segment = picked != Group.EVERYONE
    names = area_names(assessment.version)
    areas = tuple(
        _compare(
            area.code,
            names.get(area.code, area.code),
            area.score,
            rows.get((picked.value, area.code)),
            limits,
            is_segment,
        )
        for area in result.areas
    )
    overall = _compare(
        OVERALL,
        gettext("Overall"),
        result.overall_score,
        rows.get((picked.value, OVERALL)),
        limits,
        is_segment,
    )
    return Comparison(
        group=picked,
        segment=_segment(assessment, picked),
        segment_label=_segment_label(assessment, picked),
        choices=tuple(
            GroupChoice(
                group,
                _segment(assessment, group),
                _segment_label(assessment, group),
                group_size(group),
                group == picked,
            )
            for group in available
        ),
        areas=areas,
        overall=overall,
        thresholds=limits,
        asked_unavailable=wanted != picked,
    )


# ---------------------------------------------------------------- series and change


def _series_query(assessment_id: int) -> QuerySet[Assessment]:
    return (
        Assessment.objects.completed()
        .filter(series_member__series__members__assessment_id=assessment_id)
        .order_by("completed_at", "pk")
    )


def series_results(assessment: Assessment) -> list[Assessment]:
    """The completed results of the assessment's series, oldest first (just itself when it is in
    no series); one query."""
    results = list(_series_query(assessment.pk).select_related("version"))
    if not results and assessment.is_completed:
        return [assessment]
    return results


def progress_results(assessment: Assessment) -> list[Assessment]:
    """`series_results` with only what `progress` reads of each: the id, completion time, stored
    result and version (its id and label; reading another field of it would be a query). The
    results page reads this on every view: the query is built and compiled once per database (it
    and reading the whole rows, the versions' glossaries among them, were a sixth of the page)."""
    alias = router.db_for_read(Assessment)
    sql = _progress_sql(alias, connections[alias].vendor)
    results = list(Assessment.objects.db_manager(alias).raw(sql, [assessment.pk]))
    for item in results:
        # As select_related with only() would leave it: the label read, every other field deferred.
        label = getattr(item, "progress_version_label")  # noqa: B009  # the query's annotation
        item.version = QuestionnaireVersion.from_db(
            alias, ["id", "label"], [item.version_id, label]
        )
    if not results and assessment.is_completed:
        return [assessment]
    return results


@lru_cache(maxsize=8)
def _progress_sql(alias: str, vendor: str) -> str:
    queryset = (
        _series_query(prepared.ID_MARK)
        .using(alias)
        .annotate(progress_version_label=F("version__label"))
        .only("pk", "completed_at", "result", "version_id")
    )
    return prepared.compile_query(queryset, connections[alias], (prepared.ID_MARK,)).sql


@dataclass(frozen=True)
class Change:
    code: str  # area code, OVERALL for the overall score
    name: str
    previous: float
    current: float
    mdc: float
    assumed_error: bool  # the conservative fallback was used

    @property
    def difference(self) -> float:
        return round(self.current - self.previous, 1)

    @property
    def is_clear(self) -> bool:
        return figures.is_clear_change(self.difference, self.mdc)

    @property
    def sign(self) -> str:
        """The difference's sign as printed: a real minus, and none for zero."""
        if self.difference > 0:
            return "+"
        return "\u2212" if self.difference < 0 else "\u00b1"

    @property
    def magnitude(self) -> float:
        return abs(self.difference)

    @property
    def mdc_rounded(self) -> float:
        return round(self.mdc, 1)

    @property
    def previous_text(self) -> str:
        return one_decimal(self.previous)

    @property
    def current_text(self) -> str:
        return one_decimal(self.current)

    @property
    def magnitude_text(self) -> str:
        return one_decimal(self.magnitude)

    @property
    def mdc_text(self) -> str:
        return one_decimal(self.mdc_rounded)

    @property
    def direction(self) -> str:
        """ "up", "down" or "none" (inside the measurement error: no clear change)."""
        if not self.is_clear:
            return "none"
        return "up" if self.difference > 0 else "down"


@dataclass(frozen=True)
class HistoryPoint:
    assessment_id: int
    completed_at: datetime | None
    version_label: str
    overall_score: float | None
    is_current: bool

    @property
    def score_text(self) -> str:
        return one_decimal(self.overall_score) if self.overall_score is not None else ""


@dataclass(frozen=True)
class Progress:
    previous_completed_at: datetime | None
    version_changed: bool
    previous_version_label: str
    changes: tuple[Change, ...]  # areas in the current result's order (both scored), then overall
    history: tuple[HistoryPoint, ...]  # oldest first; shown from three results

    @property
    def overall(self) -> Change | None:
        return next((change for change in self.changes if change.code == OVERALL), None)

    @property
    def area_changes(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.code != OVERALL)

    @property
    def rows(self) -> tuple[Change, ...]:
        """Overall first, then the areas."""
        overall = self.overall
        return ((overall,) if overall else ()) + self.area_changes

    @property
    def shows_history(self) -> bool:
        return len(self.history) >= HISTORY_MIN_RESULTS

    @property
    def any_assumed_error(self) -> bool:
        return any(change.assumed_error for change in self.changes)

    def history_points(self) -> list[tuple[float, float, HistoryPoint]]:
        """(x, y) in a HISTORY_WIDTH × HISTORY_HEIGHT drawing for each result with an overall
        score, oldest left; y grows downwards as SVG's does."""
        scored = [point for point in self.history if point.overall_score is not None]
        if not scored:
            return []
        step = HISTORY_WIDTH / max(len(scored) - 1, 1)
        return [
            (
                round(index * step, 2),
                round(HISTORY_HEIGHT * (1 - (point.overall_score or 0.0) / figures.MAX_SCORE), 2),
                point,
            )
            for index, point in enumerate(scored)
        ]

    @property
    def history_polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _ in self.history_points())


def measurement_errors(
    version_ids: Iterable[int],
) -> dict[tuple[int, str], figures.MeasurementError]:
    """(version id, area) → the MDC95 from everyone's stored distribution (cached)."""
    errors: dict[tuple[int, str], figures.MeasurementError] = {}
    everyone = (Group.EVERYONE.value, "")
    for row in (
        row
        for version_id in set(version_ids)
        for row in distributions(version_id, [everyone])[everyone]
    ):
        errors[(row.version_id, row.area)] = _row_error(row)
    return errors


# A row's error, worked out once per state of the row rather than on every results page with a
# previous result (two passes over its thousand-cell histogram, about ten times the cost of the
# key). Keyed by the figures themselves, not by the row: whatever changes them (a stored or
# deleted result, a rebuild) makes a new key, so a kept error is never stale. The figures are
# everyone's aggregates, nothing of one respondent.
_ROW_ERRORS: dict[tuple[int, tuple[int, ...], str], figures.MeasurementError] = {}
_ROW_ERRORS_MAX = 512


def _row_error(row: Distribution) -> figures.MeasurementError:
    key = (row.count, tuple(row.histogram), json.dumps(row.moments, sort_keys=True))
    found = _ROW_ERRORS.get(key)
    if found is None:
        moments = figures.ItemMoments.load(row.moments)
        found = figures.measurement_error(
            figures.standard_deviation(row.histogram), moments.alpha(), moments.count
        )
        if len(_ROW_ERRORS) >= _ROW_ERRORS_MAX:
            _ROW_ERRORS.clear()
        _ROW_ERRORS[key] = found
    return found


def _error(
    errors: dict[tuple[int, str], figures.MeasurementError], version_id: int, code: str
) -> figures.MeasurementError:
    return errors.get((version_id, code)) or figures.measurement_error(None, None, 0)


def progress(
    assessment: Assessment, results: Sequence[Assessment] | None = None
) -> Progress | None:
    """The change since the previous completed result of the series; None for a first result."""
    if results is None:
        results = progress_results(assessment)
    earlier = [
        item
        for item in results
        if item.completed_at
        and assessment.completed_at
        and (item.completed_at, item.pk) < (assessment.completed_at, assessment.pk)
    ]
    current = assessment.stored_result
    if not earlier or current is None:
        return None
    previous_assessment = earlier[-1]
    previous = previous_assessment.stored_result
    if previous is None:
        return None
    errors = measurement_errors({assessment.version_id, previous_assessment.version_id})
    previous_scores = {area.code: area.score for area in previous.areas}
    pairs: list[tuple[str, float | None, float | None]] = [
        (area.code, previous_scores.get(area.code), area.score) for area in current.areas
    ]
    pairs.append((OVERALL, previous.overall_score, current.overall_score))
    names = area_names(assessment.version)
    changes = []
    for code, before, now in pairs:
        if before is None or now is None:
            continue
        # Across two versions the larger of their errors: the conservative one.
        mine = _error(errors, assessment.version_id, code)
        theirs = _error(errors, previous_assessment.version_id, code)
        error = max(mine, theirs, key=lambda item: item.mdc)
        name = gettext("Overall") if code == OVERALL else names.get(code, code)
        changes.append(Change(code, name, before, now, error.mdc, error.assumed))
    history = tuple(
        HistoryPoint(
            assessment_id=item.pk,
            completed_at=item.completed_at,
            version_label=item.version.label,
            overall_score=(item.stored_result.overall_score if item.stored_result else None),
            is_current=item.pk == assessment.pk,
        )
        for item in results
        if item.completed_at
        and assessment.completed_at
        and (item.completed_at, item.pk) <= (assessment.completed_at, assessment.pk)
    )
    return Progress(
        previous_completed_at=previous_assessment.completed_at,
        version_changed=previous_assessment.version_id != assessment.version_id,
        previous_version_label=previous_assessment.version.label,
        changes=tuple(changes),
        history=history,
    )


def page_context(assessment: Assessment, asked: object = None) -> dict[str, object]:
    """What the results page and the PDF show of the benchmark and the series."""
    return {
        "benchmark": comparison(assessment, asked),
        "progress": progress(assessment),
        "comparison_date": timezone.now(),
    }


# ---------------------------------------------------------------- the dashboard


@dataclass(frozen=True)
class GroupOverview:
    version_label: str
    group: Group
    segment: str
    size: int
    quartiles: figures.Quartiles | None  # overall score, only from the band threshold

    @property
    def segment_label(self) -> str:
        choices = {Group.INDUSTRY: Assessment.Industry, Group.SIZE: Assessment.Size}
        kind = choices.get(self.group)
        if kind is None or self.segment not in kind.values:
            return self.segment
        return str(kind(self.segment).label)


def overview() -> list[GroupOverview]:
    """Every group's size and overall quartiles per version, segments under their threshold
    left out; one query."""
    limits = thresholds()
    rows = (
        Distribution.objects.filter(area=OVERALL, count__gt=0)
        .select_related("version")
        .order_by("-version__created_at", "group", "segment")
    )
    return [
        GroupOverview(
            version_label=row.version.label,
            group=Group(row.group),
            segment=row.segment,
            size=row.count,
            quartiles=figures.quartiles(row.histogram) if row.count >= limits.band else None,
        )
        for row in rows
        if row.group == Group.EVERYONE or row.count >= limits.segment
    ]


# ---------------------------------------------------------------- the admin


@dataclass(frozen=True)
class SeriesColumn:
    assessment_id: int
    completed_at: datetime | None
    version_label: str
    is_current: bool


@dataclass(frozen=True)
class SeriesRow:
    code: str
    name: str
    scores: tuple[float | None, ...]  # one per column; None where the result has no score


@dataclass(frozen=True)
class SeriesTable:
    columns: tuple[SeriesColumn, ...]
    rows: tuple[SeriesRow, ...]  # overall first, then every area of any result, by code


def series_table(assessment: Assessment) -> SeriesTable | None:
    """The series' results side by side, oldest first; None when the result stands alone."""
    results = series_results(assessment)
    if len(results) < 2:
        return None
    loaded = [(item, item.stored_result) for item in results]
    names: dict[str, str] = {}
    for item, _ in reversed(loaded):  # the newest version's names win
        for code, name in area_names(item.version).items():
            names.setdefault(code, name)
    codes: list[str] = []
    for _, result in loaded:
        for area in result.areas if result else ():
            if area.code not in codes:
                codes.append(area.code)

    def score(result: scoring.AssessmentResult | None, code: str) -> float | None:
        if result is None:
            return None
        if code == OVERALL:
            return result.overall_score
        return next((area.score for area in result.areas if area.code == code), None)

    return SeriesTable(
        columns=tuple(
            SeriesColumn(item.pk, item.completed_at, item.version.label, item.pk == assessment.pk)
            for item, _ in loaded
        ),
        rows=tuple(
            SeriesRow(
                code=code,
                name=gettext("Overall") if code == OVERALL else names.get(code, code),
                scores=tuple(score(result, code) for _, result in loaded),
            )
            for code in [OVERALL, *codes]
        ),
    )


def admin_context(assessment: Assessment) -> dict[str, object]:
    """The assessment's admin page: its comparison with each group it may be compared with, and
    its series side by side."""
    if not assessment.is_completed:
        return {}
    everyone = comparison(assessment)
    comparisons = [everyone] if everyone else []
    if everyone:
        for choice in everyone.choices:
            if choice.group != Group.EVERYONE:
                picked = comparison(assessment, choice.group.value)
                if picked:
                    comparisons.append(picked)
    return {"benchmark_comparisons": comparisons, "series_table": series_table(assessment)}
