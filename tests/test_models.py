"""Model invariants: frozen content, consent for contact details, one stored result."""

import pytest
from django.db import IntegrityError, transaction

from assessments import result_format, selectors, services
from assessments.content import FrozenVersionChanged, load_questionnaire
from assessments.models import (
    Answer,
    Area,
    AreaLevel,
    Assessment,
    FrozenContentError,
    MaturityLevel,
    Option,
    Question,
    QuestionnaireVersion,
)

from .factories import answered_assessment

pytestmark = pytest.mark.django_db


def test_published_content_without_responses_can_still_be_corrected(questionnaire):
    question = Question.objects.filter(area__version=questionnaire).first()
    question.text_en = "Corrected"
    question.save()
    assert Question.objects.get(pk=question.pk).text_en == "Corrected"


@pytest.mark.parametrize(
    "change",
    [
        lambda v: Question.objects.filter(area__version=v).first().save(),
        lambda v: Question.objects.filter(area__version=v).first().delete(),
        lambda v: Option.objects.filter(question__area__version=v).first().save(),
        lambda v: Area.objects.filter(version=v).first().delete(),
        lambda v: v.levels.first().save(),
        lambda v: v.areas.first().level_texts.first().save(),
        lambda v: setattr(v, "title_en", "Rewritten") or v.save(),
        lambda v: v.delete(),
    ],
)
def test_a_published_version_with_responses_is_never_changed_in_place(questionnaire, change):
    answered_assessment(questionnaire)
    version = QuestionnaireVersion.objects.get(pk=questionnaire.pk)
    with pytest.raises(FrozenContentError):
        change(version)


BULK_CHANGES = [
    lambda v: Question.objects.filter(area__version=v).update(weight=3),
    lambda v: Question.objects.filter(area__version=v).delete(),
    lambda v: Option.objects.filter(question__area__version=v).update(text_fi="Uusi"),
    lambda v: Option.objects.filter(question__area__version=v).delete(),
    lambda v: Area.objects.filter(version=v).update(intro_fi="Uusi johdanto"),
    lambda v: AreaLevel.objects.filter(area__version=v).update(description_fi="Uusi"),
    lambda v: MaturityLevel.objects.filter(version=v).delete(),
    lambda v: v.areas.all().update(name_en="Renamed"),
    lambda v: QuestionnaireVersion.objects.filter(pk=v.pk).update(title_en="Rewritten"),
    lambda v: QuestionnaireVersion.objects.filter(pk=v.pk).delete(),
]


@pytest.mark.parametrize("change", BULK_CHANGES)
def test_bulk_updates_and_deletes_of_frozen_content_are_refused(questionnaire, change):
    answered_assessment(questionnaire)
    texts = list(
        Question.objects.filter(area__version=questionnaire).values_list("text_fi", "weight")
    )
    with pytest.raises(FrozenContentError), transaction.atomic():
        change(questionnaire)
    after = Question.objects.filter(area__version=questionnaire).values_list("text_fi", "weight")
    assert list(after) == texts


@pytest.mark.parametrize("change", BULK_CHANGES[:-1])
def test_bulk_changes_of_content_without_responses_go_through(questionnaire, change):
    change(questionnaire)


def test_refreshing_a_frozen_version_from_a_changed_fixture_is_refused(
    questionnaire, questionnaire_data
):
    answered_assessment(questionnaire)
    with pytest.raises(FrozenVersionChanged):
        load_questionnaire({**questionnaire_data, "title": {"fi": "Muu", "en": "Other"}})


def test_a_new_version_is_used_by_new_tests_and_old_results_stay(questionnaire, questionnaire_data):
    old = answered_assessment(questionnaire, lambda q: 2)
    old_result = old.result

    new_data = {**questionnaire_data, "version": "next"}
    new_version, _ = load_questionnaire(new_data)
    assert QuestionnaireVersion.objects.current() == new_version

    new = services.assessment_start(language="fi")
    assert new.version == new_version

    old.refresh_from_db()
    assert old.version == questionnaire
    assert old.result == old_result
    assert result_format.dump(selectors.scored_answers(old)) == old_result


def test_the_stored_result_is_what_recomputing_the_answers_gives(questionnaire):
    assessment = answered_assessment(
        questionnaire, lambda q: None if q.order % 4 == 0 else 1 + q.order % 5
    )
    assert assessment.stored_result == selectors.scored_answers(assessment)


def test_an_email_without_consent_is_refused_by_the_database(questionnaire):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(version=questionnaire, email="a@example.com")


def test_a_completed_assessment_always_has_a_result(questionnaire):
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(version=questionnaire, completed_at=timezone.now())


def test_one_answer_per_question(questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    answer = Answer.objects.filter(assessment=assessment).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(assessment=assessment, question=answer.question)


def test_an_option_of_another_question_is_refused(questionnaire):
    assessment = Assessment.objects.create(version=questionnaire)
    q1, q2 = Question.objects.filter(area__version=questionnaire)[:2]
    with pytest.raises(ValueError):
        services.answers_save(assessment=assessment, choices={q1: q2.options.first()})
    assert not Answer.objects.exists()


def test_querysets_say_what_they_hold(questionnaire):
    done = answered_assessment(questionnaire)
    open_ = answered_assessment(questionnaire, complete=False)
    assert list(Assessment.objects.completed()) == [done]
    assert list(Assessment.objects.in_progress()) == [open_]


@pytest.mark.django_db
def test_a_token_finds_its_assessment_through_the_index(questionnaire):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine = answered_assessment(questionnaire, complete=False)
    other = answered_assessment(questionnaire, complete=False)
    assert Assessment.objects.by_token(mine.token) == mine
    assert Assessment.objects.by_token(mine.token.swapcase()) is None
    assert Assessment.objects.by_token(mine.token[:-1] + "~") is None
    assert Assessment.objects.by_token(other.token) == other
    with CaptureQueriesContext(connection) as queries:
        Assessment.objects.by_token(mine.token)
    (sql,) = [query["sql"] for query in queries.captured_queries]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Not a scan of every assessment per page view.
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "SEARCH" in plan and "SCAN" not in plan, plan
