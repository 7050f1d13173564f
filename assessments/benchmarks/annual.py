"""The anonymised annual benchmark report (`manage.py benchmark_report`): what the year's results
say together, for the consultancy to publish.

No organisation can be recognised in it:
- each organisation counts once: of a series, only its latest result of the year;
- every count shown is 0 or at least MIN_CELL: a level cell under it is merged with its neighbours
  (figures.merged_cells), an industry or size group under it joins "other groups" (itself left out
  when still under), a strength or priority named by fewer is not listed, and a year with fewer
  organisations than MIN_CELL gives no figures at all.
Demo data counts only when BENCHMARK_INCLUDE_DEMO is on, as in the live benchmark.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from .. import result_format, scoring, statistics
from .. import selectors as core_selectors
from ..models import Answer, Assessment, QuestionnaireVersion
from . import figures
from .models import SeriesMember
from .selectors import THRESHOLD_FLOOR

# The smallest count the report prints (zero aside); never below the benchmark's own floor.
MIN_CELL = THRESHOLD_FLOOR
TOP_FINDINGS = 5


@dataclass(frozen=True)
class ShownCell:
    label: str  # "1" or "1–2"
    span: int
    count: int
    percent: int


@dataclass(frozen=True)
class LevelRow:
    label: str
    organisations: int
    cells: tuple[ShownCell, ...]
    median: float | None = None


@dataclass(frozen=True)
class GroupTable:
    title: str  # "Overall" or an area's name
    rows: tuple[LevelRow, ...]


@dataclass(frozen=True)
class FindingRow:
    question: str
    area: str
    organisations: int
    percent: int


@dataclass(frozen=True)
class MethodRow:
    area: str
    version: str
    respondents: int
    complete: int
    alpha: float | None


@dataclass(frozen=True)
class AnnualReport:
    year: int
    organisations: int
    enough: bool  # False: fewer than MIN_CELL organisations, no figures at all
    versions: tuple[tuple[str, int], ...]
    levels: tuple[LevelRow, ...]  # overall first, then each area
    industries: tuple[GroupTable, ...]
    sizes: tuple[GroupTable, ...]
    strengths: tuple[FindingRow, ...]
    priorities: tuple[FindingRow, ...]
    method: tuple[MethodRow, ...]
    minimum: int = MIN_CELL
    level_numbers: tuple[int, ...] = scoring.LEVELS


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def level_row(label: str, levels: Iterable[int | None], median: float | None = None) -> LevelRow:
    """A row of the levels' distribution, small cells merged; levels None are not counted."""
    counter = Counter(level for level in levels if level is not None)
    counts = [counter.get(level, 0) for level in scoring.LEVELS]
    total = sum(counts)
    cells = []
    for cell in figures.merged_cells(counts, MIN_CELL):
        first, last = scoring.LEVELS[cell.first], scoring.LEVELS[cell.last]
        cells.append(
            ShownCell(
                label=str(first) if first == last else f"{first}–{last}",
                span=cell.span,
                count=cell.count,
                percent=_percent(cell.count, total),
            )
        )
    return LevelRow(label=label, organisations=total, cells=tuple(cells), median=median)


def latest_per_organisation(results: Sequence[Assessment]) -> list[Assessment]:
    """Of each series, its latest result among `results`; results outside a series as they are."""
    series = dict(
        SeriesMember.objects.filter(assessment__in=results).values_list(
            "assessment_id", "series_id"
        )
    )
    latest: dict[object, Assessment] = {}
    for result in results:
        key: object = ("series", series[result.pk]) if result.pk in series else result.pk
        known = latest.get(key)
        if known is None or (result.completed_at, result.pk) > (known.completed_at, known.pk):
            latest[key] = result
    return sorted(latest.values(), key=lambda item: item.pk)


def year_results(year: int) -> list[Assessment]:
    results = Assessment.objects.completed().filter(completed_at__year=year)
    if not settings.BENCHMARK_INCLUDE_DEMO:
        results = results.real()
    return latest_per_organisation(list(results.select_related("version")))


def _median(scores: list[float]) -> float | None:
    return figures.quartiles(figures.histogram(scores)).median if scores else None


def _groups(
    results: Sequence[Assessment], field: str, labels: dict[str, str]
) -> list[tuple[str, list[Assessment]]]:
    """(label, members) per group of at least MIN_CELL; the smaller ones together as "other
    groups", left out when they are still fewer than MIN_CELL together."""
    members_of: dict[str, list[Assessment]] = defaultdict(list)
    for result in results:
        value = getattr(result, field)
        if value:
            members_of[value].append(result)
    groups, small = [], []
    for value, label in labels.items():
        members = members_of.get(value, [])
        if len(members) >= MIN_CELL:
            groups.append((label, members))
        else:
            small.extend(members)
    if len(small) >= MIN_CELL:
        groups.append((gettext("Other groups together"), small))
    return groups


def _group_tables(
    results: Sequence[Assessment],
    field: str,
    labels: dict[str, str],
    codes: Sequence[str],
    area_names: dict[str, str],
) -> tuple[GroupTable, ...]:
    """Overall and each area, one row per group; a row with fewer than MIN_CELL organisations
    with a level there is left out."""
    groups = _groups(results, field, labels)
    overall = (_overall_row(label, members) for label, members in groups)
    tables = [GroupTable(gettext("Overall"), _shown(overall))]
    for code in codes:
        rows = (_area_row(label, members, code) for label, members in groups)
        tables.append(GroupTable(area_names.get(code, code), _shown(rows)))
    return tuple(table for table in tables if table.rows)


def _shown(rows: Iterable[LevelRow]) -> tuple[LevelRow, ...]:
    return tuple(row for row in rows if row.organisations >= MIN_CELL)


def _area_row(label: str, members: Sequence[Assessment], code: str) -> LevelRow:
    scores = []
    for member in members:
        area = ((member.result or {}).get("areas") or {}).get(code) or {}
        if area.get("score") is not None:
            scores.append(float(area["score"]))
    return level_row(
        label,
        (result_format.area_levels(member.result).get(code) for member in members),
        _median(scores) if len(scores) >= MIN_CELL else None,
    )


def _overall_row(label: str, members: Sequence[Assessment]) -> LevelRow:
    scores = [
        float(member.result["overall_score"])
        for member in members
        if member.result and member.result.get("overall_score") is not None
    ]
    return level_row(
        label,
        (result_format.overall_level(member.result) for member in members),
        _median(scores) if len(scores) >= MIN_CELL else None,
    )


def _content_texts() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Area code → name and question code → (text, area name), the newest version's first."""
    areas: dict[str, str] = {}
    questions: dict[str, tuple[str, str]] = {}
    for version in QuestionnaireVersion.objects.newest_published_first():
        for area in core_selectors.questionnaire_content(version).areas:
            areas.setdefault(area.code, area.name)
            for question in area.questions.all():
                questions.setdefault(question.code, (question.text, area.name))
    return areas, questions


def _findings(
    results: Sequence[Assessment], kind: str, questions: dict[str, tuple[str, str]]
) -> tuple[FindingRow, ...]:
    counter: Counter[str] = Counter()
    for result in results:
        counter.update({finding["question"] for finding in (result.result or {}).get(kind, [])})
    rows: list[FindingRow] = []
    for code, count in counter.most_common():
        if count < MIN_CELL or len(rows) == TOP_FINDINGS:
            break
        text, area = questions.get(code, (code, ""))
        rows.append(FindingRow(text, area, count, _percent(count, len(results))))
    return tuple(rows)


def _method(results: Sequence[Assessment], area_names: dict[str, str]) -> tuple[MethodRow, ...]:
    by_version: dict[int, list[Assessment]] = defaultdict(list)
    for result in results:
        by_version[result.version_id].append(result)
    rows: list[MethodRow] = []
    for members in by_version.values():
        version = members[0].version
        responses: dict[int, dict[str, int | None]] = {member.pk: {} for member in members}
        for assessment_id, code, value in Answer.objects.filter(
            assessment_id__in=list(responses)
        ).values_list("assessment_id", "question__code", "option__value"):
            responses[assessment_id][code] = value
        for area in core_selectors.questionnaire_content(version).areas:
            codes = [question.code for question in area.questions.all()]
            found = statistics.area_statistics(area.code, codes, responses.values())
            if found.respondents < MIN_CELL:
                continue
            rows.append(
                MethodRow(
                    area=area_names.get(area.code, area.name),
                    version=version.label,
                    respondents=found.respondents,
                    complete=found.complete_responses,
                    alpha=found.alpha,
                )
            )
    return tuple(rows)


def annual_report(year: int) -> AnnualReport:
    """The year's figures, in the active language."""
    results = year_results(year)
    organisations = len(results)
    versions = Counter(result.version.label for result in results)
    if organisations < MIN_CELL:
        return AnnualReport(year, organisations, False, (), (), (), (), (), (), ())
    area_names, questions = _content_texts()
    codes: list[str] = []
    for result in results:
        for code in (result.result or {}).get("area_order", []):
            if code not in codes:
                codes.append(code)
    levels = [
        _overall_row(gettext("Overall"), results),
        *(
            level_row(
                area_names.get(code, code),
                (result_format.area_levels(result.result).get(code) for result in results),
            )
            for code in codes
        ),
    ]
    return AnnualReport(
        year=year,
        organisations=organisations,
        enough=True,
        versions=tuple(
            (label, count) for label, count in sorted(versions.items()) if count >= MIN_CELL
        ),
        levels=tuple(row for row in levels if row.organisations >= MIN_CELL),
        industries=_group_tables(
            results,
            "industry",
            {str(k): str(v) for k, v in Assessment.Industry.choices},
            codes,
            area_names,
        ),
        sizes=_group_tables(
            results, "size", {str(k): str(v) for k, v in Assessment.Size.choices}, codes, area_names
        ),
        strengths=_findings(results, "strengths", questions),
        priorities=_findings(results, "priorities", questions),
        method=_method(results, area_names),
    )
