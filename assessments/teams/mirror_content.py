"""The customer mirror's questions: the `mirror` section of a questionnaire version's fixture.

The section has its own version label, and each question names one area of the questionnaire and
the questions of that area it mirrors (their codes). It is read from the fixture files
(content.FIXTURES) once per process: the texts are few, nobody edits them in the admin, and the
questionnaire's own fingerprint leaves the section out (content.MIRROR_SECTION), so revising the
mirror needs only a new mirror label, never a new questionnaire version.

A version whose fixture has no mirror section (2026.1) offers no customer mirror.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from .. import content, scoring

MIN_QUESTIONS = 10
MAX_QUESTIONS = 12


def _in_language(texts: Mapping[str, str]) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return texts.get(language) or texts[settings.LANGUAGE_CODE]


@dataclass(frozen=True, eq=False)
class MirrorQuestion:
    code: str
    area: str  # an area code of the questionnaire
    mirrors: tuple[str, ...]  # question codes of that area
    theme: str
    texts: Mapping[str, str]
    option_texts: tuple[Mapping[str, str], ...]  # level 1 first

    @property
    def text(self) -> str:
        return _in_language(self.texts)

    @property
    def options(self) -> list[tuple[int, str]]:
        return [
            (value, _in_language(texts))
            for value, texts in enumerate(self.option_texts, start=scoring.MIN_VALUE)
        ]


@dataclass(frozen=True, eq=False)
class MirrorContent:
    version: str
    intro_texts: Mapping[str, str]
    recommend_texts: Mapping[str, str]
    questions: tuple[MirrorQuestion, ...]

    @property
    def intro(self) -> str:
        return _in_language(self.intro_texts)

    @property
    def recommend(self) -> str:
        return _in_language(self.recommend_texts)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(q.code for q in self.questions)


def parse(data: Mapping[str, Any]) -> MirrorContent | None:
    """The mirror section of a (validated) fixture's data; None when it has none. Raises
    content.ContentError naming the first problem."""
    section = data.get(content.MIRROR_SECTION)
    if section is None:
        return None
    if not isinstance(section, Mapping) or not isinstance(section.get("version"), str):
        raise content.ContentError("mirror: needs a 'version' label")
    inside = {
        area["code"]: {question["code"] for question in area["questions"]} for area in data["areas"]
    }
    questions = section.get("questions")
    if not isinstance(questions, list) or not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise content.ContentError(f"mirror: expected {MIN_QUESTIONS}–{MAX_QUESTIONS} questions")
    parsed = []
    seen: set[str] = set()
    for question in questions:
        code = question.get("code")
        if not isinstance(code, str) or not code or code in seen:
            raise content.ContentError(f"mirror question code {code!r} is missing or repeated")
        seen.add(code)
        area = question.get("area")
        if area not in inside:
            raise content.ContentError(f"mirror question {code}: unknown area {area!r}")
        mirrors = question.get("mirrors")
        if (
            not isinstance(mirrors, list)
            or not mirrors
            or not all(isinstance(m, str) and m in inside[area] for m in mirrors)
        ):
            raise content.ContentError(
                f"mirror question {code}: 'mirrors' must list questions of area {area}"
            )
        theme = question.get("theme")
        if not isinstance(theme, str) or not theme.strip():
            raise content.ContentError(f"mirror question {code}: missing theme")
        options = question.get("options")
        if not isinstance(options, list) or len(options) != content.OPTIONS_PER_QUESTION:
            raise content.ContentError(
                f"mirror question {code}: expected {content.OPTIONS_PER_QUESTION} options"
            )
        parsed.append(
            MirrorQuestion(
                code=code,
                area=area,
                mirrors=tuple(mirrors),
                theme=theme.strip(),
                texts=content._texts(question.get("text"), f"mirror question {code} text"),
                option_texts=tuple(
                    content._texts(option, f"mirror question {code} option {value}")
                    for value, option in enumerate(options, start=1)
                ),
            )
        )
    return MirrorContent(
        version=section["version"],
        intro_texts=content._texts(section.get("intro"), "mirror intro"),
        recommend_texts=content._texts(section.get("recommend"), "mirror recommend"),
        questions=tuple(parsed),
    )


@lru_cache(maxsize=8)
def mirror_for_label(label: str) -> MirrorContent | None:
    """The mirror of the questionnaire version labelled `label`, or None."""
    for path in content.FIXTURES:
        data = content.read_fixture(path)
        if data["version"] == label:
            return parse(data)
    return None
