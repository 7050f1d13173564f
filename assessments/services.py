"""Database reads and writes shared by the test flow, the results, the report and the admin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from . import scoring
from .models import (
    Answer,
    Area,
    AreaComment,
    Assessment,
    Option,
    Question,
    QuestionnaireVersion,
)

# Steps of the test: one per area (1…N), then the background page.
DONT_KNOW = "dk"


class NoPublishedQuestionnaire(Exception):
    """No questionnaire version has been published yet (run `manage.py load_questionnaire`)."""


def start_assessment(language: str) -> Assessment:
    version = QuestionnaireVersion.objects.current()
    if version is None:
        raise NoPublishedQuestionnaire
    return Assessment.objects.create(version=version, language=language)


def areas_with_questions(version: QuestionnaireVersion) -> list[Area]:
    """The version's areas in order, each with its questions and their options prefetched."""
    questions = Question.objects.order_by("order").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("value"))
    )
    return list(
        version.areas.order_by("order").prefetch_related(Prefetch("questions", queryset=questions))
    )


def background_step(version_areas: int) -> int:
    return version_areas + 1


def answer_choices(assessment: Assessment) -> dict[int, str]:
    """Question id → the saved choice as a form value (an option id or DONT_KNOW)."""
    return {
        question_id: str(option_id) if option_id else DONT_KNOW
        for question_id, option_id in assessment.answers.values_list("question_id", "option_id")
    }


@transaction.atomic
def save_answers(assessment: Assessment, choices: Mapping[Question, Option | None]) -> None:
    """Store the respondent's choices (None = don't know), replacing earlier ones."""
    for question, option in choices.items():
        if option is not None and option.question_id != question.pk:
            raise ValueError(f"Option {option.pk} does not belong to question {question.code}")
        Answer.objects.update_or_create(
            assessment=assessment, question=question, defaults={"option": option}
        )
    note_respondent_activity(assessment)


def note_respondent_activity(assessment: Assessment, *fields: str) -> None:
    """Save `fields` of what the respondent changed, marking them active now."""
    assessment.last_active_at = timezone.now()
    assessment.save(update_fields=[*fields, "last_active_at", "updated_at"])


def record_step(assessment: Assessment, step: int) -> None:
    if step > assessment.last_step:
        assessment.last_step = step
        note_respondent_activity(assessment, "last_step")


def first_unanswered_step(assessment: Assessment, areas: Iterable[Area]) -> int:
    """The first area step that still has an unanswered question, or the background step."""
    answered = set(assessment.answers.values_list("question_id", flat=True))
    areas = list(areas)
    for step, area in enumerate(areas, start=1):
        if any(q.pk not in answered for q in area.questions.all()):
            return step
    return background_step(len(areas))


def area_specs(areas: Iterable[Area]) -> tuple[scoring.AreaSpec, ...]:
    """The scoring module's plain view of the questionnaire content."""
    return tuple(
        scoring.AreaSpec(
            code=area.code,
            questions=tuple(
                scoring.QuestionSpec(
                    code=q.code,
                    weight=q.weight,
                    tip={"fi": q.tip_fi or "", "en": q.tip_en or q.tip_fi or ""},
                )
                for q in area.questions.all()
            ),
        )
        for area in areas
    )


def answer_values(assessment: Assessment) -> dict[str, int | None]:
    """Question code → chosen value (None for don't know), as the scoring module reads it."""
    return {
        code: value
        for code, value in assessment.answers.values_list("question__code", "option__value")
    }


def compute_result(assessment: Assessment) -> scoring.AssessmentResult:
    return scoring.score_assessment(
        area_specs(areas_with_questions(assessment.version)), answer_values(assessment)
    )


@transaction.atomic
def complete_assessment(assessment: Assessment) -> scoring.AssessmentResult:
    """Score the answers and store the result once; the single truth that every view reads."""
    result = compute_result(assessment)
    assessment.result = result.to_dict()
    assessment.result_revision += 1
    assessment.completed_at = assessment.completed_at or timezone.now()
    assessment.save(update_fields=["result", "result_revision", "completed_at", "updated_at"])
    return result


def erase_assessment(assessment: Assessment) -> None:
    """Delete an assessment with its answers and every report rendered from it (GDPR erasure)."""
    from . import pdf  # imported here: the report module itself builds on this one

    pdf.forget_reports(assessment)
    assessment.delete()


@dataclass(frozen=True)
class PurgeReport:
    anonymised: int
    deleted_drafts: int


# Everything that could identify a respondent; answers, scores, industry and size stay, so that
# anonymised results still count in the method's statistics.
PERSONAL_FIELDS = {
    "organisation": "",
    "email": "",
    "role": "",
    "consent_to_contact": False,
    "internal_notes": "",
}


@transaction.atomic
def purge_expired(
    *, now: datetime | None = None, retention_months: int, draft_days: int
) -> PurgeReport:
    """Anonymise assessments past the retention period and delete long-abandoned drafts."""
    now = now or timezone.now()
    # A month is counted as 30 days: simple, and errs on the side of deleting sooner.
    personal_cutoff = now - timedelta(days=30 * retention_months)
    draft_cutoff = now - timedelta(days=draft_days)
    identifiable = (
        Q(organisation__gt="")
        | Q(email__gt="")
        | Q(role__gt="")
        | Q(consent_to_contact=True)
        | Q(internal_notes__gt="")
        | Q(area_comments__isnull=False)
    )
    from . import pdf  # imported here: the report module itself builds on this one

    expired = Assessment.objects.filter(created_at__lt=personal_cutoff).filter(identifiable)
    expired = list(expired.distinct().only("pk", "token"))
    expired_ids = [assessment.pk for assessment in expired]
    # A consultant's comments may name people too, and so may the reports already rendered.
    AreaComment.objects.filter(assessment_id__in=expired_ids).delete()
    for assessment in expired:
        pdf.forget_reports(assessment)
    anonymised = Assessment.objects.filter(pk__in=expired_ids).update(
        **PERSONAL_FIELDS, updated_at=now
    )
    # Their answers go with them (on_delete=CASCADE).
    _, deleted = Assessment.objects.inactive_since(draft_cutoff).delete()
    return PurgeReport(anonymised=anonymised, deleted_drafts=deleted.get(Assessment._meta.label, 0))
