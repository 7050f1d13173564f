"""Reads of a team: the team of a link, and the figures of its owner page.

The owner's figures are read as plain values (scores, role codes, answer values), never as
members' rows, so nothing on the page can lead from a figure to a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from .. import result_format, selectors
from ..models import Answer, Area, Assessment, Question
from . import aggregates
from .models import Team, TeamRole


def team_for_invite(token: str) -> Team | None:
    return Team.objects.by_invite_token(token)


def team_for_owner(token: str) -> Team | None:
    return Team.objects.select_related("version").by_owner_token(token)


def min_respondents() -> int:
    """The team's threshold: the setting, never below aggregates.MIN_RESPONDENTS_FLOOR."""
    return aggregates.min_respondents(settings.TEAM_MIN_RESPONDENTS)


def counted_members(team: Team) -> QuerySet[Assessment]:
    """The completed tests that count in the team: on its version, completed before it closed."""
    tests = Assessment.objects.completed().filter(
        team_membership__team=team, version_id=team.version_id
    )
    if team.closed_at is not None:
        tests = tests.filter(completed_at__lte=team.closed_at)
    return tests


@dataclass(frozen=True)
class AreaRow:
    area: Area
    spread: aggregates.Spread | None
    level_name: str = ""


@dataclass(frozen=True)
class DisagreementRow:
    question: Question
    area: Area
    disagreement: aggregates.Disagreement

    @property
    def option_counts(self) -> list[tuple[str, int]]:
        """Each option's text with how many chose it, the scale's order."""
        return [
            (option.text, self.disagreement.count_of(option.value))
            for option in self.question.options.all()
        ]

    def option_text(self, value: int) -> str:
        return next((o.text for o in self.question.options.all() if o.value == value), str(value))

    @property
    def low_text(self) -> str:
        return self.option_text(self.disagreement.low)

    @property
    def high_text(self) -> str:
        return self.option_text(self.disagreement.high)

    @property
    def low_count(self) -> int:
        return self.disagreement.count_of(self.disagreement.low)

    @property
    def high_count(self) -> int:
        return self.disagreement.count_of(self.disagreement.high)


@dataclass(frozen=True)
class RoleRow:
    label: str
    members: int
    means: tuple[float | None, ...]


@dataclass(frozen=True)
class TeamFigures:
    completed: int
    in_progress: int
    threshold: int
    overall: aggregates.Spread | None = None
    overall_level_name: str = ""
    areas: tuple[AreaRow, ...] = ()
    ranking: tuple[DisagreementRow, ...] = ()
    agenda: tuple[DisagreementRow, ...] = ()
    roles: tuple[RoleRow, ...] = ()
    role_gaps: tuple[float | None, ...] = ()

    @property
    def shown(self) -> bool:
        return self.completed >= self.threshold

    @property
    def disagreements(self) -> tuple[DisagreementRow, ...]:
        return self.ranking[: aggregates.DISAGREEMENTS_SHOWN]


def team_figures(team: Team) -> TeamFigures:
    """Everything the owner page shows; only the counts below the team's threshold."""
    threshold = min_respondents()
    counted = counted_members(team)
    rows = list(counted.values_list("pk", "team_membership__role", "result"))
    members = [(role, result) for _pk, role, result in rows]
    in_progress = (
        0
        if team.is_closed
        else Assessment.objects.in_progress().filter(team_membership__team=team).count()
    )
    if len(members) < threshold:
        return TeamFigures(completed=len(members), in_progress=in_progress, threshold=threshold)

    content = selectors.questionnaire_content(team.version)
    areas = list(content.areas)
    level_names = {level.level: level.name for level in content.levels}
    codes = [area.code for area in areas]
    scores = []
    for role, result in members:
        if result is None:  # never for a completed test: its result is stored with completed_at
            continue
        loaded = result_format.load(result)
        scores.append((role, {a.code: a.score for a in loaded.areas}, loaded.overall_score))
    per_area = aggregates.area_figures(codes, [s for _r, s, _o in scores], threshold)
    overall = aggregates.spread([o for _r, _s, o in scores if o is not None], threshold)

    values: dict[int, list[int]] = {}
    dont_know: dict[int, int] = {}
    not_applicable: dict[int, int] = {}
    # Counted per question and answer in the database: a few hundred rows, not one per answer.
    answers = (
        Answer.objects.filter(assessment_id__in=[pk for pk, _r, _s in rows])
        .values_list("question_id", "option__value", "not_applicable")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for question_id, value, is_not_applicable, count in answers:
        if value is not None:
            values.setdefault(question_id, []).extend([value] * count)
        elif is_not_applicable:
            not_applicable[question_id] = not_applicable.get(question_id, 0) + count
        else:
            dont_know[question_id] = dont_know.get(question_id, 0) + count
    questions: dict[str, tuple[Question, Area]] = {}
    answered = []
    order = 0
    for area in areas:
        for question in area.questions.all():
            order += 1
            questions[question.code] = (question, area)
            answered.append(
                aggregates.QuestionAnswers(
                    code=question.code,
                    order=order,
                    values=tuple(values.get(question.pk, ())),
                    dont_know=dont_know.get(question.pk, 0),
                    not_applicable=not_applicable.get(question.pk, 0),
                )
            )
    ranking = aggregates.disagreement_ranking(answered)

    def row(disagreement: aggregates.Disagreement) -> DisagreementRow:
        question, area = questions[disagreement.code]
        return DisagreementRow(question=question, area=area, disagreement=disagreement)

    role_groups = aggregates.role_comparison(codes, [(r, s) for r, s, _o in scores])
    labels = dict(TeamRole.choices)
    return TeamFigures(
        completed=len(members),
        in_progress=in_progress,
        threshold=threshold,
        overall=overall,
        overall_level_name=level_names.get(overall.level, "") if overall else "",
        areas=tuple(
            AreaRow(
                area=a,
                spread=f.spread,
                level_name=level_names.get(f.spread.level, "") if f.spread else "",
            )
            for a, f in zip(areas, per_area, strict=True)
        ),
        ranking=tuple(row(d) for d in ranking),
        agenda=tuple(row(d) for d in aggregates.workshop_agenda(ranking)),
        roles=tuple(
            RoleRow(label=str(labels.get(g.role, _("Others"))), members=g.members, means=g.means)
            for g in role_groups
        ),
        role_gaps=aggregates.role_gaps(role_groups),
    )


def teams_with_counts() -> QuerySet[Team]:
    """Teams with their numbers of members and of completed tests (the admin's list)."""
    return Team.objects.annotate(
        member_count=Count("members", distinct=True),
        completed_count=Count(
            "members", filter=Q(members__assessment__completed_at__isnull=False), distinct=True
        ),
    )
