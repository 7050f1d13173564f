"""Exports: one row per assessment, figures from the stored result, Finnish intact, no formulas."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from assessments.consultant import exports
from assessments.models import Assessment

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def value_for(question):
    # Every fourth question "don't know", the others spread over 1…5.
    return None if question.order % 4 == 0 else 1 + (question.order + question.area.order) % 5


def rows_by_token(dataset):
    return {
        row[dataset.headers.index("Token")]: dict(zip(dataset.headers, row, strict=True))
        for row in dataset
    }


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

    rows = rows_by_token(dataset)
    assert set(rows) == {assessment.token, unfinished.token}
    row = rows[assessment.token]
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
    assert rows[unfinished.token]["Overall score"] == ""


def test_csv_starts_with_a_byte_order_mark_and_keeps_finnish_letters(questionnaire):
    assessment = answered_assessment(questionnaire, organisation="Ääkköset Öy")
    content = exports.export(Assessment.objects.all(), exports.CSV)

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][rows[0].index(exports.build_dataset(Assessment.objects.none()).headers[0])] == (
        assessment.token
    )
    assert "Ääkköset Öy" in rows[1]


def test_xlsx_keeps_finnish_letters_and_numbers(questionnaire, english):
    assessment = answered_assessment(questionnaire, lambda q: 4, organisation="Öljynjalostus Äö")
    content = exports.export(Assessment.objects.all(), exports.XLSX)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    values = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert values["Organisation"] == "Öljynjalostus Äö"
    assert values["Overall score"] == assessment.stored_result.overall_score
    assert isinstance(values["Overall score"], int | float)  # a number, not text


@pytest.mark.parametrize(
    "dangerous", ["=1+2", "+358 40 123", "-2+3", "@SUM(A1)", '=HYPERLINK("x")']
)
def test_values_that_would_run_as_formulas_are_neutralised(questionnaire, english, dangerous):
    answered_assessment(questionnaire, organisation=dangerous)
    assessments = Assessment.objects.all()

    csv_rows = list(csv.reader(io.StringIO(exports.export(assessments, "csv").decode("utf-8-sig"))))
    organisation = csv_rows[0].index("Organisation")
    assert csv_rows[1][organisation] == "'" + dangerous

    sheet = openpyxl.load_workbook(io.BytesIO(exports.export(assessments, "xlsx"))).active
    cell = sheet.cell(row=2, column=organisation + 1)
    assert cell.data_type == "s"  # text, not a formula
    assert cell.value == "'" + dangerous


def test_neutralise_leaves_harmless_values_alone():
    assert exports.neutralise("Oy Ab") == "Oy Ab"
    assert exports.neutralise(-3) == -3
    assert exports.neutralise("=x") == "'=x"


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
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [consenting.token]


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
