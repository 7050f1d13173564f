"""Publishing questionnaire 2026.2 beside 2026.1: new tests are taken on 2026.2, while every
2026.1 assessment keeps its answers, its stored result, its results page and its PDF."""

from __future__ import annotations

import io
import re
from io import StringIO

import pypdf
import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import selectors
from assessments.codes import DONT_KNOW, NOT_APPLICABLE
from assessments.content import FIXTURES, read_fixture
from assessments.models import Answer, Assessment, QuestionnaireVersion
from assessments.report import build, document, pdf

from .factories import answered_assessment

pytestmark = pytest.mark.django_db

# 2026.1 answers per area: strong, weak with a don't-know, in between.
PATTERN = {1: (4, 5, 4, 3), 2: (2, 3, None, 1), 3: (3, 4, 3, 2)}


def mixed(question) -> int | None:
    pattern = PATTERN[question.area.order]
    return pattern[(question.order - 1) % len(pattern)]


def results_page(client: Client, assessment: Assessment, language: str) -> str:
    with translation.override(language):
        path = reverse("assessments:results", args=[assessment.token])
    html = client.get(path).content.decode()
    # The CSRF token of the "take the test again" form changes with every response.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def report_html(assessment: Assessment, language: str) -> str:
    assessment = Assessment.objects.get(pk=assessment.pk)
    with translation.override(language):
        report = build.build_report(assessment)
        return render_to_string(pdf.TEMPLATE, document.report_context(assessment, report))


def pdf_text(assessment: Assessment, language: str) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf.render_report_pdf(assessment, language)))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def old_assessment(questionnaire) -> Assessment:
    """A completed 2026.1 assessment, taken before 2026.2 was published."""
    assert questionnaire.label == "2026.1"
    return answered_assessment(questionnaire, mixed, organisation="Oy Vanha Ab")


def test_load_questionnaire_publishes_2026_2_over_2026_1_answers(old_assessment) -> None:
    answers_before = list(Answer.objects.values_list("pk", "question_id", "option_id"))
    result_before = old_assessment.result
    out = StringIO()
    call_command("load_questionnaire", stdout=out)
    assert "2026.1 (published): unchanged" in out.getvalue()
    assert "2026.2 (published): loaded" in out.getvalue()
    current = QuestionnaireVersion.objects.current()
    assert current is not None and current.label == "2026.2"
    assert current.offers_not_applicable and current.glossary
    old_assessment.refresh_from_db()
    assert old_assessment.version.label == "2026.1"
    assert not old_assessment.version.offers_not_applicable
    assert old_assessment.result == result_before
    assert list(Answer.objects.values_list("pk", "question_id", "option_id")) == answers_before
    # Loading again changes neither version.
    out = StringIO()
    call_command("load_questionnaire", stdout=out)
    assert out.getvalue().count("unchanged") == 2


def test_a_new_test_is_taken_on_2026_2_with_dont_know_and_not_applicable(old_assessment) -> None:
    call_command("load_questionnaire", stdout=StringIO())
    client = Client()
    with translation.override("fi"):
        client.post(reverse("assessments:start"))
        assessment = Assessment.objects.latest("created_at")
        page = client.get(reverse("assessments:area", args=[assessment.token, 1])).content.decode()
    assert assessment.version.label == "2026.2"
    assert f'value="{DONT_KNOW}"' in page and f'value="{NOT_APPLICABLE}"' in page
    # The options are shown without numbers or scores: a label holds the option's text only.
    labels = re.findall(r'<label class="form-check-label"[^>]*>(.*?)</label>', page, re.S)
    assert len(labels) == 7 * len(
        selectors.areas_with_questions(assessment.version)[0].questions.all()
    )
    for label in labels:
        assert re.fullmatch(r'<span class="option-text">[^<\d]+</span>', label.strip()), label
    # A term is explained where the page first uses it, without JavaScript.
    assert '<details class="terms">' in page and "<dfn>palvelulupaus</dfn>" in page
    questions = selectors.areas_with_questions(assessment.version)
    assert sum(len(area.questions.all()) for area in questions) == len(
        [q for a in read_fixture(FIXTURES[-1])["areas"] for q in a["questions"]]
    )


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_2026_1_results_page_and_report_are_unchanged_by_2026_2(old_assessment, language) -> None:
    client = Client()
    page_before = results_page(client, old_assessment, language)
    html_before = report_html(old_assessment, language)
    call_command("load_questionnaire", stdout=StringIO())
    assert results_page(client, old_assessment, language) == page_before
    assert report_html(old_assessment, language) == html_before
    # Nothing of 2026.2 leaks in: no glossary, no "not applicable".
    for text in (page_before, html_before):
        assert "glossary" not in text and "terms-list" not in text
        assert "Ei koske" not in text and "not apply" not in text


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_2026_1_pdf_reads_the_same_after_2026_2(old_assessment, language) -> None:
    before = pdf_text(old_assessment, language)
    call_command("load_questionnaire", stdout=StringIO())
    after = pdf_text(Assessment.objects.get(pk=old_assessment.pk), language)
    assert len(after) == len(before)
    assert after == before


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_2026_2_report_has_the_glossary_as_an_appendix(old_assessment, language) -> None:
    call_command("load_questionnaire", stdout=StringIO())
    version = QuestionnaireVersion.objects.get(label="2026.2")
    assessment = answered_assessment(version, lambda q: 2)
    html = report_html(assessment, language)
    appendix = {"fi": "Testissä käytetyt termit", "en": "Terms used in the test"}[language]
    term = {"fi": "kriittinen kohtaaminen", "en": "critical encounter"}[language]
    assert appendix in html and f"<dt>{term}</dt>" in html
    # The method chapter describes 2026.2: equal weights and "not applicable" (docs/scoring.md).
    method = {
        "fi": ("jokainen kysymys painaa yhtä paljon", "”En osaa sanoa” ja ”Ei koske meitä”"),
        "en": ("every question weighs the same", "and a “Not applicable to us” option"),
    }[language]
    assert all(text in html for text in method)
    assert "1–3" not in html and "1 to 3" not in html
    page = results_page(Client(), assessment, language)
    assert appendix in page and f"<dfn>{term}</dfn>" in page
