"""The results page as a person sees it, and the PDF report they download from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assessments import selectors
from assessments.models import QuestionnaireVersion

from ..factories import answered_assessment
from .helpers import PDF_TIMEOUT, PREFIX, ValueFor, assert_results_show_levels, plan_answers, t


def by_area(version: QuestionnaireVersion) -> ValueFor:
    """Answers that earn a different level in each area, and leave the last area without one."""
    values = (5, 2, None)
    areas = selectors.areas_with_questions(version)
    assert len(areas) == len(values)
    value_of_area = {area.pk: value for area, value in zip(areas, values, strict=True)}
    return lambda question: value_of_area[question.area_id]


@pytest.mark.parametrize("language", ["fi", "en"])
def test_results_page_shows_the_levels(site, questionnaire, language):
    value_for = by_area(questionnaire)
    plan = plan_answers(questionnaire, language, value_for)
    assessment = answered_assessment(questionnaire, value_for)
    page = site.page()

    page.goto(f"{PREFIX[language]}/results/{assessment.token}/")

    assert_results_show_levels(page, plan)
    assert plan.overall_level is None  # an area without a level leaves the whole without one
    expect(page.get_by_text(t(language, "Not enough answers for an overall level"))).to_be_visible()
    site.assert_no_problems()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_pdf_report_downloads_from_the_results_page(site, questionnaire, language):
    assessment = answered_assessment(questionnaire, lambda question: 3)
    page = site.page(accept_downloads=True)
    page.goto(f"{PREFIX[language]}/results/{assessment.token}/")

    link = page.get_by_role("link", name=t(language, "Download the PDF report"))
    expect(link, "the results page has no link to download the PDF report").to_be_visible()
    with page.expect_download(timeout=PDF_TIMEOUT) as download:
        link.click(timeout=PDF_TIMEOUT)

    pdf = download.value
    assert pdf.failure() is None
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as report:
        assert report.read(5) == b"%PDF-"
    site.assert_no_problems()
