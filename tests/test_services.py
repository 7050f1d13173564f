"""The services check their own preconditions, whichever page (or script) calls them."""

from __future__ import annotations

import pytest

from assessments import result_format, selectors, services
from assessments.models import Answer, Assessment, Question

from .factories import answered_assessment


def first_question_and_options(version):
    question = selectors.areas_with_questions(version)[0].questions.all()[0]
    options = list(question.options.all())
    return question, options[0], options[-1]


def saved_values(assessment: Assessment) -> dict[str, int | None]:
    return selectors.answer_values(assessment)


def test_answers_cannot_change_after_completion(questionnaire):
    assessment = answered_assessment(questionnaire, lambda q: 2)
    before = saved_values(assessment)
    question, _, top = first_question_and_options(questionnaire)

    with pytest.raises(services.AssessmentCompleted):
        services.answers_save(assessment=assessment, choices={question: top})

    assert saved_values(assessment) == before
    assert result_format.load(Assessment.objects.get(pk=assessment.pk).result) == (
        selectors.scored_answers(assessment)
    )


def test_a_stale_copy_of_the_assessment_is_refused_too(questionnaire):
    """A tab opened before completion holds an object that still looks unfinished."""
    assessment = answered_assessment(questionnaire, lambda q: 2, complete=False)
    stale = Assessment.objects.get(pk=assessment.pk)
    services.assessment_complete(assessment=assessment)
    question, _, top = first_question_and_options(questionnaire)

    assert not stale.is_completed
    with pytest.raises(services.AssessmentCompleted):
        services.answers_save(assessment=stale, choices={question: top})
    with pytest.raises(services.AssessmentCompleted):
        services.background_save(assessment=stale, details={"organisation": "Myöhässä Oy"})
    with pytest.raises(services.AssessmentCompleted):
        services.assessment_complete(assessment=stale)
    assert Answer.objects.get(assessment=assessment, question=question).option.value == 2
    assert Assessment.objects.get(pk=assessment.pk).organisation == ""


def test_completion_is_refused_while_a_question_is_unanswered(questionnaire):
    areas = selectors.areas_with_questions(questionnaire)
    last_question = areas[-1].questions.all().reverse()[0]
    assessment = answered_assessment(questionnaire, complete=False)
    Answer.objects.filter(assessment=assessment, question=last_question).delete()

    with pytest.raises(services.UnansweredQuestions) as refused:
        services.assessment_complete(assessment=assessment)

    assert refused.value.step == len(areas)
    assessment.refresh_from_db()
    assert assessment.completed_at is None
    assert assessment.result is None


def test_dont_know_counts_as_an_answer(questionnaire):
    assessment = answered_assessment(questionnaire, lambda q: None, complete=False)
    result = services.assessment_complete(assessment=assessment)
    assert result.overall_level is None
    assert Assessment.objects.get(pk=assessment.pk).is_completed


def test_answers_must_belong_to_the_assessments_version(questionnaire, questionnaire_data):
    from assessments.content import load_questionnaire

    assessment = answered_assessment(questionnaire, complete=False)
    other, _ = load_questionnaire({**questionnaire_data, "version": "other"})
    foreign = Question.objects.filter(area__version=other).first()
    with pytest.raises(ValueError, match="not part of the assessment's version"):
        services.answers_save(assessment=assessment, choices={foreign: None})
    assert not Answer.objects.filter(question=foreign).exists()


def test_saving_again_replaces_the_answer(questionnaire):
    assessment = answered_assessment(questionnaire, lambda q: 1, complete=False)
    question, _, top = first_question_and_options(questionnaire)
    services.answers_save(assessment=assessment, choices={question: top})
    services.answers_save(assessment=assessment, choices={question: None})
    answers = Answer.objects.filter(assessment=assessment, question=question)
    assert [answer.option for answer in answers] == [None]


def test_background_details_keep_the_consent_rule(questionnaire):
    from django.core.exceptions import ValidationError

    assessment = answered_assessment(questionnaire, complete=False)
    with pytest.raises(ValidationError):
        services.background_save(assessment=assessment, details={"email": "a@example.com"})
    with pytest.raises(ValueError, match="not background fields"):
        services.background_save(assessment=assessment, details={"internal_notes": "x"})
    services.background_save(
        assessment=assessment, details={"email": "a@example.com", "consent_to_contact": True}
    )
    assert Assessment.objects.get(pk=assessment.pk).email == "a@example.com"


def test_consent_is_timed_and_announced_once(questionnaire):
    from assessments.events import consent_given

    assessment = answered_assessment(questionnaire, complete=False)
    heard: list[int] = []

    def receiver(sender, assessment, **kwargs):
        heard.append(assessment.pk)

    consent_given.connect(receiver)
    try:
        services.background_save(
            assessment=assessment, details={"email": "a@example.com", "consent_to_contact": True}
        )
        given_at = Assessment.objects.get(pk=assessment.pk).consent_given_at
        services.background_save(assessment=assessment, details={"organisation": "Oy"})
        assert Assessment.objects.get(pk=assessment.pk).consent_given_at == given_at
        services.background_save(
            assessment=assessment, details={"email": "", "consent_to_contact": False}
        )
    finally:
        consent_given.disconnect(receiver)
    assert given_at is not None
    assert heard == [assessment.pk], "announced once, when consent is first given"
    assert Assessment.objects.get(pk=assessment.pk).consent_given_at is None


def test_finishing_a_step_is_remembered_with_its_answers(questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    services.answers_save(assessment=assessment, choices={}, completed_step=2)
    services.answers_save(assessment=assessment, choices={}, completed_step=1)
    services.answers_save(assessment=assessment, choices={})
    assert Assessment.objects.get(pk=assessment.pk).last_step == 2
