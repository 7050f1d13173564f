"""Small builders for tests: assessments answered through the public services."""

from __future__ import annotations

from collections.abc import Callable

from assessments import selectors, services
from assessments.codes import DONT_KNOW
from assessments.models import Assessment, Question, QuestionnaireVersion

ValueFor = Callable[[Question], int | None]


def answered_assessment(
    version: QuestionnaireVersion,
    value_for: ValueFor = lambda question: 3,
    *,
    complete: bool = True,
    **fields,
) -> Assessment:
    """An assessment with every question answered value_for(question) (None = don't know)."""
    assessment = Assessment.objects.create(version=version, **fields)
    choices = {}
    for area in selectors.areas_with_questions(version):
        for question in area.questions.all():
            value = value_for(question)
            option = None if value is None else question.options.get(value=value)
            choices[question] = option
    services.answers_save(assessment=assessment, choices=choices)
    if complete:
        services.assessment_complete(assessment=assessment)
    return assessment


def area_post(version: QuestionnaireVersion, step: int, value_for: ValueFor, **extra) -> dict:
    """The POST data of an area page, choosing value_for(question) for each question."""
    area = selectors.areas_with_questions(version)[step - 1]
    data = {}
    for question in area.questions.all():
        value = value_for(question)
        data[f"q_{question.code}"] = (
            DONT_KNOW if value is None else str(question.options.get(value=value).pk)
        )
    data.update(extra)
    return data
