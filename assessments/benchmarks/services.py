"""Writes of the benchmark: a result's contribution to the stored distributions (added, changed,
taken away), a full rebuild, and a retake.

A result counts when it is completed, readable and, unless BENCHMARK_INCLUDE_DEMO is on, not demo
data. It counts in three groups: everyone, its industry and its size (when given), per area that
has a score and overall. What it added is kept in its Entry, so that taking it away again needs
neither its answers (deleted with it) nor its old background.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q

from .. import result_format, scoring, selectors, services
from ..models import Answer, Assessment, QuestionnaireVersion
from . import figures
from .models import OVERALL, Distribution, Entry, Group, Series, SeriesMember
from .selectors import distribution_cache_key

Key = tuple[int, str, str, str]  # version id, group, segment, area


@dataclass(frozen=True)
class Contribution:
    version_id: int
    industry: str
    size: str
    scores: dict[str, float] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)

    def groups(self) -> list[tuple[str, str]]:
        groups = [(Group.EVERYONE.value, "")]
        if self.industry:
            groups.append((Group.INDUSTRY.value, self.industry))
        if self.size:
            groups.append((Group.SIZE.value, self.size))
        return groups

    def distribution_keys(self) -> list[Key]:
        return [
            (self.version_id, group, segment, area)
            for group, segment in self.groups()
            for area in self.scores
        ]


def counts_in_benchmark(assessment: Assessment) -> bool:
    return assessment.is_completed and (
        not assessment.is_demo or bool(settings.BENCHMARK_INCLUDE_DEMO)
    )


def _question_codes(version: QuestionnaireVersion) -> dict[str, list[str]]:
    return {
        area.code: [question.code for question in area.questions.all()]
        for area in selectors.questionnaire_content(version).areas
    }


def contribution_of(
    assessment: Assessment,
    answers: scoring.Answers | None = None,
    question_codes: Mapping[str, list[str]] | None = None,
) -> Contribution | None:
    """What the assessment adds to the distributions; None when it does not count."""
    if not counts_in_benchmark(assessment) or not assessment.result:
        return None
    try:
        result = result_format.load(assessment.result)
    except result_format.UnreadableResult:
        return None
    if answers is None:
        answers = selectors.answer_values(assessment)
    if question_codes is None:
        question_codes = _question_codes(assessment.version)
    # An area without a score (not enough answers, or not applicable) is left out, not failed.
    scores = {area.code: area.score for area in result.areas if area.score is not None}
    if result.overall_score is not None:
        scores[OVERALL] = result.overall_score
    items: dict[str, list[int]] = {}
    everything: list[int] | None = []
    for code, questions in question_codes.items():
        # Alpha needs complete rows: "don't know" and "not applicable" leave the area out.
        values = [answers.get(question) for question in questions]
        row = [value for value in values if isinstance(value, int)]
        if code in scores and len(row) == len(values):
            items[code] = row
            if everything is not None:
                everything.extend(row)
        else:
            everything = None
    if everything and OVERALL in scores:
        items[OVERALL] = everything
    return Contribution(
        version_id=assessment.version_id,
        industry=assessment.industry,
        size=assessment.size,
        scores=scores,
        items=items,
    )


def _entry_contribution(entry: Entry) -> Contribution:
    return Contribution(
        version_id=entry.version_id,
        industry=entry.industry,
        size=entry.size,
        scores={code: float(score) for code, score in entry.scores.items()},
        items={code: list(values) for code, values in entry.items.items()},
    )


@dataclass
class _Tally:
    """A distribution being changed in memory."""

    count: int
    histogram: list[int]
    moments: figures.ItemMoments

    def add(self, score: float, items: list[int] | None, sign: int) -> None:
        self.count += sign
        self.histogram[figures.score_bin(score)] += sign
        if items is not None:
            self.moments.add(items, sign)
        if self.count < 0 or min(self.histogram) < 0:
            raise ValueError("a distribution went below zero: it is out of step, rebuild it")


def _apply(changes: Iterable[tuple[Contribution, int]]) -> None:
    """Add (1) or take away (−1) contributions, locking the rows they touch in a fixed order."""
    changes = list(changes)
    keys = sorted({key for contribution, _ in changes for key in contribution.distribution_keys()})
    if not keys:
        return
    _forget_cached({key[:3] for key in keys})
    # The rows that do not exist yet first (a concurrent creator wins harmlessly), then every
    # row locked in key order, so that two completions never deadlock.
    Distribution.objects.bulk_create(
        [
            Distribution(
                version_id=v, group=g, segment=s, area=a, histogram=figures.empty_histogram()
            )
            for v, g, s, a in keys
        ],
        ignore_conflicts=True,
    )
    wanted = set(keys)
    groups = Q(pk__in=[])
    for version_id, group, segment in {key[:3] for key in keys}:
        groups |= Q(version_id=version_id, group=group, segment=segment)
    rows = {
        (row.version_id, row.group, row.segment, row.area): row
        for row in Distribution.objects.select_for_update()
        .filter(groups)
        .order_by("version_id", "group", "segment", "area")
        if (row.version_id, row.group, row.segment, row.area) in wanted
    }
    tallies = {
        key: _Tally(
            count=row.count,
            histogram=list(row.histogram) or figures.empty_histogram(),
            moments=figures.ItemMoments.load(row.moments),
        )
        for key, row in rows.items()
    }
    for contribution, sign in changes:
        for key in contribution.distribution_keys():
            area = key[3]
            tallies[key].add(contribution.scores[area], contribution.items.get(area), sign)
    for key, row in rows.items():
        tally = tallies[key]
        row.count, row.histogram, row.moments = tally.count, tally.histogram, tally.moments.dump()
    Distribution.objects.bulk_update(rows.values(), ["count", "histogram", "moments", "updated_at"])


def _forget_cached(groups: Iterable[tuple[int, str, str]]) -> None:
    """Once the change commits, the results pages read these groups afresh."""
    stale = [distribution_cache_key(*group) for group in groups]
    transaction.on_commit(lambda: cache.delete_many(stale))


@transaction.atomic
def entry_sync(*, assessment: Assessment) -> bool:
    """Bring the assessment's contribution up to date (added, changed or taken away); True when
    the distributions changed."""
    wanted = contribution_of(assessment)
    entry = Entry.objects.select_for_update().filter(assessment_id=assessment.pk).first()
    current = _entry_contribution(entry) if entry else None
    if wanted == current:
        return False
    if wanted is None:
        if entry is not None:
            entry.delete()  # its receiver takes its contribution away
        return True
    _apply([*([(current, -1)] if current is not None else []), (wanted, 1)])
    Entry.objects.update_or_create(
        assessment_id=assessment.pk,
        defaults={
            "version_id": wanted.version_id,
            "industry": wanted.industry,
            "size": wanted.size,
            "scores": wanted.scores,
            "items": wanted.items,
        },
    )
    return True


def entry_forget(*, entry: Entry) -> None:
    """Take away what a deleted entry had added (its assessment was deleted)."""
    if entry.scores:
        _apply([(_entry_contribution(entry), -1)])


def _answers_by_assessment(ids: list[int]) -> dict[int, dict[str, int | None]]:
    answers: dict[int, dict[str, int | None]] = {pk: {} for pk in ids}
    for assessment_id, code, value in Answer.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "question__code", "option__value"
    ):
        answers[assessment_id][code] = value
    return answers


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def distributions_rebuild(*, batch_size: int = 2000) -> int:
    """Recompute every distribution and entry from the stored results; the number counted."""
    Entry.objects.all()._raw_delete(Entry.objects.db)  # no receivers: everything is rebuilt
    _forget_cached(Distribution.objects.values_list("version_id", "group", "segment").distinct())
    Distribution.objects.all().delete()
    counted = Assessment.objects.completed()
    if not settings.BENCHMARK_INCLUDE_DEMO:
        counted = counted.real()
    ids = list(counted.order_by("pk").values_list("pk", flat=True))
    codes: dict[int, dict[str, list[str]]] = {}
    tallies: dict[Key, _Tally] = {}
    total = 0
    for chunk in _chunks(ids, batch_size):
        answers = _answers_by_assessment(chunk)
        entries = []
        for assessment in Assessment.objects.filter(pk__in=chunk).select_related("version"):
            if assessment.version_id not in codes:
                codes[assessment.version_id] = _question_codes(assessment.version)
            contribution = contribution_of(
                assessment, answers[assessment.pk], codes[assessment.version_id]
            )
            if contribution is None:
                continue
            total += 1
            entries.append(
                Entry(
                    assessment_id=assessment.pk,
                    version_id=contribution.version_id,
                    industry=contribution.industry,
                    size=contribution.size,
                    scores=contribution.scores,
                    items=contribution.items,
                )
            )
            for key in contribution.distribution_keys():
                tally = tallies.setdefault(
                    key, _Tally(0, figures.empty_histogram(), figures.ItemMoments.empty())
                )
                tally.add(contribution.scores[key[3]], contribution.items.get(key[3]), 1)
        Entry.objects.bulk_create(entries)
    Distribution.objects.bulk_create(
        Distribution(
            version_id=v,
            group=g,
            segment=s,
            area=a,
            count=tally.count,
            histogram=tally.histogram,
            moments=tally.moments.dump(),
        )
        for (v, g, s, a), tally in tallies.items()
    )
    _forget_cached({key[:3] for key in tallies})
    return total


# ---------------------------------------------------------------- retakes

# What a retake carries over from the result it was started from: the organisation and its
# background. Contact details and consent are asked afresh; answers start empty.
CARRIED_OVER = ("organisation", "industry", "size", "role")


class NotRetakeable(Exception):
    """Only a completed result can be taken again."""


def _series_of(assessment: Assessment) -> Series:
    member = SeriesMember.objects.filter(assessment=assessment).select_related("series").first()
    if member is not None:
        return member.series
    series = Series.objects.create()
    SeriesMember.objects.create(assessment=assessment, series=series)
    return series


def retake_start(*, assessment: Assessment, language: str) -> Assessment:
    """A new assessment in the same series as `assessment`, on the current questionnaire version,
    with its organisation and background; the one already started when it was taken again before
    (one retake per result, also when asked twice at once)."""
    try:
        with transaction.atomic():
            return _retake_start(assessment, language)
    except IntegrityError:
        # A parallel request started it between our check and our insert: theirs is the one.
        existing = SeriesMember.objects.filter(retake_of=assessment).select_related("assessment")
        member = existing.first()
        if member is None:
            raise
        return member.assessment


def _retake_start(assessment: Assessment, language: str) -> Assessment:
    # The row lock makes a second request wait here and then find the first one's retake.
    locked = Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    if locked is None or not locked.is_completed:
        raise NotRetakeable
    existing = SeriesMember.objects.filter(retake_of=locked).select_related("assessment").first()
    if existing is not None:
        return existing.assessment
    series = _series_of(locked)
    retake = services.assessment_start(language=language)
    for name in CARRIED_OVER:
        setattr(retake, name, getattr(locked, name))
    retake.save(update_fields=[*CARRIED_OVER, "updated_at"])
    SeriesMember.objects.create(assessment=retake, series=series, retake_of=locked)
    return retake
