"""A later questionnaire version may reorder its areas and add new ones: the admin's filters,
the exports and the PDF still read an older assessment's result area by area, by code."""

from __future__ import annotations

import copy
import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessments.content import load_questionnaire
from assessments.models import QuestionnaireVersion
from assessments.report import build, pdf

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

# The older assessment's answer in each area: levels 1, 5 and 3.
OLD_VALUES = {"promise": 1, "quality": 5, "relationship": 3}


def reordered(data: dict) -> dict:
    """The questionnaire with its areas reversed and a new area first."""
    data = copy.deepcopy(data)
    data["version"] = "2026.9"
    new_area = copy.deepcopy(data["areas"][0])
    new_area["code"] = "experience"
    new_area["name"] = {"fi": "Kokemuksen johtaminen", "en": "Leading the experience"}
    for number, question in enumerate(new_area["questions"], start=1):
        question["code"] = f"EXP{number:02}"
    data["areas"] = [new_area, *reversed(data["areas"])]
    return data


@pytest.fixture
def versions(questionnaire, questionnaire_data):
    old = answered_assessment(
        questionnaire, lambda q: OLD_VALUES[q.area.code], organisation="Vanha"
    )
    newer, _ = load_questionnaire(reordered(questionnaire_data))
    assert QuestionnaireVersion.objects.current() == newer
    new = answered_assessment(newer, lambda q: 3, organisation="Uusi")
    return old, new


def listed(client, **params) -> list[str]:
    response = client.get(reverse("admin:assessments_assessment_changelist"), params)
    assert response.status_code == 200
    return sorted(assessment.organisation for assessment in response.context["cl"].result_list)


def test_the_area_level_filter_finds_older_results_by_area_code(consultant_client, versions):
    assert listed(consultant_client, level_quality=5) == ["Vanha"]
    assert listed(consultant_client, level_promise=1) == ["Vanha"]
    assert listed(consultant_client, level_relationship=3) == ["Uusi", "Vanha"]
    assert listed(consultant_client, level_experience=3) == ["Uusi"]


def test_the_export_puts_each_area_in_its_own_columns(consultant_client, versions):
    with translation.override("fi"):  # the admin at /admin/, and so the export, in Finnish
        url = reverse("admin:assessments_assessment_export", args=["csv"])
    text = consultant_client.get(url).content.decode("utf-8-sig")
    rows = {row["Organisaatio"]: row for row in csv.DictReader(io.StringIO(text))}
    old_row = rows["Vanha"]
    level = {code: old_row[f"{code}: taso"] for code in OLD_VALUES}
    assert level == {code: str(value) for code, value in OLD_VALUES.items()}
    assert old_row["experience: taso"] == ""
    assert rows["Uusi"]["experience: taso"] == "3"


@pytest.mark.slow
def test_the_older_report_keeps_its_own_areas_in_their_order(versions):
    old, _ = versions
    with translation.override("en"):
        report = build.build_report(old)
    assert [(area.code, area.level.number) for area in report.areas] == list(OLD_VALUES.items())

    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(pdf.render_report_pdf(old, "en"))).pages
    )
    names = [f"{area.number}. {area.name}" for area in report.areas]
    positions = [text.find(name) for name in names]
    assert -1 not in positions and positions == sorted(positions)
    assert "Leading the experience" not in text
