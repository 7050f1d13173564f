"""The PDF's page flow: no page but the last is left more than half empty, on reports with 0 to 3
priorities, with and without consultant comments, in both languages; chapters still start a new
page wherever that leaves no such page; comments are signed."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from assessments import scoring, selectors
from assessments.demo import create_demo_assessments
from assessments.models import AreaComment, Assessment
from assessments.report import build, document, layout, pdf

from ..factories import answered_assessment
from .test_report import page_texts

pytestmark = pytest.mark.django_db

COMMENT = {
    "fi": "Palvelulupauksenne on selkeä, mutta sen toteutumista ei vielä mitata. ",
    "en": "Your service promise is clear, but nobody measures yet whether it is kept. ",
}


def with_priorities(count: int):
    """Answers that give exactly `count` priorities: that many low answers, the rest 5."""

    def value_for(question) -> int:
        return 2 if question.order <= count and question.area.order == 1 else 5

    return value_for


def fills_of(assessment: Assessment, language: str) -> list[layout.PageFill]:
    with translation.override(language):
        report = build.build_report(assessment)
        html = render_to_string(pdf.TEMPLATE, document.report_context(assessment, report))
    return layout.page_fills(pdf.lay_out(html))


def comment_every_area(assessment: Assessment, text: str, consultant) -> None:
    for area in assessment.version.areas.all():
        comment = AreaComment(assessment=assessment, area=area, text=text)
        comment.sign(consultant)
        comment.save()


def describe(fills: list[layout.PageFill]) -> str:
    return " ".join(f"{page.number}:{page.fill:.2f}" for page in fills)


@pytest.mark.slow
@pytest.mark.parametrize("priorities", [0, 1, 2, 3])
@pytest.mark.parametrize("comment_sentences", [0, 6])
@pytest.mark.parametrize("language", ["fi", "en"])
def test_no_page_but_the_last_is_more_than_half_empty(
    questionnaire, consultant, priorities, comment_sentences, language
):
    assessment = answered_assessment(
        questionnaire, with_priorities(priorities), organisation="Sivutus Oy", language=language
    )
    assert len(assessment.stored_result.priorities) == priorities
    if comment_sentences:
        comment_every_area(assessment, COMMENT[language] * comment_sentences, consultant)

    fills = fills_of(assessment, language)

    assert layout.underfilled(fills) == [], describe(fills)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 13])
def test_the_demo_reports_have_no_half_empty_page(questionnaire, consultant, seed):
    create_demo_assessments(questionnaire, 1, seed=seed)
    assessment = Assessment.objects.completed().get()
    comment_every_area(assessment, COMMENT["fi"] * (seed - 9), consultant)
    for language in ("fi", "en"):
        fills = fills_of(assessment, language)
        assert layout.underfilled(fills) == [], f"{language}: {describe(fills)}"


def test_chapters_still_start_a_new_page_when_that_leaves_no_half_empty_page(questionnaire):
    assessment = answered_assessment(questionnaire, with_priorities(scoring.MAX_PRIORITIES))
    fills = fills_of(assessment, "fi")
    # The cover, then the summary, then a chapter per area and three more, each at a page's top.
    starts = [page.chapter for page in fills if page.chapter is not None]
    area_count = len(selectors.areas_with_questions(questionnaire))
    assert len(starts) >= area_count
    assert layout.underfilled(fills) == [], describe(fills)


def test_the_plan_lets_a_chapter_flow_only_after_a_half_empty_page():
    page = layout.PageFill
    # cover, summary ending at 0.9, a chapter of 1.2 pages (its last page 0.2 full), a chapter
    # of 0.5, then one of 0.8.
    fills = [
        page(1, 1.0, None),
        page(2, 0.9, None),
        page(3, 1.0, 3),
        page(4, 0.2, None),
        page(5, 0.5, 4),
        page(6, 0.8, 5),
    ]
    assert layout.underfilled(fills) == [fills[3]]
    assert layout.chapters_to_flow(fills) == {4}
    # Chapter 4 flows on after page 4 (0.2 + gap + 0.5, about 0.75 full): chapter 5 keeps its page.
    assert layout.plan_flow(fills) == {4}
    assert "nth-of-type(4)" in layout.flow_stylesheet({4})
    assert layout.flow_stylesheet(set()) == ""


def test_a_flowing_chapter_breaks_only_where_a_page_may_break():
    page = layout.PageFill
    # A heading kept with the first of three blocks that may not break inside.
    chapter = layout.Chapter(
        ((0.0, 0.1, False), (0.1, 0.4, True), (0.4, 0.7, True), (0.7, 0.95, True))
    )
    # Flowing on below a page filled to 0.3, the second block does not fit and moves on whole:
    # the next page holds it and the third.
    assert chapter.end_when_flowing(0.3) == pytest.approx(0.55)
    fills = [page(1, 1.0, None), page(2, 0.3, None), page(3, 0.95, 3), page(4, 0.8, 4)]
    assert layout.plan_flow(fills, {3: chapter}) == {3}
    # Its fills added up, less an average page break's loss, would end it at about 0.375 and let
    # chapter 4 flow as well.
    assert layout.plan_flow(fills) == {3, 4}


def test_a_comment_is_printed_with_its_signature(questionnaire, consultant):
    consultant.first_name, consultant.last_name = "Kaisa", "Konsultti"
    consultant.save()
    assessment = answered_assessment(questionnaire, organisation="Allekirjoitus Oy")
    comment_every_area(assessment, COMMENT["fi"], consultant)
    day = timezone.localdate()

    texts = " ".join(page_texts(pdf.render_report_pdf(assessment, "fi")))

    with translation.override("fi"):
        signature = f"– Kaisa Konsultti, {date_format(day, 'DATE_FORMAT')}"
    assert texts.count(signature) == assessment.version.areas.count()
