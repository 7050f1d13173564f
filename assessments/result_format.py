"""The one owner of the stored result's layout: `Assessment.result`, a JSON document.

A result is scored once (services.assessment_complete) and then read for years by the results
page, the PDF, the admin's columns and filters, the exports and the dashboard. Only this module
knows how it is laid out; everyone else asks it for an `AssessmentResult`, for a value, or for
the database lookup path of a value.

Format 2 keys every area by its code, never by its position: a later questionnaire version may
reorder or add areas, and an old result must still be read by area. JSON objects keep no key
order in PostgreSQL's jsonb, so the areas' content order is stored beside them.

An area's `not_applicable` count came later (questionnaire 2026.2): it is written with every
result and, being absent from the results stored before it, read as 0. No stored document
changes, so the format number stays 2.

Pure: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .scoring import AreaResult, AssessmentResult, Finding

# Raised whenever the layout changes; a data migration converts the stored results, and
# load() refuses any other version instead of misreading it.
RESULT_FORMAT_VERSION = 2

# The model field that holds the document, as database lookups spell it.
FIELD = "result"

_AREA_KEYS = (
    "score",
    "coverage",
    "level",
    "answered",
    "dont_know",
    "questions",
    "not_applicable",
)


class UnreadableResult(ValueError):
    """The stored document is not a result of the current format."""


def dump(result: AssessmentResult) -> dict[str, Any]:
    """The result as the JSON document to store."""
    return {
        "version": RESULT_FORMAT_VERSION,
        "area_order": [area.code for area in result.areas],
        "areas": {
            area.code: {key: getattr(area, key) for key in _AREA_KEYS} for area in result.areas
        },
        "overall_score": result.overall_score,
        "overall_level": result.overall_level,
        "strengths": [_finding_dump(finding) for finding in result.strengths],
        "priorities": [_finding_dump(finding) for finding in result.priorities],
    }


def load(data: Mapping[str, Any]) -> AssessmentResult:
    """The stored document as a result; UnreadableResult if it is not one of this format."""
    try:
        if data["version"] != RESULT_FORMAT_VERSION:
            raise UnreadableResult(f"unsupported result format version {data['version']!r}")
        areas = data["areas"]
        return AssessmentResult(
            areas=tuple(_area_load(code, areas[code]) for code in data["area_order"]),
            overall_score=_optional_float(data["overall_score"]),
            overall_level=data["overall_level"],
            strengths=tuple(_finding_load(finding) for finding in data["strengths"]),
            priorities=tuple(_finding_load(finding) for finding in data["priorities"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, UnreadableResult):
            raise
        # Callers handle one exception type for any unusable stored data.
        raise UnreadableResult(f"not a stored assessment result: {exc!r}") from exc


def overall_level(data: Mapping[str, Any] | None) -> int | None:
    """The overall level of a stored document, without building the whole result."""
    if not data:
        return None
    level = data.get("overall_level")
    return level if isinstance(level, int) else None


def area_levels(data: Mapping[str, Any] | None) -> dict[str, int | None]:
    """Area code → level of a stored document, without building the whole result."""
    if not data:
        return {}
    return {code: area.get("level") for code, area in data.get("areas", {}).items()}


def overall_level_path() -> str:
    """The database lookup of the overall level, e.g. for filter(**{path: 3})."""
    return f"{FIELD}__overall_level"


def area_level_path(area_code: str) -> str:
    """The database lookup of one area's level, found by the area's code."""
    # A key made only of digits would be read as a list index by the JSON lookups.
    if not area_code or area_code.isdigit() or "__" in area_code:
        raise ValueError(f"not an area code usable as a JSON key: {area_code!r}")
    return f"{FIELD}__areas__{area_code}__level"


def _area_load(code: str, data: Mapping[str, Any]) -> AreaResult:
    return AreaResult(
        code=code,
        score=_optional_float(data["score"]),
        coverage=float(data["coverage"]),
        level=data["level"],
        answered=data["answered"],
        dont_know=data["dont_know"],
        questions=data["questions"],
        not_applicable=data.get("not_applicable", 0),
    )


def _finding_dump(finding: Finding) -> dict[str, Any]:
    return {
        "question": finding.question,
        "area": finding.area,
        "value": finding.value,
        "weight": finding.weight,
        "tip": dict(finding.tip),
    }


def _finding_load(data: Mapping[str, Any]) -> Finding:
    return Finding(
        question=data["question"],
        area=data["area"],
        value=data["value"],
        weight=data["weight"],
        tip=data["tip"],
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
