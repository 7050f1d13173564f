"""The "not applicable" answer on the public test: offered only by versions that have it, stored
apart from "don't know", and an area where most questions do not apply gets no level."""

import pytest
from django.db import IntegrityError, transaction

from assessments import selectors, services
from assessments.codes import DONT_KNOW, NOT_APPLICABLE
from assessments.content import load_questionnaire
from assessments.models import Answer, Assessment

from .test_flow import start, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def na_version(questionnaire_data):
    """The questionnaire's content as a later version that offers "not applicable"."""
    version, _ = load_questionnaire(
        {**questionnaire_data, "version": "test-na", "not_applicable": True}
    )
    return version


def post_area(client, assessment, step, choose):
    """Post an area page, choosing choose(question) as the form value for each question."""
    area = selectors.areas_with_questions(assessment.version)[step - 1]
    data = {f"q_{q.code}": choose(q) for q in area.questions.all()}
    return client.post(url("fi", "area", token=assessment.token, step=step), data)


def first_option(question):
    return str(question.options.get(value=4).pk)


def test_a_version_without_it_neither_offers_nor_accepts_not_applicable(client, questionnaire):
    assessment = start(client)
    page = client.get(url("fi", "area", token=assessment.token, step=1)).content.decode()
    assert f'value="{NOT_APPLICABLE}"' not in page
    assert f'value="{DONT_KNOW}"' in page
    response = post_area(client, assessment, 1, lambda q: NOT_APPLICABLE)
    assert response.status_code == 200
    assert "ei ole tämän kysymyksen vaihtoehto" in response.content.decode()
    assert not Answer.objects.filter(assessment=assessment).exists()
    question = selectors.areas_with_questions(questionnaire)[0].questions.all()[0]
    with pytest.raises(ValueError):
        services.answers_save(assessment=assessment, choices={}, not_applicable=[question])


def test_not_applicable_is_offered_in_the_pages_language_and_stored_apart(client, na_version):
    assessment = start(client)
    assert assessment.version == na_version
    page = client.get(url("fi", "area", token=assessment.token, step=1)).content.decode()
    assert f'value="{NOT_APPLICABLE}"' in page
    assert "Ei koske meitä" in page
    page_en = client.get(url("en", "area", token=assessment.token, step=1)).content.decode()
    assert "Not applicable to us" in page_en
    response = post_area(client, assessment, 1, lambda q: NOT_APPLICABLE)
    assert response.status_code == 302
    answers = Answer.objects.filter(assessment=assessment)
    assert answers.exists()
    assert all(a.not_applicable and a.option_id is None for a in answers)
    # Shown again as chosen, and changeable back to an option.
    page = client.get(url("fi", "area", token=assessment.token, step=1)).content.decode()
    assert f'value="{NOT_APPLICABLE}" id' in page and "checked" in page
    post_area(client, assessment, 1, first_option)
    assert not Answer.objects.filter(assessment=assessment, not_applicable=True).exists()


def test_an_area_that_mostly_does_not_apply_gets_no_level_and_says_why(client, na_version):
    assessment = start(client)
    post_area(client, assessment, 1, lambda q: NOT_APPLICABLE)
    post_area(client, assessment, 2, first_option)
    post_area(client, assessment, 3, first_option)
    client.post(url("fi", "background", token=assessment.token), {})
    assessment.refresh_from_db()
    result = assessment.stored_result
    first = result.areas[0]
    assert first.level is None and first.not_applicable == first.questions
    assert first.dont_know == 0
    assert result.areas[1].level == 4
    assert result.overall_level is None
    page = client.get(url("fi", "results", token=assessment.token)).content.decode()
    assert "ei koske teidän organisaatiotanne" in page
    assert "Tasoa ei anneta myöskään osa-alueelle" in page
    page_en = client.get(url("en", "results", token=assessment.token)).content.decode()
    assert "do not apply to your organisation" in " ".join(page_en.split())


def test_an_answer_cannot_be_both_an_option_and_not_applicable(na_version):
    assessment = Assessment.objects.create(version=na_version)
    question = selectors.areas_with_questions(na_version)[0].questions.all()[0]
    option = question.options.get(value=3)
    with pytest.raises(ValueError):
        services.answers_save(
            assessment=assessment, choices={question: option}, not_applicable=[question]
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            assessment=assessment, question=question, option=option, not_applicable=True
        )


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fi", ["ei koske teidän organisaatiotanne", "Osa-alueella"]),
        ("en", ["do not apply to your organisation", "has no level"]),
    ],
)
def test_the_report_says_why_an_area_has_no_level(client, na_version, language, texts):
    from django.template.loader import render_to_string
    from django.utils import translation

    from assessments.report import build, document, pdf

    assessment = start(client)
    post_area(client, assessment, 1, lambda q: NOT_APPLICABLE)
    post_area(client, assessment, 2, first_option)
    post_area(client, assessment, 3, first_option)
    client.post(url("fi", "background", token=assessment.token), {})
    assessment.refresh_from_db()
    with translation.override(language):
        report = build.build_report(assessment)
        html = render_to_string(pdf.TEMPLATE, document.report_context(assessment, report))
    assert report.areas[0].mostly_not_applicable
    for text in texts:
        assert text in html


def test_the_consultant_sees_not_applicable_answers_and_why_an_area_has_no_level(
    client, na_version, consultant_client
):
    from django.urls import reverse

    assessment = start(client)
    post_area(client, assessment, 1, lambda q: NOT_APPLICABLE)
    post_area(client, assessment, 2, first_option)
    post_area(client, assessment, 3, lambda q: DONT_KNOW)
    client.post(url("fi", "background", token=assessment.token), {})
    page = consultant_client.get(
        reverse("admin:assessments_assessment_change", args=[assessment.pk])
    ).content.decode()
    assert "Ei koske meitä" in page
    assert "ei koske teitä" in page
    # The third area is all don't-know: its 9 questions, counted apart from not applicable.
    area = selectors.areas_with_questions(na_version)[2]
    assert f"{len(area.questions.all())} / {len(area.questions.all())}" in page
