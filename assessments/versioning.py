"""Changing the questionnaire without touching old results: copy a version, edit, publish.

A published version that has responses is frozen (models.FrozenContentError). To change its
content, copy it as a draft, edit the draft, and publish it: new tests are then taken on it, while
old assessments keep pointing at the exact version they were scored on.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from . import scoring
from .models import Area, AreaLevel, MaturityLevel, Option, Question, QuestionnaireVersion

COPY_SUFFIX = "-draft"


def _copy_fields(instance: Model, **changes: Any) -> dict[str, Any]:
    """Every stored value of `instance` (all languages) except its key, with `changes` applied."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    values.update(changes)
    return values


def free_copy_label(label: str) -> str:
    """A label for a copy of `label` that no version has yet: "v1-draft", "v1-draft-2", …"""
    base = f"{label}{COPY_SUFFIX}"
    max_length = QuestionnaireVersion._meta.get_field("label").max_length
    if max_length is None:
        raise TypeError("QuestionnaireVersion.label must have a max_length")
    candidate, number = base[:max_length], 1
    while QuestionnaireVersion.objects.filter(label=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)] + suffix
    return candidate


@transaction.atomic
def copy_as_draft(version: QuestionnaireVersion, label: str | None = None) -> QuestionnaireVersion:
    """A new draft version with a deep copy of `version`'s content, ready to be edited."""
    draft = QuestionnaireVersion.objects.create(
        **_copy_fields(
            version,
            label=label or free_copy_label(version.label),
            status=QuestionnaireVersion.Status.DRAFT,
            published_at=None,
            # The draft no longer matches any fixture file.
            content_hash="",
        )
    )
    MaturityLevel.objects.bulk_create(
        MaturityLevel(**_copy_fields(level, version_id=draft.pk)) for level in version.levels.all()
    )
    for area in version.areas.prefetch_related("level_texts", "questions__options"):
        area_copy = Area.objects.create(**_copy_fields(area, version_id=draft.pk))
        AreaLevel.objects.bulk_create(
            AreaLevel(**_copy_fields(text, area_id=area_copy.pk)) for text in area.level_texts.all()
        )
        for question in area.questions.all():
            question_copy = Question.objects.create(**_copy_fields(question, area_id=area_copy.pk))
            Option.objects.bulk_create(
                Option(**_copy_fields(option, question_id=question_copy.pk))
                for option in question.options.all()
            )
    return draft


def publishing_problems(version: QuestionnaireVersion) -> list[str]:
    """What keeps a draft from being taken: the test and the scoring need all of it."""
    problems = []
    if set(version.levels.values_list("level", flat=True)) != set(scoring.LEVELS):
        problems.append(_("Every maturity level needs a name and a description."))
    areas = list(version.areas.prefetch_related("level_texts", "questions__options"))
    if not areas:
        problems.append(_("The version has no areas."))
    for area in areas:
        if not area.questions.all():
            problems.append(_("The area “%(area)s” has no questions.") % {"area": area.name})
        if {text.level for text in area.level_texts.all()} != set(scoring.LEVELS):
            problems.append(
                _("The area “%(area)s” needs a text for every level.") % {"area": area.name}
            )
        for question in area.questions.all():
            if {option.value for option in question.options.all()} != set(scoring.LEVELS):
                problems.append(
                    _("The question %(code)s needs one option for every level.")
                    % {"code": question.code}
                )
    return problems


@transaction.atomic
def publish(version: QuestionnaireVersion) -> None:
    """Publish a complete draft: from now on new tests are taken on it."""
    problems = publishing_problems(version)
    if problems:
        raise ValidationError(problems)
    version.publish()
