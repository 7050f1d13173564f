"""The questionnaire's content is read once per version and process, and read again as soon as
anything of it changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import selectors, versioning
from assessments.models import AreaLevel, Option, Question, QuestionnaireVersion

pytestmark = pytest.mark.django_db


def fresh(version: QuestionnaireVersion) -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.get(pk=version.pk)


def first_question_text(version: QuestionnaireVersion) -> str:
    return selectors.areas_with_questions(fresh(version))[0].questions.all()[0].text_fi


def test_a_version_is_read_once(questionnaire):
    first = selectors.questionnaire_content(questionnaire)
    with CaptureQueriesContext(connection) as context:
        again = selectors.questionnaire_content(fresh(questionnaire))
    assert context.captured_queries[1:] == []  # only fresh()'s own query
    assert again is first
    assert [area.code for area in again.areas] == ["promise", "quality", "relationship"]
    assert len(again.levels) == 5
    assert len(again.area_levels) == 15


def _first_question(draft):
    return Question.objects.filter(area__version=draft).order_by("area__order", "order").first()


def save_one(draft):
    question = _first_question(draft)
    question.text_fi = "Muutettu"
    question.save()


def update_in_bulk(draft):
    Question.objects.filter(area__version=draft).update(text_fi="Muutettu")


@pytest.mark.parametrize("change", [save_one, update_in_bulk])
def test_a_change_to_the_content_is_read_at_once(questionnaire, change):
    draft = versioning.copy_as_draft(questionnaire)
    assert first_question_text(draft) != "Muutettu"
    change(draft)
    assert first_question_text(draft) == "Muutettu"


def test_added_and_removed_content_is_read_at_once(questionnaire):
    draft = versioning.copy_as_draft(questionnaire)
    before = selectors.questionnaire_content(fresh(draft))
    AreaLevel.objects.filter(area__version=draft, level=5).delete()
    after_delete = selectors.questionnaire_content(fresh(draft))
    assert len(after_delete.area_levels) == len(before.area_levels) - 3

    question = _first_question(draft)
    options = list(question.options.all())
    Option.objects.filter(question=question).delete()
    Option.objects.bulk_create(
        Option(question=question, value=option.value, text_fi=f"Uusi {option.value}")
        for option in options
    )
    area = selectors.areas_with_questions(fresh(draft))[0]
    assert area.questions.all()[0].options.all()[0].text_fi == "Uusi 1"
