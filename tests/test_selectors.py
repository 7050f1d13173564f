"""The questionnaire's content is read once per version and process, and read again as soon as
anything of it changes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assessments import glossary, selectors, versioning
from assessments.content import load_questionnaire
from assessments.models import AreaLevel, Option, Question, QuestionnaireVersion

pytestmark = pytest.mark.django_db


# A term that the first area's page uses in both languages.
GLOSSARY = [
    {
        "term": {"fi": "asiakas", "en": "customer"},
        "definition": {"fi": "Se, jota palvellaan.", "en": "Whom the firm serves."},
    }
]


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


def _terms_by_hand(version: QuestionnaireVersion, language: str) -> dict[str, list[dict]]:
    area = selectors.areas_with_questions(version)[0]
    with translation.override(language):
        texts = [("", area.intro)] + [
            (q.code, " ".join([q.text, *(o.text for o in q.options.all())]))
            for q in area.questions.all()
        ]
    return glossary.first_uses(version.glossary, texts, language)


def test_an_areas_terms_are_worked_out_once_per_language_and_follow_a_change(questionnaire_data):
    data = {**questionnaire_data, "version": "terms", "glossary": GLOSSARY}
    version, _ = load_questionnaire(data)
    area = selectors.areas_with_questions(version)[0]
    found = {language: selectors.area_terms(version, area, language) for language in ("fi", "en")}
    for language in ("fi", "en"):
        assert found[language] == _terms_by_hand(version, language)
        assert found[language], "the glossary's term is used on the page"
        assert selectors.area_terms(fresh(version), area, language) is found[language]
    assert found["fi"] != found["en"]
    draft = versioning.copy_as_draft(version)
    draft.glossary = []
    draft.save()
    draft_area = selectors.areas_with_questions(fresh(draft))[0]
    assert selectors.area_terms(fresh(draft), draft_area, "fi") == {}


def test_the_current_version_follows_a_change(questionnaire):
    """The shared copy of a version is read again as soon as its content revision changes."""
    first = selectors.current_version()
    assert first == questionnaire
    assert selectors.current_version() is first
    # As models._content_changed marks a change (a frozen version refuses a plain update).
    QuestionnaireVersion._base_manager.filter(pk=questionnaire.pk).update(
        content_revision=F("content_revision") + 1, title_en="Changed"
    )
    again = selectors.current_version()
    assert again is not first
    assert again.content_revision == first.content_revision + 1
    assert again.title_en == "Changed"
