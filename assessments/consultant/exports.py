"""Assessments as a spreadsheet (tablib): one row per assessment, CSV or XLSX.

Every figure comes from the stored result; the question columns hold the chosen values, empty for
"don't know". Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Answer, Area, Assessment, Question

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark; without it,
# ä and ö turn into mojibake.
UTF8_BOM = "\ufeff"
# A cell starting with one of these is run as a formula by Excel and LibreOffice (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ANSWER_BATCH = 2000


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Spreadsheets know no time zones: local wall-clock time, as the admin shows it.
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, date | bool | int | float):
        return value
    return neutralise(str(value))


def _areas_and_questions(
    assessments: QuerySet[Assessment],
) -> tuple[list[Area], list[Question]]:
    """The content of every version among `assessments`, in version and content order."""
    version_ids = assessments.order_by().values("version_id").distinct()
    areas = list(Area.objects.filter(version__in=version_ids).order_by("version_id", "order"))
    questions = list(
        Question.objects.filter(area__version__in=version_ids).order_by(
            "area__version_id", "area__order", "order"
        )
    )
    return _unique_by_code(areas), _unique_by_code(questions)


def _unique_by_code(items: Iterable[Area | Question]) -> list:
    # Versions usually share codes: one column per code, filled from whichever version applies.
    seen: dict[str, Area | Question] = {}
    for item in items:
        seen.setdefault(item.code, item)
    return list(seen.values())


def _values_by_assessment(ids: list[int]) -> dict[int, dict[str, int | None]]:
    values: dict[int, dict[str, int | None]] = {pk: {} for pk in ids}
    rows = Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "question__code", "option__value"
    )
    for assessment_id, code, value in rows:
        values[assessment_id][code] = value
    return values


def _batches(assessments: QuerySet[Assessment]) -> Iterator[list[Assessment]]:
    batch: list[Assessment] = []
    for assessment in assessments.iterator(chunk_size=ANSWER_BATCH):
        batch.append(assessment)
        if len(batch) == ANSWER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def build_dataset(assessments: QuerySet[Assessment]) -> tablib.Dataset:
    """One row per assessment: metadata, follow-up, area and overall results, every answer."""
    assessments = assessments.select_related("version", "consultant")
    areas, questions = _areas_and_questions(assessments)
    headers = [
        _("Token"),
        _("Started"),
        _("Completed"),
        _("Questionnaire version"),
        _("Language"),
        _("Organisation"),
        _("Respondent's role"),
        _("Industry"),
        _("Organisation size"),
        _("Email"),
        _("Consent to contact"),
        _("Follow-up status"),
        _("Assigned consultant"),
        _("Next contact date"),
        _("Demo data"),
        _("Overall score"),
        _("Overall level"),
    ]
    for area in areas:
        headers += [
            _("%(area)s: score") % {"area": area.code},
            _("%(area)s: coverage %%") % {"area": area.code},
            _("%(area)s: level") % {"area": area.code},
            _("%(area)s: don't know") % {"area": area.code},
        ]
    headers += [question.code for question in questions]
    dataset = tablib.Dataset(headers=headers, title=_("Assessments")[:31])

    for batch in _batches(assessments):
        values = _values_by_assessment([assessment.pk for assessment in batch])
        for assessment in batch:
            result = assessment.stored_result
            row: list[Any] = [
                assessment.token,
                assessment.created_at,
                assessment.completed_at,
                assessment.version.label,
                assessment.language,
                assessment.organisation,
                assessment.get_role_display() if assessment.role else "",
                assessment.get_industry_display() if assessment.industry else "",
                assessment.get_size_display() if assessment.size else "",
                assessment.email,
                assessment.consent_to_contact,
                assessment.get_follow_up_status_display(),
                assessment.consultant.get_username() if assessment.consultant else "",
                assessment.next_contact_on,
                assessment.is_demo,
                result.overall_score if result else None,
                result.overall_level if result else None,
            ]
            area_results = {area.code: area for area in result.areas} if result else {}
            for area in areas:
                area_result = area_results.get(area.code)
                row += (
                    [
                        area_result.score,
                        round(area_result.coverage * 100, 1),
                        area_result.level,
                        area_result.dont_know,
                    ]
                    if area_result
                    else [None] * 4
                )
            answers = values[assessment.pk]
            row += [answers.get(question.code) for question in questions]
            dataset.append([_cell(value) for value in row])
    return dataset


def export(assessments: QuerySet[Assessment], file_format: str) -> bytes:
    """The assessments as file content in `file_format` (CSV or XLSX)."""
    dataset = build_dataset(assessments)
    if file_format == CSV:
        return (UTF8_BOM + dataset.export(CSV)).encode("utf-8")
    if file_format == XLSX:
        return dataset.export(XLSX)
    raise ValueError(f"unknown export format {file_format!r}")


def filename(file_format: str, today: date | None = None) -> str:
    return f"cx-assessments-{(today or timezone.localdate()).isoformat()}.{file_format}"
