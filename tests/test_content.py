"""The questionnaire's content: complete, in both languages, and loaded safely."""

import pytest
from django.core.management import call_command

from assessments import scoring
from assessments.content import DEFAULT_FIXTURE, ContentError, load_questionnaire, validate
from assessments.models import (
    Area,
    AreaLevel,
    MaturityLevel,
    Option,
    Question,
    QuestionnaireVersion,
)

pytestmark = pytest.mark.django_db

LEVEL_NAMES = {
    1: ("Reaktiivinen", "Reactive"),
    2: ("Tiedostava", "Aware"),
    3: ("Järjestelmällinen", "Systematic"),
    4: ("Johdettu", "Managed"),
    5: ("Asiakaskeskeinen", "Customer-centric"),
}


def test_three_areas_with_25_to_30_questions(questionnaire):
    areas = list(questionnaire.areas.order_by("order"))
    assert [a.code for a in areas] == ["promise", "quality", "relationship"]
    assert [a.name_fi for a in areas] == [
        "Palvelulupaus ja palvelun odotusarvo",
        "Koettu palvelun laatu",
        "Asiakassuhteen ylläpito",
    ]
    counts = [a.questions.count() for a in areas]
    assert all(8 <= n <= 10 for n in counts)
    assert 25 <= sum(counts) <= 30


def test_every_question_has_five_valued_options(questionnaire):
    for question in Question.objects.filter(area__version=questionnaire):
        assert list(question.options.values_list("value", flat=True)) == list(scoring.LEVELS)
        assert scoring.MIN_WEIGHT <= question.weight <= scoring.MAX_WEIGHT


def test_the_five_level_names_of_the_domain(questionnaire):
    levels = MaturityLevel.objects.filter(version=questionnaire)
    assert {lv.level: (lv.name_fi, lv.name_en) for lv in levels} == LEVEL_NAMES
    assert all(lv.description_fi and lv.description_en for lv in levels)


def test_every_area_and_level_has_a_description_and_three_to_five_actions(questionnaire):
    texts = AreaLevel.objects.filter(area__version=questionnaire)
    assert texts.count() == 3 * 5
    for text in texts:
        assert text.description_fi and text.description_en
        fi = [line for line in text.recommendations_fi.splitlines() if line.strip()]
        en = [line for line in text.recommendations_en.splitlines() if line.strip()]
        assert 3 <= len(fi) <= 5
        assert len(fi) == len(en)


def test_every_text_exists_in_both_languages_and_differs(questionnaire):
    checks = [
        (Area, ["name", "intro"], {"version": questionnaire}),
        (Question, ["text", "tip"], {"area__version": questionnaire}),
        (Option, ["text"], {"question__area__version": questionnaire}),
    ]
    for model, fields, lookup in checks:
        for obj in model.objects.filter(**lookup):
            for field in fields:
                fi, en = getattr(obj, f"{field}_fi"), getattr(obj, f"{field}_en")
                assert fi and en, (obj, field)
                assert fi != en, (obj, field)


def test_every_question_is_traced_to_the_source_texts(questionnaire):
    for question in Question.objects.filter(area__version=questionnaire):
        assert question.theme
        assert question.source
        assert all(
            part.strip() in {"000", "001", "002", "003", "004"}
            for part in question.source.split(",")
        )


def test_loading_twice_changes_nothing(questionnaire, capsys):
    call_command("load_questionnaire", str(DEFAULT_FIXTURE))
    assert "unchanged" in capsys.readouterr().out
    assert QuestionnaireVersion.objects.count() == 1
    assert Question.objects.count() == Question.objects.filter(area__version=questionnaire).count()


def test_a_changed_fixture_refreshes_a_version_without_responses(questionnaire, questionnaire_data):
    changed = {**questionnaire_data, "title": {"fi": "Uusi nimi", "en": "New title"}}
    version, was_changed = load_questionnaire(changed)
    assert was_changed
    assert version.pk == questionnaire.pk
    assert QuestionnaireVersion.objects.get().title_en == "New title"
    assert Question.objects.count() == sum(len(a["questions"]) for a in changed["areas"])


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["areas"][0]["questions"][0]["options"].pop(),
        lambda d: d["areas"][0]["questions"][0]["text"].pop("en"),
        lambda d: d["areas"][1]["levels"].pop(),
        lambda d: d["areas"][2]["questions"][0].update(weight=7),
        lambda d: d["areas"][2]["questions"][1].update(code=d["areas"][2]["questions"][0]["code"]),
        lambda d: d["areas"][0]["levels"][0]["recommendations"]["en"].pop(),
        # Stored results are keyed by area code: it must work as a JSON key in lookups.
        lambda d: d["areas"][0].update(code="2"),
        lambda d: d["areas"][0].update(code="service__promise"),
    ],
)
def test_a_broken_fixture_is_refused_whole(questionnaire_data, breakage):
    import copy

    broken = copy.deepcopy(questionnaire_data)
    breakage(broken)
    with pytest.raises(ContentError):
        validate(broken)
    with pytest.raises(ContentError):
        load_questionnaire(broken)
    assert not QuestionnaireVersion.objects.exists()
