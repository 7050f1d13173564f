"""Questionnaire 2026.2 (fixtures/questionnaire-2026.2.yaml): the content checks a consultancy
would put its name under, run over the fixture itself (docs/content.md is the style guide)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings

from assessments import glossary, scoring
from assessments.content import FIXTURES, read_fixture
from assessments.reading import count_words

LANGUAGES = ("fi", "en")
MIN_QUESTIONS, MAX_QUESTIONS = 24, 27
# Questions and options in Finnish, tips and glossary not counted: about ten minutes of reading.
MAX_FINNISH_WORDS = 1400
AREAS = ["promise", "quality", "relationship"]
# The lowest option is neutral: it says what has not been done yet, never judges.
LOWEST_OPTION_START = {"fi": "Emme ole vielä", "en": "We have not yet"}

# Who acts, as the texts name them: the one list of role words (word starts; Finnish inflects).
ROLE_WORDS: Mapping[str, tuple[str, ...]] = {
    "fi": (
        "toimitusjohtaj",
        "talousjohtaj",
        "johtoryhm",
        "asiakaskokemuksen vastuuhenkilö",
        "esihenkilö",
        "asiakaspalvelun esihenkilö",
        "palvelupäällik",
        "asiakkuusvastaav",
        "myyj",
        "myynti",
        "markkinointi",
        "asiakaspalvelu",
        "asiantuntij",
        "hr",
    ),
    "en": (
        "managing director",
        "finance director",
        "management team",
        "customer experience lead",
        "team leader",
        "customer service team leader",
        "service manager",
        "account owner",
        "salespeople",
        "sales",
        "marketing",
        "customer service",
        "expert",
        "hr",
    ),
}


def questionnaire_words(data: Mapping[str, Any], language: str) -> int:
    """The words a respondent reads in questions and options (not tips, not the glossary)."""
    return sum(
        count_words(question["text"][language])
        + sum(count_words(option[language]) for option in question["options"])
        for area in data["areas"]
        for question in area["questions"]
    )


def names_a_role(text: str, language: str) -> bool:
    folded = text.casefold()
    return any(re.search(rf"\b{re.escape(role)}", folded) for role in ROLE_WORDS[language])


def texts(data: Mapping[str, Any], language: str) -> Iterator[str]:
    """Every text of the fixture in one language."""
    yield data["title"][language]
    for level in data["levels"]:
        yield level["name"][language]
        yield level["description"][language]
    for area in data["areas"]:
        yield area["name"][language]
        yield area["intro"][language]
        for level in area["levels"]:
            yield level["description"][language]
            yield from level["recommendations"][language]
        for question in area["questions"]:
            yield question["text"][language]
            yield question["tip"][language]
            yield from (option[language] for option in question["options"])


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return read_fixture(FIXTURES[-1])


def questions(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [question for area in data["areas"] for question in area["questions"]]


def test_it_is_the_newest_version_and_offers_not_applicable(data) -> None:
    assert data["version"] == "2026.2"
    assert data["not_applicable"] is True


def test_three_areas_with_24_to_27_questions_of_equal_weight(data) -> None:
    assert [area["code"] for area in data["areas"]] == AREAS
    assert MIN_QUESTIONS <= len(questions(data)) <= MAX_QUESTIONS
    # docs/scoring.md: equal weights, the seeds giving no reason for any other.
    assert {q.get("weight", scoring.DEFAULT_WEIGHT) for q in questions(data)} == {1}


def test_five_options_each_the_lowest_neutral_and_none_showing_a_number(data) -> None:
    for question in questions(data):
        assert len(question["options"]) == len(scoring.LEVELS), question["code"]
        for language in LANGUAGES:
            lowest = question["options"][0][language]
            assert lowest.startswith(LOWEST_OPTION_START[language]), (question["code"], lowest)
            for option in question["options"]:
                assert not re.search(r"\d", option[language]), (question["code"], option)
            # Each option says something different.
            assert len({option[language] for option in question["options"]}) == 5


def test_every_text_exists_in_both_languages_and_differs(data) -> None:
    finnish, english = list(texts(data, "fi")), list(texts(data, "en"))
    assert len(finnish) == len(english)
    for fi, en in zip(finnish, english, strict=True):
        assert fi.strip() and en.strip()
        assert fi != en, fi


def test_the_finnish_questionnaire_is_at_most_1400_words(data) -> None:
    assert questionnaire_words(data, "fi") <= MAX_FINNISH_WORDS


def test_the_word_count_counts_words() -> None:
    assert count_words("Emme ole vielä sopineet siitä.") == 5
    assert count_words("Asiakaskokemuksen vastuuhenkilö – ei-koske ”uudet tarpeet”") == 5


def test_every_recommendation_and_tip_names_who_acts(data) -> None:
    for area in data["areas"]:
        assert [level["level"] for level in area["levels"]] == list(scoring.LEVELS)
        for level in area["levels"]:
            for language in LANGUAGES:
                actions = level["recommendations"][language]
                assert 3 <= len(actions) <= 5, (area["code"], level["level"])
                for action in actions:
                    assert names_a_role(action, language), action
        for question in area["questions"]:
            for language in LANGUAGES:
                assert names_a_role(question["tip"][language], language), question["code"]


def test_the_role_list_recognises_roles_and_nothing_else() -> None:
    assert names_a_role("Johtoryhmä kirjaa lupauksen.", "fi")
    assert names_a_role("Asiakkuusvastaavat soittavat asiakkaille.", "fi")
    assert names_a_role("The management team writes the promise.", "en")
    assert not names_a_role("Kirjatkaa lupaus.", "fi")
    assert not names_a_role("Write the promise down within three weeks.", "en")


def test_every_question_is_traced_to_the_seed_texts(data) -> None:
    seeds = {path.name[:3] for path in Path("/work/shared/seeds").glob("*.txt")} or {
        "000",
        "001",
        "002",
        "003",
        "004",
    }
    for question in questions(data):
        assert question["theme"]
        assert {part.strip() for part in str(question["source"]).split(",")} <= seeds


def test_every_glossary_term_is_used_and_spelled_one_way(data) -> None:
    terms = data["glossary"]
    assert len(terms) >= 8
    for language in LANGUAGES:
        corpus = list(texts(data, language))
        for entry in terms:
            assert any(glossary.uses(entry, text, language) for text in corpus), entry["term"]
            for variant in entry.get("avoid", {}).get(language, []):
                offenders = [text for text in corpus if variant.casefold() in text.casefold()]
                assert not offenders, (variant, offenders[:2])


def test_the_glossary_terms_are_one_way_in_the_user_interface_too(data) -> None:
    """The results page, the PDF and the admin use the same terms (their texts are the .po)."""
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "fi" / "LC_MESSAGES" / "django.po"))
    strings = {
        "fi": [entry.msgstr for entry in po] + [s for e in po for s in e.msgstr_plural.values()],
        "en": [entry.msgid for entry in po] + [e.msgid_plural for e in po if e.msgid_plural],
    }
    for language in LANGUAGES:
        for entry in data["glossary"]:
            for variant in entry.get("avoid", {}).get(language, []):
                assert not [s for s in strings[language] if variant.casefold() in s.casefold()]


def test_the_level_names_are_those_of_2026_1(data) -> None:
    earlier = read_fixture(FIXTURES[0])
    assert [level["name"] for level in data["levels"]] == [
        level["name"] for level in earlier["levels"]
    ]


def docs_content() -> str:
    return (Path(settings.BASE_DIR) / "docs" / "content.md").read_text(encoding="utf-8")


def test_the_documented_word_counts_are_the_measured_ones() -> None:
    """docs/content.md's "before and after" figures are those of the fixtures themselves."""
    earlier, current = (read_fixture(path) for path in (FIXTURES[0], FIXTURES[-1]))
    figures = {
        f"{earlier['version']} had {questionnaire_words(earlier, 'fi'):,}",
        f"{current['version']} has {questionnaire_words(current, 'fi'):,}",
        f"{questionnaire_words(earlier, 'en'):,} → {questionnaire_words(current, 'en'):,}",
    }
    text = " ".join(docs_content().split())
    assert all(figure in text for figure in figures), figures


def test_the_change_list_accounts_for_every_question_of_both_versions(data) -> None:
    """docs/content.md, "Changes from 2026.1": each 2026.1 question once, each 2026.2 one at least
    once, and the new ones marked new."""
    section = docs_content().split("### Changes from 2026.1")[1].split("\n### ")[0]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| 2026.1")
    ]
    old_codes = [row[0].split()[0] for row in rows if row[0] != "—"]
    earlier = read_fixture(FIXTURES[0])
    assert sorted(old_codes) == sorted(q["code"] for q in questions(earlier))
    new_codes = {code for row in rows for code in re.findall(r"\b[A-Z]{2}\d\d\b", row[2])}
    assert new_codes == {q["code"] for q in questions(data)}
    for row in rows:
        assert (row[0] == "—") == row[1].startswith("new"), row
