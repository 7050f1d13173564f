"""Writes: every change to an assessment goes through one of these keyword-only functions, and
each one checks its own preconditions, so no page can skip them.

An assessment is answered while it is open; `assessment_complete` scores the answers and stores
the result once (result_format), and from then on the answers may no longer change, because the
result that every page, the PDF and the admin read must agree with them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import result_format, roles, scoring, selectors
from .events import (
    assessment_completed,
    consent_given,
    contact_requested,
    personal_data_erased,
    result_stored,
)
from .models import Answer, AreaComment, Assessment, Option, Question, QuestionnaireVersion


class NoPublishedQuestionnaire(Exception):
    """No questionnaire version has been published yet (run `manage.py load_questionnaire`)."""


class AssessmentCompleted(Exception):
    """The assessment's result is stored: its answers and background may no longer change."""


class UnansweredQuestions(Exception):
    """The assessment cannot be completed while a question has no answer (not even "don't
    know"); `step` is the first area step with one."""

    def __init__(self, step: int) -> None:
        super().__init__(f"a question of step {step} is unanswered")
        self.step = step


# The respondent's own fields on the background page.
BACKGROUND_FIELDS = ("organisation", "industry", "size", "role", "email", "consent_to_contact")
# The consent box's label on the background page: what the respondent agrees to, stored with the
# consent (in the language it was shown in).
BACKGROUND_CONSENT_WORDING = _(
    "You may contact me about the results. My email is used only for that."
)


# Where a respondent came from, stored once at start: the landing URL's campaign and the
# referring site's host.
CAMPAIGN_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "referrer_host")
# Control and format characters (NUL, escapes, bidirectional overrides): never stored, so that
# no value can break a database (PostgreSQL refuses NUL), a log line, an export or the admin.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_HOST = re.compile(
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
)


def campaign_clean(values: Mapping[str, object]) -> dict[str, str]:
    """The campaign fields of `values` as they may be stored: text without control characters,
    trimmed to the field's length; a referring host only when it is a host name."""
    cleaned = {}
    for name in CAMPAIGN_FIELDS:
        value = values.get(name)
        text = _UNPRINTABLE.sub("", value if isinstance(value, str) else "").strip()
        if name == "referrer_host":
            text = text.lower().rstrip(".")
            text = text if _HOST.fullmatch(text) and len(text) <= 253 else ""
        field = Assessment._meta.get_field(name)
        max_length = field.max_length if isinstance(field, models.CharField) else None
        cleaned[name] = text[: max_length or 0].strip()
    return cleaned


def assessment_start(*, language: str, campaign: Mapping[str, object] | None = None) -> Assessment:
    """A new assessment on the current questionnaire version, with the campaign it came from
    (cleaned: see campaign_clean)."""
    version = QuestionnaireVersion.objects.current()
    if version is None:
        raise NoPublishedQuestionnaire
    return Assessment.objects.create(
        version=version, language=language, **campaign_clean(campaign or {})
    )


def _lock_open(assessment: Assessment) -> None:
    """Lock the assessment's row for this transaction; AssessmentCompleted if it is completed.

    Read from the database, not from the caller's copy: a stale tab's copy may predate the
    completion that another request stored meanwhile.
    """
    completed_at = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment.pk)
        .values_list("completed_at", flat=True)
        .get()
    )
    if completed_at is not None:
        raise AssessmentCompleted


def _mark_active(assessment: Assessment, *fields: str) -> None:
    """Save `fields` of what the respondent changed, marking them active now."""
    assessment.last_active_at = timezone.now()
    assessment.save(update_fields=[*fields, "last_active_at", "updated_at"])


@transaction.atomic
def answers_save(
    *,
    assessment: Assessment,
    choices: Mapping[Question, Option | None],
    completed_step: int | None = None,
    not_applicable: Collection[Question] = (),
) -> None:
    """Store the respondent's choices (None = don't know) and the questions answered "not
    applicable", replacing earlier ones; with `completed_step`, also remember that the
    respondent finished that step (in the same write)."""
    _lock_open(assessment)
    if not_applicable and not assessment.version.offers_not_applicable:
        raise ValueError("this questionnaire version offers no 'not applicable' answer")
    both = {question.pk for question in choices} & {question.pk for question in not_applicable}
    if both:
        raise ValueError("a question cannot be both answered and not applicable")
    # From the version's content as every page reads it (built once per version and process),
    # not from a query of its own on every save.
    in_version = {
        question.pk
        for area in selectors.areas_with_questions(assessment.version)
        for question in area.questions.all()
    }
    for question in not_applicable:
        if question.pk not in in_version:
            raise ValueError(f"Question {question.code} is not part of the assessment's version")
    for question, option in choices.items():
        if question.pk not in in_version:
            raise ValueError(f"Question {question.code} is not part of the assessment's version")
        if option is not None and option.question_id != question.pk:
            raise ValueError(f"Option {option.pk} does not belong to question {question.code}")
    # One statement for the whole page instead of a query pair per answer.
    Answer.objects.bulk_create(
        [
            *(
                Answer(assessment=assessment, question=question, option=option)
                for question, option in choices.items()
            ),
            *(
                Answer(assessment=assessment, question=question, not_applicable=True)
                for question in not_applicable
            ),
        ],
        update_conflicts=True,
        unique_fields=["assessment", "question"],
        update_fields=["option", "not_applicable", "answered_at"],
    )
    if completed_step is not None and completed_step > assessment.last_step:
        assessment.last_step = completed_step
        _mark_active(assessment, "last_step")
    else:
        _mark_active(assessment)


@transaction.atomic
def background_save(*, assessment: Assessment, details: Mapping[str, Any]) -> None:
    """Store the respondent's optional background details (BACKGROUND_FIELDS)."""
    unknown = set(details) - set(BACKGROUND_FIELDS)
    if unknown:
        raise ValueError(f"not background fields: {', '.join(sorted(unknown))}")
    _lock_open(assessment)
    # From the row, not the caller's copy: a ModelForm has already set the new value on it.
    consented_before = (
        Assessment.objects.filter(pk=assessment.pk)
        .values_list("consent_to_contact", flat=True)
        .get()
    )
    for name, value in details.items():
        setattr(assessment, name, value)
    assessment.clean()
    fields = list(details)
    newly_consented = assessment.consent_to_contact and not consented_before
    if newly_consented:
        assessment.consent_given_at = timezone.now()
        assessment.consent_wording = str(BACKGROUND_CONSENT_WORDING)
        fields += ["consent_given_at", "consent_wording"]
    elif not assessment.consent_to_contact and assessment.consent_given_at:
        assessment.consent_given_at = None
        assessment.consent_wording = ""
        fields += ["consent_given_at", "consent_wording"]
    _mark_active(assessment, *fields)
    if newly_consented:
        consent_given.send(sender=Assessment, assessment=assessment)


@transaction.atomic
def assessment_complete(*, assessment: Assessment) -> scoring.AssessmentResult:
    """Score the answers and store the result once: the single truth that every page reads.

    Refused while a question is unanswered ("don't know" is an answer) and once completed.
    """
    _lock_open(assessment)
    areas = selectors.areas_with_questions(assessment.version)
    step = selectors.first_unanswered_step(assessment, areas)
    if step <= len(areas):
        raise UnansweredQuestions(step)
    result = scoring.score_assessment(
        selectors.area_specs(areas), selectors.answer_values(assessment)
    )
    assessment.result = result_format.dump(result)
    assessment.result_revision += 1
    assessment.completed_at = timezone.now()
    assessment.last_step = max(assessment.last_step, selectors.background_step(len(areas)))
    assessment.save(
        update_fields=["result", "result_revision", "completed_at", "last_step", "updated_at"]
    )
    result_stored.send(sender=Assessment, assessment=assessment)
    # After the commit: a rolled-back completion announces nothing.
    transaction.on_commit(
        lambda: assessment_completed.send(sender=Assessment, assessment=assessment)
    )
    return result


class AssessmentNotCompleted(Exception):
    """The assessment has no result yet: there is nothing to talk about."""


@transaction.atomic
def contact_request(*, assessment: Assessment, email: str, wording: str) -> None:
    """The respondent asks the consultancy to contact them about their completed result.

    Records the consent with the time and the wording shown (in the respondent's language) and
    marks the request: the admin's hottest lead. A repeated request changes the address and the
    consent but keeps the first request's time and announces nothing new.
    """
    if not wording.strip():
        raise ValueError("a contact request needs the consent wording that was shown")
    # ValidationError for an empty, malformed or overlong address, as the model field says.
    email = Assessment._meta.get_field("email").clean(email.strip(), assessment)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.completed_at is None:
        raise AssessmentNotCompleted
    now = timezone.now()
    newly_consented = not locked.consent_to_contact
    newly_requested = locked.contact_requested_at is None
    assessment.email = email
    assessment.consent_to_contact = True
    assessment.consent_given_at = now
    assessment.consent_wording = wording
    if newly_requested:
        assessment.contact_requested_at = now
    else:
        assessment.contact_requested_at = locked.contact_requested_at
    assessment.clean()
    assessment.save(
        update_fields=[
            "email",
            "consent_to_contact",
            "consent_given_at",
            "consent_wording",
            "contact_requested_at",
            "updated_at",
        ]
    )
    if newly_consented:
        consent_given.send(sender=Assessment, assessment=assessment)
    if newly_requested:
        contact_requested.send(sender=Assessment, assessment=assessment)


# The admin's log entries outlive what they are about: after an erasure they keep who did what
# and when, never to whom. Django writes the object's name (an assessment's is its organisation,
# a comment's "<organisation> – <area>") into object_repr and, for an inline's comments, into
# change_message.
ERASED_NAME = "–"


def _scrubbed_change_message(message: str) -> str:
    """The admin's change message with the names of the objects it mentions replaced; what was
    done, and to which fields, stays. Anything but the admin's own JSON is dropped whole."""
    try:
        parts = json.loads(message)
    except ValueError:
        return ""
    if not isinstance(parts, list) or not all(isinstance(part, dict) for part in parts):
        return ""
    for part in parts:
        for details in part.values():
            if isinstance(details, dict) and "object" in details:
                details["object"] = ERASED_NAME
    return json.dumps(parts)


def _admin_history_scrub(*, assessment_ids: Collection[int], comment_ids: Collection[int]) -> None:
    """Strip the admin's log entries of these assessments and their comments of every name."""
    about = Q(pk__in=[])
    for model, ids in ((Assessment, assessment_ids), (AreaComment, comment_ids)):
        if ids:
            about |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[str(pk) for pk in ids],
            )
    entries = list(LogEntry.objects.filter(about))
    for entry in entries:
        entry.object_repr = f"#{entry.object_id}"
        entry.change_message = _scrubbed_change_message(entry.change_message)
    LogEntry.objects.bulk_update(entries, ["object_repr", "change_message"])


@transaction.atomic
def assessment_erase(*, assessment: Assessment) -> None:
    """Delete an assessment with its answers and comments for good (GDPR erasure).

    Whatever was made from it elsewhere (rendered reports) goes with it: its owners listen to
    the row's deletion. The admin's log entries about it lose its name.
    """
    assessment_id = assessment.pk
    comment_ids = list(assessment.area_comments.values_list("pk", flat=True))
    assessment.delete()
    _admin_history_scrub(assessment_ids=[assessment_id], comment_ids=comment_ids)


def consultants_group_sync() -> None:
    """Give the Consultants group exactly the permissions that roles.py names.

    Run after every migrate (and after a test database is flushed), so the group exists and
    follows roles.py even when later models add permissions.
    """
    app_labels_and_codenames = [name.split(".", 1) for name in roles.CONSULTANT_PERMISSIONS]
    permissions = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in app_labels_and_codenames},
        codename__in={codename for _, codename in app_labels_and_codenames},
    )
    group, _ = Group.objects.get_or_create(name=roles.CONSULTANTS_GROUP)
    group.permissions.set(permissions)


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
    "consent_given_at": None,
    "consent_wording": "",
    "contact_requested_at": None,
    "referrer_host": "",
}


@transaction.atomic
def expired_data_purge(
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
    expired = Assessment.objects.filter(created_at__lt=personal_cutoff).filter(identifiable)
    expired_list = list(expired.distinct().only("pk", "token"))
    expired_ids = [assessment.pk for assessment in expired_list]
    # A consultant's comments may name people too, and so may the reports already rendered.
    expired_comments = AreaComment.objects.filter(assessment_id__in=expired_ids)
    expired_comment_ids = list(expired_comments.values_list("pk", flat=True))
    expired_comments.delete()
    for assessment in expired_list:
        personal_data_erased.send(sender=Assessment, assessment=assessment)
    anonymised = Assessment.objects.filter(pk__in=expired_ids).update(
        **PERSONAL_FIELDS, updated_at=now
    )
    # Their answers go with them (on_delete=CASCADE).
    abandoned = Assessment.objects.inactive_since(draft_cutoff)
    abandoned_ids = list(abandoned.values_list("pk", flat=True))
    abandoned_comment_ids = list(
        AreaComment.objects.filter(assessment_id__in=abandoned_ids).values_list("pk", flat=True)
    )
    _, deleted = abandoned.delete()
    # The admin's log entries about them keep what was done, not to whom.
    _admin_history_scrub(
        assessment_ids=[*expired_ids, *abandoned_ids],
        comment_ids=[*expired_comment_ids, *abandoned_comment_ids],
    )
    return PurgeReport(anonymised=anonymised, deleted_drafts=deleted.get(Assessment._meta.label, 0))
