"""Loading the questionnaire's content from its fixture file into a versioned questionnaire.

The fixture (fixtures/questionnaire.yaml) is the editable source of the content. Loading is safe to
repeat: an unchanged fixture changes nothing; a changed fixture replaces a version's content only
while no response depends on it, otherwise it must be given a new version label.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from . import scoring
from .models import (
    AREA_CODE_VALIDATOR,
    Area,
    AreaLevel,
    MaturityLevel,
    Option,
    Question,
    QuestionnaireVersion,
)

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "questionnaire.yaml"
# Every published version's fixture, oldest first: loading them in this order leaves the last one
# current. 2026.1 stays loadable unchanged, because old assessments were scored on it.
FIXTURES = (DEFAULT_FIXTURE, Path(settings.BASE_DIR) / "fixtures" / "questionnaire-2026.2.yaml")
LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)
OPTIONS_PER_QUESTION = len(scoring.LEVELS)
# The customer mirror's section of a fixture (assessments/teams/mirror_content.py reads it). It has
# its own version label and is left out of the questionnaire's fingerprint: revising the mirror
# must not count as a change to a version whose tests are frozen.
MIRROR_SECTION = "mirror"


class ContentError(Exception):
    """The fixture is not a complete, well-formed questionnaire."""


class FrozenVersionChanged(Exception):
    """The fixture differs from a version that already has responses."""


def read_fixture(path: Path = DEFAULT_FIXTURE) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"cannot read {path}: {exc}") from exc
    validate(data)
    return data


def _texts(node: Any, where: str) -> dict[str, str]:
    if not isinstance(node, Mapping):
        raise ContentError(f"{where}: expected texts in {', '.join(LANGUAGES)}")
    texts = {}
    for language in LANGUAGES:
        text = node.get(language)
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}: missing text in '{language}'")
        texts[language] = text.strip()
    return texts


def _text_lists(node: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(node, Mapping):
        raise ContentError(f"{where}: expected lists in {', '.join(LANGUAGES)}")
    lists = {}
    for language in LANGUAGES:
        items = node.get(language)
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise ContentError(f"{where}: expected a list of texts in '{language}'")
        lists[language] = [i.strip() for i in items]
    if len({len(items) for items in lists.values()}) != 1:
        raise ContentError(f"{where}: the languages have different numbers of items")
    return lists


def _levels(node: Any, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(node, list) or [e.get("level") for e in node] != list(scoring.LEVELS):
        raise ContentError(f"{where}: expected one entry for each level {scoring.LEVELS}")
    return node


def _glossary(node: Any) -> list[dict[str, Any]]:
    """The optional glossary: term, definition, and optional match stems and avoided variants."""
    if node is None:
        return []
    if not isinstance(node, list):
        raise ContentError("glossary: expected a list of terms")
    entries = []
    for number, entry in enumerate(node, start=1):
        if not isinstance(entry, Mapping):
            raise ContentError(f"glossary term {number}: expected a mapping")
        clean: dict[str, Any] = {
            "term": _texts(entry.get("term"), f"glossary term {number}"),
            "definition": _texts(entry.get("definition"), f"glossary term {number} definition"),
        }
        for key in ("match", "avoid"):
            if key in entry:
                clean[key] = _text_lists_any(entry[key], f"glossary term {number} {key}")
        entries.append(clean)
    return entries


def _text_lists_any(node: Any, where: str) -> dict[str, list[str]]:
    # Like _text_lists, but the languages may have different numbers of items.
    if not isinstance(node, Mapping):
        raise ContentError(f"{where}: expected lists in {', '.join(LANGUAGES)}")
    lists = {}
    for language in LANGUAGES:
        items = node.get(language, [])
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise ContentError(f"{where}: expected a list of texts in '{language}'")
        lists[language] = [i.strip() for i in items]
    return lists


def validate(data: Any) -> None:
    """Raise ContentError naming the first problem; the loader never writes half a version."""
    if not isinstance(data, Mapping) or not isinstance(data.get("version"), str):
        raise ContentError("the fixture needs a 'version' label")
    _texts(data.get("title"), "title")
    if not isinstance(data.get("not_applicable", False), bool):
        raise ContentError("not_applicable: expected true or false")
    _glossary(data.get("glossary"))
    for entry in _levels(data.get("levels"), "levels"):
        _texts(entry.get("name"), f"level {entry['level']} name")
        _texts(entry.get("description"), f"level {entry['level']} description")
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        raise ContentError("the fixture needs a list of areas")
    area_codes: set[str] = set()
    question_codes: set[str] = set()
    for area in areas:
        code = area.get("code")
        if not isinstance(code, str) or code in area_codes:
            raise ContentError(f"area code {code!r} is missing or repeated")
        try:
            AREA_CODE_VALIDATOR(code)
        except ValidationError as exc:
            raise ContentError(f"area code {code!r}: {' '.join(exc.messages)}") from exc
        area_codes.add(code)
        _texts(area.get("name"), f"area {code} name")
        _texts(area.get("intro"), f"area {code} intro")
        for entry in _levels(area.get("levels"), f"area {code} levels"):
            where = f"area {code} level {entry['level']}"
            _texts(entry.get("description"), f"{where} description")
            _text_lists(entry.get("recommendations"), f"{where} recommendations")
        questions = area.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ContentError(f"area {code} has no questions")
        for question in questions:
            qcode = question.get("code")
            if not isinstance(qcode, str) or qcode in question_codes:
                raise ContentError(f"question code {qcode!r} in area {code} is missing or repeated")
            question_codes.add(qcode)
            weight = question.get("weight", scoring.DEFAULT_WEIGHT)
            if not isinstance(weight, int) or not (
                scoring.MIN_WEIGHT <= weight <= scoring.MAX_WEIGHT
            ):
                raise ContentError(f"question {qcode}: weight must be 1–3")
            _texts(question.get("text"), f"question {qcode} text")
            _texts(question.get("tip"), f"question {qcode} tip")
            options = question.get("options")
            if not isinstance(options, list) or len(options) != OPTIONS_PER_QUESTION:
                raise ContentError(f"question {qcode}: expected {OPTIONS_PER_QUESTION} options")
            for value, option in enumerate(options, start=1):
                _texts(option, f"question {qcode} option {value}")


def content_hash(data: Mapping[str, Any]) -> str:
    questionnaire = {key: value for key, value in data.items() if key != MIRROR_SECTION}
    canonical = json.dumps(questionnaire, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _translated(field: str, texts: Mapping[str, str]) -> dict[str, str]:
    return {f"{field}_{language}": texts[language] for language in LANGUAGES}


@transaction.atomic
def load_questionnaire(
    data: Mapping[str, Any], *, publish: bool = True
) -> tuple[QuestionnaireVersion, bool]:
    """Create or refresh the version named in `data`; return it and whether anything changed."""
    validate(data)
    fingerprint = content_hash(data)
    version = QuestionnaireVersion.objects.select_for_update().filter(label=data["version"]).first()
    if version is not None and version.content_hash == fingerprint:
        changed = publish and not version.is_published
        if changed:
            version.publish()
        return version, changed
    if version is not None and version.is_frozen:
        raise FrozenVersionChanged(
            f"version {version.label} has responses and differs from the fixture; "
            "give the fixture a new 'version' label to publish the change as a new version"
        )
    if version is None:
        version = QuestionnaireVersion(label=data["version"])
    else:
        version.areas.all().delete()
        version.levels.all().delete()
    for field, value in _translated("title", _texts(data["title"], "title")).items():
        setattr(version, field, value)
    version.content_hash = fingerprint
    version.offers_not_applicable = data.get("not_applicable", False)
    version.glossary = _glossary(data.get("glossary"))
    version.save()

    for entry in data["levels"]:
        MaturityLevel.objects.create(
            version=version,
            level=entry["level"],
            **_translated("name", entry["name"]),
            **_translated("description", entry["description"]),
        )
    for area_order, area_data in enumerate(data["areas"], start=1):
        area = Area.objects.create(
            version=version,
            code=area_data["code"],
            order=area_order,
            **_translated("name", area_data["name"]),
            **_translated("intro", area_data["intro"]),
        )
        for entry in area_data["levels"]:
            recommendations = {
                language: "\n".join(items)
                for language, items in entry["recommendations"].items()
                if language in LANGUAGES
            }
            AreaLevel.objects.create(
                area=area,
                level=entry["level"],
                **_translated("description", entry["description"]),
                **_translated("recommendations", recommendations),
            )
        for question_order, question_data in enumerate(area_data["questions"], start=1):
            question = Question.objects.create(
                area=area,
                code=question_data["code"],
                order=question_order,
                weight=question_data.get("weight", scoring.DEFAULT_WEIGHT),
                theme=question_data.get("theme", ""),
                source=str(question_data.get("source", "")),
                **_translated("text", question_data["text"]),
                **_translated("tip", question_data["tip"]),
            )
            Option.objects.bulk_create(
                Option(question=question, value=value, **_translated("text", texts))
                for value, texts in enumerate(question_data["options"], start=1)
            )
    if publish:
        version.publish()
    # Every piece of content raised the stored revision; the caller's copy should know it.
    version.refresh_from_db(fields=["content_revision"])
    return version, True
