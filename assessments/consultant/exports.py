"""Assessments as a spreadsheet: one row per assessment, CSV or XLSX.

Every figure comes from the stored result; the question columns hold the chosen values, empty for
"don't know". An assessment is named by its id, never by its token: the token is the respondent's
private link, and a spreadsheet travels.

Text that a spreadsheet would run as a formula is made inert in CSV, where every cell is text until
the spreadsheet guesses otherwise; XLSX cells are typed, and text is written as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import tablib
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from ..models import Answer, Area, Assessment, Question
from ..teams import selectors as team_selectors
from ..teams.models import Team

CSV = "csv"
XLSX = "xlsx"
FORMATS = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark; without it,
# ä and ö turn into mojibake.
UTF8_BOM = "\ufeff"
# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# (CSV injection); some Excel locales read the full-width forms the same way.
FORMULA_TRIGGERS = "=+-@\t\r" + "\uff1d\uff0b\uff0d\uff20"
# Where a spreadsheet starts a new cell or row when it splits the file at another separator than
# ours (a Finnish Excel splits at ";") or ignores the quotes: a formula there starts a cell too.
CELL_BREAKS = ",;\t\r\n"
_FORMULA_START = re.compile(
    rf"(^|[{re.escape(CELL_BREAKS)}])(?=[ \"]*[{re.escape(FORMULA_TRIGGERS)}])"
)
XLSX_MAX_COLUMN_WIDTH = 50
ANSWER_BATCH = 2000


def neutralise(text: str) -> str:
    """`text` with an apostrophe before every formula a spreadsheet could find in it: at its start
    and after every separator or line break (spaces and quotes in between included)."""
    return _FORMULA_START.sub(lambda match: match.group(1) + "'", text)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Spreadsheets know no time zones: local wall-clock time, as the admin shows it.
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, date | bool | int | float):
        return value
    return str(value)


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
    """One row per assessment: metadata, follow-up, area and overall results, every answer; the
    values as they are (the file formats make them safe)."""
    assessments = assessments.select_related("version", "consultant")
    areas, questions = _areas_and_questions(assessments)
    headers = [
        _("Assessment ID"),
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
        _("Consent given"),
        _("Contact requested"),
        _("Campaign source"),
        _("Campaign medium"),
        _("Campaign"),
        _("Referring site"),
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
                assessment.pk,
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
                assessment.consent_given_at,
                assessment.contact_requested_at,
                assessment.utm_source,
                assessment.utm_medium,
                assessment.utm_campaign,
                assessment.referrer_host,
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


def _csv(dataset: tablib.Dataset) -> str:
    """Every text cell quoted and neutralised; numbers bare, so that they stay numbers (a yes/no
    is text: a reader that knows the quoting would take a bare `True` for a number)."""
    stream = io.StringIO()
    writer = csv.writer(stream, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutralise(header) for header in dataset.headers])
    for row in dataset:
        writer.writerow([_csv_cell(value) for value in row])
    return UTF8_BOM + stream.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def _xlsx(dataset: tablib.Dataset) -> bytes:
    """Text written as text (never as a formula, whatever it starts with), figures as figures."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=dataset.title)
    sheet.freeze_panes = "A2"
    widths = [len(header) for header in dataset.headers]
    for row in dataset:
        widths = [max(width, len(str(value))) for width, value in zip(widths, row, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            width + 2, XLSX_MAX_COLUMN_WIDTH
        )
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, header, font=bold) for header in dataset.headers])
    for row in dataset:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _xlsx_cell(sheet: Any, value: Any, font: Any = None) -> Any:
    if isinstance(value, str):
        # XLSX cannot hold most control characters; one typed into a form must not break the file.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make a formula of text that starts with "="
    if font is not None:
        cell.font = font
    return cell


def export(assessments: QuerySet[Assessment], file_format: str) -> bytes:
    """The assessments as file content in `file_format` (CSV or XLSX)."""
    dataset = build_dataset(assessments)
    if file_format == CSV:
        return _csv(dataset).encode("utf-8")
    if file_format == XLSX:
        return _xlsx(dataset)
    raise ValueError(f"unknown export format {file_format!r}")


def filename(file_format: str, today: date | None = None) -> str:
    return f"cx-assessments-{(today or timezone.localdate()).isoformat()}.{file_format}"


# ---------------------------------------------------------------- team aggregates (issue 17)
def build_team_dataset(teams: QuerySet[Team]) -> tablib.Dataset:
    """One row per team: its counts, and per area the team's mean, level, range and standard
    deviation, only when the team has reached its threshold (below it the figures stay blank,
    as on the owner page); then the customer mirror's count and, at or above its floor, per area
    the customers' score and the gap. Never a token, never a colleague's answer, never a
    customer's response or comment: the figures are read through teams.selectors.team_figures and
    mirror_comparison, the owner page's own readers."""
    teams = team_selectors.teams_with_counts().filter(pk__in=teams.values("pk"))
    teams = teams.select_related("version").order_by("organisation", "pk")
    version_ids = teams.order_by().values("version_id").distinct()
    areas = _unique_by_code(
        Area.objects.filter(version__in=version_ids).order_by("version_id", "order")
    )
    headers = [
        _("Team ID"),
        _("Organisation"),
        _("Questionnaire version"),
        _("Started"),
        _("Closed"),
        _("Colleagues"),
        _("Completed"),
        _("Overall mean"),
        _("Overall level"),
    ]
    for area in areas:
        headers += [
            _("%(area)s: mean") % {"area": area.code},
            _("%(area)s: level") % {"area": area.code},
            _("%(area)s: lowest") % {"area": area.code},
            _("%(area)s: highest") % {"area": area.code},
            _("%(area)s: standard deviation") % {"area": area.code},
            _("%(area)s: respondents") % {"area": area.code},
        ]
    # The customer mirror's aggregates: how many answered, and per area the customers' score and
    # the gap, blank below the customers' floor (or the team's own threshold, for the gap).
    headers.append(_("Customer responses"))
    for area in areas:
        headers += [
            _("%(area)s: customers") % {"area": area.code},
            _("%(area)s: gap (team minus customers)") % {"area": area.code},
        ]
    dataset = tablib.Dataset(headers=headers, title=_("Teams")[:31])
    for team in teams:
        figures = team_selectors.team_figures(team)
        overall = figures.overall if figures.shown else None
        row: list[Any] = [
            team.pk,
            team.organisation,
            team.version.label,
            team.created_at,
            team.closed_at,
            getattr(team, "member_count", 0),
            figures.completed,
            overall.mean if overall else None,
            overall.level if overall else None,
        ]
        spreads = {r.area.code: r.spread for r in figures.areas} if figures.shown else {}
        for area in areas:
            spread = spreads.get(area.code)
            row += (
                [
                    spread.mean,
                    spread.level,
                    spread.minimum,
                    spread.maximum,
                    spread.sd,
                    spread.count,
                ]
                if spread
                else [None] * 6
            )
        # Read through the owner page's reader, which holds nothing but the count below the
        # floor; never a comment, never one customer's response.
        customers = team_selectors.mirror_comparison(team, figures=figures)
        row.append(customers.responses if customers.available else None)
        mirror_rows = {r.area.code: r for r in customers.areas} if customers.shown else {}
        for area in areas:
            mirror_row = mirror_rows.get(area.code)
            row += [mirror_row.customers.score, mirror_row.gap] if mirror_row else [None, None]
        dataset.append([_cell(value) for value in row])
    return dataset


def export_teams(teams: QuerySet[Team]) -> bytes:
    """The teams' aggregates as CSV (neutralised against formulas, as the assessments' export)."""
    return _csv(build_team_dataset(teams)).encode("utf-8")


def teams_filename(today: date | None = None) -> str:
    return f"cx-teams-{(today or timezone.localdate()).isoformat()}.{CSV}"
