"""What the PDF report says beyond the results page: the summary's facts, the numbered action
list and the charts' geometry, all derived from the built report (build.py), never scored again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation

from .. import scoring
from ..consultancy import consultancy
from ..models import Assessment
from . import build

# Room for the longest real organisation name (the model allows 200 characters).
ORGANISATION_MAX_CHARS = 200
HEADER_ORGANISATION_MAX_CHARS = 60


@dataclass(frozen=True)
class PriorityAction:
    """One line of the numbered action list: what to do, in which area, and why."""

    text: str
    area: str
    question: str  # the question behind a priority finding, "" for a level recommendation
    answer_value: int | None  # the respondent's answer behind a priority finding
    next_level: build.Level | None  # the level an area recommendation leads to


@dataclass(frozen=True)
class Summary:
    """Facts the summary page writes its sentences from, all read from the stored result."""

    strongest: build.AreaView | None
    weakest: build.AreaView | None
    all_same_level: bool
    band_level: build.Level | None  # the overall score's own band, before the cap
    capped: bool
    areas_without_level: list[build.AreaView]


def _levelled_score(area: build.AreaView) -> float:
    """The score of an area that has a level and a score (summarise compares only those)."""
    if area.score is None:
        raise ValueError(f"area {area.code} has no score")
    return area.score


def summarise(report: build.Report) -> Summary:
    levelled = [area for area in report.areas if area.level and area.score is not None]
    strongest = max(levelled, key=_levelled_score, default=None)
    weakest = min(levelled, key=_levelled_score, default=None)
    band_level = None
    if report.overall_score is not None and report.overall_level is not None:
        band_number = scoring.level_for_score(report.overall_score)
        band_level = next((lv for lv in report.levels if lv.number == band_number), None)
    return Summary(
        strongest=strongest,
        weakest=weakest,
        all_same_level=len(levelled) > 1
        and len({a.level.number for a in levelled if a.level}) == 1,
        band_level=band_level,
        capped=report.is_capped,
        areas_without_level=[area for area in report.areas if not area.level],
    )


def priority_actions(report: build.Report) -> list[PriorityAction]:
    """The priority findings' tips, then each area's first step to its next level, weakest first.

    The stored priorities already rank the biggest gains first; the area recommendations add
    one structural step per area so that every area has an owner-sized task.
    """
    actions = [
        PriorityAction(
            text=item.tip,
            area=item.area,
            question=item.question,
            answer_value=item.value,
            next_level=None,
        )
        for item in report.priorities
        if item.tip
    ]
    levelled = sorted(
        (a for a in report.areas if a.level and a.recommendations),
        key=lambda a: (a.score if a.score is not None else 0.0, a.number),
    )
    for area in levelled:
        actions.append(
            PriorityAction(
                text=area.recommendations[0],
                area=area.name,
                question="",
                answer_value=None,
                next_level=area.next_level,
            )
        )
    return actions


# The charts' drawing width in SVG user units; the stylesheet scales them to the text width.
CHART_WIDTH = 640
STEP_BASE_HEIGHT = 16
STEP_RISE = 14


@dataclass(frozen=True)
class Band:
    level: build.Level
    x: float
    width: float
    step_y: float  # the cover's staircase: the step's top edge
    step_height: float


@dataclass(frozen=True)
class ChartRow:
    area: build.AreaView | None  # None for the overall row
    bar_width: float
    score: float | None

    @property
    def marker_x(self) -> float:
        # A 3-unit marker centred on the score, kept inside the drawing at 0 and at 100.
        return min(max(self.bar_width - 1.5, 0.0), CHART_WIDTH - 3.0)


def _chart_x(score: float) -> float:
    return round(score * CHART_WIDTH / scoring.MAX_SCORE, 2)


def chart_geometry(report: build.Report) -> dict:
    """Positions for the summary chart, the area scales and the cover staircase."""
    step_heights = [STEP_BASE_HEIGHT + STEP_RISE * index for index in range(len(report.levels))]
    staircase_base = max(step_heights, default=0)
    bands = [
        Band(
            level=level,
            x=_chart_x(level.lower),
            width=_chart_x(level.width),
            step_y=staircase_base - height,
            step_height=height,
        )
        for level, height in zip(report.levels, step_heights, strict=True)
    ]
    rows = [
        ChartRow(area=area, bar_width=_chart_x(area.score or 0.0), score=area.score)
        for area in report.areas
    ]
    overall = ChartRow(
        area=None, bar_width=_chart_x(report.overall_score or 0.0), score=report.overall_score
    )
    return {
        "bands": bands,
        "chart_rows": rows,
        "chart_overall": overall,
        "chart_width": CHART_WIDTH,
        "staircase_height": staircase_base,
    }


def _answer_points(value: int) -> int:
    # As docs/scoring.md explains it: the answer's steps above the lowest, as 0..100.
    steps = scoring.MAX_VALUE - scoring.MIN_VALUE
    return round((value - scoring.MIN_VALUE) * scoring.MAX_SCORE / steps)


def report_context(assessment: Assessment, report: build.Report) -> dict[str, Any]:
    return {
        **chart_geometry(report),
        "report": report,
        "summary": summarise(report),
        "actions": priority_actions(report),
        "organisation_max_chars": ORGANISATION_MAX_CHARS,
        "header_organisation_max_chars": HEADER_ORGANISATION_MAX_CHARS,
        "language": translation.get_language(),
        "min_coverage_percent": round(scoring.MIN_COVERAGE_FOR_LEVEL * 100),
        "answer_points": [
            (value, _answer_points(value))
            for value in range(scoring.MIN_VALUE, scoring.MAX_VALUE + 1)
        ],
        "max_priorities": scoring.MAX_PRIORITIES,
        "max_strengths": scoring.MAX_STRENGTHS,
        "strength_min_value": scoring.STRENGTH_MIN_VALUE,
        "priority_max_value": scoring.PRIORITY_MAX_VALUE,
        "min_weight": scoring.MIN_WEIGHT,
        "max_weight": scoring.MAX_WEIGHT,
        # Who runs the service; empty until configured.
        "contact_name": settings.SERVICE_OWNER,
        "contact_email": settings.CONTACT_EMAIL,
        "consent_to_contact": assessment.consent_to_contact and bool(assessment.email),
        # The next step and the data controller (templates/report/_next_step.html).
        "consultancy": consultancy(),
        "contact_requested": assessment.contact_requested_at is not None,
    }
