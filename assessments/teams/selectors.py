"""Reads of a team: the team of a link, and the figures of its owner page.

The owner's figures are read as plain values (scores, role codes, answer values), never as
members' rows, so nothing on the page can lead from a figure to a person.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .. import result_format, selectors
from ..models import Answer, Area, Assessment, Question
from . import aggregates, mirror, mirror_content
from .models import MirrorResponse, Team, TeamRole


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


# --- Customer mirror (issue 17, item 2) -------------------------------------------------------
# The figures of the customers' view, for the owner page (templates/teams/_mirror.html), the admin
# and the team PDF: one frozen value, computed from the stored rows on every call (nothing cached
# that a deletion could leave stale).


def team_for_customer(token: str) -> Team | None:
    return Team.objects.select_related("version").by_customer_token(token)


def min_customers() -> int:
    """The mirror's threshold: the setting, never below mirror.MIN_CUSTOMERS_FLOOR."""
    return mirror.min_customers(settings.TEAM_MIRROR_MIN_RESPONSES)


def team_mirror(team: Team) -> mirror_content.MirrorContent | None:
    """The customer mirror of the team's questionnaire version (None: the version has none)."""
    return mirror_content.mirror_for_label(team.version.label)


@dataclass(frozen=True)
class MirrorQuestionRow:
    question: mirror_content.MirrorQuestion
    area: Area
    inside: mirror.Score
    customers: mirror.Score
    dont_know: int
    gap: float | None
    finding: str | None
    # The tips of the inside questions it mirrors: what to do about a gap here.
    recommendations: tuple[str, ...]
    mirrored: tuple[Question, ...]


@dataclass(frozen=True)
class MirrorAreaRow:
    area: Area
    inside: float | None  # the team's mean area score (the team's own threshold applies)
    customers: mirror.Score
    gap: float | None


@dataclass(frozen=True)
class MirrorComparison:
    available: bool  # the team's questionnaire version has a customer mirror
    responses: int
    threshold: int
    team_threshold: int
    inside_shown: bool = False
    areas: tuple[MirrorAreaRow, ...] = ()
    questions: tuple[MirrorQuestionRow, ...] = ()
    recommend: mirror.Recommend | None = None
    comments: tuple[str, ...] = ()  # in a random order, fresh on every call

    @property
    def shown(self) -> bool:
        return self.available and self.responses >= self.threshold

    @property
    def clear_gap(self) -> float:
        return mirror.CLEAR_GAP

    @property
    def blind_spots(self) -> tuple[MirrorQuestionRow, ...]:
        rows = [r for r in self.questions if r.finding == mirror.BLIND_SPOT]
        return tuple(sorted(rows, key=lambda r: -(r.gap or 0)))

    @property
    def hidden_strengths(self) -> tuple[MirrorQuestionRow, ...]:
        rows = [r for r in self.questions if r.finding == mirror.HIDDEN_STRENGTH]
        return tuple(sorted(rows, key=lambda r: r.gap or 0))


def mirror_comparison(team: Team, *, figures: TeamFigures | None = None) -> MirrorComparison:
    """The customers' view beside the team's: only the count below the mirror's threshold, and
    the team's side only when the team itself has reached its own threshold.

    `figures`, the team's own (team_figures), spares reading every colleague's result again
    where the caller has them already (the owner page)."""
    content_of_mirror = team_mirror(team)
    threshold = min_customers()
    team_threshold = min_respondents()
    if content_of_mirror is None:
        return MirrorComparison(
            available=False, responses=0, threshold=threshold, team_threshold=team_threshold
        )
    rows = list(
        team.mirror_responses.filter(mirror_version=content_of_mirror.version).values_list(
            "answers", "recommend", "comment"
        )
    )
    if len(rows) < threshold:
        return MirrorComparison(
            available=True, responses=len(rows), threshold=threshold, team_threshold=team_threshold
        )
    # As stored by services.mirror_respond; group_score counts only answers on the scale.
    customers = [answers if isinstance(answers, dict) else {} for answers, _r, _c in rows]

    content = selectors.questionnaire_content(team.version)
    areas = {area.code: area for area in content.areas}
    inside_questions = {q.code: q for area in content.areas for q in area.questions.all()}
    if figures is None:
        figures = team_figures(team)
    inside_shown = figures.shown
    member_answers: list[dict[str, int | None]] = []
    area_means = {row.area.code: row.spread.mean if row.spread else None for row in figures.areas}
    if inside_shown:
        mirrored = {code for q in content_of_mirror.questions for code in q.mirrors}
        by_pk = {question.pk: code for code, question in inside_questions.items()}
        answers_of: dict[int, dict[str, int | None]] = {}
        for assessment_id, question_id, value in (
            Answer.objects.filter(
                assessment__in=counted_members(team).values("pk"),
                question_id__in=[inside_questions[code].pk for code in mirrored],
                option__isnull=False,
            )
            .order_by()
            .values_list("assessment_id", "question_id", "option__value")
        ):
            answers_of.setdefault(assessment_id, {})[by_pk[question_id]] = value
        member_answers = list(answers_of.values())

    question_rows = []
    for question in content_of_mirror.questions:
        inside = (
            mirror.group_score(member_answers, question.mirrors, team_threshold)
            if inside_shown
            else mirror.Score(score=None, count=0)
        )
        outside = mirror.group_score(customers, (question.code,), threshold)
        difference = mirror.gap(inside.score, outside.score)
        question_rows.append(
            MirrorQuestionRow(
                question=question,
                area=areas[question.area],
                inside=inside,
                customers=outside,
                dont_know=sum(1 for c in customers if not mirror.is_answer(c.get(question.code))),
                gap=difference,
                finding=mirror.finding(difference),
                recommendations=tuple(inside_questions[c].tip for c in question.mirrors),
                mirrored=tuple(inside_questions[c] for c in question.mirrors),
            )
        )
    area_rows = []
    for code, area in areas.items():
        area_codes = [q.code for q in content_of_mirror.questions if q.area == code]
        if not area_codes:
            continue
        outside = mirror.group_score(customers, area_codes, threshold)
        inside_mean = area_means.get(code)
        area_rows.append(
            MirrorAreaRow(
                area=area,
                inside=inside_mean,
                customers=outside,
                gap=mirror.gap(inside_mean, outside.score),
            )
        )
    comments = [c.strip() for _a, _r, c in rows if c and c.strip()]
    secrets.SystemRandom().shuffle(comments)
    return MirrorComparison(
        available=True,
        responses=len(rows),
        threshold=threshold,
        team_threshold=team_threshold,
        inside_shown=inside_shown,
        areas=tuple(area_rows),
        questions=tuple(question_rows),
        recommend=mirror.recommend_distribution(
            [r for _a, r, _c in rows if r is not None], threshold
        ),
        comments=tuple(comments),
    )


def teams_with_mirror_counts() -> QuerySet[Team]:
    """teams_with_counts, with each team's number of customer responses (a subquery: a join
    would multiply the members by the responses)."""
    responses = (
        MirrorResponse.objects.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return teams_with_counts().annotate(mirror_count=Coalesce(Subquery(responses), Value(0)))
