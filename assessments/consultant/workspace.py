"""Database reads of the consultant workspace (the admin), kept out of the admin classes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import result_format
from ..models import Answer, Area, Assessment, MaturityLevel, QuestionnaireVersion
from ..selectors import areas_with_questions


@dataclass(frozen=True)
class AreaLabel:
    code: str
    number: int
    name: str


@dataclass(frozen=True)
class ContentLabels:
    """Names to show beside stored results: every version's areas and level names.

    Read once per process and language while no version changes: `load()` asks one small query
    (each version's id, creation time, content revision and publication) and reads the names
    only when that differs from what was read before.
    """

    areas: tuple[AreaLabel, ...]  # of the current version
    area_counts: dict[int, int]  # version id → number of areas
    level_names: dict[tuple[int, int], str]  # (version id, level) → name
    current_level_names: dict[int, str]

    @classmethod
    def load(cls) -> ContentLabels:
        versions = tuple(
            QuestionnaireVersion.objects.order_by("pk").values_list(
                "pk", "created_at", "content_revision", "status", "published_at"
            )
        )
        return _content_labels(versions, get_language())

    @classmethod
    def read(cls) -> ContentLabels:
        """The names as the database has them now, in the active language (two queries)."""
        # Instances rather than values(): the translated names fall back to Finnish.
        level_names = {
            (level.version_id, level.level): level.name for level in MaturityLevel.objects.all()
        }
        current_id = QuestionnaireVersion.objects.newest_published_first().values("pk")[:1]
        areas = list(
            Area.objects.annotate(
                in_current=ExpressionWrapper(
                    Q(version_id=Subquery(current_id)), output_field=BooleanField()
                )
            ).order_by("version_id", "order")
        )
        current = [area for area in areas if area.in_current]
        current_version = current[0].version_id if current else None
        return cls(
            areas=tuple(
                AreaLabel(code=area.code, number=number, name=area.name)
                for number, area in enumerate(current, start=1)
            ),
            area_counts=dict(Counter(area.version_id for area in areas)),
            level_names=level_names,
            current_level_names={
                level: name
                for (version_id, level), name in sorted(level_names.items())
                if version_id == current_version
            },
        )

    def level_name(self, version_id: int, level: int | None) -> str:
        if level is None:
            return ""
        return self.level_names.get((version_id, level), "")


# Keyed by every version's id, creation time, content revision (raised by every change of its
# content) and publication, and by the language the names are read in. Shared, only ever read.
@lru_cache(maxsize=16)
def _content_labels(
    versions: tuple[tuple[object, ...], ...], language: str | None
) -> ContentLabels:
    return ContentLabels.read()


def area_levels(assessment: Assessment) -> dict[str, int | None]:
    """Area code → level, straight from the stored result (no query)."""
    return result_format.area_levels(assessment.result)


def overall_level(assessment: Assessment) -> int | None:
    return result_format.overall_level(assessment.result)


def progress(assessment: Assessment, area_count: int) -> str:
    """Where the respondent is, or stopped: "Completed", "Stopped at part 2/3", …"""
    if assessment.is_completed:
        return _("Completed")
    step = assessment.last_step + 1  # the step after the last one saved
    if step <= area_count:
        return _("At part %(step)d/%(count)d") % {"step": step, "count": area_count}
    return _("At the background questions")


@dataclass(frozen=True)
class AnswerRow:
    number: int
    code: str
    question: str
    answer: str  # the chosen option's text, "" for don't know or no answer
    value: int | None
    dont_know: bool  # answered "don't know"
    answered: bool  # False: the respondent never got this far
    not_applicable: bool = False  # answered "not applicable" (questionnaire 2026.2 on)


@dataclass(frozen=True)
class AnswerSection:
    area: Area
    number: int
    rows: tuple[AnswerRow, ...]

    @property
    def dont_know(self) -> int:
        return sum(1 for row in self.rows if row.dont_know)


def answer_sections(assessment: Assessment) -> list[AnswerSection]:
    """Every question of the assessment's version with the respondent's answer, by area."""
    answers = list(Answer.objects.filter(assessment=assessment).select_related("option"))
    chosen = {answer.question_id: answer.option for answer in answers}
    not_applicable = {answer.question_id for answer in answers if answer.not_applicable}
    sections = []
    number = 0
    for area_number, area in enumerate(areas_with_questions(assessment.version), start=1):
        rows = []
        for question in area.questions.all():
            number += 1
            option = chosen.get(question.pk)
            rows.append(
                AnswerRow(
                    number=number,
                    code=question.code,
                    question=question.text,
                    answer=option.text if option else "",
                    value=option.value if option else None,
                    dont_know=question.pk in chosen
                    and option is None
                    and question.pk not in not_applicable,
                    answered=question.pk in chosen,
                    not_applicable=question.pk in not_applicable,
                )
            )
        sections.append(AnswerSection(area=area, number=area_number, rows=tuple(rows)))
    return sections
